//! Resources of datasets over HTTP: uploads streamed to storage (a CSV with
//! accents, 5 MB, over the limit, empty, HTML), versions that keep their
//! permanent addresses and bytes forever, the "latest" address, who may upload
//! and who may see drafts, CSRF, and a slow upload that outlives the request
//! timeout. Runs on SQLite, or on PostgreSQL with `APERTURA_TEST_DATABASE_URL`.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use accounts::DEMO_PASSWORD;
use apertura::Application;
use catalog::domain::workflow::Status;
use catalog::store::{self, Metadata};
use kernel::authz::Actor;
use kernel::config::{Config, DatabaseTarget};
use kernel::i18n::{Catalog, I18n, Locale};
use kernel::web::{AppState, Asset};
use reqwest::cookie::CookieStore;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const EDITOR: &str = "editor.zacazonapan@apertura.example";
const BODY_ADMIN: &str = "enlace.zacazonapan@apertura.example";
const CITIZEN: &str = "ciudadana@apertura.example";
const REVIEWER: &str = "revision@apertura.example";
const ADMIN: &str = "admin@apertura.example";
const ZACAZONAPAN: &str = "ayuntamiento-de-zacazonapan";
const TOLUCA: &str = "ayuntamiento-de-toluca";

const CSV: &str = "municipio,población,año\nZacazonapan,4051,2020\nSan José del Rincón,93878,2020\nÑuñoa de prueba,1,2020\n";

/// A running Apertura with the demo data, like `common::spawn_app`, but with
/// a configuration of our own (a small upload limit, a short timeout).
struct App {
    base_url: String,
    state: AppState,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl App {
    /// Waits for the background jobs (the load and the personal-data check
    /// of a new file: until the check, only its body may download it).
    async fn settle(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let busy: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= $1)",
            )
            .bind(kernel::time::now())
            .fetch_one(self.state.db.pool())
            .await
            .unwrap();
            if busy == 0 {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "jobs never finished");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// The platform with the resource pages' templates, messages and script,
/// for as long as the catalog's manifest does not list them itself.
fn platform() -> kernel::Platform {
    let mut platform = apertura::platform();
    let has_messages = I18n::new(&platform.catalogs())
        .unwrap()
        .has(Locale::Es, "resource-new-title");
    let catalog = platform
        .capabilities
        .iter_mut()
        .find(|c| c.name == "catalog")
        .unwrap();
    for (name, source) in [
        (
            "catalog/resource_new.html",
            include_str!("../../catalog/templates/resource_new.html"),
        ),
        (
            "catalog/resource_page.html",
            include_str!("../../catalog/templates/resource_page.html"),
        ),
    ] {
        if !catalog.templates.iter().any(|(n, _)| *n == name) {
            catalog.templates.push((name, source));
        }
    }
    if !has_messages {
        catalog.catalogs.push(Catalog {
            locale: Locale::Es,
            name: "resources/es.ftl",
            source: include_str!("../../catalog/locales/es/resources.ftl"),
        });
        catalog.catalogs.push(Catalog {
            locale: Locale::En,
            name: "resources/en.ftl",
            source: include_str!("../../catalog/locales/en/resources.ftl"),
        });
    }
    if !catalog.assets.iter().any(|a| a.name == "upload.js") {
        catalog.assets.push(Asset {
            name: "upload.js",
            content_type: "text/javascript; charset=utf-8",
            bytes: include_bytes!("../../catalog/assets/upload.js"),
        });
    }
    platform
}

async fn spawn_with(tweak: impl FnOnce(Config) -> Config) -> App {
    let (target, dir) = kernel::testing::fresh_target().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = tweak(Config {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(match &target {
            DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseTarget::Postgres(u) => u.clone(),
        }),
        storage_url: Some(kernel::testing::test_storage_url(dir.path())),
        workers: 1,
        public_url: Some(format!("http://{addr}")),
        ..Config::default()
    });
    let platform = platform();
    let (db, files) = apertura::open_storage(&config, &platform).await.unwrap();
    platform.seed_demo(&db, &config).await.unwrap();
    let secret = kernel::security::Secret::load_or_create(&db).await.unwrap();
    let app = Application::build(config, db, files, secret, platform).unwrap();
    let state = app.state.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        let _ = app
            .serve(listener, async move {
                let _ = rx.await;
            })
            .await;
    });
    App {
        base_url: format!("http://{addr}"),
        state,
        _dir: dir,
        shutdown: Some(tx),
    }
}

async fn spawn() -> App {
    spawn_with(|c| c).await
}

impl App {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A client that keeps cookies, like a browser, and follows no redirects.
    fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    }

    /// The CSRF token of the first form on `path`, for `client`.
    async fn token(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        common::csrf_in(&html)
    }

    async fn sign_in_with(&self, client: &reqwest::Client, email: &str) {
        let token = self.token(client, "/entrar").await;
        let r = client
            .post(self.url("/entrar"))
            .form(&[
                ("email", email),
                ("password", DEMO_PASSWORD),
                ("_csrf", token.as_str()),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "sign-in of {email}");
    }

    async fn sign_in(&self, email: &str) -> reqwest::Client {
        let client = self.browser();
        self.sign_in_with(&client, email).await;
        client
    }

    async fn get(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client.get(self.url(path)).send().await.unwrap()
    }

    /// A page's status and HTML, with the slashes the templates escape in
    /// interpolated values (`&#x2f;`) put back, to look for addresses.
    async fn text(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let r = self.get(client, path).await;
        (r.status().as_u16(), unescape(&r.text().await.unwrap()))
    }
}

