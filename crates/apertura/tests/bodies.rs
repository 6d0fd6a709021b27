//! Public bodies (sujetos obligados) over HTTP: the public list and profiles,
//! their administration by platform administrators (create, edit, field
//! errors in Spanish, audit entries), who may not administer them, and logo
//! uploads (PNG and JPEG accepted by their bytes, SVG and impostors refused).
//! Runs on SQLite, or on PostgreSQL with `APERTURA_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::{spawn_app, TestApp};
use directory::domain::{check_logo, validate_body, BodyInput, ImageKind, LOGO_MAX_BYTES};
use kernel::db::Row;

const ADMIN: &str = "admin@apertura.example";
const CITIZEN: &str = "ciudadana@apertura.example";
const NEW: &str = "/admin/sujetos-obligados/nuevo";

/// A 1×1 PNG in the institute's colour.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
    0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xa8, 0x92, 0x77, 0x05,
    0x00, 0x01, 0xf5, 0x00, 0xdf, 0xd7, 0x23, 0x38, 0x90, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// The start of a JPEG (JFIF), enough for the magic-byte check.
const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9,
];

const SVG: &[u8] = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;

/// Posts a multipart form as the browser does: the CSRF token (from
/// `form_page`) in the query string and in the `_csrf` field.
async fn post_multipart(
    app: &TestApp,
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
    files: &[common::FilePart<'_>],
) -> reqwest::Response {
    let token = app.form_token(client, form_page).await;
    let mut all = fields.to_vec();
    all.push(("_csrf", &token));
    let (content_type, body) = common::multipart(&all, files);
    client
        .post(app.url(&format!("{action}?_csrf={token}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

async fn text_of(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_string()
}

/// The audit entries of a body: (action, before, after), oldest first.
async fn audit_of(app: &TestApp, slug: &str) -> Vec<(String, Option<String>, Option<String>)> {
    let id: i64 = sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    sqlx::query(
        "SELECT action, before_json, after_json FROM audit_log WHERE entity = 'body' AND entity_id = $1 ORDER BY id",
    )
    .bind(id.to_string())
    .fetch_all(app.app_state.db.pool())
    .await
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.try_get("action").unwrap(),
            r.try_get("before_json").unwrap(),
            r.try_get("after_json").unwrap(),
        )
    })
    .collect()
}

#[tokio::test]
async fn anyone_sees_the_list_and_a_profile() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/sujetos-obligados").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Sujetos obligados</h1>"));
    for name in [
        "Ayuntamiento de Zacazonapan",
        "Ayuntamiento de Toluca",
        "Secretaría de Finanzas",
        "Sistema Municipal DIF de Zacazonapan",
    ] {
        assert!(html.contains(name), "{name} listed");
    }
    assert!(html.contains("Demostración"), "demo bodies are marked");
    assert!(
        html.contains("Organismo descentralizado municipal"),
        "kind names come from the catalog"
    );
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("href=\"/sujetos-obligados/ayuntamiento-de-zacazonapan\""));
    assert!(
        !html.contains("Administrar sujetos obligados"),
        "no admin link for anonymous"
    );

    // Filter by kind, by municipality, both; unknown values are ignored.
    let (_, html) = app.get_text("/sujetos-obligados?tipo=ayuntamiento").await;
    assert!(html.contains("Se muestran 3 de"));
    assert!(html.contains("Ayuntamiento de Toluca"));
    assert!(!html.contains("Secretaría de Finanzas"));
    let (_, html) = app.get_text("/sujetos-obligados?municipio=15116").await;
    assert!(html.contains("Ayuntamiento de Zacazonapan"));
    assert!(html.contains("Sistema Municipal DIF de Zacazonapan"));
    assert!(!html.contains("Ayuntamiento de Toluca"));
    assert!(html.contains("<option value=\"15116\" selected>Zacazonapan</option>"));
    let (_, html) = app
        .get_text("/sujetos-obligados?tipo=organismo-municipal&municipio=15116")
        .await;
    assert!(html.contains("Se muestran 1 de"));
    let (status, html) = app
        .get_text("/sujetos-obligados?tipo=nada&municipio=99")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Secretaría de Finanzas") && html.contains("Ayuntamiento de Toluca"));
    let (_, html) = app.get_text("/sujetos-obligados?municipio=15040").await;
    assert!(html.contains("Ningún sujeto obligado coincide"));

    // A profile.
    let (status, html) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Ayuntamiento de Zacazonapan</h1>"));
    assert!(html.contains("Ayuntamiento"));
    assert!(
        html.contains("href=\"/municipios/zacazonapan\""),
        "links its municipality"
    );
    assert!(html.contains("Alojado en la plataforma"), "hosted badge");
    assert!(html.contains("Demostración"));
    assert!(html.contains("Unidad de Transparencia"));
    // The catalog contributes the section on what the body has published.
    assert!(html.contains("Datos abiertos publicados"));
    assert!(html.contains("Obra pública de Zacazonapan, 2025"));
    assert!(
        !html.contains("Presupuesto de egresos de Zacazonapan, 2026"),
        "a dataset in review is not public"
    );
    let (_, other) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-texcaltitlan")
        .await;
    assert!(
        other.contains("Aún no ha publicado conjuntos de datos."),
        "says plainly that nothing is published yet"
    );
    assert!(!html.contains("<img"), "no logo yet");
    assert!(!html.contains("Editar este sujeto obligado"));
    let (status, _) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan/logo")
        .await;
    assert_eq!(status, 404, "no logo, no file");
    let (status, html) = app
        .get_text("/sujetos-obligados/secretaria-de-finanzas")
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Poder Ejecutivo"));
    assert!(!html.contains("Alojado en la plataforma"));
    let (status, html) = app.get_text("/sujetos-obligados/no-existe").await;
    assert_eq!(status, 404);
    assert!(html.contains("Página no encontrada"));

    // In English too.
    let (_, html) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan?lang=en")
        .await;
    assert!(html.contains("Published open data"));
    assert!(html.contains("Municipal government"));

    // The municipality's page links each body to its profile.
    let (_, html) = app.get_text("/municipios/zacazonapan").await;
    assert!(html.contains("href=\"/sujetos-obligados/ayuntamiento-de-zacazonapan\""));
    assert!(html.contains("href=\"/sujetos-obligados/sistema-dif-zacazonapan\""));
}

