//! Harvesting from other portals against local mocks serving recorded
//! responses (`fixtures/harvest/`, see its README): a CKAN read page by
//! page, created published and searchable, a second run that changes only
//! what changed upstream and unpublishes what vanished, a failing source that
//! keeps what was there; data.json and DCAT-AP JSON-LD catalogs; every kind
//! of bad source answered with a Spanish reason; and the command line. On
//! SQLite, and on PostgreSQL with `APERTURA_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use common::{spawn_app, TestApp};
use harvest::{HarvestError, Kind, Limits, Summary};
use kernel::authz::Actor;
use kernel::i18n::Locale;
use serde_json::{json, Value};

const LEGADO: &str =
    include_str!("fixtures/harvest/package_search.q-organization.legado-dados-gov-br.json");
const DATAGOVUK: &str = include_str!("fixtures/harvest/package_search.datagovuk.json");
const NOT_FOUND: &str =
    include_str!("fixtures/harvest/package_show.404-not-found.legado-dados-gov-br.json");
const DATA_JSON: &str = include_str!("fixtures/harvest/data.json");
const DCAT: &str = include_str!("fixtures/harvest/dcat-ap.jsonld");

/// The body the harvested datasets are published under (a demo body).
const BODY: &str = "secretaria-de-finanzas";

// ------------------------------------------------------------------ mocks

/// What the mock portals serve; tests change it between runs.
struct Portal {
    /// legado.dados.gov.br's recorded answer (the envelope) and its packages,
    /// which tests edit, remove and put back.
    legado: Value,
    legado_packages: Vec<Value>,
    /// How the legado CKAN answers now.
    legado_fails: Option<&'static str>,
    /// The most rows a page holds, whatever is asked (`ckan.search.rows_max`).
    rows_max: usize,
    /// Every `start` asked of each site, in order.
    starts: HashMap<String, Vec<usize>>,
}

type Shared = Arc<Mutex<Portal>>;

struct Mock {
    base: String,
    portal: Shared,
}

impl Mock {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
    fn starts(&self, site: &str) -> Vec<usize> {
        self.portal
            .lock()
            .unwrap()
            .starts
            .get(site)
            .cloned()
            .unwrap_or_default()
    }
    fn edit(&self, f: impl FnOnce(&mut Portal)) {
        f(&mut self.portal.lock().unwrap());
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        body,
    )
        .into_response()
}

/// A recorded `package_search` envelope with one page of `packages`.
fn page(envelope: &Value, packages: &[Value], count: usize, start: usize, rows: usize) -> String {
    let mut e = envelope.clone();
    let slice: Vec<Value> = packages.iter().skip(start).take(rows).cloned().collect();
    e["result"]["results"] = Value::Array(slice);
    e["result"]["count"] = json!(count);
    e.to_string()
}

