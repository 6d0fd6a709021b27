//! The datastore: one table per resource version, holding its typed rows, in
//! a SQLite file of its own beside the main database (embedded mode: big loads
//! never hold the main database's single writer) or in PostgreSQL (scale mode,
//! loaded with `COPY`).
//!
//! Physical columns are `_id` (row order, 1…n) and `c1…cN`: the field names a
//! publisher wrote (long, accented, repeated) live in the ingest's schema, so
//! no header can break an identifier. A table is written once and never
//! changed; it is visible only when the main database says its ingest is
//! ready.

use std::path::PathBuf;

use chrono::{Datelike, Timelike};
use std::time::Duration;

use kernel::config::{Config, DatabaseTarget};
use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Column as _, Row};
use tabular::Value;

use crate::query::{Filter, Query};

/// What a column holds, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Integer,
    Number,
    Boolean,
    Date,
    Datetime,
    Text,
}

impl Kind {
    pub fn of(t: &tabular::FieldType) -> Kind {
        use tabular::FieldType as F;
        match t {
            F::Integer => Kind::Integer,
            F::Number => Kind::Number,
            F::Boolean => Kind::Boolean,
            F::Date => Kind::Date,
            F::Datetime => Kind::Datetime,
            _ => Kind::Text,
        }
    }

    /// The type name CKAN's datastore reports for such a column.
    pub fn ckan(self) -> &'static str {
        match self {
            Kind::Integer => "int",
            Kind::Number => "numeric",
            Kind::Boolean => "bool",
            Kind::Date => "date",
            Kind::Datetime => "timestamp",
            Kind::Text => "text",
        }
    }

    fn sql(self, postgres: bool) -> &'static str {
        match (self, postgres) {
            (Kind::Integer, _) => "BIGINT",
            (Kind::Number, false) => "REAL",
            (Kind::Number, true) => "DOUBLE PRECISION",
            (Kind::Boolean, false) => "INTEGER",
            (Kind::Boolean, true) => "BOOLEAN",
            (Kind::Date, true) => "DATE",
            (Kind::Datetime, true) => "TIMESTAMP",
            (_, _) => "TEXT",
        }
    }
}

/// One column of a version's table: the publisher's name and the kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

