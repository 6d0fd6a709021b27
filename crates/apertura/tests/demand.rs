//! Citizen demand over HTTP, on whichever backend the suite runs: a citizen
//! asks a body to publish something, others support it (once each), the
//! body answers and the public list shows it — without who asked; who may
//! do what (anonymous visitors, another body's editor); bad answers and the
//! administrators' import of access-request statistics answered in Spanish.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::{spawn_app, TestApp};

const LIST: &str = "/transparencia-proactiva/demanda";
const NEW: &str = "/transparencia-proactiva/demanda/nueva";
const ADMIN: &str = "/admin/demanda-solicitudes";

async fn body_id(app: &TestApp, slug: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    id.to_string()
}

async fn text(client: &reqwest::Client, app: &TestApp, path: &str) -> String {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// A citizen asks Zacazonapan; returns the request's page.
async fn ask(app: &TestApp, citizen: &reqwest::Client) -> String {
    let zac = body_id(app, "ayuntamiento-de-zacazonapan").await;
    let r = app
        .post_form(
            citizen,
            LIST,
            NEW,
            &[
                ("body", zac.as_str()),
                ("topic", "Horarios de las pipas de agua"),
                ("details", "Rutas y horarios por colonia."),
                ("reason", "Nunca sabemos a qué hora llega el agua."),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn citizens_ask_others_support_and_the_body_answers_in_public() {
    let app = spawn_app().await;
    let citizen = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let page = ask(&app, &citizen).await;
    assert!(page.starts_with("/transparencia-proactiva/demanda/"));
    let (status, html) = app.get_text(LIST).await;
    assert_eq!(status, 200);
    assert!(html.contains("Horarios de las pipas de agua"));
    assert!(html.contains("Una persona registrada"));
    assert!(html.contains("Sin respuesta"));
    assert!(html.contains("0 apoyos"));
    assert!(!html.contains("ciudadana@"), "who asked is never shown");

    // The requester cannot support their own request.
    let r = app
        .post_form(&citizen, &page, &format!("{page}/apoyar"), &[])
        .await;
    assert_eq!(r.status(), 409);

    // Someone else supports it; a second time does not count.
    let other = app
        .sign_in("enlace.finanzas@apertura.example", DEMO_PASSWORD)
        .await;
    for _ in 0..2 {
        let r = app
            .post_form(&other, &page, &format!("{page}/apoyar"), &[])
            .await;
        assert_eq!(r.status(), 303);
    }
    let (_, html) = app.get_text(&page).await;
    assert!(html.contains("1 apoyo"), "{html}");
    assert!(text(&other, &app, &page)
        .await
        .contains("Usted ya apoya esta petición"));

    // Anonymous visitors read but neither ask nor support (their token
    // comes from the sign-in form: these pages offer them no form).
    let anonymous = app.browser();
    let r = app
        .post_form(
            &anonymous,
            "/entrar",
            NEW,
            &[("topic", "Otra cosa"), ("reason", "Porque sí me sirve.")],
        )
        .await;
    assert!([401, 303].contains(&r.status().as_u16()), "{}", r.status());
    let r = app
        .post_form(&anonymous, "/entrar", &format!("{page}/apoyar"), &[])
        .await;
    assert!([401, 303].contains(&r.status().as_u16()));
    let (_, html) = app.get_text(&page).await;
    assert!(html.contains("1 apoyo"));

    // Another body's editor cannot answer.
    let answer = [
        ("status", "published"),
        ("answer", "Ya están en el portal."),
        ("url", "https://zacazonapan.gob.mx/pipas"),
    ];
    let r = app
        .post_form(&other, &page, &format!("{page}/responder"), &answer)
        .await;
    assert_eq!(r.status(), 403);

    // Declining needs reasons, in Spanish.
    let editor = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &editor,
            &page,
            &format!("{page}/responder"),
            &[("status", "declined"), ("answer", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("explique sus razones en al menos una oración"));
    let r = app
        .post_form(
            &editor,
            &page,
            &format!("{page}/responder"),
            &[("status", "published"), ("url", "http://inseguro.mx")],
        )
        .await;
    assert_eq!(r.status(), 422);

    // Zacazonapan's editor answers: published, with its link.
    let r = app
        .post_form(&editor, &page, &format!("{page}/responder"), &answer)
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = app.get_text(LIST).await;
    assert!(html.contains("Publicada"));
    // (minijinja escapes the slashes.)
    assert!(html.contains("https:&#x2f;&#x2f;zacazonapan.gob.mx&#x2f;pipas"));
    assert!(html.contains("Ya están en el portal."));
    let (_, html) = app.get_text(&format!("{LIST}?estado=published")).await;
    assert!(html.contains("Horarios de las pipas de agua"));
    let (_, html) = app.get_text(&format!("{LIST}?estado=declined")).await;
    assert!(!html.contains("Horarios de las pipas de agua"));
    let (_, html) = app
        .get_text(&format!("{LIST}?sujeto=secretaria-de-finanzas"))
        .await;
    assert!(!html.contains("Horarios de las pipas de agua"));

    // Every write is audited.
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'demand_request'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    assert_eq!(n, 3, "create, support, answer");

    // A request without a topic: 422 with the message.
    let r = app
        .post_form(
            &citizen,
            LIST,
            NEW,
            &[("topic", ""), ("reason", "Me sirve mucho.")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Escriba el tema"));
    assert!(html.contains("Elija el sujeto obligado"));
    let (status, _) = app.get_text(&format!("{LIST}/99999")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn administrators_import_access_request_statistics() {
    let app = spawn_app().await;
    let admin = app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
    let citizen = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let r = citizen.get(app.url(ADMIN)).send().await.unwrap();
    assert_eq!(r.status(), 403);

    let good = "body,topic,date,count\n\
                ayuntamiento-de-zacazonapan,Agua potable,2025-01-10,4\n\
                ayuntamiento-de-zacazonapan,Obra pública,10/02/2025,2\n\
                ayuntamiento-de-zacazonapan,Agua potable,15/02/2025,3\n\
                secretaria-de-finanzas,Nómina,2025-03-01,5\n";
    let r = app.post_form(&admin, ADMIN, ADMIN, &[("csv", good)]).await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let html = text(&admin, &app, r.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("Se importaron 4 filas"), "{html}");
    assert!(html.contains("Agua potable</td><td>7</td>"), "{html}");
    assert!(html.contains("Nómina</td><td>5</td>"));

    let bad = "body,topic,date,count\n\
               ayuntamiento-de-zacazonapan,Agua potable,2025-01-10,4\n\
               ayuntamiento-de-zacazonapan,Agua potable,31/02/2025,3\n";
    let r = app.post_form(&admin, ADMIN, ADMIN, &[("csv", bad)]).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Línea 3: la fecha no es válida"), "{html}");
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM access_request_stats")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 4, "nothing of the bad file was imported");

    // The file as the requests system exports it: Latin-1, chosen as a file.
    let latin1: Vec<u8> = "body,topic,date,count\nsecretaria-de-finanzas,Nómina,2025-04-01,2\n"
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let token = app.form_token(&admin, ADMIN).await;
    let (ct, body) = common::multipart(
        &[("csv", "")],
        &[("csv_file", "solicitudes.csv", "text/csv", &latin1)],
    );
    let r = admin
        .post(app.url(ADMIN))
        .query(&[("_csrf", token.as_str())])
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let html = text(&admin, &app, r.headers()["location"].to_str().unwrap()).await;
    assert!(html.contains("Nómina</td><td>7</td>"), "{html}");
}
