//! Who is asking: server-side sessions (cookie `sid`, stored hashed in the
//! database so any process can read them) and API tokens (`Authorization:
//! Bearer apt_…`, or the bare token as CKAN clients send it). This is the
//! platform's [`ActorResolver`].

use axum::http::{header, HeaderMap};
use kernel::authz::{Actor, Role};
use kernel::db::{AnyConnection, Db, Row};
use kernel::security::{hash_token, random_token};
use kernel::web::{cookie, ActorResolver, AppState};

pub const SESSION_COOKIE: &str = "sid";
/// Prefix of API tokens, so they are recognisable in logs and secret scanners.
pub const TOKEN_PREFIX: &str = "apt_";

/// Starts a session for `user_id`; returns the cookie value (shown once, stored hashed).
pub async fn create(
    conn: &mut AnyConnection,
    user_id: i64,
    ip: Option<&str>,
    days: i64,
) -> Result<String, sqlx::Error> {
    let value = random_token();
    let now = kernel::time::now();
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip) VALUES ($1, $2, $3, $3, $4, $5)",
    )
    .bind(hash_token(&value))
    .bind(user_id)
    .bind(&now)
    .bind(kernel::time::in_future(std::time::Duration::from_secs(days.max(1) as u64 * 86_400)))
    .bind(ip)
    .execute(conn)
    .await?;
    Ok(value)
}

/// Ends one session.
pub async fn end(conn: &mut AnyConnection, value: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(hash_token(value))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Ends every session of a person (password change, account deletion).
pub async fn end_all(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await
        .map(|_| ())
}

async fn body_roles(db: &Db, user_id: i64) -> Result<Vec<(i64, Role)>, sqlx::Error> {
    let rows = sqlx::query("SELECT body_id, role FROM memberships WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db.pool())
        .await?;
    let mut out = vec![];
    for r in rows {
        let role: String = r.try_get("role")?;
        if let Some(role) = Role::from_code(&role) {
            out.push((r.try_get("body_id")?, role));
        }
    }
    Ok(out)
}

/// The platform's actor resolver.
pub struct Resolver;

#[async_trait::async_trait]
impl ActorResolver for Resolver {
    async fn resolve(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<Actor>, sqlx::Error> {
        // A request with an Authorization header is judged by it alone: cookies
        // are ignored, so such requests need no CSRF token.
        if let Some(auth) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
        {
            let token = auth
                .trim()
                .strip_prefix("Bearer ")
                .unwrap_or(auth.trim())
                .trim();
            return resolve_token(&state.db, token).await;
        }
        let Some(value) = cookie(headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        resolve_session(&state.db, &value, state.config.session_days).await
    }
}

/// The actor of a session cookie, renewing the session's expiry as it is used.
pub async fn resolve_session(
    db: &Db,
    value: &str,
    days: i64,
) -> Result<Option<Actor>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, u.role, u.display_name \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_hash = $1 AND u.deleted_at IS NULL",
    )
    .bind(hash_token(value))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = kernel::time::now();
    let expires: String = row.try_get("expires_at")?;
    if expires < now {
        return Ok(None);
    }
    let user_id: i64 = row.try_get("user_id")?;
    let last_seen: String = row.try_get("last_seen_at")?;
    // Renew at most every five minutes, not on every request.
    let renew_after = kernel::time::format(chrono::Utc::now() - chrono::Duration::minutes(5));
    if last_seen < renew_after {
        sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3")
            .bind(&now)
            .bind(kernel::time::in_future(std::time::Duration::from_secs(
                days.max(1) as u64 * 86_400,
            )))
            .bind(hash_token(value))
            .execute(db.pool())
            .await?;
    }
    let role: String = row.try_get("role")?;
    Ok(Some(Actor {
        body_roles: body_roles(db, user_id).await?,
        display_name: row.try_get("display_name")?,
        ..Actor::user(user_id, Role::from_code(&role).unwrap_or(Role::Citizen))
    }))
}

/// The actor of an API token: read tokens act as the person but may only read;
/// write tokens may write only for their body.
pub async fn resolve_token(db: &Db, token: &str) -> Result<Option<Actor>, sqlx::Error> {
    if !token.starts_with(TOKEN_PREFIX) || token.len() > 100 {
        return Ok(None);
    }
    let row = sqlx::query(
        "SELECT t.id, t.user_id, t.scope, t.body_id, t.expires_at, t.last_used_at, u.role, u.display_name \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.deleted_at IS NULL",
    )
    .bind(hash_token(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let now = kernel::time::now();
    if let Some(expires) = row.try_get::<Option<String>, _>("expires_at")? {
        if expires < now {
            return Ok(None);
        }
    }
    let id: i64 = row.try_get("id")?;
    let last_used: Option<String> = row.try_get("last_used_at")?;
    let stale = kernel::time::format(chrono::Utc::now() - chrono::Duration::minutes(5));
    if last_used.is_none_or(|t| t < stale) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(id)
            .execute(db.pool())
            .await?;
    }
    let user_id: i64 = row.try_get("user_id")?;
    let scope: String = row.try_get("scope")?;
    let role: String = row.try_get("role")?;
    let role = Role::from_code(&role).unwrap_or(Role::Citizen);
    let all_roles = body_roles(db, user_id).await?;
    let actor = if scope == "write" {
        let body: Option<i64> = row.try_get("body_id")?;
        Actor {
            kind: "token",
            body_roles: all_roles
                .into_iter()
                .filter(|(b, _)| Some(*b) == body)
                .collect(),
            display_name: row.try_get("display_name")?,
            ..Actor::user(user_id, Role::Citizen)
        }
    } else {
        Actor {
            kind: "token",
            body_roles: all_roles,
            read_only: true,
            display_name: row.try_get("display_name")?,
            ..Actor::user(user_id, role)
        }
    };
    Ok(Some(actor))
}
