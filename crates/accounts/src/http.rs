//! Pages of accounts: sign in (with an optional second factor), sign out,
//! registration with e-mail confirmation, password reset, the account page
//! (API tokens, second factor, personal data download, account deletion),
//! and the members of a body with invitations.

use std::collections::BTreeMap;

use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::audit::{self, Change};
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::db::Row;
use kernel::mail::{self, Mail};
use kernel::security::{hash_token, random_token, same};
use kernel::web::{cookie, set_cookie, Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::domain::{self, AccountError, Email};
use crate::session::{self, SESSION_COOKIE};
use crate::store;

pub static AUTH_VIEW: Action = Action::read("accounts.auth.view", Rule::Anyone);
pub static AUTH_SUBMIT: Action = Action::write("accounts.auth.submit", Rule::Anyone);
pub static SELF_VIEW: Action = Action::read("accounts.self.view", Rule::SignedIn);
pub static SELF_UPDATE: Action = Action::write("accounts.self.update", Rule::SignedIn);
pub static MEMBERS_VIEW: Action =
    Action::read("accounts.members.view", Rule::BodyRoles(&[Role::BodyAdmin]));
pub static MEMBERS_INVITE: Action = Action::write(
    "accounts.members.invite",
    Rule::BodyRoles(&[Role::BodyAdmin]),
);

pub fn routes() -> Routes {
    Routes::new()
        .get("/entrar", &AUTH_VIEW, login_page)
        .post("/entrar", &AUTH_SUBMIT, login)
        .get("/entrar/codigo", &AUTH_VIEW, challenge_page)
        .post("/entrar/codigo", &AUTH_SUBMIT, challenge)
        .post("/salir", &SELF_UPDATE, logout)
        .get("/registro", &AUTH_VIEW, register_page)
        .post("/registro", &AUTH_SUBMIT, register)
        .get("/confirmar/{token}", &AUTH_VIEW, confirm)
        .get("/recuperar", &AUTH_VIEW, forgot_page)
        .post("/recuperar", &AUTH_SUBMIT, forgot)
        .get("/restablecer/{token}", &AUTH_VIEW, reset_page)
        .post("/restablecer/{token}", &AUTH_SUBMIT, reset)
        .get("/cuenta", &SELF_VIEW, account_page)
        .post("/cuenta/tokens", &SELF_UPDATE, token_create)
        .post("/cuenta/tokens/{id}/revocar", &SELF_UPDATE, token_revoke)
        .get("/cuenta/mis-datos.json", &SELF_VIEW, my_data)
        .post("/cuenta/eliminar", &SELF_UPDATE, delete_account)
        .get("/cuenta/dos-pasos", &SELF_VIEW, totp_page)
        .post("/cuenta/dos-pasos", &SELF_UPDATE, totp_enable)
        .post("/cuenta/dos-pasos/desactivar", &SELF_UPDATE, totp_disable)
        .get(
            "/sujetos-obligados/{slug}/miembros",
            &MEMBERS_VIEW,
            members_page,
        )
        .post(
            "/sujetos-obligados/{slug}/invitaciones",
            &MEMBERS_INVITE,
            invite,
        )
        .get("/invitaciones/{token}", &AUTH_VIEW, invitation_page)
        .post("/invitaciones/{token}", &SELF_UPDATE, invitation_accept)
}

type Errors = BTreeMap<&'static str, String>;

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

fn with_cookie(mut res: Response, value: HeaderValue) -> Response {
    res.headers_mut().append(header::SET_COOKIE, value);
    res
}

fn clear_cookie(ctx: &Ctx, name: &str) -> HeaderValue {
    set_cookie(&ctx.state.config, name, "", Some(0))
}

fn link(ctx: &Ctx, path: &str) -> String {
    format!("{}{}", ctx.state.config.public_url(), path)
}

/// A short message page (e.g. "we sent you an e-mail").
fn message(ctx: &Ctx, status: StatusCode, title: &str, text: &str) -> Result<Response, Error> {
    let mut res = ctx.render(
        "accounts/message.html",
        context! { title => title, text => text },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

// ---------------------------------------------------------------- sign in

#[derive(Debug, Deserialize, Default)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    siguiente: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    siguiente: Option<String>,
    aviso: Option<String>,
}

fn render_login(
    ctx: &Ctx,
    email: &str,
    next: &str,
    errors: &Errors,
    status: StatusCode,
    notice: Option<String>,
) -> Result<Response, Error> {
    let mut res = ctx.render(
        "accounts/login.html",
        context! { email => email, next => next, errors => errors, notice => notice },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

fn notice_text(ctx: &Ctx, code: Option<&str>) -> Option<String> {
    match code? {
        "confirmado" => Some(ctx.t("accounts-notice-confirmed")),
        "restablecida" => Some(ctx.t("accounts-notice-password-reset")),
        "salida" => Some(ctx.t("accounts-notice-signed-out")),
        "eliminada" => Some(ctx.t("accounts-notice-deleted")),
        _ => None,
    }
}

async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, Error> {
    if ctx.actor.is_signed_in() {
        return Ok(see_other(&domain::safe_next(q.siguiente.as_deref())));
    }
    let next = domain::safe_next(q.siguiente.as_deref());
    render_login(
        &ctx,
        "",
        &next,
        &Errors::new(),
        StatusCode::OK,
        notice_text(&ctx, q.aviso.as_deref()),
    )
}

async fn failures(ctx: &Ctx, email: &str) -> Result<(i64, i64), Error> {
    let since = kernel::time::format(
        chrono::Utc::now() - chrono::Duration::minutes(domain::LOCK_WINDOW_MINUTES),
    );
    let by_email: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_attempts WHERE email = $1 AND success = 0 AND at > $2",
    )
    .bind(email)
    .bind(&since)
    .fetch_one(ctx.state.db.pool())
    .await?;
    let by_ip: i64 = match &ctx.actor.ip {
        Some(ip) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM login_attempts WHERE ip = $1 AND success = 0 AND at > $2",
            )
            .bind(ip)
            .bind(&since)
            .fetch_one(ctx.state.db.pool())
            .await?
        }
        None => 0,
    };
    Ok((by_email, by_ip))
}

async fn record_attempt(ctx: &Ctx, email: &str, success: bool) -> Result<(), Error> {
    sqlx::query("INSERT INTO login_attempts (email, ip, at, success) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ctx.actor.ip.as_deref())
        .bind(kernel::time::now())
        .bind(i64::from(success))
        .execute(ctx.state.db.pool())
        .await?;
    Ok(())
}

/// A hash to verify against when the address has no account, so that the
/// answer takes as long either way.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$X1ugY1q5ky5Q3zmhGwJ8cZTkg1Zz7Y9k7hI2Hf0bT4U";

async fn login(ctx: Ctx, Form(form): Form<LoginForm>) -> Result<Response, Error> {
    let next = domain::safe_next(form.siguiente.as_deref());
    let email_text = form.email.trim().to_lowercase();
    let mut errors = Errors::new();
    if email_text.is_empty() {
        errors.insert("email", ctx.t("accounts-error-email-required"));
    }
    if form.password.is_empty() {
        errors.insert("password", ctx.t("accounts-error-password-required"));
    }
    if !errors.is_empty() {
        return render_login(
            &ctx,
            &email_text,
            &next,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        );
    }
    let (by_email, by_ip) = failures(&ctx, &email_text).await?;
    if domain::is_locked(by_email, by_ip) {
        errors.insert(
            "email",
            ctx.state.i18n.t_args(
                ctx.locale,
                "accounts-error-locked",
                &kernel::i18n::args([("minutes", domain::LOCK_WINDOW_MINUTES)]),
            ),
        );
        return render_login(
            &ctx,
            &email_text,
            &next,
            &errors,
            StatusCode::TOO_MANY_REQUESTS,
            None,
        );
    }
    let row = sqlx::query(
        "SELECT id, password_hash, email_confirmed_at, totp_secret FROM users WHERE email = $1 AND deleted_at IS NULL",
    )
    .bind(&email_text)
    .fetch_optional(ctx.state.db.pool())
    .await?;
    let (user, ok) = match &row {
        Some(r) => {
            let hash: Option<String> = r.try_get("password_hash").map_err(Error::from)?;
            let ok = hash
                .as_deref()
                .is_some_and(|h| domain::verify_password(&form.password, h));
            (Some(r), ok)
        }
        None => {
            let _ = domain::verify_password(&form.password, DUMMY_HASH);
            (None, false)
        }
    };
    record_attempt(&ctx, &email_text, ok).await?;
    let Some(user) = user.filter(|_| ok) else {
        errors.insert("password", ctx.t("accounts-error-wrong-credentials"));
        return render_login(
            &ctx,
            &email_text,
            &next,
            &errors,
            StatusCode::UNAUTHORIZED,
            None,
        );
    };
    let user_id: i64 = user.try_get("id")?;
    if user
        .try_get::<Option<String>, _>("email_confirmed_at")?
        .is_none()
    {
        errors.insert("email", ctx.t("accounts-error-unconfirmed"));
        return render_login(
            &ctx,
            &email_text,
            &next,
            &errors,
            StatusCode::FORBIDDEN,
            None,
        );
    }
    if user.try_get::<Option<String>, _>("totp_secret")?.is_some() {
        // Second step: a signed, short-lived cookie remembers who passed the first.
        let expires = chrono::Utc::now().timestamp() + 300;
        let payload = format!("{user_id}.{expires}");
        let value = format!("{payload}.{}", ctx.state.secret.sign("mfa", &payload));
        let res = see_other(&format!("/entrar/codigo?siguiente={}", url_encode(&next)));
        return Ok(with_cookie(
            res,
            set_cookie(&ctx.state.config, "mfa", &value, Some(300)),
        ));
    }
    start_session(&ctx, user_id, &next).await
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Creates a new session (a fresh id: never the one the browser had before) and
/// ends the previous one.
async fn start_session(ctx: &Ctx, user_id: i64, next: &str) -> Result<Response, Error> {
    let mut tx = ctx.state.db.begin().await?;
    if let Some(old) = ctx_cookie(ctx, SESSION_COOKIE) {
        session::end(&mut tx, &old).await?;
    }
    let value = session::create(
        &mut tx,
        user_id,
        ctx.actor.ip.as_deref(),
        ctx.state.config.session_days,
    )
    .await?;
    let mut actor = ctx.actor.clone();
    actor.user_id = Some(user_id);
    actor.kind = "user";
    audit::record(&mut tx, &actor, Change::new("session", user_id, "sign_in")).await?;
    tx.commit().await?;
    let res = see_other(next);
    let res = with_cookie(res, clear_cookie(ctx, "mfa"));
    Ok(with_cookie(
        res,
        set_cookie(
            &ctx.state.config,
            SESSION_COOKIE,
            &value,
            Some(ctx.state.config.session_days * 86_400),
        ),
    ))
}

/// Cookies are not in `Ctx`; the resolver already used the session cookie, and
/// these handlers need it again to end it.
fn ctx_cookie(ctx: &Ctx, name: &str) -> Option<String> {
    cookie(&ctx.headers, name)
}

#[derive(Debug, Deserialize, Default)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    siguiente: Option<String>,
}

fn mfa_user(ctx: &Ctx) -> Option<i64> {
    let value = ctx_cookie(ctx, "mfa")?;
    let (payload, sig) = value.rsplit_once('.')?;
    if !same(&ctx.state.secret.sign("mfa", payload), sig) {
        return None;
    }
    let (user, expires) = payload.split_once('.')?;
    let expires: i64 = expires.parse().ok()?;
    (expires > chrono::Utc::now().timestamp()).then_some(())?;
    user.parse().ok()
}

async fn challenge_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, Error> {
    if mfa_user(&ctx).is_none() {
        return Ok(see_other("/entrar"));
    }
    ctx.render(
        "accounts/challenge.html",
        context! { next => domain::safe_next(q.siguiente.as_deref()), errors => Errors::new() },
    )
}

async fn challenge(ctx: Ctx, Form(form): Form<CodeForm>) -> Result<Response, Error> {
    let next = domain::safe_next(form.siguiente.as_deref());
    let Some(user_id) = mfa_user(&ctx) else {
        return Ok(see_other("/entrar"));
    };
    let row =
        sqlx::query("SELECT email, totp_secret FROM users WHERE id = $1 AND deleted_at IS NULL")
            .bind(user_id)
            .fetch_one(ctx.state.db.pool())
            .await?;
    let email: String = row.try_get("email")?;
    let secret: Option<String> = row.try_get("totp_secret")?;
    let (by_email, by_ip) = failures(&ctx, &email).await?;
    let mut errors = Errors::new();
    if domain::is_locked(by_email, by_ip) {
        errors.insert(
            "code",
            ctx.state.i18n.t_args(
                ctx.locale,
                "accounts-error-locked",
                &kernel::i18n::args([("minutes", domain::LOCK_WINDOW_MINUTES)]),
            ),
        );
    } else if !secret
        .as_deref()
        .is_some_and(|s| domain::check_totp(s, &email, &form.code))
    {
        record_attempt(&ctx, &email, false).await?;
        errors.insert("code", ctx.t("accounts-error-wrong-code"));
    }
    if !errors.is_empty() {
        let mut res = ctx.render(
            "accounts/challenge.html",
            context! { next => next, errors => errors },
        )?;
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(res);
    }
    record_attempt(&ctx, &email, true).await?;
    start_session(&ctx, user_id, &next).await
}

async fn logout(ctx: Ctx) -> Result<Response, Error> {
    if let Some(value) = ctx_cookie(&ctx, SESSION_COOKIE) {
        let mut tx = ctx.state.db.begin().await?;
        session::end(&mut tx, &value).await?;
        if let Some(id) = ctx.actor.user_id {
            audit::record(&mut tx, &ctx.actor, Change::new("session", id, "sign_out")).await?;
        }
        tx.commit().await?;
    }
    Ok(with_cookie(
        see_other("/entrar?aviso=salida"),
        clear_cookie(&ctx, SESSION_COOKIE),
    ))
}

// ---------------------------------------------------------------- registration

#[derive(Debug, Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    privacy: Option<String>,
    #[serde(default)]
    siguiente: Option<String>,
}

#[derive(Serialize)]
struct RegisterValues<'a> {
    name: &'a str,
    email: &'a str,
}