impl DatastoreError {
    /// The table is not there (a datastore restored without it, or lost):
    /// the version must be loaded again.
    pub fn is_missing_table(&self) -> bool {
        match self {
            DatastoreError::Db(sqlx::Error::Database(e)) => {
                e.code().as_deref() == Some("42P01") || e.message().contains("no such table")
            }
            _ => false,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DatastoreError {
    #[error("error de la base de datos de consultas: {0}")]
    Db(#[from] sqlx::Error),
    #[error("la base de datos de consultas no está disponible: {0}")]
    Open(String),
    #[error("la consulta tardó demasiado; pida menos filas o use filtros")]
    Timeout,
    #[error("no se pudo escribir la tabla: {0}")]
    Load(String),
}

impl From<rusqlite::Error> for DatastoreError {
    fn from(e: rusqlite::Error) -> DatastoreError {
        DatastoreError::Load(e.to_string())
    }
}

/// Where the tables live.
#[derive(Debug, Clone)]
pub enum Datastore {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Bytes of the datastore file each connection maps into memory.
const MMAP_BYTES: u64 = 8 * 1024 * 1024 * 1024;

/// The table of a version.
pub fn table_name(version_id: i64) -> String {
    format!("ds_v{version_id}")
}

impl Datastore {
    /// Opens (lazily: no connection is made until the first use) the
    /// datastore that goes with the configured database.
    pub fn open(config: &Config) -> Result<Datastore, String> {
        match config.database().map_err(|e| e.to_string())? {
            DatabaseTarget::Sqlite(path) => Ok(Datastore::sqlite_at(&datastore_path(&path))),
            DatabaseTarget::Postgres(url) => Datastore::postgres(&url),
        }
    }

    /// A datastore in the PostgreSQL database at `url` (tables beside the
    /// platform's, named `ds_v…`).
    pub fn postgres(url: &str) -> Result<Datastore, String> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy(url)
            .map_err(|e| e.to_string())?;
        Ok(Datastore::Postgres(pool))
    }

    /// A datastore in the SQLite file at `path` (created if missing).
    pub fn sqlite_at(path: &std::path::Path) -> Datastore {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Derived data, rebuilt from the stored files if lost.
            .synchronous(SqliteSynchronous::Normal)
            // Tables are read far more than written: pages straight from
            // the OS's page cache instead of a `pread` and a copy each
            // (which, measured under 20 concurrent queries, was half the
            // server's time).
            .pragma("mmap_size", MMAP_BYTES.to_string())
            .busy_timeout(Duration::from_secs(30));
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_lazy_with(options);
        Datastore::Sqlite(pool)
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Datastore::Postgres(_))
    }

    /// Whether a version's table is there.
    pub async fn has_table(&self, version_id: i64) -> Result<bool, DatastoreError> {
        let name = table_name(version_id);
        let found: Option<i64> = match self {
            Datastore::Sqlite(p) => {
                sqlx::query_scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")
                    .bind(&name)
                    .fetch_optional(p)
                    .await?
            }
            Datastore::Postgres(p) => {
                sqlx::query_scalar("SELECT 1::BIGINT FROM pg_tables WHERE tablename = $1 AND schemaname = ANY (current_schemas(false))")
                    .bind(&name)
                    .fetch_optional(p)
                    .await?
            }
        };
        Ok(found.is_some())
    }

    /// Removes a version's table (a failed or repeated load).
    pub async fn drop_table(&self, version_id: i64) -> Result<(), DatastoreError> {
        let sql = format!("DROP TABLE IF EXISTS {}", table_name(version_id));
        match self {
            Datastore::Sqlite(p) => {
                sqlx::query(&sql).execute(p).await?;
            }
            Datastore::Postgres(p) => {
                sqlx::query(&sql).execute(p).await?;
            }
        }
        Ok(())
    }

    /// Starts a load: a fresh, empty table for the version.
    pub async fn begin_load(
        &self,
        version_id: i64,
        columns: &[Column],
    ) -> Result<Loader, DatastoreError> {
        if self.is_postgres() {
            self.drop_table(version_id).await?;
        }
        let pg = self.is_postgres();
        let cols: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("c{} {}", i + 1, c.kind.sql(pg)))
            .collect();
        // On SQLite `INTEGER PRIMARY KEY` makes `_id` the rowid itself: no
        // second index to maintain while loading.
        let sql = format!(
            "CREATE TABLE {} (_id {} PRIMARY KEY{}{})",
            table_name(version_id),
            if pg { "BIGINT" } else { "INTEGER" },
            if cols.is_empty() { "" } else { ", " },
            cols.join(", ")
        );
        // One transaction for the whole table: a load cut short leaves no
        // table at all (the transaction rolls back when the loader is dropped).
        let inner = match self {
            Datastore::Sqlite(p) => {
                let path = p.connect_options().get_filename().to_path_buf();
                LoaderInner::Sqlite(SqliteLoad::start(path, version_id, sql, columns.len()).await?)
            }
            Datastore::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query(&sql).execute(&mut *tx).await?;
                LoaderInner::Postgres(tx)
            }
        };
        Ok(Loader {
            inner,
            version_id,
            kinds: columns.iter().map(|c| c.kind).collect(),
            next_id: 1,
        })
    }

    /// Indexes the columns people filter and sort by (not long free text):
    /// built after the load, so a version is queryable as soon as its rows
    /// are in, and fast a moment later.
    pub async fn create_indexes(
        &self,
        version_id: i64,
        columns: &[usize],
    ) -> Result<(), DatastoreError> {
        let t = table_name(version_id);
        for i in columns {
            let sql = format!(
                "CREATE INDEX IF NOT EXISTS {t}_c{n} ON {t} (c{n})",
                n = i + 1
            );
            match self {
                Datastore::Sqlite(p) => {
                    sqlx::query(&sql).execute(p).await?;
                }
                Datastore::Postgres(p) => {
                    sqlx::query(&sql).execute(p).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs a search over a version's table.
    pub async fn search(
        &self,
        version_id: i64,
        columns: &[Column],
        q: &Query,
    ) -> Result<SearchResult, DatastoreError> {
        let pg = self.is_postgres();
        let (where_sql, binds) = where_clause(columns, q, pg);
        let selected: Vec<usize> = if q.fields.is_empty() {
            (0..columns.len()).collect()
        } else {
            q.fields.clone()
        };
        let mut select = vec!["_id".to_string()];
        for &i in &selected {
            select.push(match (columns[i].kind, pg) {
                (Kind::Date | Kind::Datetime, true) => format!("CAST(c{} AS TEXT)", i + 1),
                _ => format!("c{}", i + 1),
            });
        }
        let order = if q.sort.is_empty() {
            "_id".to_string()
        } else {
            let mut parts: Vec<String> = q
                .sort
                .iter()
                .map(|(i, desc)| {
                    format!(
                        "c{} {}{}",
                        i + 1,
                        if *desc { "DESC" } else { "ASC" },
                        // The same place for nulls on both backends.
                        if *desc { " NULLS LAST" } else { " NULLS FIRST" }
                    )
                })
                .collect();
            parts.push("_id".into());
            parts.join(", ")
        };
        let t = table_name(version_id);
        // LIMIT and OFFSET are parameters: one prepared statement serves
        // every page of the same query.
        let (limit_at, offset_at) = if pg {
            (
                format!("${}", binds.len() + 1),
                format!("${}", binds.len() + 2),
            )
        } else {
            ("?".to_string(), "?".to_string())
        };
        let rows_sql = format!(
            "SELECT {} FROM {t}{where_sql} ORDER BY {order} LIMIT {limit_at} OFFSET {offset_at}",
            select.join(", "),
        );
        let limit = i64::from(q.limit);
        let offset = i64::try_from(q.offset).unwrap_or(i64::MAX);
        let count_sql = format!("SELECT COUNT(*) FROM {t}{where_sql}");
        let kinds: Vec<Kind> = selected.iter().map(|&i| columns[i].kind).collect();
        let work = async {
            match self {
                Datastore::Sqlite(p) => {
                    let mut query = sqlx::query(&rows_sql);
                    for b in &binds {
                        query = bind_sqlite(query, b);
                    }
                    let rows = query.bind(limit).bind(offset).fetch_all(p).await?;
                    let records = rows
                        .iter()
                        .map(|r| decode_sqlite(r, &kinds))
                        .collect::<Result<Vec<_>, _>>()?;
                    let total = if q.include_total {
                        let mut query = sqlx::query_scalar::<_, i64>(&count_sql);
                        for b in &binds {
                            query = bind_sqlite_scalar(query, b);
                        }
                        Some(query.fetch_one(p).await?)
                    } else {
                        None
                    };
                    Ok::<_, DatastoreError>(SearchResult { records, total })
                }
                Datastore::Postgres(p) => {
                    let mut query = sqlx::query(&rows_sql);
                    for b in &binds {
                        query = bind_pg(query, b);
                    }
                    let rows = query.bind(limit).bind(offset).fetch_all(p).await?;
                    let records = rows
                        .iter()
                        .map(|r| decode_pg(r, &kinds))
                        .collect::<Result<Vec<_>, _>>()?;
                    let total = if q.include_total {
                        let mut query = sqlx::query_scalar::<_, i64>(&count_sql);
                        for b in &binds {
                            query = bind_pg_scalar(query, b);
                        }
                        Some(query.fetch_one(p).await?)
                    } else {
                        None
                    };
                    Ok(SearchResult { records, total })
                }
            }
        };
        tokio::time::timeout(Duration::from_secs(10), work)
            .await
            .map_err(|_| DatastoreError::Timeout)?
    }
}

/// What a `datastore_search_sql` statement returned.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlResult {
    pub fields: Vec<String>,
    pub records: Vec<Vec<serde_json::Value>>,
    /// More rows existed than the limit allowed.
    pub truncated: bool,
}

impl Datastore {
    /// Runs an already checked and rewritten read-only statement (see
    /// `crate::sql`) with a row limit and a time limit; the database itself
    /// also refuses writes for it (read-only transaction on PostgreSQL,
    /// `query_only` on SQLite).
    pub async fn run_sql(
        &self,
        sql: &str,
        limit: usize,
        time: Duration,
    ) -> Result<SqlResult, DatastoreError> {
        let limit_plus = limit + 1;
        let result = match self {
            Datastore::Sqlite(p) => {
                let mut conn = p.acquire().await?;
                sqlx::query("PRAGMA query_only = ON")
                    .execute(&mut *conn)
                    .await?;
                let deadline = std::time::Instant::now() + time;
                conn.lock_handle()
                    .await?
                    .set_progress_handler(10_000, move || std::time::Instant::now() < deadline);
                let wrapped = format!("SELECT * FROM ({sql}) LIMIT {limit_plus}");
                let rows = sqlx::query(&wrapped).fetch_all(&mut *conn).await;
                // Leave the connection as it was, whatever happened.
                if let Ok(mut h) = conn.lock_handle().await {
                    h.remove_progress_handler();
                }
                let _ = sqlx::query("PRAGMA query_only = OFF")
                    .execute(&mut *conn)
                    .await;
                let rows = match rows {
                    Ok(rows) => rows,
                    Err(e) if std::time::Instant::now() >= deadline => {
                        tracing::info!(error = %e, "sql stopped at its time limit");
                        return Err(DatastoreError::Timeout);
                    }
                    Err(e) => return Err(e.into()),
                };
                let fields: Vec<String> = rows
                    .first()
                    .map(|r| r.columns().iter().map(|c| c.name().to_string()).collect())
                    .unwrap_or_default();
                let records = rows
                    .iter()
                    .map(decode_dynamic_sqlite)
                    .collect::<Result<Vec<_>, _>>()?;
                (fields, records)
            }
            Datastore::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query("SET TRANSACTION READ ONLY")
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(&format!(
                    "SET LOCAL statement_timeout = {}",
                    time.as_millis()
                ))
                .execute(&mut *tx)
                .await?;
                let inner = format!("SELECT * FROM ({sql}) q LIMIT {limit_plus}");
                let described = sqlx::Executor::describe(&mut *tx, &inner).await?;
                let fields: Vec<String> = described
                    .columns()
                    .iter()
                    .map(|c| c.name().to_string())
                    .collect();
                let wrapped = format!("SELECT row_to_json(q)::text FROM ({inner}) q");
                let rows: Vec<String> = match sqlx::query_scalar(&wrapped).fetch_all(&mut *tx).await
                {
                    Ok(rows) => rows,
                    Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("57014") => {
                        return Err(DatastoreError::Timeout)
                    }
                    Err(e) => return Err(e.into()),
                };
                tx.rollback().await?;
                let records = rows
                    .iter()
                    .map(|text| {
                        let obj: serde_json::Map<String, serde_json::Value> =
                            serde_json::from_str(text).unwrap_or_default();
                        fields
                            .iter()
                            .map(|f| obj.get(f).cloned().unwrap_or(serde_json::Value::Null))
                            .collect()
                    })
                    .collect();
                (fields, records)
            }
        };
        let (fields, mut records) = result;
        let truncated = records.len() > limit;
        records.truncate(limit);
        Ok(SqlResult {
            fields,
            records,
            truncated,
        })
    }
}

fn decode_dynamic_sqlite(
    r: &sqlx::sqlite::SqliteRow,
) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    use serde_json::Value as J;
    use sqlx::{TypeInfo, ValueRef};
    let mut out = Vec::with_capacity(r.columns().len());
    for i in 0..r.columns().len() {
        let raw = r.try_get_raw(i)?;
        let kind = if raw.is_null() {
            "NULL".to_string()
        } else {
            raw.type_info().name().to_string()
        };
        out.push(match kind.as_str() {
            "NULL" => J::Null,
            "INTEGER" | "BOOLEAN" => J::from(r.try_get::<i64, _>(i)?),
            "REAL" | "NUMERIC" => number(r.try_get::<f64, _>(i)?),
            "BLOB" => J::Null,
            _ => J::from(r.try_get::<String, _>(i)?),
        });
    }
    Ok(out)
}

/// `data/apertura.db` → `data/apertura.datastore.db`.
pub fn datastore_path(main: &std::path::Path) -> PathBuf {
    let stem = main
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("apertura");
    main.with_file_name(format!("{stem}.datastore.db"))
}

/// A value to bind in a WHERE clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Bind {
    Int(i64),
    Num(f64),
    Text(String),
    Bool(bool),
}

fn where_clause(columns: &[Column], q: &Query, pg: bool) -> (String, Vec<Bind>) {
    let mut conds = vec![];
    let mut binds = vec![];
    let placeholder = |binds: &mut Vec<Bind>, b: Bind| {
        binds.push(b);
        if pg {
            format!("${}", binds.len())
        } else {
            "?".to_string()
        }
    };
    for Filter { column, values } in &q.filters {
        let col = format!("c{}", column + 1);
        let mut alts = vec![];
        for v in values {
            match v {
                None => alts.push(format!("{col} IS NULL")),
                Some(b) => {
                    let p = placeholder(&mut binds, b.clone());
                    let lhs = match (columns[*column].kind, pg) {
                        (Kind::Date | Kind::Datetime, true) => format!("CAST({col} AS TEXT)"),
                        _ => col.clone(),
                    };
                    alts.push(format!("{lhs} = {p}"));
                }
            }
        }
        if !alts.is_empty() {
            conds.push(format!("({})", alts.join(" OR ")));
        }
    }
    if let Some(after) = q.after_id {
        let p = placeholder(&mut binds, Bind::Int(after));
        conds.push(format!("_id > {p}"));
    }
    if let Some(text) = &q.q {
        // Every word somewhere in the row's text, whatever its case and
        // accents ("gestion" finds "GESTIÓN").
        let text_columns: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.kind == Kind::Text)
            .map(|(i, _)| i)
            .collect();
        let words: Vec<&str> = text.split_whitespace().take(MAX_Q_WORDS).collect();
        if text_columns.is_empty() && !words.is_empty() {
            conds.push("1 = 0".to_string());
        }
        for word in words.into_iter().filter(|_| !text_columns.is_empty()) {
            let pattern = if pg {
                folded_regex(word)
            } else {
                format!("*{}*", folded_glob(word))
            };
            let mut alts = vec![];
            for i in &text_columns {
                let p = placeholder(&mut binds, Bind::Text(pattern.clone()));
                alts.push(if pg {
                    format!("c{} ~ {p}", i + 1)
                } else {
                    format!("c{} GLOB {p}", i + 1)
                });
            }
            conds.push(format!("({})", alts.join(" OR ")));
        }
    }
    if conds.is_empty() {
        (String::new(), binds)
    } else {
        (format!(" WHERE {}", conds.join(" AND ")), binds)
    }
}