/// A file in a multipart form: file name, content type, bytes.
type File<'a> = (&'a str, &'a str, &'a [u8]);

/// A multipart body with the text fields and the file in field `file`.
fn multipart(fields: &[(&str, &str)], file: Option<File<'_>>) -> (String, Vec<u8>) {
    let files: Vec<common::FilePart<'_>> = file
        .map(|(name, content_type, bytes)| ("file", name, content_type, bytes))
        .into_iter()
        .collect();
    common::multipart(fields, &files)
}

/// Posts a multipart form as the browser does: the CSRF token (from
/// `form_page`) in the query string and in the `_csrf` field.
async fn post_multipart(
    app: &App,
    client: &reqwest::Client,
    form_page: &str,
    action: &str,
    fields: &[(&str, &str)],
    file: Option<File<'_>>,
) -> reqwest::Response {
    let token = app.token(client, form_page).await;
    let mut all = fields.to_vec();
    all.push(("_csrf", &token));
    let (content_type, body) = multipart(&all, file);
    client
        .post(app.url(&format!("{action}?_csrf={token}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// Adds a resource with a file to dataset `slug` through the form.
async fn add_file(
    app: &App,
    client: &reqwest::Client,
    slug: &str,
    name: &str,
    file: File<'_>,
) -> reqwest::Response {
    let form = format!("/datos/{slug}/recursos/nuevo");
    post_multipart(
        app,
        client,
        &form,
        &form,
        &[("name", name), ("description", "Datos de prueba.")],
        Some(file),
    )
    .await
}

/// Uploads a new version of resource `resource` of dataset `slug`.
async fn add_version(
    app: &App,
    client: &reqwest::Client,
    slug: &str,
    resource: &str,
    notes: &str,
    file: File<'_>,
) -> reqwest::Response {
    post_multipart(
        app,
        client,
        &format!("/datos/{slug}/recursos/{resource}"),
        &format!("/datos/{slug}/recursos/{resource}/versiones"),
        &[("notes", notes)],
        Some(file),
    )
    .await
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .expect("a redirect")
        .to_str()
        .unwrap()
        .to_string()
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("header {name}"))
        .to_str()
        .unwrap()
        .to_string()
}

fn unescape(html: &str) -> String {
    html.replace("&#x2f;", "/")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Creates a dataset of body `body` directly in storage, published or a draft.
async fn dataset(app: &App, body: &str, slug: &str, publish: bool) -> i64 {
    let body_id: i64 = sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(body)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let meta = Metadata {
        title: format!("Población de {slug}"),
        description: "Conjunto de prueba.".into(),
        licence: "cc-by-4.0".into(),
        language: "es".into(),
        ..Metadata::default()
    };
    let mut tx = app.state.db.begin().await.unwrap();
    let id = store::create_dataset(&mut tx, &Actor::system(), slug, body_id, &meta, false)
        .await
        .unwrap();
    if publish {
        store::set_status(
            &mut tx,
            &Actor::system(),
            id,
            Status::Draft,
            Status::Published,
            None,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

async fn count(app: &App, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

async fn resources_in(app: &App, dataset_id: i64) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM resources WHERE dataset_id = $1",
        dataset_id,
    )
    .await
}

async fn versions_in(app: &App, dataset_id: i64) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM resource_versions v JOIN resources r ON r.id = v.resource_id WHERE r.dataset_id = $1",
        dataset_id,
    )
    .await
}

/// The href of the first link whose address starts with `prefix`.
fn link_in(html: &str, prefix: &str) -> String {
    let marker = format!("href=\"{prefix}");
    let start = html.find(&marker).expect("the link") + "href=\"".len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&")
}

#[tokio::test]
async fn a_csv_with_accents_keeps_every_version_at_its_permanent_address() {
    let app = spawn().await;
    let id = dataset(&app, ZACAZONAPAN, "poblacion-zacazonapan", true).await;
    let editor = app.sign_in(EDITOR).await;
    let anon = app.browser();

    // The form.
    let form = "/datos/poblacion-zacazonapan/recursos/nuevo";
    let r = app.get(&editor, form).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("enctype=\"multipart/form-data\""));
    assert!(
        html.contains("/recursos/nuevo?_csrf="),
        "the token in the query"
    );
    assert!(html.contains("<label for=\"f-name\">"));
    assert!(html.contains("type=\"file\""));
    assert!(html.contains("<progress"));
    assert!(html.contains("aria-live=\"polite\""));
    assert!(html.contains("/static/upload.js?v="), "the progress script");
    assert!(html.contains("Subiendo: {percent} % ({loaded} de {total})"));
    assert!(!html.contains("style="), "no inline style (CSP)");
    assert!(!html.contains("<script>"), "no inline script (CSP)");
    let r = app.get(&anon, "/static/upload.js").await;
    assert_eq!(r.status(), 200);

    // Version 1.
    let filename = "Población ñandú 2020.csv";
    let r = add_file(
        &app,
        &editor,
        "poblacion-zacazonapan",
        "Población por localidad",
        (filename, "text/csv", CSV.as_bytes()),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad?aviso=creado"
    );
    let page = "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad";
    let (status, html) = app.text(&editor, &format!("{page}?aviso=creado")).await;
    assert_eq!(status, 200);
    assert!(html.contains("Se agregó el recurso."));
    let (status, html) = app.text(&anon, page).await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>Población por localidad</h1>"));
    assert!(html.contains("Datos de prueba."));
    assert!(html.contains("Versión vigente (versión 1)"));
    assert!(html.contains(&sha256(CSV.as_bytes())));
    assert!(html.contains(&format!("{} B ({} bytes)", CSV.len(), CSV.len())));
    assert!(html.contains(">CSV <"), "the format");
    assert!(
        html.contains("Edición de datos de Zacazonapan (demo)"),
        "who"
    );
    assert!(html.contains("Historial de versiones"));
    assert!(
        !html.contains("Subir una nueva versión"),
        "no upload form for anonymous"
    );
    let v1 = link_in(
        &html,
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/1/",
    );
    assert_eq!(
        v1,
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/1/Poblaci%C3%B3n%20%C3%B1and%C3%BA%202020.csv"
    );
    assert!(
        html.contains(&format!("{}{v1}", app.base_url)),
        "the permanent address in full"
    );

    // The download: the same bytes, with their hash (once checked for
    // personal data).
    app.settle().await;
    let r = app.get(&anon, &v1).await;
    assert_eq!(r.status(), 200);
    assert!(header(&r, "content-type").starts_with("text/csv"));
    let disposition = header(&r, "content-disposition");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(
        disposition.contains("filename*=UTF-8''Poblaci%C3%B3n%20%C3%B1and%C3%BA%202020.csv"),
        "{disposition}"
    );
    assert!(disposition.contains("filename=\"Poblacion nandu 2020.csv\""));
    assert_eq!(header(&r, "content-length"), CSV.len().to_string());
    assert_eq!(
        header(&r, "etag"),
        format!("\"{}\"", sha256(CSV.as_bytes()))
    );
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..], CSV.as_bytes());
    let stored: String = sqlx::query_scalar(
        "SELECT v.sha256 FROM resource_versions v JOIN resources r ON r.id = v.resource_id WHERE r.dataset_id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(stored, sha256(&bytes));
    // A revalidation needs no bytes.
    let r = anon
        .get(app.url(&v1))
        .header("if-none-match", format!("\"{stored}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 304);
    // Another name at the same version: to the right one.
    let r = app
        .get(
            &anon,
            "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/1/otro.csv",
        )
        .await;
    assert_eq!(r.status(), 301);
    assert_eq!(location(&r), v1);
    for missing in [
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/9/x.csv",
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/uno/x.csv",
        "/datos/poblacion-zacazonapan/recursos/no-existe",
        "/datos/no-existe/recursos/poblacion-por-localidad",
    ] {
        assert_eq!(app.get(&anon, missing).await.status(), 404, "{missing}");
    }

    // Version 2, with notes.
    let (_, html) = app.text(&editor, page).await;
    assert!(html.contains("Subir una nueva versión"));
    assert!(html.contains("/versiones?_csrf="));
    let csv2 = format!("{CSV}Otra localidad,12,2020\n");
    let r = add_version(
        &app,
        &editor,
        "poblacion-zacazonapan",
        "poblacion-por-localidad",
        "Se agregó una localidad.",
        ("población-2021.csv", "text/csv", csv2.as_bytes()),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(
        location(&r),
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad?aviso=version"
    );
    let (_, html) = app.text(&editor, &format!("{page}?aviso=version")).await;
    assert!(html.contains("Se guardó la versión 2."));
    assert!(html.contains("Versión vigente (versión 2)"));
    assert!(html.contains("Se agregó una localidad."));
    assert!(html.contains(&sha256(csv2.as_bytes())));
    assert!(html.contains(&sha256(CSV.as_bytes())), "version 1 listed");
    let v2 =
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad/v/2/poblaci%C3%B3n-2021.csv";
    assert!(html.contains(v2));

    // Version 1 still serves the original bytes; the latest address leads to
    // 2 (readable by everyone once checked for personal data).
    app.settle().await;
    let r = app.get(&anon, &v1).await;
    assert_eq!(r.status(), 200);
    assert_eq!(&r.bytes().await.unwrap()[..], CSV.as_bytes());
    let r = app.get(&anon, &format!("{page}/descargar")).await;
    assert_eq!(r.status(), 302);
    assert_eq!(location(&r), v2);
    assert_eq!(header(&r, "cache-control"), "no-cache");
    let r = app.get(&anon, v2).await;
    assert_eq!(&r.bytes().await.unwrap()[..], csv2.as_bytes());

    // Counted, and shown.
    let downloads: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(d.count), 0) AS BIGINT) FROM resource_downloads d JOIN resource_versions v ON v.id = d.version_id \
         JOIN resources r ON r.id = v.resource_id WHERE r.dataset_id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(downloads, 3, "two of version 1 and one of version 2");
    let (_, html) = app.text(&anon, page).await;
    assert!(html.contains("1 de esta versión · 3 en total"));

    // Audited: the resource and both versions.
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity IN ('resource', 'resource_version') AND action = 'create' \
         AND actor_kind = 'user'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        audited, 3,
        "the resource and its two versions, by the editor"
    );

    // The same name again gets its own address.
    let r = add_file(
        &app,
        &editor,
        "poblacion-zacazonapan",
        "Población por localidad",
        ("otra.csv", "text/csv", b"a,b\n1,2\n"),
    )
    .await;
    assert_eq!(
        location(&r),
        "/datos/poblacion-zacazonapan/recursos/poblacion-por-localidad-2?aviso=creado"
    );

    // In English too.
    let (_, html) = app.text(&anon, &format!("{page}?lang=en")).await;
    assert!(html.contains("Current version (version 2)"));
    assert!(html.contains("Version history"));

    // Never re-encoded on the way, even for clients that accept compression:
    // the length and the hash stay those of the stored bytes.
    let r = anon
        .get(app.url(&v1))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert!(r
        .headers()
        .get("content-encoding")
        .is_none_or(|v| v == "identity"));
    assert_eq!(header(&r, "content-length"), CSV.len().to_string());
    assert_eq!(&r.bytes().await.unwrap()[..], CSV.as_bytes());
}

#[tokio::test]
async fn a_five_megabyte_upload_streams_to_storage() {
    let app = spawn().await;
    let id = dataset(&app, ZACAZONAPAN, "grande", true).await;
    let editor = app.sign_in(EDITOR).await;
    let mut data = String::from("clave,municipio,valor\n");
    let mut n = 0;
    while data.len() < 5 * 1024 * 1024 {
        data.push_str(&format!("{n},Zacazonapan,{}\n", n * 7));
        n += 1;
    }
    let r = add_file(
        &app,
        &editor,
        "grande",
        "Registro completo",
        ("registro.csv", "text/csv", data.as_bytes()),
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(versions_in(&app, id).await, 1);
    app.settle().await;
    let r = app
        .get(
            &app.browser(),
            "/datos/grande/recursos/registro-completo/descargar",
        )
        .await;
    let v1 = location(&r);
    let r = app.get(&app.browser(), &v1).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "content-length"), data.len().to_string());
    let bytes = r.bytes().await.unwrap();
    assert_eq!(bytes.len(), data.len());
    assert_eq!(sha256(&bytes), sha256(data.as_bytes()));
    let (_, html) = app
        .text(&app.browser(), "/datos/grande/recursos/registro-completo")
        .await;
    assert!(html.contains(">5 MB<") || html.contains(">5.0 MB<") || html.contains("5 MB ("));

    // A download cut off at 3 MB resumes where it stopped.
    let anon = app.browser();
    let etag = header(&app.get(&anon, &v1).await, "etag");
    let cut = 3 * 1024 * 1024;
    let r = anon
        .get(app.url(&v1))
        .header("range", format!("bytes={cut}-"))
        .header("if-range", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(
        header(&r, "content-range"),
        format!("bytes {cut}-{}/{}", data.len() - 1, data.len())
    );
    assert_eq!(header(&r, "content-length"), (data.len() - cut).to_string());
    let mut resumed = data.as_bytes()[..cut].to_vec();
    resumed.extend_from_slice(&r.bytes().await.unwrap());
    assert_eq!(sha256(&resumed), sha256(data.as_bytes()));
    // The last 10 bytes; a range past the end; a stale If-Range gets it all.
    let r = anon
        .get(app.url(&v1))
        .header("range", "bytes=-10")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 206);
    assert_eq!(
        &r.bytes().await.unwrap()[..],
        &data.as_bytes()[data.len() - 10..]
    );
    let r = anon
        .get(app.url(&v1))
        .header("range", format!("bytes={}-", data.len() + 5))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 416);
    assert_eq!(
        header(&r, "content-range"),
        format!("bytes */{}", data.len())
    );
    let r = anon
        .get(app.url(&v1))
        .header("range", "bytes=0-99")
        .header("if-range", "\"otra-version\"")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.bytes().await.unwrap().len(), data.len());
    // Counted once per download started, not per resumption: the first full
    // download, the ETag probe, the stale If-Range: 3; the ranges: none.
    let downloads: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(d.count), 0) AS BIGINT) FROM resource_downloads d \
         JOIN resource_versions v ON v.id = d.version_id JOIN resources r ON r.id = v.resource_id \
         WHERE r.dataset_id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(downloads, 3);
}

