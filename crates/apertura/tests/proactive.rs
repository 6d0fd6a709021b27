//! Proactive-transparency practices over HTTP, on whichever backend the
//! suite runs: a body registers a practice and sends it, the institute
//! evaluates it with the rubric (returns it with observations, then
//! publishes the result), and what each person sees along the way; the
//! rubric's administration; bad input answered in Spanish.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::{spawn_app, TestApp};

const NEW: &str = "/transparencia-proactiva/practicas/nueva";

fn practice_fields<'a>(title: &'a str, dataset: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        (
            "problem",
            "Las familias no saben a qué hora pasa la pipa de agua por su colonia.",
        ),
        (
            "population",
            "Habitantes de colonias sin red de agua potable.",
        ),
        ("demand_method", "solicitudes"),
        (
            "demand_evidence",
            "31 solicitudes de acceso en 2025 preguntaron por las rutas de las pipas.",
        ),
        ("datasets", dataset),
        ("links", "https://zacazonapan.gob.mx/pipas"),
        ("channels", "Portal, perifoneo y grupos vecinales."),
        ("frequency", "WEEKLY"),
        ("indicators", "Descargas y solicitudes sobre pipas."),
    ]
}

async fn dataset_id(app: &TestApp, slug: &str) -> String {
    let id: i64 = sqlx::query_scalar("SELECT id FROM datasets WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    id.to_string()
}

/// Every criterion at `level`, the decision and a comment.
async fn evaluation(
    app: &TestApp,
    level: &str,
    decision: &str,
    comment: &str,
) -> Vec<(String, String)> {
    let codes: Vec<String> =
        sqlx::query_scalar("SELECT code FROM rubric_criteria WHERE active = 1 ORDER BY position")
            .fetch_all(app.app_state.db.pool())
            .await
            .unwrap();
    assert!(codes.len() >= 7, "the rubric the law suggests is seeded");
    let mut out: Vec<(String, String)> = codes
        .iter()
        .map(|c| (format!("level-{c}"), level.to_string()))
        .collect();
    out.push((
        "comment-conocimiento-util".into(),
        "Muy útil para las colonias.".into(),
    ));
    out.push(("decision".into(), decision.into()));
    out.push(("comment".into(), comment.into()));
    out
}

#[tokio::test]
async fn a_practice_goes_from_the_body_to_the_institute_and_its_result_is_public() {
    let app = spawn_app().await;
    let body = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let obras = dataset_id(&app, "obra-publica-zacazonapan-2025").await;

    // Registered: a draft, seen by its body only.
    let r = app
        .post_form(
            &body,
            NEW,
            NEW,
            &practice_fields("Rutas de las pipas de agua", &obras),
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let page = r.headers()["location"]
        .to_str()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        page,
        "/transparencia-proactiva/practicas/rutas-de-las-pipas-de-agua"
    );
    let (status, _) = app.get_text(&page).await;
    assert_eq!(status, 404, "a draft is not public");
    let html = body
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Borrador"));
    assert!(html.contains("Obra pública"), "the linked dataset: {html}");

    // Sent to the institute: public, being evaluated.
    let r = app
        .post_form(&body, &page, &format!("{page}/enviar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let (status, html) = app.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("En evaluación"));
    // While evaluated, the body cannot change it.
    let r = body
        .get(app.url(&format!("{page}/editar")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);

    // The reviewer returns it with observations.
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let list = reviewer
        .get(app.url("/transparencia-proactiva"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        list.contains(&format!("{page}/evaluar")),
        "waiting for the institute"
    );
    let fields = evaluation(&app, "1", "return", "Falta la evidencia del periodo 2024.").await;
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(
            &reviewer,
            &format!("{page}/evaluar"),
            &format!("{page}/evaluar"),
            &fields,
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = body
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Falta la evidencia del periodo 2024."),
        "the body reads the observations"
    );
    let (_, public) = app.get_text(&page).await;
    assert!(
        !public.contains("Falta la evidencia"),
        "observations are for the body"
    );
    assert!(public.contains("Con observaciones"));

    // The body improves it and sends it again; the reviewer publishes.
    let mut improved = practice_fields("Rutas de las pipas de agua", &obras);
    improved[4].1 = "31 solicitudes en 2025 y 18 en 2024 preguntaron por las rutas de las pipas.";
    let r = app
        .post_form(
            &body,
            &format!("{page}/editar"),
            &format!("{page}/editar"),
            &improved,
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&body, &page, &format!("{page}/enviar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let fields = evaluation(&app, "2", "publish", "Buena práctica.").await;
    let mut fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // One criterion only partly met: 1 of 2 on weight 1 of 15 → 97.
    fields.retain(|(k, _)| *k != "level-oportuna");
    fields.push(("level-oportuna", "1"));
    let r = app
        .post_form(
            &reviewer,
            &format!("{page}/evaluar"),
            &format!("{page}/evaluar"),
            &fields,
        )
        .await;
    assert_eq!(r.status(), 303);

    // The public page shows the result, criterion by criterion, with its legal source.
    let (status, html) = app.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Evaluada"));
    assert!(html.contains("97 de 100"), "{html}");
    assert!(html.contains("Genera conocimiento público útil"));
    assert!(html.contains("art. 56"));
    assert!(html.contains("Muy útil para las colonias."));
    assert!(
        !html.contains("Ronda 1"),
        "the history is the body's and the institute's"
    );
    let html = body
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ronda 1") && html.contains("Ronda 2"));
    // In the list, filtered by body and status.
    let (_, list) = app
        .get_text("/transparencia-proactiva?sujeto=ayuntamiento-de-zacazonapan&estado=evaluadas")
        .await;
    assert!(list.contains("Rutas de las pipas de agua") && list.contains("97 de 100"));
    // Every step audited.
    let audited: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE entity = 'practice' ORDER BY id")
            .fetch_all(app.app_state.db.pool())
            .await
            .unwrap();
    for step in ["create", "submit", "evaluate", "update"] {
        assert!(audited.iter().any(|a| a == step), "{step}: {audited:?}");
    }
    // Evaluated: no more rounds.
    let r = reviewer
        .get(app.url(&format!("{page}/evaluar")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    // And it can be found.
    app.settle().await;
    let (_, found) = app.get_text("/buscar?q=pipas&tipo=practicas").await;
    assert!(
        found.contains("practicas&#x2f;rutas-de-las-pipas-de-agua"),
        "{found}"
    );
}

#[tokio::test]
async fn forms_answer_in_spanish_and_stay_within_each_role() {
    let app = spawn_app().await;
    let body = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    // Everything missing or wrong, field by field.
    let r = app
        .post_form(
            &body,
            NEW,
            NEW,
            &[
                ("title", "x"),
                ("links", "javascript:alert(1)"),
                ("datasets", "999999"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for message in [
        "Escriba un nombre de 5 a 200 caracteres.",
        "Elija cómo se identificó la demanda.",
        "Cada enlace debe ser una dirección completa",
        "Sólo puede vincular conjuntos de datos de su sujeto obligado.",
    ] {
        assert!(html.contains(message), "{message}");
    }
    // Another body's dataset may not be linked.
    let other = dataset_id(&app, "poblacion-municipios-2020").await;
    let r = app
        .post_form(
            &body,
            NEW,
            NEW,
            &practice_fields("Práctica con datos ajenos", &other),
        )
        .await;
    assert_eq!(r.status(), 422);
    // The demo practice is being evaluated: a citizen may read it, not evaluate it.
    let citizen = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let page = "/transparencia-proactiva/practicas/obra-publica-en-un-mapa";
    let r = citizen.get(app.url(page)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = citizen
        .get(app.url(&format!("{page}/evaluar")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A reviewer who forgets levels and the reason to return it.
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &reviewer,
            &format!("{page}/evaluar"),
            &format!("{page}/evaluar"),
            &[("decision", "return"), ("comment", "mal")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Falta elegir el nivel de algún criterio."));
    assert!(html.contains("escriba qué debe mejorar"));
    // A level that does not exist is not accepted either.
    let mut fields = evaluation(&app, "2", "publish", "").await;
    fields[0].1 = "9".into();
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(
            &reviewer,
            &format!("{page}/evaluar"),
            &format!("{page}/evaluar"),
            &fields,
        )
        .await;
    assert_eq!(r.status(), 422);
    // Unknown practice: 404 in Spanish.
    let (status, html) = app
        .get_text("/transparencia-proactiva/practicas/no-existe")
        .await;
    assert_eq!(status, 404);
    assert!(html.contains("No encontramos"), "{html}");
}

#[tokio::test]
async fn administrators_adjust_the_rubric_and_past_results_keep_theirs() {
    let app = spawn_app().await;
    let admin = app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
    let html = admin
        .get(app.url("/admin/rubrica"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ley General de Transparencia"));
    let id: i64 = sqlx::query_scalar("SELECT id FROM rubric_criteria WHERE code = 'oportuna'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    // Read the current form's values, change one weight, add a criterion.
    let rows: Vec<(i64, String, String, String, i64, String, i64)> = {
        let rs = sqlx::query_as::<_, (i64, String, String, String, i64, String, i64)>(
            "SELECT id, title, guidance, legal_source, weight, levels, position FROM rubric_criteria ORDER BY id",
        )
        .fetch_all(app.app_state.db.pool())
        .await
        .unwrap();
        rs
    };
    let mut fields: Vec<(String, String)> = vec![];
    for (cid, title, guidance, source, weight, levels, position) in &rows {
        let weight = if *cid == id { 5 } else { *weight };
        fields.extend([
            (format!("title-{cid}"), title.clone()),
            (format!("guidance-{cid}"), guidance.clone()),
            (format!("legal_source-{cid}"), source.clone()),
            (format!("weight-{cid}"), weight.to_string()),
            (format!("levels-{cid}"), levels.clone()),
            (format!("position-{cid}"), position.to_string()),
            (format!("active-{cid}"), "1".into()),
        ]);
    }
    fields.extend([
        (
            "title-new".to_string(),
            "Incluye perspectiva de género".to_string(),
        ),
        (
            "guidance-new".into(),
            "Datos desagregados por sexo cuando aplica.".into(),
        ),
        (
            "legal_source-new".into(),
            "Lineamientos del Infoem (por definir).".into(),
        ),
        ("weight-new".into(), "1".into()),
        ("levels-new".into(), "0 | No\n1 | Sí".into()),
        ("position-new".into(), "200".into()),
    ]);
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = app
        .post_form(&admin, "/admin/rubrica", "/admin/rubrica", &borrowed)
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let weight: i64 = sqlx::query_scalar("SELECT weight FROM rubric_criteria WHERE id = $1")
        .bind(id)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(weight, 5);
    let (_, list) = app.get_text("/transparencia-proactiva").await;
    assert!(
        list.contains("Incluye perspectiva de género"),
        "the public rubric follows"
    );
    // Levels typed wrong: the form again, with the reason.
    let mut bad = borrowed.clone();
    let levels_key = format!("levels-{id}");
    bad.retain(|(k, _)| *k != levels_key.as_str() && !k.ends_with("-new"));
    bad.push((levels_key.as_str(), "uno | sólo"));
    let r = app
        .post_form(&admin, "/admin/rubrica", "/admin/rubrica", &bad)
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("uno por línea"));
    // Only administrators.
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let r = reviewer
        .get(app.url("/admin/rubrica"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}