/// Why the database refused a query, in Spanish: the usual mistakes of SQL
/// written by hand, by SQLite's message or PostgreSQL's error code; anything
/// else keeps the database's own words, marked as such.
pub fn refusal(code: Option<&str>, message: &str) -> String {
    // The name a message quotes: `no such column: x`, `column "x" does not exist`.
    let quoted = || -> String {
        message
            .split_once('"')
            .and_then(|(_, rest)| rest.split_once('"'))
            .map(|(name, _)| name.to_string())
            .or_else(|| message.rsplit_once(": ").map(|(_, n)| n.trim().to_string()))
            .unwrap_or_default()
    };
    let known = |prefix: &str| message.starts_with(prefix);
    match code {
        Some("42703") => return format!("no existe la columna «{}»", quoted()),
        Some("42883") => return "no existe esa función, o no acepta esos argumentos".into(),
        Some("42601") => return syntax_error(message),
        Some("42803") => return "las columnas que no se agregan deben estar en GROUP BY".into(),
        Some("42702") => {
            return format!(
                "el nombre de columna «{}» es ambiguo; anteponga el nombre de la tabla",
                quoted()
            )
        }
        Some("22012") => return "división entre cero".into(),
        Some("22P02") | Some("22007") | Some("22008") => {
            return "un valor no tiene el tipo que la consulta espera".into()
        }
        _ => {}
    }
    if known("no such column") {
        format!("no existe la columna «{}»", quoted())
    } else if known("no such function") {
        format!("no existe la función «{}»", quoted())
    } else if known("ambiguous column name") {
        format!(
            "el nombre de columna «{}» es ambiguo; anteponga el nombre de la tabla",
            quoted()
        )
    } else if message.contains("syntax error") {
        syntax_error(message)
    } else if known("misuse of aggregate") {
        "una función de agregación (COUNT, SUM…) está donde no se permite".into()
    } else if known("wrong number of arguments") {
        "una función recibió un número de argumentos que no acepta".into()
    } else {
        format!("{message} (mensaje original de la base de datos)")
    }
}