async fn register_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, Error> {
    ctx.render(
        "accounts/register.html",
        context! {
            values => RegisterValues { name: "", email: "" },
            errors => Errors::new(),
            next => q.siguiente.map(|n| domain::safe_next(Some(&n))),
        },
    )
}

fn password_errors(ctx: &Ctx, password: &str, password2: &str, errors: &mut Errors) {
    if password.chars().count() < domain::MIN_PASSWORD {
        errors.insert(
            "password",
            ctx.state.i18n.t_args(
                ctx.locale,
                "accounts-error-weak-password",
                &kernel::i18n::args([("min", domain::MIN_PASSWORD)]),
            ),
        );
    } else if password != password2 {
        errors.insert("password2", ctx.t("accounts-error-passwords-differ"));
    }
}

async fn register(ctx: Ctx, Form(form): Form<RegisterForm>) -> Result<Response, Error> {
    let mut errors = Errors::new();
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.insert("name", ctx.t("accounts-error-name"));
    }
    let email = Email::parse(&form.email);
    if email.is_err() {
        errors.insert("email", ctx.t("accounts-error-email-invalid"));
    }
    password_errors(&ctx, &form.password, &form.password2, &mut errors);
    if form.privacy.is_none() {
        errors.insert("privacy", ctx.t("accounts-error-privacy"));
    }
    let (Ok(email), true) = (email, errors.is_empty()) else {
        let mut res = ctx.render(
            "accounts/register.html",
            context! {
                values => RegisterValues { name, email: form.email.trim() },
                errors => errors,
                next => form.siguiente.map(|n| domain::safe_next(Some(&n))),
            },
        )?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let mut tx = ctx.state.db.begin().await?;
    let created = store::create_user(
        &mut tx,
        &ctx.actor,
        &store::NewUser {
            email: email.clone(),
            display_name: name,
            password: &form.password,
            role: Role::Citizen,
            is_demo: false,
            confirmed: false,
        },
    )
    .await;
    match created {
        Ok(user_id) => {
            let token = random_token();
            insert_email_token(&mut tx, user_id, "confirm", &token, 48).await?;
            let mut path = format!("/confirmar/{token}");
            if let Some(n) = form.siguiente.as_deref() {
                path.push_str(&format!(
                    "?siguiente={}",
                    url_encode(&domain::safe_next(Some(n)))
                ));
            }
            let body = ctx.state.i18n.t_args(
                ctx.locale,
                "mail-confirm-body",
                &kernel::i18n::args([("name", name.to_string()), ("link", link(&ctx, &path))]),
            );
            mail::enqueue(
                &mut tx,
                &ctx.state.jobs,
                &Mail {
                    to: email.as_str().into(),
                    subject: ctx.t("mail-confirm-subject"),
                    body,
                },
            )
            .await?;
        }
        Err(store::StoreError::Invalid(AccountError::EmailTaken(_))) => {
            // Same answer as for a new address (no account enumeration); the
            // owner of the address is told by e-mail instead.
            // (create_user checks before inserting, so the transaction is still usable.)
            let body = ctx.state.i18n.t_args(
                ctx.locale,
                "mail-already-registered-body",
                &kernel::i18n::args([("link", link(&ctx, "/recuperar"))]),
            );
            mail::enqueue(
                &mut tx,
                &ctx.state.jobs,
                &Mail {
                    to: email.as_str().into(),
                    subject: ctx.t("mail-already-registered-subject"),
                    body,
                },
            )
            .await?;
        }
        Err(store::StoreError::Invalid(e)) => {
            return Err(Error::bad_request("error-bad-request").arg("detail", e))
        }
        Err(store::StoreError::Db(e)) => return Err(e.into()),
    }
    tx.commit().await?;
    message(
        &ctx,
        StatusCode::OK,
        &ctx.t("accounts-check-mail-title"),
        &ctx.state.i18n.t_args(
            ctx.locale,
            "accounts-check-mail",
            &kernel::i18n::args([("email", email.as_str().to_string())]),
        ),
    )
}