#[tokio::test]
async fn uploads_over_the_limit_are_refused_in_spanish_and_leave_nothing() {
    let limit: usize = 256 * 1024;
    let app = spawn_with(|c| Config {
        max_upload_bytes: limit as u64,
        ..c
    })
    .await;
    let id = dataset(&app, ZACAZONAPAN, "limite", true).await;
    let blobs_before = app.state.files.list_blobs().await.unwrap();
    let editor = app.sign_in(EDITOR).await;

    // Declared larger than the limit allows: refused without storing.
    let big = vec![b'x'; 600 * 1024];
    let r = add_file(
        &app,
        &editor,
        "limite",
        "Demasiado grande",
        ("grande.csv", "text/csv", &big),
    )
    .await;
    assert_eq!(r.status(), 413);
    let html = unescape(&r.text().await.unwrap());
    assert!(
        html.contains("El archivo supera el tamaño máximo permitido de 256 KB."),
        "{html}"
    );
    assert!(
        html.contains("value=\"Demasiado grande\""),
        "what was typed stays"
    );
    assert!(html.contains("aria-invalid=\"true\""));

    // One byte over, inside the form's allowance: refused while streaming.
    let over = vec![b'y'; limit + 1];
    let r = add_file(
        &app,
        &editor,
        "limite",
        "Un byte de más",
        ("justo.csv", "text/csv", &over),
    )
    .await;
    assert_eq!(r.status(), 413);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("supera el tamaño máximo permitido"));
    assert_eq!(resources_in(&app, id).await, 0, "no resource");
    assert_eq!(versions_in(&app, id).await, 0, "no version");
    assert!(
        app.state.files.list_blobs().await.unwrap() == blobs_before,
        "no blob under a real name"
    );

    // Exactly the limit is fine; a new version over it is refused.
    let exact = vec![b'z'; limit];
    let r = add_file(
        &app,
        &editor,
        "limite",
        "Justo",
        ("justo.txt", "text/plain", &exact),
    )
    .await;
    assert_eq!(r.status(), 303);
    let r = add_version(
        &app,
        &editor,
        "limite",
        "justo",
        "más grande",
        ("justo.txt", "text/plain", &over),
    )
    .await;
    assert_eq!(r.status(), 413);
    let html = r.text().await.unwrap();
    assert!(html.contains("supera el tamaño máximo permitido de 256 KB"));
    assert!(html.contains("más grande"), "the notes stay");
    assert_eq!(versions_in(&app, id).await, 1);
}