/// "Syntax error near X" from either backend (`near "X"`, `at or near "X"`).
fn syntax_error(message: &str) -> String {
    match message.split_once("near \"") {
        Some((_, rest)) => format!(
            "hay un error de sintaxis cerca de «{}»",
            rest.split('"').next().unwrap_or_default()
        ),
        None if message.contains("end of input") => {
            "la consulta termina antes de tiempo (falta algo al final)".into()
        }
        None => "hay un error de sintaxis".into(),
    }
}

/// Words of `q` that must all be found.
const MAX_Q_WORDS: usize = 8;

/// The spellings a letter stands for: both cases, with and without accents
/// (and `n` for `ñ`, as people type on phones).
fn letter_class(c: char) -> Option<&'static str> {
    Some(match c {
        'a' | 'á' | 'à' | 'ä' | 'â' | 'ã' | 'A' | 'Á' | 'À' | 'Ä' | 'Â' | 'Ã' => {
            "aáàäâãAÁÀÄÂÃ"
        }
        'e' | 'é' | 'è' | 'ë' | 'ê' | 'E' | 'É' | 'È' | 'Ë' | 'Ê' => "eéèëêEÉÈËÊ",
        'i' | 'í' | 'ì' | 'ï' | 'î' | 'I' | 'Í' | 'Ì' | 'Ï' | 'Î' => "iíìïîIÍÌÏÎ",
        'o' | 'ó' | 'ò' | 'ö' | 'ô' | 'õ' | 'O' | 'Ó' | 'Ò' | 'Ö' | 'Ô' | 'Õ' => {
            "oóòöôõOÓÒÖÔÕ"
        }
        'u' | 'ú' | 'ù' | 'ü' | 'û' | 'U' | 'Ú' | 'Ù' | 'Ü' | 'Û' => "uúùüûUÚÙÜÛ",
        'n' | 'ñ' | 'N' | 'Ñ' => "nñNÑ",
        'c' | 'ç' | 'C' | 'Ç' => "cçCÇ",
        _ => return None,
    })
}

