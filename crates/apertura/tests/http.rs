//! The real application over HTTP: pages, languages, error pages, headers,
//! health checks, assets, and hostile input. Runs on SQLite, or on PostgreSQL
//! when `APERTURA_TEST_DATABASE_URL` is set.

#![allow(clippy::unwrap_used)]

mod common;

use common::spawn_app;

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[tokio::test]
async fn municipalities_page_lists_125_and_counts_the_small_ones() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/municipios").await;
    assert_eq!(status, 200);
    assert_eq!(count(&html, "<th scope=\"row\">"), 125);
    assert!(
        html.contains("80 de los 125 municipios tienen menos de 70,000 habitantes."),
        "{html}"
    );
    assert!(html.contains("Acambay de Ruíz Castañeda"), "accents intact");
    assert!(html.contains("1,645,352"), "thousands separators");

    let (_, small) = app.get_text("/municipios?menos70=1").await;
    assert_eq!(count(&small, "<th scope=\"row\">"), 80);
    assert!(small.contains("Se muestran 80 de 125 municipios."));
    assert!(small.contains(" checked"), "the checkbox stays ticked");

    let (_, sorted) = app.get_text("/municipios?orden=poblacion&dir=desc").await;
    let first = sorted.find("Ecatepec de Morelos").unwrap();
    let second = sorted.find("Nezahualcóyotl").unwrap();
    assert!(first < second, "largest first");
    assert!(sorted.contains("aria-sort=\"descending\""));

    let (_, search) = app.get_text("/municipios?q=NEZAHUALCOYOTL").await;
    assert!(
        search.contains(">Nezahualcóyotl</a>"),
        "search ignores case and accents"
    );
    // Nezahualcóyotl itself, and Acolman, whose seat is Acolman de Nezahualcóyotl.
    assert_eq!(count(&search, "<th scope=\"row\">"), 2);

    let (status, none) = app.get_text("/municipios?q=zzzz-no-existe").await;
    assert_eq!(status, 200);
    assert!(none.contains("Ningún municipio coincide"));
}

#[tokio::test]
async fn bad_listing_parameters_fall_back_to_defaults() {
    let app = spawn_app().await;
    for q in [
        "orden=<script>&dir=sideways",
        "menos70=quizas",
        "q=%FF%FE",
        "orden=poblacion&orden=nombre",
    ] {
        let (status, html) = app.get_text(&format!("/municipios?{q}")).await;
        assert!(status == 200 || status == 400, "{q}: {status}");
        assert!(
            !html.contains("<script>"),
            "{q}: nothing reflected unescaped"
        );
        if status == 400 {
            assert!(html.contains("Solicitud no válida"), "{q}");
        }
    }
    let long = "a".repeat(50_000);
    let (status, html) = app.get_text(&format!("/municipios?q={long}")).await;
    assert!(
        status == 200 || status == 414 || status == 431 || status == 400,
        "{status}"
    );
    assert!(!html.contains(&"a".repeat(200)), "the search text is cut");
}

#[tokio::test]
async fn municipalities_csv_has_a_bom_and_keeps_leading_zeros() {
    let app = spawn_app().await;
    let r = app.get("/municipios.csv?menos70=1").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 81, "header + 80 rows");
    assert!(lines[0].starts_with("cvegeo,cve_ent,cve_mun,nombre"));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("15001,15,001,Acambay de Ruíz Castañeda")));
}

#[tokio::test]
async fn municipality_profile_and_its_demo_bodies() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/municipios/zacazonapan").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Zacazonapan</h1>"));
    assert!(html.contains("5,109"));
    assert!(html.contains("Ayuntamiento de Zacazonapan"));
    assert!(html.contains("Demostración"), "demo data is marked as demo");
    let (status, html) = app.get_text("/municipios/no-existe").await;
    assert_eq!(status, 404);
    assert!(html.contains("Página no encontrada"));
}

