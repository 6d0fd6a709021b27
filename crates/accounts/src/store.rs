//! Storage of accounts and memberships (both backends).

use kernel::audit::{self, Change};
use kernel::authz::{Actor, Role};
use kernel::db::{flag, is_unique_violation, AnyConnection, Db, Row};
use serde::Serialize;

use crate::domain::{hash_password, AccountError, Email};

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub email: Email,
    pub display_name: &'a str,
    pub password: &'a str,
    pub role: Role,
    pub is_demo: bool,
    /// Accounts created by an operator are confirmed from the start.
    pub confirmed: bool,
}

/// Errors of account storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(transparent)]
    Invalid(#[from] AccountError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// What the audit log keeps of an account: no e-mail, no name, no hash, so an
/// account deleted under ARCO rights leaves no personal data behind.
#[derive(Serialize)]
struct AuditedUser<'a> {
    role: &'a str,
    is_demo: bool,
    confirmed: bool,
}

/// Creates an account (and its audit entry) inside the caller's transaction.
pub async fn create_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    user: &NewUser<'_>,
) -> Result<i64, StoreError> {
    let name = user.display_name.trim();
    if name.is_empty() {
        return Err(AccountError::EmptyName.into());
    }
    let hash = hash_password(user.password)?;
    // Checked first: on PostgreSQL a failed INSERT would abort the caller's transaction.
    let taken = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(user.email.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(AccountError::EmailTaken(user.email.as_str().to_string()).into());
    }
    let now = kernel::time::now();
    let inserted = sqlx::query(
        "INSERT INTO users (email, display_name, password_hash, role, is_demo, email_confirmed_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(name)
    .bind(&hash)
    .bind(user.role.code())
    .bind(flag(user.is_demo))
    .bind(user.confirmed.then_some(now.as_str()))
    .bind(&now)
    .fetch_one(&mut *conn)
    .await;
    let id: i64 = match inserted {
        Ok(row) => row.try_get("id")?,
        Err(e) if is_unique_violation(&e) => {
            return Err(AccountError::EmailTaken(user.email.as_str().to_string()).into())
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        conn,
        actor,
        Change::new("user", id, "create").after(AuditedUser {
            role: user.role.code(),
            is_demo: user.is_demo,
            confirmed: user.confirmed,
        }),
    )
    .await?;
    Ok(id)
}

/// Makes an account a member of a body with a body role.
pub async fn add_membership(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    body_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (user_id, body_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(user_id)
    .bind(body_id)
    .bind(role.code())
    .bind(kernel::time::now())
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        actor,
        Change::new("membership", format!("{user_id}:{body_id}"), "create")
            .after(serde_json::json!({ "role": role.code() })),
    )
    .await?;
    Ok(())
}

/// An account as listed (no secrets).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub is_demo: bool,
}

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, email, display_name, role, is_demo FROM users WHERE email = $1 AND deleted_at IS NULL",
    )
    .bind(email.as_str())
    .fetch_optional(db.pool())
    .await?;
    row.map(|r| {
        Ok(User {
            id: r.try_get("id")?,
            email: r.try_get("email")?,
            display_name: r.try_get("display_name")?,
            role: r.try_get("role")?,
            is_demo: r.try_get::<i64, _>("is_demo")? != 0,
        })
    })
    .transpose()
}

pub async fn count_users(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE deleted_at IS NULL")
        .fetch_one(db.pool())
        .await
}

/// ARCO cancellation: erases the person's name, address, password and second
/// factor, ends their sessions, revokes their tokens and memberships. The row
/// stays (with a placeholder address) so that the audit log's account numbers
/// keep pointing somewhere, and public content shows "persona eliminada".
pub async fn anonymise(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    let now = kernel::time::now();
    let old_email: Option<String> = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE users SET email = $1, display_name = 'Persona eliminada', password_hash = NULL, totp_secret = NULL, \
         updated_at = $2, deleted_at = $2 WHERE id = $3",
    )
    .bind(format!("eliminada-{user_id}@anonima.invalid"))
    .bind(&now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
        .bind(&now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM memberships WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    // Other traces of the address: sign-in attempts, tokens sent by e-mail,
    // invitations, and the e-mails themselves.
    if let Some(email) = old_email {
        sqlx::query("DELETE FROM login_attempts WHERE email = $1")
            .bind(&email)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE invitations SET email = $1 WHERE email = $2")
            .bind(format!("eliminada-{user_id}@anonima.invalid"))
            .bind(&email)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM outbox WHERE to_addr = $1")
            .bind(&email)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM email_tokens WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    audit::erase_ips_of(conn, user_id).await?;
    audit::record(conn, actor, Change::new("user", user_id, "delete_account")).await?;
    Ok(())
}

/// What an API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenScope {
    /// Act as the person, reading only.
    Read,
    /// Write for one body (the person must be its editor or administrator).
    Write { body_id: i64 },
}

/// Creates an API token and its audit entry; returns `(id, token)`. The token
/// is shown once; only its hash is stored.
pub async fn create_api_token(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    name: &str,
    scope: TokenScope,
    days: u64,
) -> Result<(i64, String), sqlx::Error> {
    let token = format!(
        "{}{}",
        crate::session::TOKEN_PREFIX,
        kernel::security::random_token()
    );
    let (scope_code, body) = match scope {
        TokenScope::Read => ("read", None),
        TokenScope::Write { body_id } => ("write", Some(body_id)),
    };
    let row = sqlx::query(
        "INSERT INTO api_tokens (user_id, name, token_hash, scope, body_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(kernel::security::hash_token(&token))
    .bind(scope_code)
    .bind(body)
    .bind(kernel::time::now())
    .bind(kernel::time::in_future(std::time::Duration::from_secs(days.max(1) * 86_400)))
    .fetch_one(&mut *conn)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        conn,
        actor,
        Change::new("api_token", id, "create").after(serde_json::json!({ "user_id": user_id, "scope": scope_code, "body_id": body, "days": days })),
    )
    .await?;
    Ok((id, token))
}