/// Each character of `word` as a class of its spellings, for `pattern`.
/// Written by hand: neither backend folds accents without an extension
/// (SQLite has no `unaccent`, and PostgreSQL's is not always installed).
fn folded(word: &str, literal: fn(char, &mut String)) -> String {
    let mut out = String::new();
    for c in word.chars() {
        if let Some(class) = letter_class(c) {
            out.push('[');
            out.push_str(class);
            out.push(']');
        } else if c.is_alphabetic() && c.to_lowercase().ne(c.to_uppercase()) {
            out.push('[');
            out.extend(c.to_lowercase());
            out.extend(c.to_uppercase());
            out.push(']');
        } else {
            literal(c, &mut out);
        }
    }
    out
}

/// A SQLite `GLOB` body: `*`, `?` and `[` only stand for themselves in a class.
fn folded_glob(word: &str) -> String {
    folded(word, |c, out| match c {
        '*' | '?' | '[' | ']' => {
            out.push('[');
            out.push(c);
            out.push(']');
        }
        c => out.push(c),
    })
}

/// A PostgreSQL regular expression: anything but letters and digits escaped.
fn folded_regex(word: &str) -> String {
    folded(word, |c, out| {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    })
}

type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;
type SqliteScalar<'q> =
    sqlx::query::QueryScalar<'q, sqlx::Sqlite, i64, sqlx::sqlite::SqliteArguments<'q>>;
