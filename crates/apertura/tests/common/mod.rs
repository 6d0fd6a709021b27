//! Shared test support: the real application on a random port.
#![allow(dead_code)]

use apertura::Application;
use kernel::config::{Config, DatabaseTarget};

/// A running Apertura, serving HTTP on 127.0.0.1 and a random port, on SQLite
/// (or on PostgreSQL when `APERTURA_TEST_DATABASE_URL` is set), with its own
/// data directory.
pub struct TestApp {
    pub base_url: String,
    pub app_state: kernel::web::AppState,
    pub config: Config,
    pub client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.expect("body"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts the application with the demo data loaded.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(true).await
}

pub async fn spawn_app_with(demo: bool) -> TestApp {
    let (target, dir) = kernel::testing::fresh_target().await;
    let config = Config {
        bind: "127.0.0.1:0".into(),
        data_dir: dir.path().to_path_buf(),
        database_url: Some(match &target {
            DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseTarget::Postgres(u) => u.clone(),
        }),
        storage_url: Some(kernel::testing::test_storage_url(dir.path())),
        workers: 1,
        ..Config::default()
    };
    // Bind first, so links in e-mails point at the real address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let config = Config {
        public_url: Some(format!("http://{addr}")),
        ..config
    };
    start(config, dir, listener, demo).await
}

/// Starts the application again on what a stopped one left (see [`TestApp::stop`]).
pub async fn restart(config: Config, dir: tempfile::TempDir) -> TestApp {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    start(config, dir, listener, false).await
}

async fn start(
    config: Config,
    dir: tempfile::TempDir,
    listener: tokio::net::TcpListener,
    demo: bool,
) -> TestApp {
    let addr = listener.local_addr().expect("addr");
    let app = Application::open(config.clone())
        .await
        .expect("application");
    if demo {
        app.platform
            .seed_demo(&app.state.db, &config)
            .await
            .expect("demo data");
    }
    // What `serve` queues at start, queued now so that `settle` waits for it.
    app.platform
        .queue_start_jobs(&app.state.jobs)
        .await
        .expect("start-up jobs");
    let state = app.state.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = app
            .serve(listener, async move {
                let _ = rx.await;
            })
            .await;
    });
    TestApp {
        base_url: format!("http://{addr}"),
        app_state: state,
        config,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client"),
        _dir: Some(dir),
        shutdown: Some(tx),
        task: Some(task),
    }
}

impl TestApp {
    /// Stops the server and its workers and lets go of everything it held
    /// (the database, the search index); returns the data directory.
    pub async fn stop(mut self) -> tempfile::TempDir {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self._dir.take().expect("data directory")
    }
}

impl TestApp {
    /// Waits until no background job is ready to run or running (the
    /// periodic ones, scheduled for later, do not count).
    pub async fn settle(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let busy: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM jobs WHERE status = 'running' OR (status = 'pending' AND run_at <= $1)",
            )
            .bind(kernel::time::now())
            .fetch_one(self.app_state.db.pool())
            .await
            .expect("jobs");
            if busy == 0 {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "background jobs never finished"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
}

/// The value of the first `name="_csrf"` field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html
        .find(marker)
        .expect("the page has a form with a CSRF token")
        + marker.len();
    let end = start + html[start..].find('"').expect("closing quote");
    html[start..end].to_string()
}

impl TestApp {
    /// A client that keeps cookies, like a browser, and does not follow redirects.
    pub fn browser(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// The CSRF token of the form on `path`, for `client`.
    pub async fn form_token(&self, client: &reqwest::Client, path: &str) -> String {
        let html = client
            .get(self.url(path))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("body");
        csrf_in(&html)
    }

    /// Posts a form (adding its CSRF token, taken from `form_page`).
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        form_page: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = self.form_token(client, form_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", &token));
        client
            .post(self.url(action))
            .form(&all)
            .send()
            .await
            .expect("post")
    }

    /// A browser-like client signed in as `email` (the demo accounts use
    /// `accounts::DEMO_PASSWORD`).
    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Client {
        let client = self.browser();
        let r = self
            .post_form(
                &client,
                "/entrar",
                "/entrar",
                &[("email", email), ("password", password)],
            )
            .await;
        assert_eq!(r.status(), 303, "sign-in of {email} should redirect");
        client
    }
}

/// A file in a multipart form: field name, file name, content type, bytes.
pub type FilePart<'a> = (&'a str, &'a str, &'a str, &'a [u8]);

/// Builds a `multipart/form-data` body (reqwest is built without its
/// multipart feature here): returns the content type and the bytes.
pub fn multipart(fields: &[(&str, &str)], files: &[FilePart<'_>]) -> (String, Vec<u8>) {
    let boundary = "----apertura-prueba-7d3f9a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, filename, content_type, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Adds a link resource to a dataset directly, as a seed would (uploads are
/// tested through the pages in resources.rs).
pub async fn add_link(app: &TestApp, dataset: &str, slug: &str, name: &str, url: &str) {
    let d = catalog::store::dataset_by_slug(&app.app_state.db, dataset)
        .await
        .expect("dataset")
        .expect("the dataset exists");
    let mut tx = app.app_state.db.begin().await.expect("transaction");
    catalog::store::create_resource(
        &mut tx,
        &kernel::authz::Actor::system(),
        d.id,
        slug,
        name,
        "",
        Some(url),
    )
    .await
    .expect("resource");
    tx.commit().await.expect("commit");
}

/// A write token made through the account page by `email`, the demo
/// administrator of one body, for that body.
pub async fn write_token(app: &TestApp, email: &str) -> String {
    let slug = if email.contains("finanzas") {
        "secretaria-de-finanzas"
    } else {
        "ayuntamiento-de-zacazonapan"
    };
    let body_id: i64 = sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .expect("write token");
    let client = app.sign_in(email, accounts::DEMO_PASSWORD).await;
    let r = app
        .post_form(
            &client,
            "/cuenta",
            "/cuenta/tokens",
            &[
                ("name", "ckan"),
                ("scope", "write"),
                ("body", &body_id.to_string()),
                ("days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("write token");
    let start = html.find("apt_").expect("write token");
    html[start..]
        .split('<')
        .next()
        .expect("write token")
        .to_string()
}