#[tokio::test]
async fn html_and_svg_are_stored_but_only_served_as_attachments_of_bytes() {
    let app = spawn().await;
    let id = dataset(&app, ZACAZONAPAN, "marcado", true).await;
    let editor = app.sign_in(EDITOR).await;
    let html_file: &[u8] =
        b"<!doctype html><html><body><script>alert('hola')</script></body></html>";
    let svg_file: &[u8] =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    for (name, filename, bytes) in [
        ("Informe", "informe.html", html_file),
        ("Dibujo", "dibujo.svg", svg_file),
        ("Disfrazado", "datos.csv", html_file),
    ] {
        let r = add_file(
            &app,
            &editor,
            "marcado",
            name,
            (filename, "text/html", bytes),
        )
        .await;
        assert_eq!(r.status(), 303, "{filename}");
        let page = location(&r).replace("?aviso=creado", "");
        app.settle().await;
        let r = app.get(&app.browser(), &format!("{page}/descargar")).await;
        let r = app.get(&app.browser(), &location(&r)).await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            header(&r, "content-type"),
            "application/octet-stream",
            "{filename}"
        );
        assert!(header(&r, "content-disposition").starts_with("attachment;"));
        assert_eq!(header(&r, "x-content-type-options"), "nosniff");
        assert_eq!(&r.bytes().await.unwrap()[..], bytes, "stored as sent");
    }
    let types: Vec<String> = sqlx::query_scalar(
        "SELECT v.media_type FROM resource_versions v JOIN resources r ON r.id = v.resource_id \
                            WHERE r.dataset_id = $1 ORDER BY v.id",
    )
    .bind(id)
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert!(types[0].starts_with("text/html"), "{types:?}");
    assert!(types[1].starts_with("image/svg+xml"), "{types:?}");
    assert!(types[2].starts_with("text/html"), "recognised by its bytes");
}