type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;
type PgScalar<'q> = sqlx::query::QueryScalar<'q, sqlx::Postgres, i64, sqlx::postgres::PgArguments>;

fn bind_sqlite<'q>(q: SqliteQuery<'q>, b: &Bind) -> SqliteQuery<'q> {
    match b {
        Bind::Int(v) => q.bind(*v),
        Bind::Num(v) => q.bind(*v),
        Bind::Text(v) => q.bind(v.clone()),
        Bind::Bool(v) => q.bind(i64::from(*v)),
    }
}
fn bind_sqlite_scalar<'q>(q: SqliteScalar<'q>, b: &Bind) -> SqliteScalar<'q> {
    match b {
        Bind::Int(v) => q.bind(*v),
        Bind::Num(v) => q.bind(*v),
        Bind::Text(v) => q.bind(v.clone()),
        Bind::Bool(v) => q.bind(i64::from(*v)),
    }
}
fn bind_pg<'q>(q: PgQuery<'q>, b: &Bind) -> PgQuery<'q> {
    match b {
        Bind::Int(v) => q.bind(*v),
        Bind::Num(v) => q.bind(*v),
        Bind::Text(v) => q.bind(v.clone()),
        Bind::Bool(v) => q.bind(*v),
    }
}
fn bind_pg_scalar<'q>(q: PgScalar<'q>, b: &Bind) -> PgScalar<'q> {
    match b {
        Bind::Int(v) => q.bind(*v),
        Bind::Num(v) => q.bind(*v),
        Bind::Text(v) => q.bind(v.clone()),
        Bind::Bool(v) => q.bind(*v),
    }
}

/// The rows found: `_id` first, then the selected columns, as JSON values.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult {
    pub records: Vec<Vec<serde_json::Value>>,
    pub total: Option<i64>,
}

fn number(v: f64) -> serde_json::Value {
    serde_json::Number::from_f64(v)
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

fn decode_sqlite(
    r: &sqlx::sqlite::SqliteRow,
    kinds: &[Kind],
) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    use serde_json::Value as J;
    let mut out = Vec::with_capacity(kinds.len() + 1);
    out.push(J::from(r.try_get::<i64, _>(0)?));
    for (i, k) in kinds.iter().enumerate() {
        let idx = i + 1;
        out.push(match k {
            Kind::Integer => r.try_get::<Option<i64>, _>(idx)?.map_or(J::Null, J::from),
            Kind::Number => r.try_get::<Option<f64>, _>(idx)?.map_or(J::Null, number),
            Kind::Boolean => r
                .try_get::<Option<i64>, _>(idx)?
                .map_or(J::Null, |b| J::Bool(b != 0)),
            _ => r
                .try_get::<Option<String>, _>(idx)?
                .map_or(J::Null, J::from),
        });
    }
    Ok(out)
}

fn decode_pg(
    r: &sqlx::postgres::PgRow,
    kinds: &[Kind],
) -> Result<Vec<serde_json::Value>, sqlx::Error> {
    use serde_json::Value as J;
    let mut out = Vec::with_capacity(kinds.len() + 1);
    out.push(J::from(r.try_get::<i64, _>(0)?));
    for (i, k) in kinds.iter().enumerate() {
        let idx = i + 1;
        out.push(match k {
            Kind::Integer => r.try_get::<Option<i64>, _>(idx)?.map_or(J::Null, J::from),
            Kind::Number => r.try_get::<Option<f64>, _>(idx)?.map_or(J::Null, number),
            Kind::Boolean => r.try_get::<Option<bool>, _>(idx)?.map_or(J::Null, J::Bool),
            Kind::Date | Kind::Datetime => r
                .try_get::<Option<String>, _>(idx)?
                .map_or(J::Null, |s| J::from(s.replace(' ', "T"))),
            Kind::Text => r
                .try_get::<Option<String>, _>(idx)?
                .map_or(J::Null, J::from),
        });
    }
    Ok(out)
}