async fn package_search(
    State(portal): State<Shared>,
    Path(site): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let num = |k: &str, d: usize| q.get(k).and_then(|v| v.parse().ok()).unwrap_or(d);
    let (start, asked) = (num("start", 0), num("rows", 10));
    let (rows, failure, legado, packages) = {
        let mut p = portal.lock().unwrap();
        p.starts.entry(site.clone()).or_default().push(start);
        (
            asked.min(p.rows_max),
            p.legado_fails,
            p.legado.clone(),
            p.legado_packages.clone(),
        )
    };
    match site.as_str() {
        "legado" => match failure {
            Some("500") => json_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({"success": false, "error": {"__type": "Internal Server Error", "message": "Internal Server Error"}}).to_string(),
            ),
            Some("html") => (
                [(header::CONTENT_TYPE, "text/html")],
                "<!DOCTYPE html><html><body>Mantenimiento</body></html>",
            )
                .into_response(),
            _ => json_response(
                StatusCode::OK,
                page(&legado, &packages, packages.len(), start, rows),
            ),
        },
        // data.gov.uk's recording announces 10 and holds 4: the harvest must
        // stop on the empty page.
        "datagovuk" => {
            let envelope: Value = serde_json::from_str(DATAGOVUK).unwrap();
            let packages = envelope["result"]["results"].as_array().unwrap().clone();
            json_response(StatusCode::OK, page(&envelope, &packages, 10, start, rows))
        }
        // A portal that never ends: every page new packages, an absurd count.
        "endless" => {
            let packages: Vec<Value> = (start..start + rows)
                .map(|i| json!({"id": format!("p{i}"), "name": format!("paquete-sin-fin-{i}"), "title": format!("Paquete {i}")}))
                .collect();
            json_response(
                StatusCode::OK,
                json!({"success": true, "result": {"count": 1_000_000_000u64, "results": packages}})
                    .to_string(),
            )
        }
        // A portal that ignores `start` and sends the same page forever.
        "repeats" => json_response(
            StatusCode::OK,
            json!({"success": true, "result": {"count": 50, "results": [{"id": "a", "name": "siempre-igual-a"}, {"id": "b", "name": "siempre-igual-b"}]}}).to_string(),
        ),
        "ckan-error" => json_response(StatusCode::OK, NOT_FOUND.to_string()),
        "not-ckan" => json_response(StatusCode::OK, json!({"hola": "mundo"}).to_string()),
        "broken" => json_response(StatusCode::OK, "{\"success\": true, \"result\": {".into()),
        "giant" => json_response(StatusCode::OK, format!("[\"{}\"]", "x".repeat(300_000))),
        "giant-stream" => {
            // No Content-Length: the limit is found while reading.
            let chunks = (0..100).map(|_| Ok::<_, std::io::Error>(vec![b' '; 10_000]));
            (
                [(header::CONTENT_TYPE, "application/json")],
                axum::body::Body::from_stream(futures::stream::iter(chunks)),
            )
                .into_response()
        }
        "slow" => {
            tokio::time::sleep(Duration::from_secs(5)).await;
            json_response(StatusCode::OK, "{}".into())
        }
        _ => json_response(StatusCode::NOT_FOUND, NOT_FOUND.to_string()),
    }
}

async fn spawn_mock() -> Mock {
    let legado: Value = serde_json::from_str(LEGADO).unwrap();
    let packages = legado["result"]["results"].as_array().unwrap().clone();
    let portal = Arc::new(Mutex::new(Portal {
        legado,
        legado_packages: packages,
        legado_fails: None,
        rows_max: 2,
        starts: HashMap::new(),
    }));
    let router = Router::new()
        .route("/{site}/api/3/action/package_search", get(package_search))
        .route(
            "/pod/data.json",
            get(|| async { json_response(StatusCode::OK, DATA_JSON.into()) }),
        )
        .route(
            "/dcat/catalogo.jsonld",
            get(|| async { json_response(StatusCode::OK, DCAT.into()) }),
        )
        .route(
            "/turtle/catalogo.ttl",
            get(|| async {
                (
                    [(header::CONTENT_TYPE, "text/turtle")],
                    "@prefix dcat: <http://www.w3.org/ns/dcat#> .\n",
                )
                    .into_response()
            }),
        )
        .route(
            "/not-pod/data.json",
            get(|| async { json_response(StatusCode::OK, "[1, 2, 3]".into()) }),
        )
        .fallback(|| async { json_response(StatusCode::NOT_FOUND, NOT_FOUND.into()) })
        .with_state(portal.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Mock {
        base: format!("http://{addr}"),
        portal,
    }
}

// ---------------------------------------------------------------- helpers

/// Registers `url` for the demo body and runs it with `limits`.
async fn harvest_with(
    app: &TestApp,
    url: &str,
    kind: Option<Kind>,
    limits: Limits,
) -> Result<Summary, HarvestError> {
    let state = &app.app_state;
    let (source, _) = harvest::register(state, &Actor::cli(), url, BODY, kind).await?;
    harvest::run_source(state, &Actor::cli(), source.id, limits, None).await
}

async fn harvest_url(app: &TestApp, url: &str) -> Result<Summary, HarvestError> {
    harvest_with(app, url, None, Limits::default()).await
}

fn counts(s: &Summary) -> (usize, usize, usize, usize) {
    (s.created, s.updated, s.unchanged, s.retired)
}

fn spanish(app: &TestApp, e: &HarvestError) -> String {
    e.message(&app.app_state.i18n, Locale::Es)
}

async fn status_of(app: &TestApp, slug: &str) -> (String, bool) {
    let d = catalog::store::dataset_by_slug(&app.app_state.db, slug)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("dataset {slug} exists"));
    (d.status.clone(), d.deleted_at.is_none())
}

