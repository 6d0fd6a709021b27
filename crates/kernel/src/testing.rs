//! Test support (feature `testing`): a fresh, migrated database per test.
//!
//! Without `APERTURA_TEST_DATABASE_URL` each test gets a SQLite file in a
//! temporary directory. With it (e.g. `postgres://postgres@127.0.0.1:5432/test`)
//! each test gets a PostgreSQL schema of its own, so tests run in parallel
//! without seeing each other. Schemas older than three hours are dropped on the way.

use std::path::PathBuf;

use crate::config::DatabaseTarget;
use crate::db::{Db, MigrationSet};

/// A database for one test. Keep it alive for the whole test.
#[derive(Debug)]
pub struct TestDb {
    pub db: Db,
    pub target: DatabaseTarget,
    /// The data directory the test may use for files (always a fresh temp dir).
    pub dir: tempfile::TempDir,
}

impl TestDb {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
    /// The URL to give a spawned process so it sees the same database.
    pub fn url(&self) -> String {
        match &self.target {
            DatabaseTarget::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseTarget::Postgres(u) => u.clone(),
        }
    }
}

/// The PostgreSQL server the storage tests run on, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("APERTURA_TEST_DATABASE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// A fresh database target (not yet migrated), SQLite or PostgreSQL as configured.
pub async fn fresh_target() -> (DatabaseTarget, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let target = match postgres_url() {
        None => DatabaseTarget::Sqlite(dir.path().join("apertura.db")),
        Some(base) => DatabaseTarget::Postgres(fresh_schema(&base).await),
    };
    (target, dir)
}

/// A fresh, migrated database.
pub async fn test_db(sets: &[MigrationSet]) -> TestDb {
    let (target, dir) = fresh_target().await;
    let db = Db::connect(&target, 5).await.expect("test database");
    db.migrate(sets).await.expect("migrations");
    TestDb { db, target, dir }
}

async fn fresh_schema(base: &str) -> String {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let now = chrono::Utc::now().timestamp();
    let schema = format!(
        "t{}_{}",
        now,
        &uuid::Uuid::new_v4().simple().to_string()[..10]
    );
    let mut conn = sqlx::AnyConnection::connect(base)
        .await
        .expect("PostgreSQL for tests");
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut conn)
        .await
        .expect("create schema");
    // Sweep schemas that earlier runs left behind.
    let old: Vec<String> = sqlx::query_scalar(
        "SELECT nspname::text FROM pg_namespace WHERE nspname ~ '^t[0-9]+_[0-9a-f]{10}$'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default();
    for name in old {
        let ts: i64 = name[1..]
            .split('_')
            .next()
            .and_then(|s| s.parse().ok())
            .unwrap_or(now);
        if now - ts > 3 * 3_600 {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                .execute(&mut conn)
                .await;
        }
    }
    // Extensions belong to the database, not to a schema: keep the ones the
    // platform uses (the search engine's) in `public`, seen from every
    // test's schema as they are in an installation (where all is `public`).
    // Errors are ignored: another test may be doing the same at this moment.
    for ext in ["unaccent", "pg_trgm"] {
        let _ = sqlx::query(&format!(
            "CREATE EXTENSION IF NOT EXISTS {ext} SCHEMA public"
        ))
        .execute(&mut conn)
        .await;
        let _ = sqlx::query(&format!("ALTER EXTENSION {ext} SET SCHEMA public"))
            .execute(&mut conn)
            .await;
    }
    let _ = conn.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema},public")
}

/// The storage URL for one test: a directory under `dir`, or, when
/// `APERTURA_TEST_STORAGE_URL` is set (e.g. `s3://apertura-pruebas` with the
/// `AWS_*` variables pointing at a local S3-compatible server), a fresh prefix
/// in that bucket.
pub fn test_storage_url(dir: &std::path::Path) -> String {
    match std::env::var("APERTURA_TEST_STORAGE_URL")
        .ok()
        .filter(|s| !s.trim().is_empty())
    {
        Some(base) => format!(
            "{}/t{}",
            base.trim_end_matches('/'),
            uuid::Uuid::new_v4().simple()
        ),
        None => format!("file://{}", dir.join("files").display()),
    }
}

/// A fresh file store for one test (see [`test_storage_url`]).
pub fn test_files(dir: &std::path::Path) -> crate::files::FileStore {
    let target = crate::config::StorageTarget::parse(&test_storage_url(dir)).expect("storage url");
    crate::files::FileStore::open(&target).expect("test file store")
}