enum LoaderInner {
    Sqlite(SqliteLoad),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

enum LoadMessage {
    Rows(Vec<Vec<Value>>),
    Commit,
}

/// A load into the embedded datastore: a thread of its own with its own
/// connection, one `BEGIN IMMEDIATE` transaction (drop, create, insert) and a
/// prepared statement bound straight from the values. Without a `Commit`
/// the transaction rolls back.
struct SqliteLoad {
    sender: Option<tokio::sync::mpsc::Sender<LoadMessage>>,
    thread: tokio::task::JoinHandle<Result<(), DatastoreError>>,
}

impl SqliteLoad {
    async fn start(
        path: PathBuf,
        version_id: i64,
        create: String,
        columns: usize,
    ) -> Result<SqliteLoad, DatastoreError> {
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<LoadMessage>(4);
        let (ready, started) = tokio::sync::oneshot::channel::<Result<(), DatastoreError>>();
        let thread = tokio::task::spawn_blocking(move || {
            let table = table_name(version_id);
            let opened = (|| -> Result<rusqlite::Connection, DatastoreError> {
                let conn = rusqlite::Connection::open(&path)?;
                conn.busy_timeout(Duration::from_secs(30))?;
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; DROP TABLE IF EXISTS {table}; {create};"
                ))?;
                Ok(conn)
            })();
            let conn = match opened {
                Ok(conn) => {
                    let _ = ready.send(Ok(()));
                    conn
                }
                Err(e) => {
                    let _ = ready.send(Err(DatastoreError::Load(e.to_string())));
                    return Err(e);
                }
            };
            let marks = vec!["?"; columns + 1].join(", ");
            let mut insert = conn.prepare(&format!("INSERT INTO {table} VALUES ({marks})"))?;
            let mut next_id: i64 = 1;
            while let Some(message) = receiver.blocking_recv() {
                match message {
                    LoadMessage::Rows(rows) => {
                        for row in rows {
                            insert.raw_bind_parameter(1, next_id)?;
                            next_id += 1;
                            let len = row.len().min(columns);
                            for (i, v) in row.into_iter().take(columns).enumerate() {
                                bind_value(&mut insert, i + 2, v)?;
                            }
                            for i in len..columns {
                                insert.raw_bind_parameter(i + 2, rusqlite::types::Null)?;
                            }
                            insert.raw_execute()?;
                        }
                    }
                    LoadMessage::Commit => {
                        drop(insert);
                        conn.execute_batch("COMMIT")?;
                        return Ok(());
                    }
                }
            }
            // The loader went away without committing: nothing is kept.
            drop(insert);
            let _ = conn.execute_batch("ROLLBACK");
            Ok(())
        });
        match started.await {
            Ok(Ok(())) => Ok(SqliteLoad {
                sender: Some(sender),
                thread,
            }),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(match thread.await {
                Ok(Err(e)) => e,
                _ => DatastoreError::Load("el proceso de carga terminó de forma inesperada".into()),
            }),
        }
    }

    async fn send(&mut self, message: LoadMessage) -> Result<(), DatastoreError> {
        let sent = match &self.sender {
            Some(sender) => sender.send(message).await.is_ok(),
            None => false,
        };
        if sent {
            return Ok(());
        }
        // The thread stopped: its result says why.
        self.sender = None;
        match (&mut self.thread).await {
            Ok(Err(e)) => Err(e),
            _ => Err(DatastoreError::Load(
                "el proceso de carga terminó de forma inesperada".into(),
            )),
        }
    }

    async fn commit(mut self) -> Result<(), DatastoreError> {
        self.send(LoadMessage::Commit).await?;
        self.sender = None;
        match self.thread.await {
            Ok(result) => result,
            Err(e) => Err(DatastoreError::Load(e.to_string())),
        }
    }
}

fn bind_value(
    statement: &mut rusqlite::Statement<'_>,
    index: usize,
    value: Value,
) -> rusqlite::Result<()> {
    match value {
        Value::Null => statement.raw_bind_parameter(index, rusqlite::types::Null),
        Value::Integer(x) => statement.raw_bind_parameter(index, x),
        Value::Number(x) => statement.raw_bind_parameter(index, x),
        Value::Boolean(b) => statement.raw_bind_parameter(index, i64::from(b)),
        Value::Text(s) => statement.raw_bind_parameter(index, s.as_str()),
        other => statement.raw_bind_parameter(index, text_of(&other)),
    }
}

/// Writes one version's rows, in batches, then commits.
pub struct Loader {
    inner: LoaderInner,
    version_id: i64,
    kinds: Vec<Kind>,
    next_id: i64,
}