#[tokio::test]
async fn only_members_of_the_body_upload() {
    let app = spawn().await;
    let toluca = dataset(&app, TOLUCA, "toluca-publicado", true).await;
    dataset(&app, TOLUCA, "toluca-borrador", false).await;
    dataset(&app, ZACAZONAPAN, "zacazonapan-datos", true).await;
    let csv = ("datos.csv", "text/csv", CSV.as_bytes());

    // Anonymous: sign in first.
    let anon = app.browser();
    assert_eq!(
        app.get(&anon, "/datos/zacazonapan-datos/recursos/nuevo")
            .await
            .status(),
        401
    );
    let r = post_multipart(
        &app,
        &anon,
        "/entrar",
        "/datos/zacazonapan-datos/recursos/nuevo",
        &[("name", "Intento")],
        Some(csv),
    )
    .await;
    assert_eq!(r.status(), 401);

    // The editor of Zacazonapan, on Toluca's datasets.
    let editor = app.sign_in(EDITOR).await;
    let r = app
        .get(&editor, "/datos/toluca-publicado/recursos/nuevo")
        .await;
    assert_eq!(r.status(), 403);
    let r = post_multipart(
        &app,
        &editor,
        "/datos/zacazonapan-datos/recursos/nuevo",
        "/datos/toluca-publicado/recursos/nuevo",
        &[("name", "Intruso")],
        Some(csv),
    )
    .await;
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("No tiene permiso"));
    assert_eq!(resources_in(&app, toluca).await, 0);
    assert_eq!(
        app.get(&editor, "/datos/toluca-borrador/recursos/nuevo")
            .await
            .status(),
        404,
        "another body's draft is not revealed"
    );

    // Who may, and who may not, on Zacazonapan's dataset.
    for (email, expected) in [
        (CITIZEN, 403),
        (REVIEWER, 403),
        (BODY_ADMIN, 200),
        (EDITOR, 200),
        (ADMIN, 200),
    ] {
        let client = app.sign_in(email).await;
        let status = app
            .get(&client, "/datos/zacazonapan-datos/recursos/nuevo")
            .await
            .status();
        assert_eq!(status, expected, "{email}");
    }
    let admin = app.sign_in(BODY_ADMIN).await;
    let r = add_file(&app, &admin, "zacazonapan-datos", "Del enlace", csv).await;
    assert_eq!(r.status(), 303);
}

