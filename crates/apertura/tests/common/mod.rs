//! Shared test support: the real application on a random port.
#![allow(dead_code)]

use apertura::Application;
use kernel::config::{Config, DatabaseTarget, StorageTarget};

/// A running Apertura, serving HTTP on 127.0.0.1 and a random port, on SQLite
/// (or on PostgreSQL when `APERTURA_TEST_DATABASE_URL` is set), with its own
/// data directory.
pub struct TestApp {
    pub base_url: String,
    pub app_state: kernel::web::AppState,
    pub config: Config,
    pub client: reqwest::Client,
    _dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
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
        storage_url: Some(format!("file://{}", dir.path().join("files").display())),
        workers: 1,
        ..Config::default()
    };
    assert_eq!(
        config.storage().expect("storage"),
        StorageTarget::Local(dir.path().join("files"))
    );
    let app = Application::open(config.clone())
        .await
        .expect("application");
    if demo {
        app.platform
            .seed_demo(&app.state.db, &config)
            .await
            .expect("demo data");
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let state = app.state.clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
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
        _dir: dir,
        shutdown: Some(tx),
    }
}