async fn source_status(app: &TestApp, url: &str) -> (Option<String>, Option<String>) {
    let all = harvest::store::sources(&app.app_state.db).await.unwrap();
    let s = all
        .into_iter()
        .find(|s| s.url == url)
        .unwrap_or_else(|| panic!("source {url} registered"));
    (s.last_status, s.last_message)
}

// ------------------------------------------------------------------ tests

#[tokio::test]
async fn a_ckan_portal_is_harvested_updated_and_retired() {
    let app = spawn_app().await;
    let mock = spawn_mock().await;
    // The address as legado was recorded: a double slash before `api`.
    let given = mock.url("/legado//api/3/action/package_search?q=organization:aeb");
    let source_url = mock.url("/legado");

    // First run: every package, read two by two, published at once.
    let s = harvest_url(&app, &given).await.unwrap();
    assert_eq!(counts(&s), (6, 0, 0, 0), "{s:?}");
    assert!(s.complete);
    assert_eq!(mock.starts("legado"), vec![0, 2, 4]);
    assert_eq!(
        s.line(&app.app_state.i18n, Locale::Es),
        "6 nuevos, 0 actualizados, 0 sin cambios, 0 retirados"
    );
    assert_eq!(
        source_status(&app, &source_url).await,
        (
            Some("ok".into()),
            Some("6 nuevos, 0 actualizados, 0 sin cambios, 0 retirados".into())
        )
    );
    let (status, html) = app.get_text("/datos/catalogo-industria-espacial").await;
    assert_eq!(status, 200, "published for everyone");
    assert!(
        html.contains("Catálogo da Indústria Espacial Brasileira"),
        "{html}"
    );
    assert!(html.contains("Ficha en el portal de origen"), "{html}");
    let (status, html) = app
        .get_text("/datos/catalogo-industria-espacial/recursos/ficha-en-el-portal-de-origen")
        .await;
    assert_eq!(status, 200);
    assert!(
        html.replace("&#x2f;", "/")
            .contains(&format!("{source_url}/dataset/catalogo-industria-espacial")),
        "the original's address: {html}"
    );
    let d = catalog::store::dataset_by_slug(&app.app_state.db, "catalogo-industria-espacial")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.meta.licence, "cc-by-4.0");
    assert_eq!(d.meta.title, "Catálogo da Indústria Espacial Brasileira");
    let resources = catalog::store::resources_of(&app.app_state.db, d.id)
        .await
        .unwrap();
    assert_eq!(resources.len(), 3, "the original's page and its two files");
    assert!(resources.iter().skip(1).all(|r| r.kind == "link"
        && r.url
            .as_deref()
            .unwrap()
            .starts_with("https://www.gov.br/aeb/")));
    // Searchable once the index caught up.
    app.settle().await;
    let r = app
        .get("/api/3/action/package_search?q=espacial")
        .await
        .json::<Value>()
        .await
        .unwrap();
    let names: Vec<&str> = r["result"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(names.contains(&"catalogo-industria-espacial"), "{r}");

    // Second run, nothing changed upstream: nothing changes here.
    let s = harvest_url(&app, &given).await.unwrap();
    assert_eq!(counts(&s), (0, 0, 6, 0), "{s:?}");

    // One package changed, one gone.
    let gone = "dados-abertos-de-orcamento-da-aeb";
    let mut removed = None;
    mock.edit(|p| {
        let first = &mut p.legado_packages[0];
        first["title"] = json!("Catálogo da Indústria Espacial Brasileira (revisado)");
        first["metadata_modified"] = json!("2023-02-01T10:00:00.000000");
        first["resources"].as_array_mut().unwrap().pop();
        first["resources"][0]["name"] = json!("Catálogo em CSV (versão 2)");
        let i = p
            .legado_packages
            .iter()
            .position(|x| x["name"] == gone)
            .unwrap();
        removed = Some(p.legado_packages.remove(i));
    });
    let s = harvest_url(&app, &given).await.unwrap();
    assert_eq!(counts(&s), (0, 1, 4, 1), "{s:?}");
    let (status, html) = app.get_text("/datos/catalogo-industria-espacial").await;
    assert_eq!(status, 200);
    assert!(html.contains("Brasileira (revisado)"), "{html}");
    let names: Vec<String> = catalog::store::resources_of(&app.app_state.db, d.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(
        names,
        vec!["Ficha en el portal de origen", "Catálogo em CSV (versão 2)"],
        "renamed upstream, renamed here; gone upstream, gone here"
    );
    // Gone upstream: unpublished, never deleted.
    assert_eq!(status_of(&app, gone).await, ("unpublished".into(), true));
    assert_eq!(app.get_text(&format!("/datos/{gone}")).await.0, 404);

    // The portal fails: a Spanish reason, and everything stays as it was.
    for (mode, expected) in [
        ("html", "respondió una página HTML en lugar de JSON"),
        ("500", "respondió con el error HTTP 500"),
    ] {
        mock.edit(|p| p.legado_fails = Some(mode));
        let e = harvest_url(&app, &given).await.unwrap_err();
        assert!(
            spanish(&app, &e).contains(expected),
            "{}",
            spanish(&app, &e)
        );
        let (status, message) = source_status(&app, &source_url).await;
        assert_eq!(status.as_deref(), Some("failed"));
        assert!(message.unwrap().contains(expected));
        for slug in [
            "catalogo-industria-espacial",
            "dados-abertos-de-contratos-administrativos",
            "objetos-espaciais-brasileiro",
        ] {
            assert_eq!(status_of(&app, slug).await, ("published".into(), true));
        }
        assert_eq!(status_of(&app, gone).await, ("unpublished".into(), true));
    }

    // Back upstream: published again.
    mock.edit(|p| {
        p.legado_fails = None;
        p.legado_packages.push(removed.take().unwrap());
    });
    let s = harvest_url(&app, &given).await.unwrap();
    assert_eq!(counts(&s), (0, 1, 5, 0), "{s:?}");
    assert_eq!(app.get_text(&format!("/datos/{gone}")).await.0, 200);
    app.settle().await;
}

#[tokio::test]
async fn a_portal_whose_count_disagrees_with_its_pages_ends_on_the_empty_page() {
    let app = spawn_app().await;
    let mock = spawn_mock().await;
    let s = harvest_url(&app, &mock.url("/datagovuk/")).await.unwrap();
    assert_eq!(counts(&s), (4, 0, 0, 0), "{s:?}");
    assert!(s.complete);
    assert_eq!(mock.starts("datagovuk"), vec![0, 2, 4]);
    // A licence we do not know (uk-ogl) grants nothing on the source's
    // behalf: "other", the terms at the source; names longer than
    // a slug are cut; resources without a name are named after their file.
    let (status, html) = app.get_text("/datos/organisation-chart-cbc").await;
    assert_eq!(status, 200);
    assert!(html.contains("Organisation Chart"), "{html}");
    let d = catalog::store::dataset_by_slug(&app.app_state.db, "organisation-chart-cbc")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.meta.licence, "other-closed");
    let names: Vec<String> = catalog::store::resources_of(&app.app_state.db, d.id)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.iter().all(|n| !n.is_empty()), "{names:?}");
    app.settle().await;
}

