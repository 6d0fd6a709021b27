//! The `ingests` table: where each resource version's load stands, what was
//! found in it, and which version of a resource is the one to query (the
//! newest whose load is complete).

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{AnyConnection, Db};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::datastore::Column;

/// Where a load stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Running,
    Ready,
    Failed,
    Cancelled,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Running => "running",
            Status::Ready => "ready",
            Status::Failed => "failed",
            Status::Cancelled => "cancelled",
        }
    }
    pub fn from_code(s: &str) -> Status {
        match s {
            "running" => Status::Running,
            "ready" => Status::Ready,
            "failed" => Status::Failed,
            "cancelled" => Status::Cancelled,
            _ => Status::Pending,
        }
    }
}

/// One version's ingest.
#[derive(Debug, Clone, Serialize)]
pub struct Ingest {
    pub version_id: i64,
    pub resource_id: i64,
    pub status: Status,
    pub job_id: Option<i64>,
    pub rows_done: i64,
    pub bytes_total: Option<i64>,
    pub rows: Option<i64>,
    pub valid: Option<bool>,
    pub error_count: Option<i64>,
    pub columns: Vec<Column>,
    pub schema: Option<serde_json::Value>,
    pub dialect: Option<serde_json::Value>,
    pub report: Option<serde_json::Value>,
    pub stats: Option<serde_json::Value>,
    pub notices: Vec<String>,
    pub geo: Option<serde_json::Value>,
    pub error: Option<String>,
    pub created_at: String,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    pub indexed_at: Option<String>,
}

const COLUMNS: &str = "version_id, resource_id, status, job_id, rows_done, bytes_total, rows, valid, error_count, \
     schema_json, dialect_json, report_json, stats_json, notices_json, geo_json, error, created_at, started_at, finished_at, indexed_at";

fn json(r: &AnyRow, col: &str) -> Result<Option<serde_json::Value>, sqlx::Error> {
    Ok(r.try_get::<Option<String>, _>(col)?
        .and_then(|s| serde_json::from_str(&s).ok()))
}

fn ingest(r: &AnyRow) -> Result<Ingest, sqlx::Error> {
    let schema = json(r, "schema_json")?;
    let columns = schema
        .as_ref()
        .and_then(|s| s.get("x-apertura-columns"))
        .and_then(|c| serde_json::from_value(c.clone()).ok())
        .unwrap_or_default();
    Ok(Ingest {
        version_id: r.try_get("version_id")?,
        resource_id: r.try_get("resource_id")?,
        status: Status::from_code(&r.try_get::<String, _>("status")?),
        job_id: r.try_get("job_id")?,
        rows_done: r.try_get("rows_done")?,
        bytes_total: r.try_get("bytes_total")?,
        rows: r.try_get("rows")?,
        valid: r.try_get::<Option<i64>, _>("valid")?.map(|v| v != 0),
        error_count: r.try_get("error_count")?,
        columns,
        schema,
        dialect: json(r, "dialect_json")?,
        report: json(r, "report_json")?,
        stats: json(r, "stats_json")?,
        notices: json(r, "notices_json")?
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default(),
        geo: json(r, "geo_json")?,
        error: r.try_get("error")?,
        created_at: r.try_get("created_at")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
        indexed_at: r.try_get("indexed_at")?,
    })
}

