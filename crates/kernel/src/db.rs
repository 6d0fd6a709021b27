//! SQLite or PostgreSQL behind one query layer: sqlx's `Any` driver with `$N`
//! placeholders, which both backends accept.
//!
//! Rules that keep the two backends in step (see ARCHITECTURE.md):
//! - only portable types cross the driver: `i64` (BIGINT), `f64`, `String`, `Vec<u8>`;
//!   booleans are stored as 0/1 integers and times as text (see [`crate::time`]);
//! - aggregates that PostgreSQL widens to NUMERIC are cast back (`CAST(SUM(x) AS BIGINT)`);
//! - every capability ships its migrations twice, `migrations/sqlite` and
//!   `migrations/postgres`, with the same versions and names (a test checks it);
//! - writes go through [`Db::begin`], which on SQLite takes the write lock at once
//!   (`BEGIN IMMEDIATE`), so concurrent writers queue instead of failing.

use std::borrow::Cow;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::{Migration, Migrator};
use sqlx::{AnyPool, Executor};

use crate::config::DatabaseTarget;

pub use sqlx::any::AnyRow;
pub use sqlx::{AnyConnection, Row};

/// A write transaction. Commit it or it rolls back when dropped.
pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// Which engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Errors opening or migrating the database; `Display` is one Spanish line.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("no se pudo abrir la base de datos {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("no se pudieron aplicar las migraciones: {0}")]
    Migrate(String),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

/// The two migration directories of one capability, embedded at compile time.
#[derive(Debug, Clone, Copy)]
pub struct MigrationSet {
    pub sqlite: &'static Migrator,
    pub postgres: &'static Migrator,
}

/// A pool of connections to SQLite or PostgreSQL.
#[derive(Debug, Clone)]
pub struct Db {
    /// Reads (and PostgreSQL writes).
    pool: AnyPool,
    /// SQLite only: one connection that serialises this process's writers.
    writer: Option<AnyPool>,
    backend: Backend,
}

impl Db {
    /// Connects and sets each connection up (on SQLite: WAL journal, full sync,
    /// foreign keys, a busy timeout).
    pub async fn connect(target: &DatabaseTarget, max_connections: u32) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let fail = |e: sqlx::Error| DbError::Connect {
            target: target.redacted(),
            reason: connect_reason(&e),
        };
        let opts: AnyConnectOptions = target.url().parse().map_err(fail)?;
        match target {
            DatabaseTarget::Sqlite(_) => {
                let pool = sqlite_pool(max_connections.max(2), &opts)
                    .await
                    .map_err(fail)?;
                let writer = sqlite_pool(1, &opts).await.map_err(fail)?;
                Ok(Db {
                    pool,
                    writer: Some(writer),
                    backend: Backend::Sqlite,
                })
            }
            DatabaseTarget::Postgres(_) => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await
                    .map_err(fail)?;
                Ok(Db {
                    pool,
                    writer: None,
                    backend: Backend::Postgres,
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for reads: `sqlx::query(…).fetch_all(db.pool())`.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Begins a write transaction.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match &self.writer {
            Some(writer) => writer.begin_with("BEGIN IMMEDIATE").await,
            None => self.pool.begin().await,
        }
    }

    /// Answers when the database can be reached.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
    }

    /// Applies every pending migration of the given capabilities, in version
    /// order. Safe to run from several processes at once (PostgreSQL takes an
    /// advisory lock; SQLite serialises writers).
    pub async fn migrate(&self, sets: &[MigrationSet]) -> Result<(), DbError> {
        let migrator = combined_migrator(self.backend, sets)?;
        let pool = self.writer.as_ref().unwrap_or(&self.pool);
        migrator
            .run(pool)
            .await
            .map_err(|e| DbError::Migrate(e.to_string()))
    }

    /// Closes every connection (checkpointing SQLite's WAL).
    pub async fn close(&self) {
        if let Some(w) = &self.writer {
            w.close().await;
        }
        self.pool.close().await;
    }

    /// `$1, $2, …, $n` from `start`, for `IN (…)` lists built at run time.
    pub fn placeholders(start: usize, n: usize) -> String {
        (start..start + n)
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Every row of `sql(placeholders)` for all `values`, asked in chunks
    /// (`sql` gets `$1, …, $n` for one chunk, to put in an `IN (…)`), so a
    /// long list stays within both backends' limits on bound parameters.
    pub async fn fetch_all_in<T, F>(
        &self,
        values: &[T],
        sql: F,
    ) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Clone + Send + 'static,
        F: Fn(&str) -> String,
    {
        /// Values per query.
        const CHUNK: usize = 500;
        let mut rows = vec![];
        for chunk in values.chunks(CHUNK) {
            let sql = sql(&Db::placeholders(1, chunk.len()));
            let mut q = sqlx::query(&sql);
            for v in chunk {
                q = q.bind(v.clone());
            }
            rows.extend(q.fetch_all(&self.pool).await?);
        }
        Ok(rows)
    }
}

async fn sqlite_pool(max: u32, opts: &AnyConnectOptions) -> Result<AnyPool, sqlx::Error> {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // WAL lets readers and one writer work at once; FULL makes every
                // commit durable before it is acknowledged.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                conn.execute("PRAGMA synchronous = FULL").await?;
                conn.execute("PRAGMA foreign_keys = ON").await?;
                conn.execute("PRAGMA busy_timeout = 15000").await?;
                Ok(())
            })
        })
        .connect_with(opts.clone())
        .await
}

/// One migrator from every capability's set for this backend, checked for
/// version clashes between capabilities.
pub fn combined_migrator(backend: Backend, sets: &[MigrationSet]) -> Result<Migrator, DbError> {
    let mut all: Vec<Migration> = sets
        .iter()
        .flat_map(|s| match backend {
            Backend::Sqlite => s.sqlite.iter(),
            Backend::Postgres => s.postgres.iter(),
        })
        .cloned()
        .collect();
    all.sort_by_key(|m| m.version);
    for pair in all.windows(2) {
        if let [a, b] = pair {
            if a.version == b.version {
                return Err(DbError::Migrate(format!(
                    "dos migraciones con la versión {} ({} y {})",
                    a.version, a.description, b.description
                )));
            }
        }
    }
    Ok(Migrator {
        migrations: Cow::Owned(all),
        ..Migrator::DEFAULT
    })
}

/// True when the error is a unique-constraint violation (on either backend).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(d) => d.is_unique_violation(),
        _ => false,
    }
}

fn connect_reason(e: &sqlx::Error) -> String {
    let text = match e {
        sqlx::Error::Io(io) => crate::config::io_reason(io),
        sqlx::Error::PoolTimedOut => "el servidor no respondió a tiempo".into(),
        sqlx::Error::Configuration(c) => format!("configuración no válida ({c})"),
        sqlx::Error::Database(d) => d.message().to_string(),
        other => other.to_string(),
    };
    text.replace('\n', " ")
}

/// Booleans cross the driver as 0/1.
pub fn flag(b: bool) -> i64 {
    i64::from(b)
}