#[tokio::test]
async fn data_json_and_dcat_catalogs_are_harvested() {
    let app = spawn_app().await;
    let mock = spawn_mock().await;
    let s = harvest_url(&app, &mock.url("/pod/data.json"))
        .await
        .unwrap();
    assert_eq!(counts(&s), (2, 0, 0, 0), "{s:?}");
    let (status, html) = app.get_text("/datos/street-trees-inventory").await;
    assert_eq!(status, 200);
    assert!(html.contains("Street trees (CSV)"), "{html}");
    let again = harvest_url(&app, &mock.url("/pod/data.json"))
        .await
        .unwrap();
    assert_eq!(counts(&again), (0, 0, 2, 0));

    let s = harvest_url(&app, &mock.url("/dcat/catalogo.jsonld"))
        .await
        .unwrap();
    assert_eq!(counts(&s), (2, 0, 0, 0), "{s:?}");
    let (status, html) = app.get_text("/datos/street-trees").await;
    assert_eq!(status, 200);
    assert!(html.contains("Arbolado urbano"), "{html}");
    let (status, html) = app.get_text("/datos/presupuesto-2024").await;
    assert_eq!(status, 200);
    assert!(html.contains("XLSX"), "named after its format: {html}");
    app.settle().await;
}

#[tokio::test]
async fn bad_sources_get_a_clear_spanish_reason() {
    let app = spawn_app().await;
    let mock = spawn_mock().await;
    let small = Limits {
        max_body: 64 * 1024,
        timeout: Duration::from_secs(1),
        ..Limits::default()
    };
    // A port nobody listens on.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cases: Vec<(String, Option<Kind>, &str)> = vec![
        (
            format!("http://127.0.0.1:{closed}/"),
            None,
            "no se pudo conectar con 127.0.0.1",
        ),
        (mock.url("/nadie/data.json"), None, "no existe (404)"),
        (mock.url("/no-hay-tal-cosa/"), None, "no existe (404)"),
        (
            mock.url("/ckan-error/"),
            None,
            "respondió con un error: Não encontrado",
        ),
        (mock.url("/not-ckan/"), None, "no respondió como un CKAN"),
        (mock.url("/broken/"), None, "no es JSON válido"),
        (mock.url("/giant/"), None, "pasa de 1 MB"),
        (mock.url("/giant-stream/"), None, "pasa de 1 MB"),
        (mock.url("/slow/"), None, "no respondió a tiempo"),
        (mock.url("/turtle/catalogo.ttl"), None, "en Turtle"),
        (
            mock.url("/not-pod/data.json"),
            None,
            "no publica un data.json",
        ),
        (
            mock.url("/pod/data.json?x=1"),
            Some(Kind::Ckan),
            "no existe (404)",
        ),
    ];
    for (url, kind, expected) in cases {
        let e = harvest_with(&app, &url, kind, small.clone())
            .await
            .unwrap_err();
        let message = spanish(&app, &e);
        assert!(message.contains(expected), "{url}: {message}");
        assert!(
            !message.contains("harvest-"),
            "a message, not a key: {message}"
        );
    }
    // Bad input to the registration itself.
    let e = harvest_url(&app, "ftp://example.org/data.json")
        .await
        .unwrap_err();
    assert!(spanish(&app, &e).contains("no es una dirección http o https válida"));
    let e = harvest::register(
        &app.app_state,
        &Actor::cli(),
        &mock.url("/pod/data.json"),
        "no-existe",
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        spanish(&app, &e),
        "no existe el sujeto obligado «no-existe»"
    );
    // Nothing was created by any of them.
    let harvested: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM harvest_records")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(harvested, 0);
}