async fn insert_email_token(
    conn: &mut kernel::db::AnyConnection,
    user_id: i64,
    purpose: &str,
    token: &str,
    hours: u64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(hash_token(token))
        .bind(user_id)
        .bind(purpose)
        .bind(kernel::time::now())
        .bind(kernel::time::in_future(std::time::Duration::from_secs(hours * 3600)))
        .execute(conn)
        .await
        .map(|_| ())
}

/// Takes an unused, unexpired e-mail token; returns its user.
async fn take_email_token(
    conn: &mut kernel::db::AnyConnection,
    token: &str,
    purpose: &str,
    consume: bool,
) -> Result<Option<i64>, sqlx::Error> {
    let now = kernel::time::now();
    let row = sqlx::query("SELECT user_id FROM email_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3")
        .bind(hash_token(token))
        .bind(purpose)
        .bind(&now)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    if consume {
        sqlx::query("UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2")
            .bind(&now)
            .bind(hash_token(token))
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(row.try_get("user_id")?))
}

async fn confirm(
    ctx: Ctx,
    Path(token): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, Error> {
    let mut tx = ctx.state.db.begin().await?;
    let Some(user_id) = take_email_token(&mut tx, &token, "confirm", true).await? else {
        return message(
            &ctx,
            StatusCode::NOT_FOUND,
            &ctx.t("accounts-link-invalid-title"),
            &ctx.t("accounts-link-invalid"),
        );
    };
    sqlx::query("UPDATE users SET email_confirmed_at = $1, updated_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL")
        .bind(kernel::time::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("user", user_id, "confirm_email"),
    )
    .await?;
    tx.commit().await?;
    let mut to = "/entrar?aviso=confirmado".to_string();
    if let Some(n) = q.siguiente.as_deref() {
        to.push_str(&format!(
            "&siguiente={}",
            url_encode(&domain::safe_next(Some(n)))
        ));
    }
    Ok(see_other(&to))
}

// ---------------------------------------------------------------- password reset

#[derive(Debug, Deserialize, Default)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

async fn forgot_page(ctx: Ctx) -> Result<Response, Error> {
    ctx.render(
        "accounts/forgot.html",
        context! { email => "", errors => Errors::new() },
    )
}

async fn forgot(ctx: Ctx, Form(form): Form<ForgotForm>) -> Result<Response, Error> {
    let Ok(email) = Email::parse(&form.email) else {
        let mut errors = Errors::new();
        errors.insert("email", ctx.t("accounts-error-email-invalid"));
        let mut res = ctx.render(
            "accounts/forgot.html",
            context! { email => form.email.trim(), errors => errors },
        )?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    };
    let user = store::find_by_email(&ctx.state.db, &email).await?;
    // At most three reset e-mails an hour per account, so the form cannot be
    // used to flood somebody's inbox. The answer is the same either way.
    let recent = match &user {
        Some(u) => {
            let since = kernel::time::format(chrono::Utc::now() - chrono::Duration::hours(1));
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM email_tokens WHERE user_id = $1 AND purpose = 'reset' AND created_at > $2",
            )
            .bind(u.id)
            .bind(&since)
            .fetch_one(ctx.state.db.pool())
            .await?
        }
        None => 0,
    };
    if let Some(user) = user.filter(|_| recent < 3) {
        let token = random_token();
        let mut tx = ctx.state.db.begin().await?;
        insert_email_token(&mut tx, user.id, "reset", &token, 2).await?;
        let body = ctx.state.i18n.t_args(
            ctx.locale,
            "mail-reset-body",
            &kernel::i18n::args([("link", link(&ctx, &format!("/restablecer/{token}")))]),
        );
        mail::enqueue(
            &mut tx,
            &ctx.state.jobs,
            &Mail {
                to: user.email.clone(),
                subject: ctx.t("mail-reset-subject"),
                body,
            },
        )
        .await?;
        tx.commit().await?;
    }
    message(
        &ctx,
        StatusCode::OK,
        &ctx.t("accounts-check-mail-title"),
        &ctx.state.i18n.t_args(
            ctx.locale,
            "accounts-reset-sent",
            &kernel::i18n::args([("email", email.as_str().to_string())]),
        ),
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct ResetForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
}

async fn reset_page(ctx: Ctx, Path(token): Path<String>) -> Result<Response, Error> {
    let mut conn = ctx.state.db.pool().acquire().await?;
    if take_email_token(&mut conn, &token, "reset", false)
        .await?
        .is_none()
    {
        return message(
            &ctx,
            StatusCode::NOT_FOUND,
            &ctx.t("accounts-link-invalid-title"),
            &ctx.t("accounts-link-invalid"),
        );
    }
    ctx.render(
        "accounts/reset.html",
        context! { token => token, errors => Errors::new() },
    )
}

async fn reset(
    ctx: Ctx,
    Path(token): Path<String>,
    Form(form): Form<ResetForm>,
) -> Result<Response, Error> {
    let mut errors = Errors::new();
    password_errors(&ctx, &form.password, &form.password2, &mut errors);
    if !errors.is_empty() {
        let mut res = ctx.render(
            "accounts/reset.html",
            context! { token => token, errors => errors },
        )?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let hash = domain::hash_password(&form.password)
        .map_err(|_| Error::bad_request("error-bad-request"))?;
    let mut tx = ctx.state.db.begin().await?;
    let Some(user_id) = take_email_token(&mut tx, &token, "reset", true).await? else {
        return message(
            &ctx,
            StatusCode::NOT_FOUND,
            &ctx.t("accounts-link-invalid-title"),
            &ctx.t("accounts-link-invalid"),
        );
    };
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2, email_confirmed_at = COALESCE(email_confirmed_at, $2) WHERE id = $3")
        .bind(&hash)
        .bind(kernel::time::now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    session::end_all(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("user", user_id, "reset_password"),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/entrar?aviso=restablecida"))
}

// ---------------------------------------------------------------- the account page

#[derive(Serialize)]
struct TokenRow {
    id: i64,
    name: String,
    scope: String,
    body_name: Option<String>,
    created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
}

#[derive(Serialize)]
struct MembershipRow {
    body_id: i64,
    slug: String,
    name: String,
    role: String,
}

fn user_id(ctx: &Ctx) -> Result<i64, Error> {
    ctx.actor.user_id.ok_or_else(Error::sign_in_required)
}

async fn memberships(ctx: &Ctx, user: i64) -> Result<Vec<MembershipRow>, Error> {
    let rows = sqlx::query(
        "SELECT m.body_id, b.slug, b.name, m.role FROM memberships m JOIN bodies b ON b.id = m.body_id \
         WHERE m.user_id = $1 ORDER BY b.name",
    )
    .bind(user)
    .fetch_all(ctx.state.db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(MembershipRow {
                body_id: r.try_get("body_id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                role: ctx.t(&format!("role-{role}")),
            })
        })
        .collect()
}

async fn account_page(ctx: Ctx) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let user =
        sqlx::query("SELECT email, display_name, role, totp_secret FROM users WHERE id = $1")
            .bind(me)
            .fetch_one(ctx.state.db.pool())
            .await?;
    let tokens = sqlx::query(
        "SELECT t.id, t.name, t.scope, b.name AS body_name, t.created_at, t.expires_at, t.last_used_at \
         FROM api_tokens t LEFT JOIN bodies b ON b.id = t.body_id \
         WHERE t.user_id = $1 AND t.revoked_at IS NULL ORDER BY t.id DESC",
    )
    .bind(me)
    .fetch_all(ctx.state.db.pool())
    .await?
    .iter()
    .map(|r| {
        Ok(TokenRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            scope: r.try_get("scope")?,
            body_name: r.try_get("body_name")?,
            created_at: r.try_get::<String, _>("created_at")?.chars().take(10).collect(),
            expires_at: r.try_get::<Option<String>, _>("expires_at")?.map(|e| e.chars().take(10).collect()),
            last_used_at: r.try_get::<Option<String>, _>("last_used_at")?.map(|e| e.chars().take(10).collect()),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let role: String = user.try_get("role")?;
    let memberships = memberships(&ctx, me).await?;
    let may_use_second_factor = matches!(role.as_str(), "platform-admin" | "institute-reviewer")
        || ctx
            .actor
            .body_roles
            .iter()
            .any(|(_, r)| *r == Role::BodyAdmin);
    ctx.render(
        "accounts/account.html",
        context! {
            email => user.try_get::<String, _>("email")?,
            name => user.try_get::<String, _>("display_name")?,
            role => ctx.t(&format!("role-{role}")),
            memberships => memberships,
            tokens => tokens,
            totp_enabled => user.try_get::<Option<String>, _>("totp_secret")?.is_some(),
            may_use_second_factor => may_use_second_factor,
            admin_bodies => ctx.actor.body_roles.iter().filter(|(_, r)| *r == Role::BodyAdmin).count(),
        },
    )
}

#[derive(Debug, Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    days: Option<String>,
}

async fn token_create(ctx: Ctx, Form(form): Form<TokenForm>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(Error::bad_request("accounts-error-token-name"));
    }
    let scope = match form.scope.as_str() {
        "read" => store::TokenScope::Read,
        "write" => {
            let body_id: i64 = form
                .body
                .as_deref()
                .and_then(|b| b.parse().ok())
                .ok_or_else(|| Error::bad_request("accounts-error-token-body"))?;
            // Only for a body the person edits or administers.
            ctx.authorize(&TOKEN_WRITE_FOR_BODY, Subject::Body(body_id))?;
            store::TokenScope::Write { body_id }
        }
        _ => return Err(Error::bad_request("accounts-error-token-scope")),
    };
    let days: u64 = match form.days.as_deref() {
        Some("30") => 30,
        Some("90") | None => 90,
        Some("365") => 365,
        _ => return Err(Error::bad_request("accounts-error-token-days")),
    };
    let mut tx = ctx.state.db.begin().await?;
    let (_, token) = store::create_api_token(&mut tx, &ctx.actor, me, name, scope, days).await?;
    tx.commit().await?;
    ctx.render(
        "accounts/token_created.html",
        context! { token => token, name => name, days => days },
    )
}

pub static TOKEN_WRITE_FOR_BODY: Action = Action::write(
    "accounts.tokens.write_for_body",
    Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
);

async fn token_revoke(ctx: Ctx, Path(id): Path<i64>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let mut tx = ctx.state.db.begin().await?;
    let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(kernel::time::now())
        .bind(id)
        .bind(me)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(Error::not_found());
    }
    audit::record(&mut tx, &ctx.actor, Change::new("api_token", id, "revoke")).await?;
    tx.commit().await?;
    Ok(see_other("/cuenta#tokens"))
}

/// ARCO: everything the platform holds about the person, as JSON.
async fn my_data(ctx: Ctx) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let db = ctx.state.db.pool();
    let user = sqlx::query("SELECT email, display_name, role, email_confirmed_at, created_at, totp_secret FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(db)
        .await?;
    let rows_to_json = |rows: Vec<kernel::db::AnyRow>,
                        cols: &[&str]|
     -> Result<Vec<serde_json::Value>, sqlx::Error> {
        rows.iter()
            .map(|r| {
                let mut m = serde_json::Map::new();
                for c in cols {
                    let v: Option<String> = r.try_get(*c).or_else(|_| {
                        r.try_get::<Option<i64>, _>(*c)
                            .map(|o| o.map(|n| n.to_string()))
                    })?;
                    m.insert(
                        (*c).to_string(),
                        v.map(serde_json::Value::String)
                            .unwrap_or(serde_json::Value::Null),
                    );
                }
                Ok(serde_json::Value::Object(m))
            })
            .collect()
    };
    let memberships = sqlx::query("SELECT b.name AS body, m.role, m.created_at FROM memberships m JOIN bodies b ON b.id = m.body_id WHERE m.user_id = $1")
        .bind(me)
        .fetch_all(db)
        .await?;
    let sessions = sqlx::query(
        "SELECT created_at, last_seen_at, expires_at, ip FROM sessions WHERE user_id = $1",
    )
    .bind(me)
    .fetch_all(db)
    .await?;
    let tokens = sqlx::query("SELECT name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = $1")
        .bind(me)
        .fetch_all(db)
        .await?;
    let email: String = user.try_get("email")?;
    let attempts =
        sqlx::query("SELECT at, ip, success FROM login_attempts WHERE email = $1 ORDER BY at DESC")
            .bind(&email)
            .fetch_all(db)
            .await?;
    let activity = sqlx::query("SELECT at, entity, entity_id, action, ip FROM audit_log WHERE actor_user_id = $1 ORDER BY id")
        .bind(me)
        .fetch_all(db)
        .await?;
    let body = serde_json::json!({
        "cuenta": {
            "correo": email,
            "nombre": user.try_get::<String, _>("display_name")?,
            "rol": user.try_get::<String, _>("role")?,
            "correo_confirmado": user.try_get::<Option<String>, _>("email_confirmed_at")?,
            "creada": user.try_get::<String, _>("created_at")?,
            "segundo_factor": user.try_get::<Option<String>, _>("totp_secret")?.is_some(),
        },
        "membresias": rows_to_json(memberships, &["body", "role", "created_at"])?,
        "sesiones": rows_to_json(sessions, &["created_at", "last_seen_at", "expires_at", "ip"])?,
        "tokens_de_api": rows_to_json(tokens, &["name", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"])?,
        "intentos_de_acceso": rows_to_json(attempts, &["at", "ip", "success"])?,
        "actividad": rows_to_json(activity, &["at", "entity", "entity_id", "action", "ip"])?,
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mis-datos-apertura.json\"",
            ),
        ],
        serde_json::to_vec_pretty(&body).map_err(Error::internal)?,
    )
        .into_response())
}

#[derive(Debug, Deserialize, Default)]
pub struct DeleteForm {
    #[serde(default)]
    password: String,
}

/// Does `password` match the account's? (Asked again before grave changes.)
async fn password_matches(ctx: &Ctx, user: i64, password: &str) -> Result<bool, Error> {
    let hash: Option<String> = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user)
        .fetch_one(ctx.state.db.pool())
        .await?;
    Ok(hash
        .as_deref()
        .is_some_and(|h| domain::verify_password(password, h)))
}

/// ARCO: deletes the account. The person's name and address are erased, the
/// account can no longer sign in, and public content shows "persona
/// eliminada". The audit log keeps only the account number, never its name or
/// address, so it needs no rewriting.
async fn delete_account(ctx: Ctx, Form(form): Form<DeleteForm>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    if !password_matches(&ctx, me, &form.password).await? {
        return message(
            &ctx,
            StatusCode::FORBIDDEN,
            &ctx.t("accounts-delete-title"),
            &ctx.t("accounts-error-wrong-password"),
        );
    }
    let mut tx = ctx.state.db.begin().await?;
    crate::store::anonymise(&mut tx, &ctx.actor, me).await?;
    tx.commit().await?;
    Ok(with_cookie(
        see_other("/entrar?aviso=eliminada"),
        clear_cookie(&ctx, SESSION_COOKIE),
    ))
}

// ---------------------------------------------------------------- second factor

#[derive(Debug, Deserialize, Default)]
pub struct TotpForm {
    #[serde(default)]
    code: String,
}

fn pending_secret(ctx: &Ctx) -> Option<String> {
    let value = ctx_cookie(ctx, "totp_setup")?;
    let (secret, sig) = value.split_once('.')?;
    same(&ctx.state.secret.sign("totp_setup", secret), sig).then(|| secret.to_string())
}

async fn totp_page(ctx: Ctx) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let row = sqlx::query("SELECT email, totp_secret FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(ctx.state.db.pool())
        .await?;
    let email: String = row.try_get("email")?;
    if row.try_get::<Option<String>, _>("totp_secret")?.is_some() {
        return ctx.render(
            "accounts/totp.html",
            context! { enabled => true, errors => Errors::new() },
        );
    }
    let secret = pending_secret(&ctx).unwrap_or_else(domain::new_totp_secret);
    let url = domain::totp(&secret, &email)
        .map(|t| t.get_url())
        .unwrap_or_default();
    let res = ctx.render(
        "accounts/totp.html",
        context! { enabled => false, secret => secret, url => url, errors => Errors::new() },
    )?;
    let value = format!("{secret}.{}", ctx.state.secret.sign("totp_setup", &secret));
    Ok(with_cookie(
        res,
        set_cookie(&ctx.state.config, "totp_setup", &value, Some(900)),
    ))
}

async fn totp_enable(ctx: Ctx, Form(form): Form<TotpForm>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(ctx.state.db.pool())
        .await?;
    let Some(secret) = pending_secret(&ctx) else {
        return Ok(see_other("/cuenta/dos-pasos"));
    };
    if !domain::check_totp(&secret, &email, &form.code) {
        let mut errors = Errors::new();
        errors.insert("code", ctx.t("accounts-error-wrong-code"));
        let url = domain::totp(&secret, &email)
            .map(|t| t.get_url())
            .unwrap_or_default();
        let mut res = ctx.render(
            "accounts/totp.html",
            context! { enabled => false, secret => secret, url => url, errors => errors },
        )?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let mut tx = ctx.state.db.begin().await?;
    sqlx::query("UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3")
        .bind(&secret)
        .bind(kernel::time::now())
        .bind(me)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("user", me, "enable_second_factor"),
    )
    .await?;
    tx.commit().await?;
    Ok(with_cookie(
        see_other("/cuenta"),
        clear_cookie(&ctx, "totp_setup"),
    ))
}

async fn totp_disable(ctx: Ctx, Form(form): Form<DeleteForm>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    if !password_matches(&ctx, me, &form.password).await? {
        return message(
            &ctx,
            StatusCode::FORBIDDEN,
            &ctx.t("accounts-totp-title"),
            &ctx.t("accounts-error-wrong-password"),
        );
    }
    let mut tx = ctx.state.db.begin().await?;
    sqlx::query("UPDATE users SET totp_secret = NULL, updated_at = $1 WHERE id = $2")
        .bind(kernel::time::now())
        .bind(me)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("user", me, "disable_second_factor"),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/cuenta"))
}

// ---------------------------------------------------------------- members and invitations

async fn body_or_404(ctx: &Ctx, slug: &str) -> Result<directory::store::Body, Error> {
    let mut conn = ctx.state.db.pool().acquire().await?;
    directory::store::body_by_slug(&mut conn, slug)
        .await?
        .ok_or_else(Error::not_found)
}

#[derive(Serialize)]
struct MemberRow {
    name: String,
    role: String,
}

#[derive(Serialize)]
struct InvitationRow {
    email: String,
    role: String,
    created_at: String,
    accepted: bool,
}

async fn members_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let body = body_or_404(&ctx, &slug).await?;
    ctx.authorize(&MEMBERS_VIEW, Subject::Body(body.id))?;
    render_members(&ctx, &body, &Errors::new(), None, StatusCode::OK).await
}

async fn render_members(
    ctx: &Ctx,
    body: &directory::store::Body,
    errors: &Errors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let members = sqlx::query(
        "SELECT u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.body_id = $1 AND u.deleted_at IS NULL ORDER BY u.display_name",
    )
    .bind(body.id)
    .fetch_all(ctx.state.db.pool())
    .await?
    .iter()
    .map(|r| {
        let role: String = r.try_get("role")?;
        Ok(MemberRow {
            name: r.try_get("display_name")?,
            role: ctx.t(&format!("role-{role}")),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let invitations = sqlx::query("SELECT email, role, created_at, accepted_at FROM invitations WHERE body_id = $1 ORDER BY id DESC LIMIT 50")
        .bind(body.id)
        .fetch_all(ctx.state.db.pool())
        .await?
        .iter()
        .map(|r| {
            let role: String = r.try_get("role")?;
            Ok(InvitationRow {
                email: r.try_get("email")?,
                role: ctx.t(&format!("role-{role}")),
                created_at: r.try_get::<String, _>("created_at")?.chars().take(10).collect(),
                accepted: r.try_get::<Option<String>, _>("accepted_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let mut res = ctx.render(
        "accounts/members.html",
        context! { body => body, members => members, invitations => invitations, errors => errors, notice => notice },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Debug, Deserialize, Default)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

async fn invite(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<InviteForm>,
) -> Result<Response, Error> {
    let body = body_or_404(&ctx, &slug).await?;
    ctx.authorize(&MEMBERS_INVITE, Subject::Body(body.id))?;
    let mut errors = Errors::new();
    let email = Email::parse(&form.email);
    if email.is_err() {
        errors.insert("email", ctx.t("accounts-error-email-invalid"));
    }
    let role = match form.role.as_str() {
        "body-admin" => Some(Role::BodyAdmin),
        "body-editor" => Some(Role::BodyEditor),
        _ => None,
    };
    if role.is_none() {
        errors.insert("role", ctx.t("accounts-error-role"));
    }
    let (Ok(email), Some(role)) = (email, role) else {
        return render_members(&ctx, &body, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let token = random_token();
    let mut tx = ctx.state.db.begin().await?;
    let row = sqlx::query(
        "INSERT INTO invitations (token_hash, body_id, email, role, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(hash_token(&token))
    .bind(body.id)
    .bind(email.as_str())
    .bind(role.code())
    .bind(ctx.actor.user_id)
    .bind(kernel::time::now())
    .bind(kernel::time::in_future(std::time::Duration::from_secs(14 * 86_400)))
    .fetch_one(&mut *tx)
    .await?;
    let id: i64 = row.try_get("id")?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("invitation", id, "create")
            .after(serde_json::json!({ "body_id": body.id, "role": role.code() })),
    )
    .await?;
    let text = ctx.state.i18n.t_args(
        ctx.locale,
        "mail-invite-body",
        &kernel::i18n::args([
            ("body", body.name.clone()),
            ("role", ctx.t(&role.label_key())),
            ("link", link(&ctx, &format!("/invitaciones/{token}"))),
        ]),
    );
    mail::enqueue(
        &mut tx,
        &ctx.state.jobs,
        &Mail {
            to: email.as_str().into(),
            subject: ctx.t("mail-invite-subject"),
            body: text,
        },
    )
    .await?;
    tx.commit().await?;
    let notice = ctx.state.i18n.t_args(
        ctx.locale,
        "accounts-invite-sent",
        &kernel::i18n::args([("email", email.as_str().to_string())]),
    );
    render_members(&ctx, &body, &Errors::new(), Some(notice), StatusCode::OK).await
}

struct Invitation {
    id: i64,
    body_id: i64,
    email: String,
    role: String,
}

async fn find_invitation(ctx: &Ctx, token: &str) -> Result<Option<Invitation>, Error> {
    let row = sqlx::query(
        "SELECT id, body_id, email, role FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > $2",
    )
    .bind(hash_token(token))
    .bind(kernel::time::now())
    .fetch_optional(ctx.state.db.pool())
    .await?;
    row.map(|r| {
        Ok(Invitation {
            id: r.try_get("id")?,
            body_id: r.try_get("body_id")?,
            email: r.try_get("email")?,
            role: r.try_get("role")?,
        })
    })
    .transpose()
    .map_err(|e: sqlx::Error| e.into())
}

async fn invitation_page(ctx: Ctx, Path(token): Path<String>) -> Result<Response, Error> {
    let Some(inv) = find_invitation(&ctx, &token).await? else {
        return message(
            &ctx,
            StatusCode::NOT_FOUND,
            &ctx.t("accounts-link-invalid-title"),
            &ctx.t("accounts-link-invalid"),
        );
    };
    let body_name: String = sqlx::query_scalar("SELECT name FROM bodies WHERE id = $1")
        .bind(inv.body_id)
        .fetch_one(ctx.state.db.pool())
        .await?;
    let my_email: Option<String> = match ctx.actor.user_id {
        Some(id) => {
            sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(id)
                .fetch_optional(ctx.state.db.pool())
                .await?
        }
        None => None,
    };
    ctx.render(
        "accounts/invitation.html",
        context! {
            token => token,
            body_name => body_name,
            role => ctx.t(&format!("role-{}", inv.role)),
            email => inv.email,
            signed_in => ctx.actor.is_signed_in(),
            email_matches => my_email.as_deref() == Some(inv.email.as_str()),
            here => format!("/invitaciones/{token}"),
        },
    )
}

async fn invitation_accept(ctx: Ctx, Path(token): Path<String>) -> Result<Response, Error> {
    let me = user_id(&ctx)?;
    let Some(inv) = find_invitation(&ctx, &token).await? else {
        return message(
            &ctx,
            StatusCode::NOT_FOUND,
            &ctx.t("accounts-link-invalid-title"),
            &ctx.t("accounts-link-invalid"),
        );
    };
    let my_email: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
        .bind(me)
        .fetch_one(ctx.state.db.pool())
        .await?;
    if my_email != inv.email {
        return Err(Error::forbidden());
    }
    let role = Role::from_code(&inv.role).ok_or_else(Error::not_found)?;
    let mut tx = ctx.state.db.begin().await?;
    let already = sqlx::query("SELECT role FROM memberships WHERE user_id = $1 AND body_id = $2")
        .bind(me)
        .bind(inv.body_id)
        .fetch_optional(&mut *tx)
        .await?;
    if already.is_some() {
        sqlx::query("UPDATE memberships SET role = $1 WHERE user_id = $2 AND body_id = $3")
            .bind(role.code())
            .bind(me)
            .bind(inv.body_id)
            .execute(&mut *tx)
            .await?;
    } else {
        store::add_membership(&mut tx, &ctx.actor, me, inv.body_id, role).await?;
    }
    sqlx::query("UPDATE invitations SET accepted_at = $1, accepted_by = $2 WHERE id = $3")
        .bind(kernel::time::now())
        .bind(me)
        .bind(inv.id)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        &ctx.actor,
        Change::new("invitation", inv.id, "accept"),
    )
    .await?;
    tx.commit().await?;
    Ok(see_other("/cuenta"))
}