#[tokio::test]
async fn a_drafts_resources_are_only_for_its_body_and_the_institute() {
    let app = spawn().await;
    dataset(&app, ZACAZONAPAN, "borrador", false).await;
    let editor = app.sign_in(EDITOR).await;
    let r = add_file(
        &app,
        &editor,
        "borrador",
        "Borrador",
        ("b.csv", "text/csv", CSV.as_bytes()),
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = "/datos/borrador/recursos/borrador";
    let v1 = "/datos/borrador/recursos/borrador/v/1/b.csv";

    let latest = format!("{page}/descargar");
    for client in [app.browser(), app.sign_in(CITIZEN).await] {
        for path in [page, v1, latest.as_str()] {
            assert_eq!(app.get(&client, path).await.status(), 404, "{path}");
        }
    }
    let r = app.get(&editor, page).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    let html = r.text().await.unwrap();
    assert!(html.contains("Este conjunto de datos no es público"));
    let r = app.get(&editor, v1).await;
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "cache-control"), "no-store");
    assert_eq!(&r.bytes().await.unwrap()[..], CSV.as_bytes());
    for email in [REVIEWER, BODY_ADMIN] {
        let client = app.sign_in(email).await;
        assert_eq!(app.get(&client, page).await.status(), 200, "{email}");
        assert_eq!(app.get(&client, v1).await.status(), 200, "{email}");
    }
    let reviewer = app.sign_in(REVIEWER).await;
    let (_, html) = app.text(&reviewer, page).await;
    assert!(
        !html.contains("Subir una nueva versión"),
        "the institute reviews, it does not upload"
    );
}