#[tokio::test]
async fn the_layout_is_spanish_first_and_switches_to_english() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/").await;
    assert!(html.contains("<html lang=\"es-MX\">"));
    for label in [
        "Datos abiertos",
        "Transparencia proactiva",
        "Gobierno abierto",
        "Participación",
        "Municipios",
    ] {
        assert!(html.contains(&format!(">{label}</a>")), "nav: {label}");
    }
    assert!(html.contains("Saltar al contenido principal"));
    assert!(html.contains("<main id=\"contenido\""));
    assert!(html.contains("Aviso de privacidad"));

    let r = app
        .client
        .get(app.url("/municipios"))
        .header("accept-language", "en-US,en;q=0.9")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Municipalities of the State of Mexico"));

    let r = app.get("/municipios?lang=en").await;
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("lang=en")),
        "{cookies:?}"
    );
    let html = r.text().await.unwrap();
    assert!(html.contains("Showing 125 of 125 municipalities."));
    // The cookie is remembered.
    let r = app
        .client
        .get(app.url("/"))
        .header("cookie", "lang=en")
        .send()
        .await
        .unwrap();
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Useful public information"));
}

#[tokio::test]
async fn errors_are_spanish_pages_or_json() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/no-existe").await;
    assert_eq!(status, 404);
    assert!(html.contains("Página no encontrada"));
    assert!(
        html.contains("<html lang=\"es-MX\">"),
        "rendered in the layout"
    );

    // A form post without its CSRF token is refused before anything else.
    let r = app
        .client
        .post(app.url("/municipios"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("El formulario caducó"));
    // With credentials that are not cookies, the method check answers.
    let r = app
        .client
        .post(app.url("/municipios"))
        .header("authorization", "token-de-prueba")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
    assert!(r.headers().contains_key("allow"));
    assert!(r.text().await.unwrap().contains("Operación no permitida"));

    let r = app
        .client
        .get(app.url("/api/no-existe"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "error-not-found");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .starts_with("No encontramos"));
}

#[tokio::test]
async fn security_headers_and_request_ids() {
    let app = spawn_app().await;
    let r = app.get("/").await;
    let h = r.headers();
    assert!(h["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    assert_eq!(h["x-request-id"].to_str().unwrap().len(), 36);
    let r = app.get("/no-existe").await;
    assert!(
        r.headers().contains_key("content-security-policy"),
        "error pages too"
    );
}

#[tokio::test]
async fn responses_are_compressed() {
    let app = spawn_app().await;
    let r = app
        .client
        .get(app.url("/municipios"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
}

#[tokio::test]
async fn health_and_readiness() {
    let app = spawn_app().await;
    let (status, body) = app.get_text("/healthz").await;
    assert_eq!((status, body.as_str()), (200, "ok"));
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["files"], "ok");
}

#[tokio::test]
async fn readiness_says_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.app_state.db.close().await;
    let r = app.get("/readyz").await;
    assert_eq!(r.status(), 503);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["database"], "no disponible");
    // Pages that need the database answer a Spanish 503, not a 500.
    let (status, html) = app.get_text("/municipios").await;
    assert_eq!(status, 503);
    assert!(html.contains("Servicio no disponible"), "{html}");
}

#[tokio::test]
async fn static_assets_are_cached_and_validated() {
    let app = spawn_app().await;
    let (_, html) = app.get_text("/").await;
    let start = html.find("/static/apertura.css?v=").unwrap();
    let end = start + html[start..].find('"').unwrap();
    let href = &html[start..end];
    let r = app.get(href).await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("immutable"));
    let etag = r.headers()["etag"].clone();
    let r = app
        .client
        .get(app.url(href))
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    for bad in [
        "/static/..%2F..%2FCargo.toml",
        "/static/%2e%2e/etc/passwd",
        "/static/nada.css",
    ] {
        let r = app.get(bad).await;
        assert_eq!(r.status(), 404, "{bad}");
    }
}

