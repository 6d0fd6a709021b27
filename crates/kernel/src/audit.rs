//! The append-only audit log: every write records who, when, from where, what,
//! and the state before and after, in the same transaction as the write.
//!
//! The database itself refuses to update or delete audit rows (triggers in the
//! kernel migration); no code path does either.

use serde::Serialize;
use sqlx::Row;

use crate::authz::Actor;
use crate::db::{AnyConnection, Db};
use crate::time;

/// One change to record.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// The kind of thing changed, e.g. `body`, `user`, `seed`.
    pub entity: &'a str,
    pub entity_id: Option<String>,
    /// What happened, e.g. `create`, `update`, `delete`, `publish`.
    pub action: &'a str,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    pub fn new(entity: &'a str, entity_id: impl ToString, action: &'a str) -> Change<'a> {
        Change {
            entity,
            entity_id: Some(entity_id.to_string()),
            action,
            before: None,
            after: None,
        }
    }
    pub fn before(mut self, v: impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }
    pub fn after(mut self, v: impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// Appends one entry, inside the caller's transaction.
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    change: Change<'_>,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO audit_log (at, actor_kind, actor_user_id, ip, request_id, entity, entity_id, action, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(time::now())
    .bind(actor.kind)
    .bind(actor.user_id)
    .bind(actor.ip.as_deref())
    .bind(actor.request_id.as_deref())
    .bind(change.entity)
    .bind(change.entity_id.as_deref())
    .bind(change.action)
    .bind(change.before.map(|v| v.to_string()))
    .bind(change.after.map(|v| v.to_string()))
    .fetch_one(conn)
    .await?;
    row.try_get("id")
}

/// ARCO cancellation: erases the IP addresses recorded with a person's actions.
/// The only change the database allows on the audit log.
pub async fn erase_ips_of(conn: &mut AnyConnection, user_id: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("UPDATE audit_log SET ip = NULL WHERE actor_user_id = $1 AND ip IS NOT NULL")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|r| r.rows_affected())
}

/// A recorded entry.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// The latest entries, newest first, optionally for one entity kind.
pub async fn recent(db: &Db, entity: Option<&str>, limit: i64) -> Result<Vec<Entry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, at, actor_kind, actor_user_id, ip, request_id, entity, entity_id, action, before_json, after_json \
         FROM audit_log WHERE ($1 IS NULL OR entity = $1) ORDER BY id DESC LIMIT $2",
    )
    .bind(entity)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Entry {
                id: r.try_get("id")?,
                at: r.try_get("at")?,
                actor_kind: r.try_get("actor_kind")?,
                actor_user_id: r.try_get("actor_user_id")?,
                ip: r.try_get("ip")?,
                request_id: r.try_get("request_id")?,
                entity: r.try_get("entity")?,
                entity_id: r.try_get("entity_id")?,
                action: r.try_get("action")?,
                before_json: r.try_get("before_json")?,
                after_json: r.try_get("after_json")?,
            })
        })
        .collect()
}