#[tokio::test]
async fn uploads_need_the_csrf_token() {
    let app = spawn().await;
    let id = dataset(&app, ZACAZONAPAN, "csrf", true).await;
    let editor = app.sign_in(EDITOR).await;
    let (content_type, body) = multipart(
        &[("name", "Sin token")],
        Some(("a.csv", "text/csv", CSV.as_bytes())),
    );
    let r = editor
        .post(app.url("/datos/csrf/recursos/nuevo"))
        .header("content-type", content_type.clone())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert!(r.text().await.unwrap().contains("El formulario caducó"));
    let r = editor
        .post(app.url("/datos/csrf/recursos/nuevo?_csrf=falso"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(resources_in(&app, id).await, 0);
}

#[tokio::test]
async fn empty_files_missing_sources_and_links() {
    let app = spawn().await;
    let id = dataset(&app, ZACAZONAPAN, "vacio", true).await;
    let blobs_before = app.state.files.list_blobs().await.unwrap();
    let editor = app.sign_in(EDITOR).await;
    let form = "/datos/vacio/recursos/nuevo";

    let r = add_file(
        &app,
        &editor,
        "vacio",
        "Vacío",
        ("vacío.csv", "text/csv", b""),
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("El archivo «vacío.csv» está vacío (0 bytes)."),
        "{html}"
    );
    assert!(html.contains("class=\"error-summary\""));
    assert!(html.contains("href=\"#f-file\""));

    // No file chosen (an empty part without a name) and no link.
    let r = post_multipart(
        &app,
        &editor,
        form,
        form,
        &[("name", "Nada")],
        Some(("", "application/octet-stream", b"")),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Elija un archivo o escriba un enlace externo."));

    // No name; a bad link; a file and a link.
    let r = post_multipart(
        &app,
        &editor,
        form,
        form,
        &[("name", "  "), ("url", "javascript:alert(1)")],
        None,
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = unescape(&r.text().await.unwrap());
    assert!(html.contains("Escriba el nombre del recurso."));
    assert!(html.contains("empiece con https:// o http://"));
    let r = post_multipart(
        &app,
        &editor,
        form,
        form,
        &[("name", "Ambos"), ("url", "https://datos.gob.mx/a.csv")],
        Some(("a.csv", "text/csv", CSV.as_bytes())),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("pero no ambos"));
    assert_eq!(resources_in(&app, id).await, 0);
    assert_eq!(app.state.files.list_blobs().await.unwrap(), blobs_before);

    // A link: no file, no versions; the latest address leads to it.
    let r = post_multipart(
        &app,
        &editor,
        form,
        form,
        &[
            ("name", "Presupuesto en el portal estatal"),
            ("url", "https://datos.edomex.gob.mx/presupuesto 2024.csv"),
        ],
        None,
    )
    .await;
    assert_eq!(r.status(), 303);
    let page = "/datos/vacio/recursos/presupuesto-en-el-portal-estatal";
    let (status, html) = app.text(&app.browser(), page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Enlace externo"));
    assert!(html.contains("https://datos.edomex.gob.mx/presupuesto%202024.csv"));
    let r = app.get(&app.browser(), &format!("{page}/descargar")).await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        location(&r),
        "https://datos.edomex.gob.mx/presupuesto%202024.csv"
    );
    let r = add_version(
        &app,
        &editor,
        "vacio",
        "presupuesto-en-el-portal-estatal",
        "",
        ("a.csv", "text/csv", CSV.as_bytes()),
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(versions_in(&app, id).await, 0);

    // A new version without a file, or empty.
    add_file(
        &app,
        &editor,
        "vacio",
        "Con datos",
        ("a.csv", "text/csv", CSV.as_bytes()),
    )
    .await;
    let r = post_multipart(
        &app,
        &editor,
        "/datos/vacio/recursos/con-datos",
        "/datos/vacio/recursos/con-datos/versiones",
        &[("notes", "sin archivo")],
        None,
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Elija el archivo de la nueva versión."));
    let r = add_version(
        &app,
        &editor,
        "vacio",
        "con-datos",
        "",
        ("b.csv", "text/csv", b""),
    )
    .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("está vacío"));
    assert_eq!(versions_in(&app, id).await, 1);
}

/// Sends `body` over a raw connection in `pieces`, pausing between them.
async fn slow_post(
    app: &App,
    path: &str,
    cookies: &str,
    content_type: &str,
    body: &[u8],
    pieces: usize,
    pause: std::time::Duration,
) -> String {
    let addr = app.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookies}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for piece in body.chunks(body.len().div_ceil(pieces)) {
        stream.write_all(piece).await.unwrap();
        stream.flush().await.unwrap();
        tokio::time::sleep(pause).await;
    }
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn a_slow_upload_outlives_the_request_timeout() {
    let app = spawn_with(|c| Config {
        request_timeout_secs: 1,
        ..c
    })
    .await;
    let id = dataset(&app, ZACAZONAPAN, "lento", true).await;
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    app.sign_in_with(&client, EDITOR).await;
    let token = app.token(&client, "/datos/lento/recursos/nuevo").await;
    let cookies = jar
        .cookies(&app.base_url.parse().unwrap())
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let data = CSV.repeat(2_000);
    let (content_type, body) = multipart(
        &[("name", "Subida lenta"), ("_csrf", &token)],
        Some(("lento.csv", "text/csv", data.as_bytes())),
    );
    let answer = slow_post(
        &app,
        &format!("/datos/lento/recursos/nuevo?_csrf={token}"),
        &cookies,
        &content_type,
        &body,
        4,
        std::time::Duration::from_millis(600),
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 303"),
        "a 2.4-second upload with a 1-second timeout: {}",
        answer.lines().next().unwrap_or_default()
    );
    assert_eq!(versions_in(&app, id).await, 1);
}

/// A ChromeDriver process on a free local port (as in `browser.rs`).
async fn chromedriver() -> (tokio::process::Child, String) {
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let child = tokio::process::Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("start {binary}: {e}"));
    let url = format!("http://127.0.0.1:{port}");
    let start = std::time::Instant::now();
    while reqwest::get(format!("{url}/status")).await.is_err() {
        assert!(start.elapsed().as_secs() < 10, "ChromeDriver did not start");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    (child, url)
}

async fn chromium(driver: &str, profile: &std::path::Path) -> fantoccini::Client {
    let binary = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let serde_json::Value::Object(capabilities) = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": binary,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-dev-shm-usage", "--lang=es-MX",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl.accept_languages": "es-MX,es" },
        },
    }) else {
        unreachable!("an object")
    };
    fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities)
        .connect(driver)
        .await
        .unwrap()
}

/// Polls `script` in the page until it returns `true`.
async fn wait_until(browser: &fantoccini::Client, script: &str, what: &str) {
    let start = std::time::Instant::now();
    loop {
        if browser.execute(script, vec![]).await.unwrap() == serde_json::json!(true) {
            return;
        }
        assert!(
            start.elapsed().as_secs() < 10,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn fill(browser: &fantoccini::Client, css: &str, text: &str) {
    let field = browser
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(browser: &fantoccini::Client, css: &str) {
    browser
        .find(fantoccini::Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("find {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// The upload script in a real Chromium: it refuses a file over the limit
/// before sending it, shows the server's errors beside the fields, and after
/// an upload goes to the resource page. Needs Chromium and ChromeDriver, like
/// `browser.rs`: run with `-- --ignored`.
#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver (.ci/install-browser)"]
async fn the_upload_script_in_a_browser() {
    let app = spawn_with(|c| Config {
        max_upload_bytes: 256 * 1024,
        ..c
    })
    .await;
    let id = dataset(&app, ZACAZONAPAN, "navegador", true).await;
    let files = tempfile::tempdir().unwrap();
    let big = files.path().join("grande.csv");
    std::fs::write(&big, vec![b'a'; 300 * 1024]).unwrap();
    let empty = files.path().join("vacío.csv");
    std::fs::write(&empty, b"").unwrap();
    let good = files.path().join("población.csv");
    std::fs::write(&good, CSV).unwrap();
    let (mut driver, driver_url) = chromedriver().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = chromium(&driver_url, profile.path()).await;
    let base = app.base_url.clone();
    let b = browser.clone();
    let outcome = tokio::spawn(async move {
        b.goto(&format!("{base}/entrar")).await.unwrap();
        fill(&b, "#f-email", EDITOR).await;
        fill(&b, "#f-password", DEMO_PASSWORD).await;
        click(&b, "main form button[type=submit]").await;
        wait_until(&b, "return location.pathname !== '/entrar';", "signed in").await;
        let form = "/datos/navegador/recursos/nuevo";
        b.goto(&format!("{base}{form}")).await.unwrap();
        wait_until(
            &b,
            "return document.querySelector('form[data-upload]').getAttribute('data-upload-ready') === '1';",
            "the script",
        )
        .await;

        // Over the limit: refused before sending.
        fill(&b, "#f-name", "Población por localidad").await;
        fill(&b, "#f-file", big.to_str().unwrap()).await;
        click(&b, "form[data-upload] button[type=submit]").await;
        wait_until(
            &b,
            "return document.querySelector('[data-upload-text]').textContent.includes('supera el tamaño máximo permitido de 256 KB');",
            "the too-large message",
        )
        .await;
        let shown = b
            .execute(
                "return !document.querySelector('[data-upload-status]').hidden && location.pathname;",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(shown, serde_json::json!(form));

        // Empty: sent, and the server's form comes back with the error.
        fill(&b, "#f-file", empty.to_str().unwrap()).await;
        click(&b, "form[data-upload] button[type=submit]").await;
        wait_until(
            &b,
            "const s = document.querySelector('.error-summary'); return !!s && s.textContent.includes('está vacío') && document.activeElement === s;",
            "the errors beside the fields",
        )
        .await;

        // A good file: uploaded with the progress bar, then the resource page.
        wait_until(
            &b,
            "return document.querySelector('form[data-upload]').getAttribute('data-upload-ready') === '1';",
            "the script on the new form",
        )
        .await;
        fill(&b, "#f-file", good.to_str().unwrap()).await;
        click(&b, "form[data-upload] button[type=submit]").await;
        wait_until(
            &b,
            "return location.pathname === '/datos/navegador/recursos/poblacion-por-localidad' && document.readyState === 'complete';",
            "the resource page",
        )
        .await;
        let text = b
            .find(fantoccini::Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(text.contains("Se agregó el recurso."), "{text}");
        assert!(text.contains("población.csv"), "{text}");
    })
    .await;
    let _ = browser.close().await;
    let _ = driver.kill().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    assert_eq!(versions_in(&app, id).await, 1);
}

/// The catalog's acceptance in a real browser: an editor uploads a 50 MB CSV
/// watching the progress bar, publishes the dataset, and an anonymous visitor
/// downloads the file: its SHA-256 is the original's.
#[tokio::test]
#[ignore = "needs Chromium and ChromeDriver (.ci/install-browser)"]
async fn fifty_megabytes_with_the_progress_bar_then_published_and_downloaded() {
    let app = spawn_with(|c| c).await;
    // Toluca publishes without the institute's review; make the demo editor
    // one of its editors.
    let toluca: i64 = sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(TOLUCA)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let editor: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(EDITOR)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    accounts::store::add_membership(
        &mut tx,
        &Actor::system(),
        editor,
        toluca,
        kernel::authz::Role::BodyEditor,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    dataset(&app, TOLUCA, "grande", false).await;

    let files = tempfile::tempdir().unwrap();
    let path = files.path().join("egresos-2024.csv");
    let mut content = String::from("clave,municipio,concepto,monto\n");
    let mut i: u64 = 0;
    while content.len() < 50 * 1024 * 1024 {
        content.push_str(&format!(
            "15106,Toluca,Año {},{}.{:02}\n",
            2000 + i % 25,
            i,
            i % 100
        ));
        i += 1;
    }
    std::fs::write(&path, &content).unwrap();
    let expected = hex::encode(Sha256::digest(content.as_bytes()));

    let (mut driver, driver_url) = chromedriver().await;
    let profile = tempfile::tempdir().unwrap();
    let browser = chromium(&driver_url, profile.path()).await;
    let base = app.base_url.clone();
    let b = browser.clone();
    let upload = path.clone();
    let outcome = tokio::spawn(async move {
        b.goto(&format!("{base}/entrar")).await.unwrap();
        fill(&b, "#f-email", EDITOR).await;
        fill(&b, "#f-password", DEMO_PASSWORD).await;
        click(&b, "main form button[type=submit]").await;
        wait_until(&b, "return location.pathname !== '/entrar';", "signed in").await;
        b.goto(&format!("{base}/datos/grande/recursos/nuevo")).await.unwrap();
        wait_until(
            &b,
            "return document.querySelector('form[data-upload]').getAttribute('data-upload-ready') === '1';",
            "the script",
        )
        .await;
        // Remember every progress message across the page change that follows.
        b.execute(
            "sessionStorage.setItem('progreso', '[]');
             const t = document.querySelector('[data-upload-text]');
             new MutationObserver(() => {
               const seen = JSON.parse(sessionStorage.getItem('progreso'));
               seen.push(t.textContent);
               sessionStorage.setItem('progreso', JSON.stringify(seen));
             }).observe(t, { childList: true, characterData: true, subtree: true });
             return true;",
            vec![],
        )
        .await
        .unwrap();
        fill(&b, "#f-name", "Egresos 2024").await;
        fill(&b, "#f-file", upload.to_str().unwrap()).await;
        click(&b, "form[data-upload] button[type=submit]").await;
        wait_until(
            &b,
            "return location.pathname === '/datos/grande/recursos/egresos-2024' && document.readyState === 'complete';",
            "the resource page after 50 MB",
        )
        .await;
        let seen = b
            .execute("return JSON.parse(sessionStorage.getItem('progreso') || '[]');", vec![])
            .await
            .unwrap();
        let seen: Vec<String> = serde_json::from_value(seen).unwrap();
        assert!(
            seen.iter().any(|s| s.contains("Subiendo") && s.contains('%')),
            "the progress bar spoke: {seen:?}"
        );
        // Publish it: it is published once its file has been checked for
        // personal data (the page says so meanwhile).
        b.goto(&format!("{base}/datos/grande")).await.unwrap();
        click(&b, "form[action='/datos/grande/publicar'] button").await;
        let start = std::time::Instant::now();
        loop {
            let text = b
                .execute("return document.readyState === 'complete' && location.pathname === '/datos/grande' ? document.body.innerText : '';", vec![])
                .await
                .unwrap();
            let text = text.as_str().unwrap_or_default().to_string();
            if !text.is_empty() && !text.contains("Borrador") {
                break;
            }
            assert!(
                text.is_empty() || text.contains("Se publicará en cuanto") || start.elapsed().as_secs() < 2,
                "the page says publication waits for the check: {text}"
            );
            assert!(start.elapsed().as_secs() < 180, "timed out waiting for the published dataset");
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
            b.refresh().await.unwrap();
        }
    })
    .await;
    let _ = browser.close().await;
    let _ = driver.kill().await;
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
    // Anyone downloads it, byte for byte.
    let anonymous = reqwest::Client::new();
    let r = anonymous
        .get(format!(
            "{}/datos/grande/recursos/egresos-2024/descargar",
            app.base_url
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(bytes.len(), content.len());
    assert_eq!(hex::encode(Sha256::digest(&bytes)), expected);
}