#[tokio::test]
async fn sections_and_legal_pages_render() {
    let app = spawn_app().await;
    for (path, heading) in [
        ("/datos", "Datos abiertos"),
        ("/transparencia-proactiva", "Transparencia proactiva"),
        ("/gobierno-abierto", "Gobierno abierto"),
        ("/participacion", "Participación"),
        ("/aviso-de-privacidad", "Aviso de privacidad"),
        ("/terminos-de-uso", "Términos de uso"),
        ("/accesibilidad", "Accesibilidad"),
    ] {
        let (status, html) = app.get_text(path).await;
        assert_eq!(status, 200, "{path}");
        assert!(html.contains(&format!("<h1>{heading}</h1>")), "{path}");
        assert!(
            html.contains("aria-current=\"page\"")
                || path.starts_with("/a")
                || path.starts_with("/t"),
            "{path}: current section marked"
        );
    }
    let (_, robots) = app.get_text("/robots.txt").await;
    assert!(robots.contains("User-agent: *"));
}

#[tokio::test]
async fn every_route_goes_through_the_permission_check() {
    let app = spawn_app().await;
    let routes = &app.app_state.routes;
    assert!(routes.len() >= 12);
    let mut seen = std::collections::HashSet::new();
    for r in routes {
        assert!(
            seen.insert((r.method.clone(), r.path)),
            "route registered twice: {} {}",
            r.method,
            r.path
        );
        assert!(
            r.action.name.contains('.'),
            "action names are capability.thing.verb: {}",
            r.action.name
        );
    }
}

static BOOM: kernel::authz::Action =
    kernel::authz::Action::read("test.boom.view", kernel::authz::Rule::Anyone);

async fn boom() -> &'static str {
    panic!("a bug in a handler")
}

#[tokio::test]
async fn a_panicking_handler_gets_a_spanish_500_page_with_a_reference() {
    let (target, dir) = kernel::testing::fresh_target().await;
    let config = kernel::config::Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(match &target {
            kernel::config::DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            kernel::config::DatabaseTarget::Postgres(u) => u.clone(),
        }),
        ..kernel::config::Config::default()
    };
    let mut platform = apertura::platform();
    platform.capabilities.push(kernel::Capability {
        routes: || kernel::web::Routes::new().get("/falla", &BOOM, boom),
        ..kernel::Capability::new("test")
    });
    let (db, files) = apertura::open_storage(&config, &platform).await.unwrap();
    let secret = kernel::security::Secret::load_or_create(&db).await.unwrap();
    let app = apertura::Application::build(config, db, files, secret, platform).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app.serve(listener, std::future::pending()));
    let r = reqwest::get(format!("http://{addr}/falla")).await.unwrap();
    assert_eq!(r.status(), 500);
    let rid = r.headers()["x-request-id"].to_str().unwrap().to_string();
    let html = r.text().await.unwrap();
    assert!(html.contains("Ocurrió un error"), "{html}");
    assert!(
        html.contains(&format!("Folio del error: {rid}")),
        "the page shows the request id"
    );
    assert!(
        !html.contains("a bug in a handler"),
        "internals are not shown"
    );
    // The server keeps serving.
    let r = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

async fn slow() -> &'static str {
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    "listo"
}

#[tokio::test]
async fn slow_requests_time_out_in_spanish_but_uploads_do_not() {
    let (target, dir) = kernel::testing::fresh_target().await;
    let config = kernel::config::Config {
        data_dir: dir.path().to_path_buf(),
        database_url: Some(match &target {
            kernel::config::DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            kernel::config::DatabaseTarget::Postgres(u) => u.clone(),
        }),
        request_timeout_secs: 1,
        ..kernel::config::Config::default()
    };
    let mut platform = apertura::platform();
    platform.capabilities.push(kernel::Capability {
        routes: || {
            kernel::web::Routes::new()
                .get("/lento", &BOOM, slow)
                .streaming(
                    axum::http::Method::GET,
                    "/lento-subida",
                    &BOOM,
                    axum::routing::get(slow),
                )
        },
        ..kernel::Capability::new("test")
    });
    let (db, files) = apertura::open_storage(&config, &platform).await.unwrap();
    let secret = kernel::security::Secret::load_or_create(&db).await.unwrap();
    let app = apertura::Application::build(config, db, files, secret, platform).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(app.serve(listener, std::future::pending()));
    let r = reqwest::get(format!("http://{addr}/lento")).await.unwrap();
    assert_eq!(r.status(), 408);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("La solicitud tardó demasiado"));
    let r = reqwest::get(format!("http://{addr}/lento-subida"))
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "streaming routes are not cut");
}