#[tokio::test]
async fn a_listing_that_never_ends_is_cut_and_retires_nothing() {
    let app = spawn_app().await;
    let mock = spawn_mock().await;
    let limits = Limits {
        max_pages: 4,
        ..Limits::default()
    };
    let s = harvest_with(&app, &mock.url("/endless/"), None, limits.clone())
        .await
        .unwrap();
    assert_eq!(counts(&s), (8, 0, 0, 0), "{s:?}");
    assert!(!s.complete);
    let line = s.line(&app.app_state.i18n, Locale::Es);
    assert!(line.contains("lista incompleta"), "{line}");
    let (status, _) = source_status(&app, &mock.url("/endless")).await;
    assert_eq!(status.as_deref(), Some("partial"));
    // The cap on datasets too.
    let s = harvest_with(
        &app,
        &mock.url("/endless/"),
        None,
        Limits {
            max_datasets: 3,
            ..limits.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        counts(&s),
        (0, 0, 3, 0),
        "cut, and the others not retired: {s:?}"
    );
    assert_eq!(
        status_of(&app, "paquete-sin-fin-7").await,
        ("published".into(), true)
    );
    // A portal that repeats its page stops at once.
    let s = harvest_with(&app, &mock.url("/repeats/"), None, limits)
        .await
        .unwrap();
    assert_eq!(counts(&s), (2, 0, 0, 0), "{s:?}");
    assert!(!s.complete);
    assert_eq!(mock.starts("repeats"), vec![0, 2]);
    app.settle().await;
}

#[tokio::test]
async fn the_periodic_job_runs_the_sources_that_are_due() {
    let app = spawn_app().await;
    // The workers' first periodic run (at start, with no sources) is over:
    // the next is an hour away and does not race the calls below.
    app.settle().await;
    let mock = spawn_mock().await;
    let state = &app.app_state;
    let (pod, _) = harvest::register(
        state,
        &Actor::cli(),
        &mock.url("/pod/data.json"),
        BODY,
        None,
    )
    .await
    .unwrap();
    let (broken, _) = harvest::register(state, &Actor::cli(), &mock.url("/broken/"), BODY, None)
        .await
        .unwrap();
    // Both are due (never run): one harvests, one fails and says why.
    let (ran, failed) = harvest::run_due(state, &Actor::system(), None)
        .await
        .unwrap();
    assert_eq!((ran, failed), (2, 1));
    let pod = harvest::store::source_by_id(&state.db, pod.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pod.last_status.as_deref(), Some("ok"));
    let broken = harvest::store::source_by_id(&state.db, broken.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(broken.last_status.as_deref(), Some("failed"));
    assert!(broken.last_message.unwrap().contains("no es JSON válido"));
    // Just run: not due again until their interval passes.
    assert_eq!(
        harvest::run_due(state, &Actor::system(), None)
            .await
            .unwrap(),
        (0, 0)
    );
    // The job is on the queue, kept there by the workers.
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'harvest.run' AND status = 'pending'",
    )
    .fetch_one(state.db.pool())
    .await
    .unwrap();
    assert_eq!(pending, 1);
    app.settle().await;
}

#[tokio::test]
async fn the_command_line_harvests_and_answers_in_one_line() {
    let mock = spawn_mock().await;
    let (target, dir) = kernel::testing::fresh_target().await;
    let database_url = match &target {
        kernel::config::DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
        kernel::config::DatabaseTarget::Postgres(u) => u.clone(),
    };
    // The demo bodies, loaded as `serve --demo` would.
    {
        let config = kernel::config::Config {
            data_dir: dir.path().to_path_buf(),
            database_url: Some(database_url.clone()),
            ..kernel::config::Config::default()
        };
        let app = apertura::Application::open(config.clone()).await.unwrap();
        app.platform
            .seed_demo(&app.state.db, &config)
            .await
            .unwrap();
        app.state.db.close().await;
    }
    let run = |args: Vec<String>| {
        let mut c = tokio::process::Command::new(env!("CARGO_BIN_EXE_apertura"));
        c.args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APERTURA_DATA_DIR", dir.path())
            .env("APERTURA_DATABASE_URL", &database_url)
            .env("APERTURA_LOG_FORMAT", "json");
        async move { c.output().await.unwrap() }
    };
    let arg = |s: &str| s.to_string();
    let out = run(vec![
        arg("harvest"),
        mock.url("/legado/"),
        arg("--body"),
        arg(BODY),
    ])
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout.trim(),
        "6 nuevos, 0 actualizados, 0 sin cambios, 0 retirados"
    );
    let out = run(vec![
        arg("harvest"),
        mock.url("/legado/"),
        arg("--body"),
        arg(BODY),
    ])
    .await;
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "0 nuevos, 0 actualizados, 6 sin cambios, 0 retirados"
    );
    // Errors: one Spanish line, a non-zero exit.
    for (args, expected) in [
        (
            vec![
                arg("harvest"),
                mock.url("/legado/"),
                arg("--body"),
                arg("no-existe"),
            ],
            "apertura: no existe el sujeto obligado «no-existe»",
        ),
        (
            vec![
                arg("harvest"),
                mock.url("/broken/"),
                arg("--body"),
                arg(BODY),
            ],
            "apertura: la respuesta de 127.0.0.1 no es JSON válido",
        ),
        (
            vec![
                arg("harvest"),
                mock.url("/x/"),
                arg("--body"),
                arg(BODY),
                arg("--kind"),
                arg("rss"),
            ],
            "apertura: --kind debe ser ckan, dcat o datajson, no «rss»",
        ),
    ] {
        let out = run(args).await;
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        let lines: Vec<&str> = err
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('{'))
            .collect();
        assert_eq!(lines, vec![expected], "{err}");
    }
}