/// Records that a version waits for its load (idempotent).
pub async fn mark_pending(
    conn: &mut AnyConnection,
    version_id: i64,
    resource_id: i64,
    job_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO ingests (version_id, resource_id, status, job_id, created_at) VALUES ($1, $2, 'pending', $3, $4) \
         ON CONFLICT (version_id) DO UPDATE SET status = 'pending', job_id = excluded.job_id, rows_done = 0, error = NULL, \
         finished_at = NULL",
    )
    .bind(version_id)
    .bind(resource_id)
    .bind(job_id)
    .bind(kernel::time::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// A ready version whose table went missing: back to the queue.
pub async fn reload(
    db: &Db,
    jobs: &kernel::jobs::JobQueue,
    version_id: i64,
    resource_id: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let job = jobs
        .enqueue_in(
            &mut tx,
            kernel::jobs::NewJob::new(
                crate::job::INGEST_VERSION,
                serde_json::json!({ "version_id": version_id }),
            )
            .dedup(format!("{}:{version_id}", crate::job::INGEST_VERSION)),
        )
        .await?;
    mark_pending(&mut tx, version_id, resource_id, Some(job)).await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Change::new("ingest", version_id, "reload"),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn start(
    db: &Db,
    version_id: i64,
    resource_id: i64,
    job_id: i64,
    bytes_total: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    mark_pending(&mut tx, version_id, resource_id, Some(job_id)).await?;
    sqlx::query("UPDATE ingests SET status = 'running', started_at = $1, bytes_total = $2 WHERE version_id = $3")
        .bind(kernel::time::now())
        .bind(bytes_total)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Rows read so far (outside any transaction; a lost update is no loss).
pub async fn progress(db: &Db, version_id: i64, rows: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE ingests SET rows_done = $1 WHERE version_id = $2 AND status = 'running'")
        .bind(rows)
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// What pass 1 found.
#[derive(Debug, Clone)]
pub struct Findings {
    pub rows: i64,
    pub valid: bool,
    pub error_count: i64,
    pub schema: serde_json::Value,
    pub dialect: serde_json::Value,
    pub report: serde_json::Value,
    pub stats: serde_json::Value,
    pub notices: Vec<String>,
    pub geo: Option<serde_json::Value>,
}

pub async fn save_findings(db: &Db, version_id: i64, f: &Findings) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE ingests SET rows = $1, valid = $2, error_count = $3, schema_json = $4, dialect_json = $5, report_json = $6, \
         stats_json = $7, notices_json = $8, geo_json = $9 WHERE version_id = $10",
    )
    .bind(f.rows)
    .bind(i64::from(f.valid))
    .bind(f.error_count)
    .bind(f.schema.to_string())
    .bind(f.dialect.to_string())
    .bind(f.report.to_string())
    .bind(f.stats.to_string())
    .bind(serde_json::to_string(&f.notices).unwrap_or_else(|_| "[]".into()))
    .bind(f.geo.as_ref().map(|g| g.to_string()))
    .bind(version_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The load finished: `ready` (now queryable), `failed` or `cancelled`.
pub async fn finish(
    db: &Db,
    version_id: i64,
    status: Status,
    rows: Option<i64>,
    error: Option<&str>,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE ingests SET status = $1, rows_done = COALESCE($2, rows_done), error = $3, finished_at = $4 WHERE version_id = $5",
    )
    .bind(status.code())
    .bind(rows)
    .bind(error)
    .bind(kernel::time::now())
    .bind(version_id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Change::new("ingest", version_id, status.code())
            .after(serde_json::json!({ "rows": rows, "error": error })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn mark_indexed(db: &Db, version_id: i64) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE ingests SET indexed_at = $1 WHERE version_id = $2")
        .bind(kernel::time::now())
        .bind(version_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// A version whose job ended before its load began (cancelled while it
/// waited, or given up): what the queue says, as an ingest, so that no page
/// shows "waiting" forever.
pub async fn from_queue(
    db: &Db,
    version_id: i64,
    resource_id: i64,
) -> Result<Option<Ingest>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT status, last_error, created_at, updated_at FROM jobs WHERE dedup_key = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(format!("{}:{version_id}", crate::job::INGEST_VERSION))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let status = match row.try_get::<String, _>("status")?.as_str() {
        "cancelled" => Status::Cancelled,
        "failed" => Status::Failed,
        _ => return Ok(None),
    };
    let error = match status {
        Status::Cancelled => Some("La carga se canceló.".to_string()),
        _ => Some(
            row.try_get::<Option<String>, _>("last_error")?
                .unwrap_or_else(|| "La carga no se pudo hacer.".into()),
        ),
    };
    Ok(Some(Ingest {
        version_id,
        resource_id,
        status,
        job_id: None,
        rows_done: 0,
        bytes_total: None,
        rows: None,
        valid: None,
        error_count: None,
        columns: vec![],
        schema: None,
        dialect: None,
        report: None,
        stats: None,
        notices: vec![],
        geo: None,
        error,
        created_at: row.try_get("created_at")?,
        started_at: None,
        finished_at: row.try_get("updated_at")?,
        indexed_at: None,
    }))
}

pub async fn by_version(db: &Db, version_id: i64) -> Result<Option<Ingest>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM ingests WHERE version_id = $1");
    let row = sqlx::query(&sql)
        .bind(version_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(ingest).transpose()
}

/// The version to query: the newest whose load is complete.
pub async fn serving(db: &Db, resource_id: i64) -> Result<Option<Ingest>, sqlx::Error> {
    serving_for(db, resource_id, false).await
}

/// [`serving`], for a reader outside the publishing body when `cleared_only`:
/// the newest table the personal-data guard has cleared (a new version
/// waits for its scan; one with personal data nobody justified is never
/// served to them), so the previous one keeps serving meanwhile.
pub async fn serving_for(
    db: &Db,
    resource_id: i64,
    cleared_only: bool,
) -> Result<Option<Ingest>, sqlx::Error> {
    let cleared = if cleared_only {
        " AND EXISTS (SELECT 1 FROM privacy_scans p WHERE p.version_id = ingests.version_id \
         AND p.status IN ('clean', 'cleared'))"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM ingests WHERE resource_id = $1 AND status = 'ready'{cleared} ORDER BY version_id DESC LIMIT 1"
    );
    let row = sqlx::query(&sql)
        .bind(resource_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(ingest).transpose()
}

/// Which of these versions have a table ready to query.
pub async fn ready_versions(db: &Db, version_ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    db.fetch_all_in(version_ids, |list| {
        format!("SELECT version_id FROM ingests WHERE status = 'ready' AND version_id IN ({list})")
    })
    .await?
    .iter()
    .map(|r| r.try_get("version_id"))
    .collect()
}
