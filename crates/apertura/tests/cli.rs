//! The `apertura` binary as an operator uses it: bad configuration answers in
//! one Spanish line, `migrate` / `admin create-user` / `serve --demo` in any
//! order load the demo once, `kill -9` loses nothing committed, and `backup`
//! / `restore` round-trip while serving.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use kernel::config::DatabaseTarget;

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_apertura");

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A data directory and database for one test, and the environment that
/// points the binary at them.
struct Setup {
    dir: tempfile::TempDir,
    database_url: String,
    port: u16,
}

impl Setup {
    async fn new() -> Setup {
        let (target, dir) = kernel::testing::fresh_target().await;
        let database_url = match &target {
            DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseTarget::Postgres(u) => u.clone(),
        };
        Setup {
            dir,
            database_url,
            port: free_port(),
        }
    }

    fn is_postgres(&self) -> bool {
        self.database_url.starts_with("postgres")
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APERTURA_DATA_DIR", self.dir.path())
            .env("APERTURA_DATABASE_URL", &self.database_url)
            .env("APERTURA_BIND", format!("127.0.0.1:{}", self.port))
            .env("APERTURA_LOG_FORMAT", "json");
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run apertura")
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    fn serve(&self, demo: bool) -> std::process::Child {
        let mut args = vec!["serve"];
        if demo {
            args.push("--demo");
        }
        self.cmd(&args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn serve")
    }
}

async fn wait_ready(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = reqwest::get(url).await {
            if r.status().is_success() {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "server did not become ready at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn stderr_one_line(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('{'))
        .collect();
    assert_eq!(
        lines.len(),
        1,
        "exactly one line for the operator, got: {err}"
    );
    assert!(lines[0].starts_with("apertura: "), "{err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
    lines[0].to_string()
}

#[tokio::test]
async fn bad_configuration_gets_one_clear_line_and_a_nonzero_exit() {
    let s = Setup::new().await;
    let file = s.dir.path().join("un-archivo");
    std::fs::write(&file, b"x").unwrap();
    let blocker = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = blocker.local_addr().unwrap().to_string();
    let unwritable = file.join("datos");
    let cases: Vec<(Vec<(&str, String)>, &str)> = vec![
        (
            vec![("APERTURA_DATABASE_URL", "foo://bar".into())],
            "APERTURA_DATABASE_URL no es válida",
        ),
        (
            vec![("APERTURA_DATABASE_URL", "postgres://".into())],
            "APERTURA_DATABASE_URL no es válida",
        ),
        (
            vec![("APERTURA_STORAGE_URL", "ftp://x".into())],
            "APERTURA_STORAGE_URL no es válida",
        ),
        (
            vec![("APERTURA_BIND", "localhost".into())],
            "APERTURA_BIND no es una dirección válida",
        ),
        (
            vec![("APERTURA_WORKERS", "muchos".into())],
            "la configuración no se pudo leer",
        ),
        (
            vec![
                (
                    "APERTURA_DATABASE_URL",
                    format!("sqlite://{}/apertura.db", unwritable.display()),
                ),
                ("APERTURA_DATA_DIR", unwritable.display().to_string()),
            ],
            "no se puede escribir en el directorio",
        ),
        (
            vec![("APERTURA_BIND", taken.clone())],
            "la dirección ya está en uso",
        ),
        (
            vec![(
                "APERTURA_DATABASE_URL",
                "postgres://postgres@127.0.0.1:1/nada".into(),
            )],
            "no se pudo abrir la base de datos",
        ),
    ];
    for (env, expected) in cases {
        let mut c = s.cmd(&["serve"]);
        for (k, v) in &env {
            c.env(k, v);
        }
        let out = tokio::task::spawn_blocking(move || c.output().unwrap())
            .await
            .unwrap();
        assert!(!out.status.success(), "{env:?} should fail");
        let line = stderr_one_line(&out);
        assert!(
            line.contains(expected),
            "{env:?}: expected «{expected}», got «{line}»"
        );
    }
    drop(blocker);
    let out = s.run(&["--config", "/no/existe.toml", "migrate"]);
    assert!(!out.status.success());
    assert!(stderr_one_line(&out).contains("no existe el archivo"));
}

#[tokio::test]
async fn check_config_reports_and_fails_on_an_unreachable_database() {
    let s = Setup::new().await;
    let out = s.run(&["check-config"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Conexión a la base:  bien"), "{text}");
    let out = s
        .cmd(&["check-config"])
        .env(
            "APERTURA_DATABASE_URL",
            "postgres://postgres:secreto@127.0.0.1:1/x",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("no se pudo abrir la base de datos"), "{text}");
    assert!(!text.contains("secreto"), "passwords are never printed");
}

#[tokio::test]
async fn migrate_and_create_user_first_then_demo_once() {
    let s = Setup::new().await;
    let out = s.run(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = s.run(&[
        "admin",
        "create-user",
        "--email",
        "Admin@Infoem.example",
        "--role",
        "platform-admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("admin@infoem.example"), "{stdout}");
    assert!(
        stdout.contains("Contraseña"),
        "a generated password is shown once"
    );
    // The same address again is refused clearly.
    let out = s.run(&[
        "admin",
        "create-user",
        "--email",
        "admin@infoem.example",
        "--role",
        "platform-admin",
    ]);
    assert!(!out.status.success());
    assert!(stderr_one_line(&out).contains("ya existe una cuenta"));
    let out = s.run(&[
        "admin",
        "create-user",
        "--email",
        "x@infoem.example",
        "--role",
        "rey",
    ]);
    assert!(stderr_one_line(&out).contains("el rol «rey» no existe"));

    for _ in 0..2 {
        let mut child = s.serve(true);
        wait_ready(&s.url("/readyz")).await;
        let html = reqwest::get(s.url("/municipios/zacazonapan"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains("Ayuntamiento de Zacazonapan"),
            "demo loaded into a database migrate created"
        );
        child.kill().unwrap();
        child.wait().unwrap();
    }
    let db = kernel::db::Db::connect(&DatabaseTarget::parse(&s.database_url).unwrap(), 1)
        .await
        .unwrap();
    let demo_seeds: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'seed' AND entity_id = 'demo'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(demo_seeds, 1, "demo data is loaded once, never twice");
    let bodies: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bodies WHERE slug = 'ayuntamiento-de-zacazonapan'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(bodies, 1);
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = 'admin@infoem.example' AND role = 'platform-admin'")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(admins, 1);
    db.close().await;
}

#[tokio::test]
async fn kill_9_loses_nothing_committed() {
    let s = Setup::new().await;
    let mut server = s.serve(true);
    wait_ready(&s.url("/readyz")).await;
    // Writes from another process while the server runs.
    for i in 0..5 {
        let email = format!("persona{i}@municipio.example");
        let out = s.run(&["admin", "create-user", "--email", &email]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // SIGKILL: no shutdown hook runs, no WAL checkpoint happens.
    server.kill().unwrap();
    server.wait().unwrap();
    let mut server = s.serve(false);
    wait_ready(&s.url("/readyz")).await;
    let html = reqwest::get(s.url("/municipios"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(html.matches("<th scope=\"row\">").count(), 125);
    let html = reqwest::get(s.url("/municipios/zacazonapan"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Ayuntamiento de Zacazonapan"));
    server.kill().unwrap();
    server.wait().unwrap();
    let db = kernel::db::Db::connect(&DatabaseTarget::parse(&s.database_url).unwrap(), 1)
        .await
        .unwrap();
    let users: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE email LIKE 'persona%@municipio.example'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(users, 5, "every acknowledged account survived kill -9");
    db.close().await;
}

fn files_in(dir: &Path) -> usize {
    walk(dir).len()
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = vec![];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn backup_while_serving_and_restore() {
    let s = Setup::new().await;
    // A stored file, to see files travel too.
    let store = kernel::files::FileStore::open(&kernel::config::StorageTarget::Local(
        s.dir.path().join("files"),
    ))
    .unwrap();
    let blob = store
        .put_bytes(bytes::Bytes::from_static("año,niño\n1,2\n".as_bytes()))
        .await
        .unwrap();
    let mut server = s.serve(true);
    wait_ready(&s.url("/readyz")).await;
    let backup_dir = s.dir.path().join("respaldo");
    let out = s.run(&["backup", "--to", backup_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Ours and the demo datasets' files.
    let stored = blobs_in(s.dir.path());
    assert!(stored.contains(&blob.sha256));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("{} archivos", stored.len())),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(backup_dir.join("apertura-respaldo.json").is_file());
    assert_eq!(files_in(&backup_dir.join("files")), stored.len());
    // A second backup into the same place is refused.
    let out = s.run(&["backup", "--to", backup_dir.to_str().unwrap()]);
    assert!(stderr_one_line(&out).contains("ya existe y no está vacío"));
    server.kill().unwrap();
    server.wait().unwrap();
    if s.is_postgres() {
        assert!(backup_dir.join("apertura.pgdump").is_file());
        return; // restoring a whole-database dump is not done into the shared test database
    }
    // Restore into a brand-new installation.
    let fresh = tempfile::tempdir().unwrap();
    let restored = Setup {
        database_url: format!("sqlite://{}/apertura.db", fresh.path().display()),
        dir: fresh,
        port: free_port(),
    };
    let out = restored.run(&["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = restored.run(&["restore", "--from", backup_dir.to_str().unwrap()]);
    assert!(stderr_one_line(&out).contains("use --force"));
    let restored_store = kernel::files::FileStore::open(&kernel::config::StorageTarget::Local(
        restored.dir.path().join("files"),
    ))
    .unwrap();
    assert_eq!(
        restored_store.read_all(&blob.sha256).await.unwrap(),
        bytes::Bytes::from_static("año,niño\n1,2\n".as_bytes())
    );
    let mut server = restored.serve(false);
    wait_ready(&restored.url("/readyz")).await;
    let html = reqwest::get(restored.url("/municipios/zacazonapan"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Ayuntamiento de Zacazonapan"),
        "restored data is served"
    );
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test]
async fn admin_create_token_prints_a_working_token_once() {
    let s = Setup::new().await;
    let out = s.run(&[
        "admin",
        "create-user",
        "--email",
        "script@infoem.example",
        "--role",
        "platform-admin",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = s.run(&[
        "admin",
        "create-token",
        "--email",
        "script@infoem.example",
        "--name",
        "cosecha nocturna",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(token.starts_with("apt_"), "{token}");
    let out = s.run(&[
        "admin",
        "create-token",
        "--email",
        "nadie@infoem.example",
        "--name",
        "x",
    ]);
    assert!(stderr_one_line(&out).contains("no hay una cuenta"));
    let out = s.run(&[
        "admin",
        "create-token",
        "--email",
        "script@infoem.example",
        "--name",
        "x",
        "--scope",
        "write",
    ]);
    assert!(stderr_one_line(&out).contains("--body"));
    let mut server = s.serve(false);
    wait_ready(&s.url("/readyz")).await;
    let r = reqwest::Client::new()
        .get(s.url("/admin"))
        .header("authorization", format!("Bearer {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the token acts as its account");
    let r = reqwest::Client::new()
        .get(s.url("/admin"))
        .header("authorization", "Bearer apt_x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    server.kill().unwrap();
    server.wait().unwrap();
}

/// Every stored blob's file name (its SHA-256) under the data directory.
fn blobs_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = walk(&dir.join("files/blobs"))
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn kill_9_during_an_upload_leaves_no_partial_resource_and_no_orphan() {
    let s = Setup::new().await;
    let mut server = s.serve(true);
    wait_ready(&s.url("/readyz")).await;

    // A published dataset of Zacazonapan, straight into the database.
    let db = kernel::db::Db::connect(&DatabaseTarget::parse(&s.database_url).unwrap(), 1)
        .await
        .unwrap();
    let body_id: i64 =
        sqlx::query_scalar("SELECT id FROM bodies WHERE slug = 'ayuntamiento-de-zacazonapan'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let meta = catalog::store::Metadata {
        title: "Obras 2026".into(),
        description: "Conjunto de prueba.".into(),
        licence: "cc-by-4.0".into(),
        language: "es".into(),
        ..catalog::store::Metadata::default()
    };
    let mut tx = db.begin().await.unwrap();
    let dataset_id = catalog::store::create_dataset(
        &mut tx,
        &kernel::authz::Actor::system(),
        "obras-2026",
        body_id,
        &meta,
        false,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let blobs_before = blobs_in(s.dir.path());

    // The editor starts a 40 MB upload and sends half of it.
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = |path: &str| client.get(s.url(path)).send();
    let token = common::csrf_in(&page("/entrar").await.unwrap().text().await.unwrap());
    let r = client
        .post(s.url("/entrar"))
        .form(&[
            ("email", "editor.zacazonapan@apertura.example"),
            ("password", accounts::DEMO_PASSWORD),
            ("_csrf", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let form = "/datos/obras-2026/recursos/nuevo";
    let token = common::csrf_in(&page(form).await.unwrap().text().await.unwrap());
    let cookies = {
        use reqwest::cookie::CookieStore;
        jar.cookies(&s.url("/").parse().unwrap())
            .unwrap()
            .to_str()
            .unwrap()
            .to_string()
    };
    let row = "Zacazonapan,2026,Pavimentación de la calle Hidalgo,1250000.50\n";
    let data = row.repeat(40_000_000 / row.len());
    let (content_type, body) = common::multipart(
        &[("name", "Obras a medias"), ("_csrf", &token)],
        &[("file", "obras.csv", "text/csv", data.as_bytes())],
    );
    let mut stream = tokio::net::TcpStream::connect(format!("127.0.0.1:{}", s.port))
        .await
        .unwrap();
    let head = format!(
        "POST {form}?_csrf={token} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookies}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    use tokio::io::AsyncWriteExt;
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..body.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    // Wait until the server has written part of it to storage.
    let deadline = Instant::now() + Duration::from_secs(30);
    let staged = || {
        walk(&s.dir.path().join("files"))
            .iter()
            .filter(|p| !p.starts_with(s.dir.path().join("files/blobs")))
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum::<u64>()
    };
    while staged() < 5_000_000 {
        assert!(
            Instant::now() < deadline,
            "the upload never reached storage"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // SIGKILL in the middle of the upload.
    server.kill().unwrap();
    server.wait().unwrap();
    drop(stream);

    // Nothing visible: no resource, no version, no blob under a real name.
    let resources: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM resources WHERE dataset_id = $1")
        .bind(dataset_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(resources, 0, "no partial resource");
    assert_eq!(
        blobs_in(s.dir.path()),
        blobs_before,
        "no blob of the interrupted upload under a real name"
    );
    let mut server = s.serve(false);
    wait_ready(&s.url("/readyz")).await;
    // The editor sees the draft as it was.
    let html = page("/datos/obras-2026")
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Obras 2026"), "{html}");
    assert!(
        !html.contains("Obras a medias"),
        "no partial resource on the page"
    );
    server.kill().unwrap();
    server.wait().unwrap();

    // The half-written staging object is swept; the blobs in use stay.
    let out = s.run(&["sweep-files", "--older-than-minutes", "0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 subidas interrumpidas"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(staged(), 0, "nothing left of the interrupted upload");
    assert_eq!(blobs_in(s.dir.path()), blobs_before);
    db.close().await;
}

#[test]
fn validate_answers_with_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .unwrap()
    };
    // Valid, in Windows-1252 with a title row, as offices write them.
    let good = dir.path().join("población.csv");
    let mut bytes = b"Reporte de obras 2025\r\n".to_vec();
    bytes.extend(b"clave,municipio,monto\r\n01001,Acambay de Ru\xedz Casta\xf1eda,\"1,234.50\"\r\n01002,Zacazonapan,\"99.00\"\r\n");
    std::fs::write(&good, bytes).unwrap();
    let out = run(&["validate", good.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("2 filas, 3 columnas"), "{text}");
    assert!(text.contains("Windows-1252"), "{text}");
    assert!(text.contains("clave (texto)"), "{text}");
    assert!(text.contains("monto (número con decimales)"), "{text}");
    assert!(text.contains("Válido"), "{text}");

    // Invalid: exit 1, and --json is Frictionless' report.
    let bad = dir.path().join("malo.csv");
    std::fs::write(&bad, "id,nombre,id\n1,a\n2,b,3,4\n").unwrap();
    let out = run(&["validate", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No válido"), "{text}");
    let out = run(&["validate", "--json", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["valid"], false);
    let codes: Vec<&str> = report["tasks"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"duplicate-label"), "{codes:?}");
    assert!(codes.contains(&"missing-cell"), "{codes:?}");
    assert!(codes.contains(&"extra-cell"), "{codes:?}");

    // Unreadable: exit 2 and one Spanish line.
    let garbage = dir.path().join("datos.csv");
    std::fs::write(
        &garbage,
        [0u8, 159, 146, 150, 0, 1, 2, 255, 0, 0, 7, 8].repeat(200),
    )
    .unwrap();
    let out = run(&["validate", garbage.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_one_line(&out).contains("datos.csv"));
    let out = run(&["validate", "no-existe.csv"]);
    assert_eq!(out.status.code(), Some(2));
    stderr_one_line(&out);
    let out = run(&["validate", "informe.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_one_line(&out).contains("no parece una tabla"));
}

/// `apertura reindex` rebuilds the index from the database; while a server
/// holds the embedded index, it asks that server's workers to do it.
#[tokio::test]
async fn reindex_rebuilds_here_or_asks_the_running_server() {
    let s = Setup::new().await;
    let mut server = s.serve(true);
    wait_ready(&s.url("/readyz")).await;
    let out = s.run(&["reindex"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if s.is_postgres() {
        // Shared index: done here, beside the server.
        assert!(stdout.contains("documentos públicos"), "{stdout}");
    } else {
        assert!(stdout.contains("se le pidió reconstruirlo"), "{stdout}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
    let out = s.run(&["reindex"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}");
    let total: u64 = stdout
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(total >= 10, "{stdout}");
    assert!(
        stdout.contains(&format!("{total} indexados y 0 quitados")),
        "{stdout}"
    );
    let out = s.run(&["reindex", "--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(stdout.contains("0 indexados y 0 quitados"), "{stdout}");
}

/// `apertura scan FILE`: one JSON line per piece of personal data found,
/// masked, with the row as a person counts it and the column; exit 1 when
/// it found some, 0 when none, 2 when the file cannot be read.
#[test]
fn scan_reports_personal_data_masked_with_its_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        Command::new(BIN)
            .args(args)
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .output()
            .unwrap()
    };
    let lines = |out: &Output| -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    // A table in Windows-1252 under a title row: a CURP and a phone in their
    // columns; a company's RFC, which is public, is not reported.
    let table = dir.path().join("padrón.csv");
    let mut bytes = b"Padr\xf3n de beneficiarios 2025\r\n".to_vec();
    bytes.extend(b"nombre,curp_beneficiario,tel\xe9fono,rfc_proveedor,monto\r\n");
    bytes.extend(b"ROSA HERN\xc1NDEZ,HEGR850312MMCRNS01,7222150000,SAT970701NN3,\"1,234.50\"\r\n");
    bytes.extend(b"LUIS P\xc9REZ,,sin dato,SAT970701NN3,99.00\r\n");
    std::fs::write(&table, bytes).unwrap();
    let out = run(&["scan", table.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let found = lines(&out);
    assert_eq!(
        found,
        [
            serde_json::json!({"kind": "curp", "row": 3, "column": "curp_beneficiario", "value": "HEGR******MMCRNS0*"}),
            serde_json::json!({"kind": "telefono", "row": 3, "column": "teléfono", "value": "******0000"}),
        ]
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("HEGR850312MMCRNS01") && !stdout.contains("7222150000"));

    // A text: rows are its lines.
    let note = dir.path().join("aviso.md");
    std::fs::write(&note, "# Aviso\n\nContacto: ana.lopez@correo.mx\n").unwrap();
    let out = run(&["scan", note.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        lines(&out),
        [serde_json::json!({"kind": "email", "row": 3, "column": null, "value": "a***@correo.mx"})]
    );

    // Nothing personal: exit 0 and nothing on standard output.
    let clean = dir.path().join("municipios.csv");
    std::fs::write(
        &clean,
        "municipio,clave,poblacion,folio\nToluca,15106,910608,5512345678\n",
    )
    .unwrap();
    let out = run(&["scan", clean.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());

    // Unreadable: exit 2 and one Spanish line.
    let out = run(&["scan", "no-existe.csv"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_one_line(&out).contains("no-existe.csv"));
    let out = run(&["scan", "informe.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr_one_line(&out).contains("no es una tabla ni un texto"));
    let broken = dir.path().join("libro.xlsx");
    std::fs::write(&broken, b"esto no es un libro").unwrap();
    let out = run(&["scan", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    stderr_one_line(&out);
}