#[tokio::test]
async fn an_administrator_creates_and_edits_a_body() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let (status, html) = text_of(&admin, &app, "/admin/sujetos-obligados").await;
    assert_eq!(status, 200);
    assert!(html.contains("<th scope=\"col\">"));
    assert!(html.contains("href=\"/admin/sujetos-obligados/ayuntamiento-de-toluca/editar\""));
    assert!(html.contains("href=\"/admin/sujetos-obligados/nuevo\""));
    let r = admin.get(app.url(NEW)).send().await.unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    let (status, html) = text_of(&admin, &app, NEW).await;
    assert_eq!(status, 200);
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains("?_csrf="),
        "the token travels in the query for multipart"
    );
    assert!(html.contains("name=\"_csrf\""));
    assert!(
        html.contains("menos de 70,000 habitantes"),
        "the hosted hint"
    );
    assert!(html.contains("<label for=\"f-kind\">"));
    assert!(!html.contains("style="), "no inline style (CSP)");
    // From a small municipality's page, hosted is ticked by default.
    let (_, html) = text_of(
        &admin,
        &app,
        "/admin/sujetos-obligados/nuevo?municipio=15041",
    )
    .await;
    assert!(html.contains("<option value=\"15041\" selected>"));
    assert!(html.contains("name=\"hosted\" value=\"1\" checked"));
    let (_, html) = text_of(
        &admin,
        &app,
        "/admin/sujetos-obligados/nuevo?municipio=15106",
    )
    .await;
    assert!(
        !html.contains("name=\"hosted\" value=\"1\" checked"),
        "Toluca is not small"
    );
    let (_, html) = text_of(&admin, &app, "/municipios/zacazonapan").await;
    assert!(html.contains("href=\"/admin/sujetos-obligados/nuevo?municipio=15116\""));

    // Errors beside each field, in Spanish, keeping what was typed.
    let r = app
        .post_form(
            &admin,
            NEW,
            NEW,
            &[
                ("name", "Ayuntamiento de Ixtapan de la Sal"),
                ("kind", "ayuntamiento"),
                ("municipality", ""),
                ("contact_email", "no-es-un-correo"),
                ("contact_phone", "722 ABC"),
                ("website", "ixtapan.gob.mx"),
                ("description", "Texto que se conserva."),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Revise los datos marcados"), "error summary");
    assert!(html.contains("Elija el municipio"));
    assert!(html.contains("Escriba un correo electrónico válido"));
    assert!(html.contains("Escriba un teléfono"));
    assert!(html.contains("Escriba una dirección web completa"));
    assert!(
        html.contains("href=\"#f-contact_email\""),
        "the summary links to the field"
    );
    assert!(html.contains("id=\"f-contact_email-error\""));
    assert!(html.contains("aria-invalid=\"true\""));
    assert!(html.contains("value=\"Ayuntamiento de Ixtapan de la Sal\""));
    assert!(html.contains("value=\"no-es-un-correo\""));
    assert!(html.contains("Texto que se conserva."));
    assert!(html.contains("<option value=\"ayuntamiento\" selected>"));
    // The summary follows the order of the form.
    let municipality_at = html.find("href=\"#f-municipality\"").unwrap();
    let email_at = html.find("href=\"#f-contact_email\"").unwrap();
    assert!(municipality_at < email_at);

    // A name whose slug is taken.
    let r = app
        .post_form(
            &admin,
            NEW,
            NEW,
            &[
                ("name", "Ayuntamiento de Zacazonapan"),
                ("kind", "ayuntamiento"),
                ("municipality", "15116"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ya existe un sujeto obligado con esta dirección web"));
    assert!(html.contains("id=\"f-name-error\""));
    // A typed slug that is taken: the error goes beside the slug.
    let r = app
        .post_form(
            &admin,
            NEW,
            NEW,
            &[
                ("name", "Otro nombre"),
                ("slug", "Secretaría de Finanzas"),
                ("kind", "poder-ejecutivo"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("id=\"f-slug-error\""));

    // Created.
    let r = app
        .post_form(
            &admin,
            NEW,
            NEW,
            &[
                ("name", "  Ayuntamiento de Ixtapan de la Sal "),
                ("kind", "ayuntamiento"),
                ("municipality", "15040"),
                ("hosted", "1"),
                (
                    "description",
                    "Gobierno municipal de Ixtapan de la Sal.\r\n\r\nSegundo párrafo.",
                ),
                ("contact_name", "Ana López Ñúñez"),
                ("contact_email", "Transparencia@Ixtapan.example"),
                ("contact_phone", "+52 (721) 141-0000"),
                ("website", "https://ixtapan.example/transparencia"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let slug = "ayuntamiento-de-ixtapan-de-la-sal";
    assert_eq!(
        location(&r),
        format!("/sujetos-obligados/{slug}?aviso=creado")
    );
    let (status, html) = app
        .get_text(&format!("/sujetos-obligados/{slug}?aviso=creado"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Ayuntamiento de Ixtapan de la Sal</h1>"));
    assert!(html.contains("Se registró el sujeto obligado."));
    assert!(html.contains("href=\"/municipios/ixtapan-de-la-sal\""));
    assert!(html.contains("<p>Gobierno municipal de Ixtapan de la Sal.</p>"));
    assert!(html.contains("<p>Segundo párrafo.</p>"));
    assert!(html.contains("Ana López Ñúñez"));
    assert!(
        html.contains("transparencia@ixtapan.example"),
        "e-mail stored in lower case"
    );
    assert!(html.contains("href=\"tel:+527211410000\""));
    assert!(html.contains("Alojado en la plataforma"));
    assert!(
        !html.contains("Demostración"),
        "created by hand, not demo data"
    );
    let (_, list) = app.get_text("/sujetos-obligados?municipio=15040").await;
    assert!(list.contains("Ayuntamiento de Ixtapan de la Sal"));
    let (_, municipality) = app.get_text("/municipios/ixtapan-de-la-sal").await;
    assert!(municipality.contains(&format!("href=\"/sujetos-obligados/{slug}\"")));

    // Edited: the form shows what is stored; the slug stays.
    let edit = format!("/admin/sujetos-obligados/{slug}/editar");
    let (status, html) = text_of(&admin, &app, &edit).await;
    assert_eq!(status, 200);
    assert!(html.contains("value=\"Ayuntamiento de Ixtapan de la Sal\""));
    assert!(html.contains("value=\"transparencia@ixtapan.example\""));
    assert!(html.contains("<option value=\"15040\" selected>"));
    let r = app
        .post_form(
            &admin,
            &edit,
            &edit,
            &[
                ("name", "H. Ayuntamiento de Ixtapan de la Sal"),
                ("kind", "ayuntamiento"),
                ("municipality", "15040"),
                ("description", "Descripción nueva."),
                ("contact_name", "Luis Pérez"),
                ("contact_email", "ut@ixtapan.example"),
                ("website", "https://ixtapan.example/"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        format!("/sujetos-obligados/{slug}?aviso=actualizado")
    );
    let (_, html) = app
        .get_text(&format!("/sujetos-obligados/{slug}?aviso=actualizado"))
        .await;
    assert!(html.contains("<h1>H. Ayuntamiento de Ixtapan de la Sal</h1>"));
    assert!(html.contains("Se guardaron los cambios."));
    assert!(html.contains("Descripción nueva."));
    assert!(!html.contains("Segundo párrafo."));
    assert!(html.contains("Luis Pérez"));
    assert!(!html.contains("tel:"), "the phone was emptied");
    assert!(!html.contains("Alojado en la plataforma"), "unticked");
    // An invalid edit keeps the typed values and changes nothing.
    let r = app
        .post_form(
            &admin,
            &edit,
            &edit,
            &[
                ("name", ""),
                ("kind", "ayuntamiento"),
                ("municipality", "15040"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Escriba el nombre del sujeto obligado."));

    // The audit log has both, with the state before and after.
    let entries = audit_of(&app, slug).await;
    let actions: Vec<&str> = entries.iter().map(|(a, _, _)| a.as_str()).collect();
    assert_eq!(actions, ["create", "update"]);
    let (_, before, after) = &entries[0];
    assert!(before.is_none());
    assert!(after.as_deref().unwrap().contains("Segundo párrafo."));
    let (_, before, after) = &entries[1];
    assert!(before.as_deref().unwrap().contains("Segundo párrafo."));
    assert!(after.as_deref().unwrap().contains("Descripción nueva."));
    let actor: Option<i64> = sqlx::query_scalar(
        "SELECT actor_user_id FROM audit_log WHERE entity = 'body' AND action = 'update' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert!(actor.is_some(), "the administrator is recorded");

    // Editing a body that does not exist.
    let (status, _) = text_of(&admin, &app, "/admin/sujetos-obligados/no-existe/editar").await;
    assert_eq!(status, 404);
    // The profile offers the administrator an edit link.
    let (_, html) = text_of(&admin, &app, &format!("/sujetos-obligados/{slug}")).await;
    assert!(html.contains(&format!("href=\"/admin/sujetos-obligados/{slug}/editar\"")));
}

#[tokio::test]
async fn only_platform_administrators_manage_bodies() {
    let app = spawn_app().await;
    let anonymous = app.browser();
    let pages = [
        "/admin/sujetos-obligados",
        NEW,
        "/admin/sujetos-obligados/ayuntamiento-de-zacazonapan/editar",
    ];
    for page in pages {
        let (status, html) = text_of(&anonymous, &app, page).await;
        assert_eq!(status, 401, "{page}");
        assert!(html.contains("Inicie sesión"), "{page}");
    }
    let r = app
        .post_form(
            &anonymous,
            "/entrar",
            NEW,
            &[("name", "Intruso"), ("kind", "sindicato")],
        )
        .await;
    assert_eq!(r.status(), 401);

    let citizen = app.sign_in(CITIZEN, DEMO_PASSWORD).await;
    for page in pages {
        let (status, html) = text_of(&citizen, &app, page).await;
        assert_eq!(status, 403, "{page}");
        assert!(html.contains("Acceso denegado"), "{page}");
    }
    let r = app
        .post_form(
            &citizen,
            "/sujetos-obligados",
            NEW,
            &[("name", "Intruso"), ("kind", "sindicato")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let edit = "/admin/sujetos-obligados/ayuntamiento-de-zacazonapan/editar";
    let r = post_multipart(
        &app,
        &citizen,
        "/sujetos-obligados",
        edit,
        &[
            ("name", "Intruso"),
            ("kind", "ayuntamiento"),
            ("municipality", "15116"),
        ],
        &[("logo", "logo.png", "image/png", PNG)],
    )
    .await;
    assert_eq!(r.status(), 403);
    let (_, html) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan")
        .await;
    assert!(
        html.contains("<h1>Ayuntamiento de Zacazonapan</h1>"),
        "unchanged"
    );
    let (_, html) = text_of(&citizen, &app, "/sujetos-obligados").await;
    assert!(!html.contains("Administrar sujetos obligados"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bodies WHERE name = 'Intruso'")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn logos_are_png_or_jpeg_and_served_back_byte_for_byte() {
    let app = spawn_app().await;
    let admin = app.sign_in(ADMIN, DEMO_PASSWORD).await;
    let fields = [
        ("name", "Comisión de Aguas de Prueba"),
        ("kind", "organo-autonomo"),
        ("municipality", ""),
    ];
    let slug = "comision-de-aguas-de-prueba";

    // An SVG is refused, whatever it is called.
    for (filename, content_type) in [("logo.svg", "image/svg+xml"), ("logo.png", "image/png")] {
        let r = post_multipart(
            &app,
            &admin,
            NEW,
            NEW,
            &fields,
            &[("logo", filename, content_type, SVG)],
        )
        .await;
        assert_eq!(r.status(), 422, "{filename}");
        let html = r.text().await.unwrap();
        assert!(html.contains("No se admiten imágenes SVG"), "{filename}");
        assert!(html.contains("id=\"f-logo-error\""));
        assert!(
            html.contains("value=\"Comisión de Aguas de Prueba\""),
            "keeps what was typed"
        );
    }
    // Text called .png is refused too.
    let r = post_multipart(
        &app,
        &admin,
        NEW,
        NEW,
        &fields,
        &[("logo", "logo.png", "image/png", b"hola, no soy una imagen")],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("no es una imagen PNG ni JPEG"));
    // Over 1 MiB.
    let mut big = PNG.to_vec();
    big.resize(LOGO_MAX_BYTES + 10, 0);
    let r = post_multipart(
        &app,
        &admin,
        NEW,
        NEW,
        &fields,
        &[("logo", "grande.png", "image/png", &big)],
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("pesa más de 1 MiB"));
    let (status, _) = app.get_text(&format!("/sujetos-obligados/{slug}")).await;
    assert_eq!(status, 404, "nothing was created");
    // Multipart without the token in the query string is refused.
    let (content_type, body) =
        common::multipart(&fields, &[("logo", "logo.png", "image/png", PNG)]);
    let r = admin
        .post(app.url(NEW))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);

    // A PNG is accepted, stored and served back as it was.
    let r = post_multipart(
        &app,
        &admin,
        NEW,
        NEW,
        &fields,
        &[("logo", "logo-oficial.png", "image/png", PNG)],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        format!("/sujetos-obligados/{slug}?aviso=creado")
    );
    let (_, html) = app.get_text(&format!("/sujetos-obligados/{slug}")).await;
    let src_start = html
        .find(&format!("/sujetos-obligados/{slug}/logo?v="))
        .expect("logo shown");
    let src = &html[src_start..src_start + html[src_start..].find('"').unwrap()];
    assert!(html.contains("alt=\"Logotipo de Comisión de Aguas de Prueba\""));
    let r = app.get(&format!("/sujetos-obligados/{slug}/logo")).await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let etag = r.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG, "byte for byte");
    let r = app.get(src).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let r = app
        .client
        .get(app.url(&format!("/sujetos-obligados/{slug}/logo")))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    let sha: Option<String> = sqlx::query_scalar("SELECT logo_sha256 FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    let sha = sha.unwrap();
    assert_eq!(sha.len(), 64);
    assert!(
        app.app_state.files.exists(&sha).await.unwrap(),
        "content-addressed blob"
    );

    // Replaced by a JPEG when editing; the edit form shows the current logo.
    let edit = format!("/admin/sujetos-obligados/{slug}/editar");
    let (_, html) = text_of(&admin, &app, &edit).await;
    assert!(html.contains("name=\"remove_logo\""));
    let r = post_multipart(
        &app,
        &admin,
        &edit,
        &edit,
        &fields,
        &[("logo", "logo.jpg", "image/jpeg", JPEG)],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = app.get(&format!("/sujetos-obligados/{slug}/logo")).await;
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);
    // Saving without choosing a file keeps the logo.
    let r = post_multipart(
        &app,
        &admin,
        &edit,
        &edit,
        &fields,
        &[("logo", "", "application/octet-stream", b"")],
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = app.get(&format!("/sujetos-obligados/{slug}/logo")).await;
    assert_eq!(r.status(), 200);
    // Removed on request.
    let mut remove = fields.to_vec();
    remove.push(("remove_logo", "1"));
    let r = app.post_form(&admin, &edit, &edit, &remove).await;
    assert_eq!(r.status(), 303);
    let r = app.get(&format!("/sujetos-obligados/{slug}/logo")).await;
    assert_eq!(r.status(), 404);
    let actions: Vec<String> = audit_of(&app, slug)
        .await
        .into_iter()
        .map(|(a, _, _)| a)
        .collect();
    assert_eq!(actions, ["create", "update", "update", "update"]);
}

#[test]
fn the_validation_function_explains_each_refusal() {
    let ok = BodyInput {
        name: "Sindicato Único de Trabajadores".into(),
        kind: "sindicato".into(),
        contact_email: "sut@ejemplo.mx".into(),
        website: "https://ejemplo.mx".into(),
        ..Default::default()
    };
    let data = validate_body(&ok, &["15116"], None).unwrap();
    assert_eq!(data.slug, "sindicato-unico-de-trabajadores");
    assert_eq!(data.municipality, None);
    let bad = BodyInput {
        kind: "organismo-municipal".into(),
        contact_email: "sut@".into(),
        website: "ftp://ejemplo.mx".into(),
        contact_phone: "(722) 1".into(),
        ..ok.clone()
    };
    assert_eq!(
        validate_body(&bad, &["15116"], None).unwrap_err(),
        [
            ("municipality", "body-error-municipality-required"),
            ("contact_email", "body-error-email"),
            ("contact_phone", "body-error-phone"),
            ("website", "body-error-website"),
        ]
    );
    assert_eq!(check_logo(PNG), Ok(ImageKind::Png));
    assert_eq!(check_logo(JPEG), Ok(ImageKind::Jpeg));
    assert_eq!(check_logo(SVG), Err("body-error-logo-svg"));
    assert_eq!(check_logo(b"%PDF-1.7"), Err("body-error-logo-type"));
}