impl std::fmt::Debug for Loader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loader")
            .field("version_id", &self.version_id)
            .field("next_id", &self.next_id)
            .finish()
    }
}

/// `YYYY-MM-DD` / `YYYY-MM-DDTHH:MM:SS`, as both backends read them.
fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Boolean(b) => Some(b.to_string()),
        // Written by hand: chrono's `format` parses its pattern on every call.
        Value::Date(d) => Some(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        Value::DateTime(d) => Some(format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            d.year(),
            d.month(),
            d.day(),
            d.hour(),
            d.minute(),
            d.second()
        )),
        Value::Time(t) => Some(t.format("%H:%M:%S%.f").to_string()),
        Value::Text(s) => Some(s.clone()),
    }
}

impl Loader {
    /// Rows written so far.
    pub fn rows(&self) -> u64 {
        u64::try_from(self.next_id - 1).unwrap_or_default()
    }

    /// Appends a batch of rows (each with one value per column); the values
    /// move into the statement, text is not copied.
    pub async fn write(&mut self, rows: Vec<Vec<Value>>) -> Result<(), DatastoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let table = table_name(self.version_id);
        let n = self.kinds.len();
        match &mut self.inner {
            LoaderInner::Sqlite(load) => {
                self.next_id += i64::try_from(rows.len()).unwrap_or(i64::MAX);
                load.send(LoadMessage::Rows(rows)).await?;
            }
            LoaderInner::Postgres(tx) => {
                // COPY in CSV form, written by hand: NULL is an unquoted empty
                // field and every text value is quoted, which the `csv` crate's
                // writer cannot be told to do per field.
                let mut buf = Vec::with_capacity(rows.len() * 64);
                for row in &rows {
                    buf.extend_from_slice(self.next_id.to_string().as_bytes());
                    self.next_id += 1;
                    for i in 0..n {
                        buf.push(b',');
                        match row.get(i).unwrap_or(&Value::Null) {
                            Value::Null => {}
                            Value::Text(s) => {
                                buf.push(b'"');
                                for &b in s.as_bytes() {
                                    if b == b'"' {
                                        buf.push(b'"');
                                    }
                                    if b != 0 {
                                        buf.push(b);
                                    }
                                }
                                buf.push(b'"');
                            }
                            other => {
                                if let Some(t) = text_of(other) {
                                    buf.extend_from_slice(t.as_bytes());
                                }
                            }
                        }
                    }
                    buf.push(b'\n');
                }
                let mut copy = tx
                    .copy_in_raw(&format!("COPY {table} FROM STDIN WITH (FORMAT csv)"))
                    .await?;
                copy.send(buf).await?;
                copy.finish().await?;
            }
        }
        Ok(())
    }

    /// Makes the rows durable. Until the main database marks the ingest
    /// ready, nobody reads them.
    pub async fn finish(self) -> Result<u64, DatastoreError> {
        let rows = u64::try_from(self.next_id - 1).unwrap_or_default();
        match self.inner {
            LoaderInner::Sqlite(load) => load.commit().await?,
            LoaderInner::Postgres(tx) => tx.commit().await?,
        }
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datastore_file_sits_beside_the_database() {
        assert_eq!(
            datastore_path(std::path::Path::new("/srv/data/apertura.db")),
            PathBuf::from("/srv/data/apertura.datastore.db")
        );
    }

    #[test]
    fn refusals_are_explained_in_spanish() {
        assert_eq!(
            refusal(None, "no such column: monto"),
            "no existe la columna «monto»"
        );
        assert_eq!(
            refusal(Some("42703"), "column \"monto\" does not exist"),
            "no existe la columna «monto»"
        );
        assert_eq!(
            refusal(None, "near \"FORM\": syntax error"),
            "hay un error de sintaxis cerca de «FORM»"
        );
        assert_eq!(
            refusal(None, "no such function: foo"),
            "no existe la función «foo»"
        );
        assert!(refusal(None, "something new").ends_with("(mensaje original de la base de datos)"));
    }

    #[test]
    fn text_patterns_fold_case_and_accents_and_escape_the_rest() {
        assert_eq!(
            folded_glob("Gestión*"),
            "[gG][eéèëêEÉÈËÊ][sS][tT][iíìïîIÍÌÏÎ][oóòöôõOÓÒÖÔÕ][nñNÑ][*]"
        );
        assert_eq!(folded_glob("a[1]?"), "[aáàäâãAÁÀÄÂÃ][[]1[]][?]");
        assert_eq!(folded_regex("1.5$"), "1\\.5\\$");
        assert_eq!(folded_regex("año"), "[aáàäâãAÁÀÄÂÃ][nñNÑ][oóòöôõOÓÒÖÔÕ]");
    }
}
