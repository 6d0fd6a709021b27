//! Storage of harvesting (both backends): sources, the record that ties each
//! remote dataset to its local one, and the link resources made for it.
//! Every write records its audit entry in the same transaction. The
//! datasets and resources themselves are written through `catalog::store`.

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{AnyConnection, AnyRow, Db, Row};
use serde::Serialize;

/// A portal harvested into a local body.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Source {
    pub id: i64,
    pub url: String,
    pub kind: String,
    pub body_id: i64,
    pub enabled: bool,
    pub interval_hours: i64,
    pub last_run_at: Option<String>,
    pub last_status: Option<String>,
    pub last_message: Option<String>,
    pub created_at: String,
}

const SOURCE_COLUMNS: &str = "id, url, kind, body_id, enabled, interval_hours, last_run_at, last_status, last_message, created_at";

fn source(r: &AnyRow) -> Result<Source, sqlx::Error> {
    Ok(Source {
        id: r.try_get("id")?,
        url: r.try_get("url")?,
        kind: r.try_get("kind")?,
        body_id: r.try_get("body_id")?,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        interval_hours: r.try_get("interval_hours")?,
        last_run_at: r.try_get("last_run_at")?,
        last_status: r.try_get("last_status")?,
        last_message: r.try_get("last_message")?,
        created_at: r.try_get("created_at")?,
    })
}

pub async fn source_by_url(
    conn: &mut AnyConnection,
    url: &str,
) -> Result<Option<Source>, sqlx::Error> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM harvest_sources WHERE url = $1");
    let row = sqlx::query(&sql).bind(url).fetch_optional(conn).await?;
    row.as_ref().map(source).transpose()
}

pub async fn source_by_id(db: &Db, id: i64) -> Result<Option<Source>, sqlx::Error> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM harvest_sources WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(db.pool()).await?;
    row.as_ref().map(source).transpose()
}

/// Every source, oldest first.
pub async fn sources(db: &Db) -> Result<Vec<Source>, sqlx::Error> {
    let sql = format!("SELECT {SOURCE_COLUMNS} FROM harvest_sources ORDER BY id");
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter().map(source).collect()
}

/// Registers a source (audited).
pub async fn insert_source(
    conn: &mut AnyConnection,
    actor: &Actor,
    url: &str,
    kind: &str,
    body_id: i64,
    interval_hours: i64,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO harvest_sources (url, kind, body_id, enabled, interval_hours, created_at, updated_at) \
         VALUES ($1, $2, $3, 1, $4, $5, $5) RETURNING id",
    )
    .bind(url)
    .bind(kind)
    .bind(body_id)
    .bind(interval_hours)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("harvest_source", id, "create").after(serde_json::json!({
            "url": url, "kind": kind, "body_id": body_id, "interval_hours": interval_hours,
        })),
    )
    .await?;
    Ok(id)
}

/// A run left behind by a process that died is taken over after this long.
const STALE_RUN: chrono::Duration = chrono::Duration::hours(3);

/// Takes the source for one run; false if another run holds it.
pub async fn claim(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let now = chrono::Utc::now();
    let stale = kernel::time::format(now - STALE_RUN);
    let mut tx = db.begin().await?;
    let done = sqlx::query(
        "UPDATE harvest_sources SET running_since = $1 WHERE id = $2 AND (running_since IS NULL OR running_since < $3)",
    )
    .bind(kernel::time::format(now))
    .bind(id)
    .bind(stale)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a run: lets go of the source and records how it went (audited).
pub async fn finish(
    db: &Db,
    actor: &Actor,
    id: i64,
    status: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE harvest_sources SET running_since = NULL, last_run_at = $1, last_status = $2, last_message = $3, \
         updated_at = $1 WHERE id = $4",
    )
    .bind(&now)
    .bind(status)
    .bind(message)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        actor,
        Change::new("harvest_source", id, "run")
            .after(serde_json::json!({ "status": status, "message": message })),
    )
    .await?;
    tx.commit().await
}

/// What ties one remote dataset to its local one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub remote_id: String,
    pub dataset_id: i64,
    pub content_hash: String,
    pub retired_at: Option<String>,
}

pub async fn records_of(db: &Db, source_id: i64) -> Result<Vec<Record>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, remote_id, dataset_id, content_hash, retired_at FROM harvest_records WHERE source_id = $1 ORDER BY id",
    )
    .bind(source_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Record {
                id: r.try_get("id")?,
                remote_id: r.try_get("remote_id")?,
                dataset_id: r.try_get("dataset_id")?,
                content_hash: r.try_get("content_hash")?,
                retired_at: r.try_get("retired_at")?,
            })
        })
        .collect()
}

pub async fn insert_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    source_id: i64,
    remote_id: &str,
    dataset_id: i64,
    modified: Option<&str>,
    hash: &str,
) -> Result<i64, sqlx::Error> {
    let now = kernel::time::now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO harvest_records (source_id, remote_id, dataset_id, remote_modified, content_hash, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
    )
    .bind(source_id)
    .bind(remote_id)
    .bind(dataset_id)
    .bind(modified)
    .bind(hash)
    .bind(&now)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("harvest_record", id, "create").after(serde_json::json!({
            "source_id": source_id, "remote_id": remote_id, "dataset_id": dataset_id,
        })),
    )
    .await?;
    Ok(id)
}

/// Records what a run copied (a new hash), or that it came back.
pub async fn update_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    modified: Option<&str>,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE harvest_records SET remote_modified = $1, content_hash = $2, retired_at = NULL, updated_at = $3 WHERE id = $4",
    )
    .bind(modified)
    .bind(hash)
    .bind(kernel::time::now())
    .bind(id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("harvest_record", id, "update").after(serde_json::json!({ "hash": hash })),
    )
    .await?;
    Ok(())
}

/// Marks a record as gone upstream (its dataset was unpublished).
pub async fn retire_record(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    sqlx::query("UPDATE harvest_records SET retired_at = $1, updated_at = $1 WHERE id = $2")
        .bind(&now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::record(conn, actor, Change::new("harvest_record", id, "retire")).await?;
    Ok(())
}

/// The local resources of a record, by the remote key they stand for.
pub async fn links_of(
    conn: &mut AnyConnection,
    record_id: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT remote_key, resource_id FROM harvest_resources WHERE record_id = $1")
            .bind(record_id)
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("remote_key")?, r.try_get("resource_id")?)))
        .collect()
}

pub async fn insert_link(
    conn: &mut AnyConnection,
    record_id: i64,
    remote_key: &str,
    resource_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO harvest_resources (record_id, remote_key, resource_id) VALUES ($1, $2, $3)",
    )
    .bind(record_id)
    .bind(remote_key)
    .bind(resource_id)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_link(
    conn: &mut AnyConnection,
    record_id: i64,
    remote_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM harvest_resources WHERE record_id = $1 AND remote_key = $2")
        .bind(record_id)
        .bind(remote_key)
        .execute(conn)
        .await?;
    Ok(())
}
