//! Storage of citizen demand (both backends): requests, their supports,
//! the bodies' answers and the imported statistics of access-to-information
//! requests. Every write records its audit entry in the same transaction.

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::db::{AnyConnection, AnyRow, Db, Row};
use serde::Serialize;

use crate::demand::{Answer, RequestInput, StatRow, Status};

/// A request as stored, with its number of supports.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub id: i64,
    pub body_id: i64,
    pub input: RequestInput,
    pub requester_id: i64,
    pub status: String,
    pub answer: String,
    pub answer_url: Option<String>,
    pub answered_at: Option<String>,
    pub created_at: String,
    pub supports: i64,
}

impl Request {
    pub fn status(&self) -> Status {
        Status::from_code(&self.status).unwrap_or(Status::Open)
    }
}

const COLUMNS: &str = "r.id, r.body_id, r.topic, r.details, r.reason, r.requester_id, r.status, \
     r.answer, r.answer_url, r.answered_at, r.created_at, \
     (SELECT COUNT(*) FROM demand_supports s WHERE s.request_id = r.id) AS supports";

fn request(r: &AnyRow) -> Result<Request, sqlx::Error> {
    Ok(Request {
        id: r.try_get("id")?,
        body_id: r.try_get("body_id")?,
        input: RequestInput {
            topic: r.try_get("topic")?,
            details: r.try_get("details")?,
            reason: r.try_get("reason")?,
        },
        requester_id: r.try_get("requester_id")?,
        status: r.try_get("status")?,
        answer: r.try_get("answer")?,
        answer_url: r.try_get("answer_url")?,
        answered_at: r.try_get("answered_at")?,
        created_at: r.try_get("created_at")?,
        supports: r.try_get("supports")?,
    })
}

/// Records a request and its audit entry.
pub async fn create(
    conn: &mut AnyConnection,
    actor: &Actor,
    requester_id: i64,
    body_id: i64,
    input: &RequestInput,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO demand_requests (body_id, topic, details, reason, requester_id, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
    )
    .bind(body_id)
    .bind(&input.topic)
    .bind(&input.details)
    .bind(&input.reason)
    .bind(requester_id)
    .bind(kernel::time::now())
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        conn,
        actor,
        Change::new("demand_request", id, "create")
            .after(serde_json::json!({ "body_id": body_id, "input": input })),
    )
    .await?;
    Ok(id)
}

/// Adds this person's support; a second support is ignored. True if added.
pub async fn support(
    conn: &mut AnyConnection,
    actor: &Actor,
    request_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO demand_supports (request_id, user_id, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(request_id)
    .bind(user_id)
    .bind(kernel::time::now())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    audit::record(
        conn,
        actor,
        Change::new("demand_request", request_id, "support"),
    )
    .await?;
    Ok(true)
}

/// Whether this person already supports the request.
pub async fn supports(db: &Db, request_id: i64, user_id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT user_id FROM demand_supports WHERE request_id = $1 AND user_id = $2")
            .bind(request_id)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?
            .is_some(),
    )
}

/// Records (or replaces) the body's answer; the audit keeps before and after.
pub async fn answer(
    conn: &mut AnyConnection,
    actor: &Actor,
    before: &Request,
    a: &Answer,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE demand_requests SET status = $1, answer = $2, answer_url = $3, answered_by = $4, \
         answered_at = $5 WHERE id = $6",
    )
    .bind(a.status.code())
    .bind(&a.text)
    .bind(a.url.as_deref())
    .bind(actor.user_id)
    .bind(kernel::time::now())
    .bind(before.id)
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("demand_request", before.id, "answer")
            .before(serde_json::json!({
                "status": before.status, "answer": before.answer, "url": before.answer_url
            }))
            .after(a),
    )
    .await?;
    Ok(())
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<Request>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM demand_requests r WHERE r.id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?
        .as_ref()
        .map(request)
        .transpose()
}

/// The public list, most supported first, with its filters.
pub async fn list(
    db: &Db,
    body_id: Option<i64>,
    status: Option<Status>,
) -> Result<Vec<Request>, sqlx::Error> {
    let mut sql = format!("SELECT {COLUMNS} FROM demand_requests r WHERE 1 = 1");
    let mut n = 0;
    if body_id.is_some() {
        n += 1;
        sql.push_str(&format!(" AND r.body_id = ${n}"));
    }
    if status.is_some() {
        n += 1;
        sql.push_str(&format!(" AND r.status = ${n}"));
    }
    sql.push_str(" ORDER BY supports DESC, r.id DESC LIMIT 500");
    let mut q = sqlx::query(&sql);
    if let Some(b) = body_id {
        q = q.bind(b);
    }
    if let Some(s) = status {
        q = q.bind(s.code());
    }
    q.fetch_all(db.pool()).await?.iter().map(request).collect()
}

/// Stores imported statistics (rows already checked) with one audit entry.
pub async fn import_stats(
    conn: &mut AnyConnection,
    actor: &Actor,
    rows: &[(i64, StatRow)],
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    for (body_id, r) in rows {
        sqlx::query(
            "INSERT INTO access_request_stats (body_id, topic, day, requests, imported_by, imported_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(*body_id)
        .bind(&r.topic)
        .bind(&r.date)
        .bind(r.count)
        .bind(actor.user_id)
        .bind(&now)
        .execute(&mut *conn)
        .await?;
    }
    let total: i64 = rows.iter().map(|(_, r)| r.count).sum();
    audit::record(
        conn,
        actor,
        Change::new("access_request_stats", 0, "import")
            .after(serde_json::json!({ "rows": rows.len(), "requests": total })),
    )
    .await?;
    Ok(())
}

/// `(body id, topic, requests)` summed over every import, largest first.
pub async fn topic_totals(db: &Db) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT body_id, topic, CAST(SUM(requests) AS BIGINT) AS total FROM access_request_stats \
         GROUP BY body_id, topic ORDER BY body_id, total DESC, topic",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("body_id")?,
                r.try_get("topic")?,
                r.try_get("total")?,
            ))
        })
        .collect()
}
