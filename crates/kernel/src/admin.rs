//! The administration pages of the kernel: a dashboard (`/admin`), the audit
//! log with filters, paging and a CSV export (`/admin/auditoria`), the e-mail
//! outbox (`/admin/correos`) and the job queue (`/admin/trabajos`).
//!
//! Everything here only reads. There is deliberately no route that changes or
//! removes audit entries, and the database refuses it anyway (triggers).
//! The audit log and the outbox hold personal data (IP addresses, e-mail
//! addresses and messages), so only platform administrators see them;
//! institute reviewers see the dashboard and the jobs.

use std::collections::BTreeMap;

use axum::body::Body;
use axum::extract::Path;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use chrono::NaiveDate;
use minijinja::context;
use serde::Serialize;
use sqlx::Row;

use crate::authz::{authorize, Action, Role, Rule, Subject};
use crate::db::{Backend, Db};
use crate::error::Error;
use crate::web::{Ctx, Routes};

/// The dashboard and the job list: institute staff.
pub static VIEW_ADMIN: Action =
    Action::read("kernel.admin.view", Rule::Roles(&[Role::InstituteReviewer]));

/// The audit log and the outbox: platform administrators only (they hold IP
/// addresses, e-mail addresses and messages).
pub static VIEW_AUDIT: Action = Action::read("kernel.audit.view", Rule::Roles(&[]));

/// Audit entries per page.
pub const PAGE_SIZE: i64 = 50;
/// Most rows one CSV export carries; past it the answer says
/// `X-Apertura-Truncated: true`.
pub const CSV_LIMIT: i64 = 100_000;
/// Rows fetched per round trip while streaming the CSV.
const CSV_BATCH: i64 = 1_000;
/// Outbox messages and jobs listed.
const RECENT: i64 = 100;
/// Longest entity or action name accepted as a filter.
const TEXT_MAX: usize = 100;

/// The admin routes, every one read-only.
pub fn routes() -> Routes {
    Routes::new()
        .get("/admin", &VIEW_ADMIN, dashboard)
        .get("/admin/auditoria", &VIEW_AUDIT, audit_page)
        .get("/admin/auditoria.csv", &VIEW_AUDIT, audit_csv)
        .get("/admin/correos", &VIEW_AUDIT, outbox_page)
        .get("/admin/correos/{id}", &VIEW_AUDIT, outbox_message)
        .get("/admin/trabajos", &VIEW_ADMIN, jobs_page)
}

// ------------------------------------------------------------ navigation

/// The sections of the admin area, in the order shown. A section appears
/// only when its route is registered (another capability may provide it) and
/// the person may open it.
const SECTIONS: [(&str, &str, &str); 4] = [
    (
        "/admin/sujetos-obligados",
        "admin-section-bodies",
        "admin-section-bodies-text",
    ),
    (
        "/admin/auditoria",
        "admin-section-audit",
        "admin-section-audit-text",
    ),
    (
        "/admin/correos",
        "admin-section-outbox",
        "admin-section-outbox-text",
    ),
    (
        "/admin/trabajos",
        "admin-section-jobs",
        "admin-section-jobs-text",
    ),
];

#[derive(Debug, Serialize)]
struct Section {
    href: &'static str,
    label: String,
    text: String,
    /// `aria-current`: `page` on the section itself, `true` below it.
    current: &'static str,
}

fn sections(ctx: &Ctx) -> Vec<Section> {
    SECTIONS
        .into_iter()
        .filter(|(href, _, _)| {
            ctx.state.routes.iter().any(|r| {
                r.method == Method::GET
                    && r.path == *href
                    && authorize(&ctx.actor, r.action, Subject::None).is_ok()
            })
        })
        .map(|(href, label, text)| Section {
            href,
            label: ctx.t(label),
            text: ctx.t(text),
            current: if ctx.path == href {
                "page"
            } else if ctx.path.starts_with(&format!("{href}/")) {
                "true"
            } else {
                ""
            },
        })
        .collect()
}

/// A message when the catalog has it, else the code itself.
fn label_or(ctx: &Ctx, key: &str, code: &str) -> String {
    if ctx.state.i18n.has(ctx.locale, key) {
        ctx.t(key)
    } else {
        code.to_string()
    }
}

/// Admin pages show personal data: no caching anywhere on the way.
fn private(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// `2026-11-24T10:47:44.123456Z` → `2026-11-24 10:47:44 UTC`.
fn display_time(at: &str) -> String {
    crate::time::parse(at)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S UTC").to_string())
        .unwrap_or_else(|| at.to_string())
}

// ------------------------------------------------------------- dashboard

/// The job statuses in the order the dashboard lists them.
const JOB_STATUSES: [&str; 5] = ["pending", "running", "succeeded", "failed", "cancelled"];

#[derive(Debug, Serialize)]
struct StatusCount {
    status: String,
    label: String,
    count: i64,
}

async fn dashboard(ctx: Ctx) -> Result<Response, Error> {
    let db = &ctx.state.db;
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status")
        .fetch_all(db.pool())
        .await?;
    let mut by_status: BTreeMap<String, i64> = BTreeMap::new();
    for r in &rows {
        by_status.insert(r.try_get("status")?, r.try_get("n")?);
    }
    let mut jobs: Vec<StatusCount> = JOB_STATUSES
        .iter()
        .map(|s| StatusCount {
            status: s.to_string(),
            label: label_or(&ctx, &format!("admin-job-status-{s}"), s),
            count: by_status.remove(*s).unwrap_or(0),
        })
        .collect();
    jobs.extend(by_status.into_iter().map(|(status, count)| StatusCount {
        label: label_or(&ctx, &format!("admin-job-status-{status}"), &status),
        status,
        count,
    }));
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
        .fetch_one(db.pool())
        .await?;
    let res = ctx.render(
        "kernel/admin_dashboard.html",
        context! {
            admin_sections => sections(&ctx),
            job_counts => jobs,
            unsent => unsent,
            may_see_outbox => authorize(&ctx.actor, &VIEW_AUDIT, Subject::None).is_ok(),
        },
    )?;
    Ok(private(res))
}

// ------------------------------------------------------------- audit log

/// The audit log filters, validated. Dates are UTC days; `from` is the first
/// day's date and `until` the day after the last one, both compared as text
/// with the RFC 3339 `at` column.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    pub entity: Option<String>,
    pub action: Option<String>,
    pub actor: Option<i64>,
    pub from: Option<String>,
    pub until: Option<String>,
}

/// What the person typed, to show again in the form.
#[derive(Debug, Default, Clone, Serialize)]
pub struct AuditForm {
    pub entidad: String,
    pub accion: String,
    pub actor: String,
    pub desde: String,
    pub hasta: String,
}

/// Where a page of the audit log starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// The newest entries.
    First,
    /// Entries older than this id (`?antes=`).
    Before(i64),
    /// Entries newer than this id (`?despues=`).
    After(i64),
}

/// The first value of each parameter (a repeated one does not fail).
fn params(query: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        out.entry(k.into_owned()).or_insert_with(|| v.into_owned());
    }
    out
}

/// A day written `yyyy-mm-dd`.
fn parse_day(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 || s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
    (1000..=9999)
        .contains(&chrono::Datelike::year(&d))
        .then_some(d)
}

/// Validates the filter form. Errors are i18n keys by field name.
pub fn parse_filter(query: &str) -> (AuditFilter, AuditForm, BTreeMap<&'static str, &'static str>) {
    let p = params(query);
    let get = |k: &str| p.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let form = AuditForm {
        entidad: get("entidad"),
        accion: get("accion"),
        actor: get("actor"),
        desde: get("desde"),
        hasta: get("hasta"),
    };
    let mut errors = BTreeMap::new();
    let mut filter = AuditFilter::default();
    for (name, value, slot) in [
        ("entidad", &form.entidad, &mut filter.entity),
        ("accion", &form.accion, &mut filter.action),
    ] {
        if value.chars().count() > TEXT_MAX {
            errors.insert(name, "admin-audit-error-too-long");
        } else if !value.is_empty() {
            *slot = Some(value.clone());
        }
    }
    if !form.actor.is_empty() {
        match form.actor.parse::<i64>() {
            Ok(n) if n > 0 && form.actor.bytes().all(|b| b.is_ascii_digit()) => {
                filter.actor = Some(n)
            }
            _ => {
                errors.insert("actor", "admin-audit-error-actor");
            }
        }
    }
    let mut from_day = None;
    if !form.desde.is_empty() {
        match parse_day(&form.desde) {
            Some(d) => {
                from_day = Some(d);
                filter.from = Some(d.format("%Y-%m-%d").to_string());
            }
            None => {
                errors.insert("desde", "admin-audit-error-date");
            }
        }
    }
    if !form.hasta.is_empty() {
        match parse_day(&form.hasta) {
            Some(d) if from_day.is_some_and(|f| f > d) => {
                errors.insert("hasta", "admin-audit-error-range");
            }
            Some(d) => {
                filter.until = d.succ_opt().map(|next| next.format("%Y-%m-%d").to_string());
            }
            None => {
                errors.insert("hasta", "admin-audit-error-date");
            }
        }
    }
    (filter, form, errors)
}

/// Where the page starts: `antes` or `despues`; anything else is the first page.
pub fn parse_cursor(query: &str) -> Cursor {
    let p = params(query);
    let id = |k: &str| p.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    match (id("antes"), id("despues")) {
        (Some(n), _) => Cursor::Before(n),
        (None, Some(n)) => Cursor::After(n),
        _ => Cursor::First,
    }
}

/// A value bound to a `$N` placeholder.
#[derive(Debug, Clone)]
enum Bind {
    Text(String),
    Int(i64),
}

/// A `WHERE` clause built from the filter and extra conditions, with its
/// numbered placeholders.
#[derive(Debug, Clone, Default)]
struct Where {
    conditions: Vec<String>,
    binds: Vec<Bind>,
}

impl Where {
    fn from_filter(f: &AuditFilter) -> Where {
        let mut w = Where::default();
        if let Some(e) = &f.entity {
            w.push("a.entity = ?", Bind::Text(e.clone()));
        }
        if let Some(a) = &f.action {
            w.push("a.action = ?", Bind::Text(a.clone()));
        }
        if let Some(n) = f.actor {
            w.push("a.actor_user_id = ?", Bind::Int(n));
        }
        if let Some(d) = &f.from {
            w.push("a.at >= ?", Bind::Text(d.clone()));
        }
        if let Some(d) = &f.until {
            w.push("a.at < ?", Bind::Text(d.clone()));
        }
        w
    }

    /// Adds `condition`, whose one `?` becomes the next `$N`.
    fn push(&mut self, condition: &str, value: Bind) {
        self.binds.push(value);
        self.conditions
            .push(condition.replace('?', &format!("${}", self.binds.len())));
    }

    fn and(mut self, condition: &str, value: Bind) -> Where {
        self.push(condition, value);
        self
    }

    fn sql(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// The placeholder for one more value after the conditions' own.
    fn next(&self) -> String {
        format!("${}", self.binds.len() + 1)
    }

    fn query<'q>(
        &self,
        sql: &'q str,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        let mut q = sqlx::query(sql);
        for b in &self.binds {
            q = match b {
                Bind::Text(s) => q.bind(s.clone()),
                Bind::Int(n) => q.bind(*n),
            };
        }
        q
    }
}

/// One audit entry as listed, with the actor's name when the accounts
/// capability is installed.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor_kind: String,
    pub actor_user_id: Option<i64>,
    pub actor_name: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    pub entity: String,
    pub entity_id: Option<String>,
    pub action: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Is there a `users` table (the accounts capability) to take names from?
async fn has_users_table(db: &Db) -> Result<bool, sqlx::Error> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'users'"
        }
        // Resolved through the search path, exactly as the join will be.
        Backend::Postgres => {
            "SELECT CAST(CASE WHEN to_regclass('users') IS NULL THEN 0 ELSE 1 END AS BIGINT) AS n"
        }
    };
    let n: i64 = sqlx::query_scalar(sql).fetch_one(db.pool()).await?;
    Ok(n > 0)
}

/// `SELECT … FROM audit_log a [LEFT JOIN users u]`, without the `WHERE`.
fn select_entries(with_users: bool) -> &'static str {
    if with_users {
        "SELECT a.id, a.at, a.actor_kind, a.actor_user_id, u.display_name AS actor_name, a.ip, \
         a.request_id, a.entity, a.entity_id, a.action, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id"
    } else {
        "SELECT a.id, a.at, a.actor_kind, a.actor_user_id, CAST(NULL AS TEXT) AS actor_name, a.ip, \
         a.request_id, a.entity, a.entity_id, a.action, a.before_json, a.after_json \
         FROM audit_log a"
    }
}

fn row_to_entry(r: &crate::db::AnyRow) -> Result<AuditRow, sqlx::Error> {
    Ok(AuditRow {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        actor_kind: r.try_get("actor_kind")?,
        actor_user_id: r.try_get("actor_user_id")?,
        actor_name: r.try_get("actor_name")?,
        ip: r.try_get("ip")?,
        request_id: r.try_get("request_id")?,
        entity: r.try_get("entity")?,
        entity_id: r.try_get("entity_id")?,
        action: r.try_get("action")?,
        before_json: r.try_get("before_json")?,
        after_json: r.try_get("after_json")?,
    })
}

/// Up to `limit` entries matching `w`, by id in the given direction.
async fn fetch_entries(
    db: &Db,
    with_users: bool,
    w: &Where,
    descending: bool,
    limit: i64,
) -> Result<Vec<AuditRow>, sqlx::Error> {
    let sql = format!(
        "{}{} ORDER BY a.id {} LIMIT {}",
        select_entries(with_users),
        w.sql(),
        if descending { "DESC" } else { "ASC" },
        w.next(),
    );
    let rows = w.query(&sql).bind(limit).fetch_all(db.pool()).await?;
    rows.iter().map(row_to_entry).collect()
}

/// Does any entry match `w`?
async fn any_entry(db: &Db, w: &Where) -> Result<bool, sqlx::Error> {
    let sql = format!("SELECT a.id FROM audit_log a{} LIMIT 1", w.sql());
    Ok(w.query(&sql).fetch_optional(db.pool()).await?.is_some())
}

/// One page of the audit log, newest first, with the cursors of the pages
/// around it.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditRow>,
    /// `despues=` of the newer page, if there is one.
    pub newer: Option<i64>,
    /// `antes=` of the older page, if there is one.
    pub older: Option<i64>,
}

/// Reads one page of the audit log (keyset paging on the id).
pub async fn audit_page_of(
    db: &Db,
    filter: &AuditFilter,
    cursor: Cursor,
) -> Result<AuditPage, sqlx::Error> {
    let with_users = has_users_table(db).await?;
    let base = Where::from_filter(filter);
    let want = PAGE_SIZE + 1;
    match cursor {
        Cursor::First => {
            let mut entries = fetch_entries(db, with_users, &base, true, want).await?;
            let more = entries.len() as i64 > PAGE_SIZE;
            entries.truncate(PAGE_SIZE as usize);
            let older = more.then(|| entries.last().map(|e| e.id)).flatten();
            Ok(AuditPage {
                entries,
                newer: None,
                older,
            })
        }
        Cursor::Before(id) => {
            let w = base.clone().and("a.id < ?", Bind::Int(id));
            let mut entries = fetch_entries(db, with_users, &w, true, want).await?;
            let more = entries.len() as i64 > PAGE_SIZE;
            entries.truncate(PAGE_SIZE as usize);
            let older = more.then(|| entries.last().map(|e| e.id)).flatten();
            let newer_exists = any_entry(db, &base.and("a.id >= ?", Bind::Int(id))).await?;
            let newer = newer_exists.then(|| entries.first().map_or(id - 1, |e| e.id));
            Ok(AuditPage {
                entries,
                newer,
                older,
            })
        }
        Cursor::After(id) => {
            let w = base.clone().and("a.id > ?", Bind::Int(id));
            let mut entries = fetch_entries(db, with_users, &w, false, want).await?;
            let more = entries.len() as i64 > PAGE_SIZE;
            entries.truncate(PAGE_SIZE as usize);
            entries.reverse();
            let newer = more.then(|| entries.first().map(|e| e.id)).flatten();
            let older_exists = any_entry(db, &base.and("a.id <= ?", Bind::Int(id))).await?;
            let older = older_exists.then(|| entries.last().map_or(id + 1, |e| e.id));
            Ok(AuditPage {
                entries,
                newer,
                older,
            })
        }
    }
}

/// The filter as query parameters (for paging links and the CSV link).
fn filter_query(form: &AuditForm) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("entidad", &form.entidad),
        ("accion", &form.accion),
        ("actor", &form.actor),
        ("desde", &form.desde),
        ("hasta", &form.hasta),
    ] {
        if !v.is_empty() {
            ser.append_pair(k, v);
        }
    }
    ser.finish()
}

fn with_query(path: &str, filter: &str, extra: Option<(&str, i64)>) -> String {
    let mut q = filter.to_string();
    if let Some((k, v)) = extra {
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(&format!("{k}={v}"));
    }
    if q.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{q}")
    }
}

/// Pretty JSON for the `<details>`, or the text as stored.
fn pretty_json(s: Option<&str>) -> Option<String> {
    s.map(|raw| {
        serde_json::from_str::<serde_json::Value>(raw)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| raw.to_string())
    })
}

#[derive(Debug, Serialize)]
struct AuditView {
    id: i64,
    at: String,
    at_display: String,
    actor_kind: String,
    actor_kind_label: String,
    actor_user_id: Option<i64>,
    actor_name: Option<String>,
    ip: Option<String>,
    request_id: Option<String>,
    entity: String,
    entity_id: Option<String>,
    action: String,
    before: Option<String>,
    after: Option<String>,
}

async fn entity_names(db: &Db) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT entity FROM audit_log ORDER BY entity LIMIT 200")
        .fetch_all(db.pool())
        .await
}

async fn audit_page(ctx: Ctx) -> Result<Response, Error> {
    let (filter, form, error_keys) = parse_filter(&ctx.query);
    let errors: BTreeMap<&str, String> = error_keys
        .iter()
        .map(|(field, key)| (*field, ctx.t(key)))
        .collect();
    let db = &ctx.state.db;
    let entities = entity_names(db).await?;
    let fq = filter_query(&form);
    let (entries, newer, older) = if errors.is_empty() {
        let page = audit_page_of(db, &filter, parse_cursor(&ctx.query)).await?;
        let views: Vec<AuditView> = page
            .entries
            .iter()
            .map(|e| AuditView {
                id: e.id,
                at: e.at.clone(),
                at_display: display_time(&e.at),
                actor_kind_label: label_or(
                    &ctx,
                    &format!("admin-actor-kind-{}", e.actor_kind),
                    &e.actor_kind,
                ),
                actor_kind: e.actor_kind.clone(),
                actor_user_id: e.actor_user_id,
                actor_name: e.actor_name.clone(),
                ip: e.ip.clone(),
                request_id: e.request_id.clone(),
                entity: e.entity.clone(),
                entity_id: e.entity_id.clone(),
                action: e.action.clone(),
                before: pretty_json(e.before_json.as_deref()),
                after: pretty_json(e.after_json.as_deref()),
            })
            .collect();
        (
            views,
            page.newer
                .map(|id| with_query("/admin/auditoria", &fq, Some(("despues", id)))),
            page.older
                .map(|id| with_query("/admin/auditoria", &fq, Some(("antes", id)))),
        )
    } else {
        (vec![], None, None)
    };
    let filtered = !fq.is_empty();
    let mut res = ctx.render(
        "kernel/admin_audit.html",
        context! {
            admin_sections => sections(&ctx),
            form => form,
            errors => errors,
            entities => entities,
            entries => entries,
            newer_href => newer,
            older_href => older,
            csv_href => with_query("/admin/auditoria.csv", &fq, None),
            filtered => filtered,
            page_size => PAGE_SIZE,
            csv_limit => CSV_LIMIT,
        },
    )?;
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(private(res))
}

/// A CSV cell: quoted when needed, and with a `'` in front of anything a
/// spreadsheet would run as a formula.
pub fn csv_cell(value: &str) -> String {
    let safe = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

fn csv_line(cells: &[&str]) -> String {
    let mut line = cells
        .iter()
        .map(|c| csv_cell(c))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

const CSV_HEADER: [&str; 12] = [
    "id",
    "fecha",
    "actor_tipo",
    "actor_cuenta",
    "actor_nombre",
    "ip",
    "folio_solicitud",
    "entidad",
    "entidad_id",
    "accion",
    "antes_json",
    "despues_json",
];

fn csv_row(e: &AuditRow) -> String {
    let user = e.actor_user_id.map(|n| n.to_string()).unwrap_or_default();
    csv_line(&[
        &e.id.to_string(),
        &e.at,
        &e.actor_kind,
        &user,
        e.actor_name.as_deref().unwrap_or_default(),
        e.ip.as_deref().unwrap_or_default(),
        e.request_id.as_deref().unwrap_or_default(),
        &e.entity,
        e.entity_id.as_deref().unwrap_or_default(),
        &e.action,
        e.before_json.as_deref().unwrap_or_default(),
        e.after_json.as_deref().unwrap_or_default(),
    ])
}

/// Where the CSV stream stands.
struct CsvState {
    db: Db,
    with_users: bool,
    base: Where,
    /// Next batch: entries older than this id.
    before: i64,
    remaining: i64,
    started: bool,
}

/// The audit log as CSV (UTF-8 with a byte-order mark), with the page's
/// filters, newest first, streamed in batches and capped at [`CSV_LIMIT`] rows.
async fn audit_csv(ctx: Ctx) -> Result<Response, Error> {
    let (filter, _, errors) = parse_filter(&ctx.query);
    if !errors.is_empty() {
        return Err(Error::user(
            StatusCode::UNPROCESSABLE_ENTITY,
            "error-unprocessable",
        ));
    }
    let db = ctx.state.db.clone();
    let with_users = has_users_table(&db).await?;
    // Entries written while the file streams are left out, so the cap and the
    // truncation header agree with what is sent.
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM audit_log")
        .fetch_one(db.pool())
        .await?;
    let newest = newest.unwrap_or(0);
    let base = Where::from_filter(&filter).and("a.id <= ?", Bind::Int(newest));
    let over = format!(
        "SELECT a.id FROM audit_log a{} ORDER BY a.id DESC LIMIT 1 OFFSET {}",
        base.sql(),
        base.next()
    );
    let truncated = base
        .query(&over)
        .bind(CSV_LIMIT)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    let state = CsvState {
        db,
        with_users,
        base,
        before: newest.saturating_add(1),
        remaining: CSV_LIMIT,
        started: false,
    };
    let stream = futures::stream::try_unfold(state, |mut st| async move {
        if !st.started {
            st.started = true;
            let mut head = "\u{FEFF}".to_string();
            head.push_str(&csv_line(&CSV_HEADER));
            return Ok(Some((Bytes::from(head), st)));
        }
        if st.remaining <= 0 {
            return Ok(None);
        }
        let w = st.base.clone().and("a.id < ?", Bind::Int(st.before));
        let batch = fetch_entries(&st.db, st.with_users, &w, true, CSV_BATCH.min(st.remaining))
            .await
            .inspect_err(|e| tracing::error!(error = %e, "audit CSV export stopped"))?;
        let Some(last) = batch.last() else {
            return Ok(None);
        };
        st.before = last.id;
        st.remaining -= batch.len() as i64;
        let chunk: String = batch.iter().map(csv_row).collect();
        Ok::<_, sqlx::Error>(Some((Bytes::from(chunk), st)))
    });
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"auditoria-apertura.csv\""),
    );
    if truncated {
        h.insert("x-apertura-truncated", HeaderValue::from_static("true"));
    }
    Ok(private(res))
}

// ---------------------------------------------------------------- outbox

#[derive(Debug, Serialize)]
struct MailView {
    id: i64,
    to_addr: String,
    subject: String,
    body: String,
    created_at: String,
    created_display: String,
    sent_at: Option<String>,
    sent_display: Option<String>,
    transport: Option<String>,
    transport_label: Option<String>,
    location: Option<String>,
    last_error: Option<String>,
}

fn mail_view(ctx: &Ctx, m: crate::mail::OutboxEntry) -> MailView {
    MailView {
        id: m.id,
        created_display: display_time(&m.created_at),
        sent_display: m.sent_at.as_deref().map(display_time),
        transport_label: m
            .transport
            .as_deref()
            .map(|t| label_or(ctx, &format!("admin-outbox-transport-{t}"), t)),
        to_addr: m.to_addr,
        subject: m.subject,
        body: m.body,
        created_at: m.created_at,
        sent_at: m.sent_at,
        transport: m.transport,
        location: m.location,
        last_error: m.last_error,
    }
}

async fn outbox_page(ctx: Ctx) -> Result<Response, Error> {
    let mails: Vec<MailView> = crate::mail::recent(&ctx.state.db, RECENT)
        .await?
        .into_iter()
        .map(|m| mail_view(&ctx, m))
        .collect();
    let res = ctx.render(
        "kernel/admin_outbox.html",
        context! {
            admin_sections => sections(&ctx),
            mails => mails,
            limit => RECENT,
        },
    )?;
    Ok(private(res))
}

async fn outbox_message(ctx: Ctx, Path(id): Path<String>) -> Result<Response, Error> {
    let Ok(id) = id.parse::<i64>() else {
        return Err(Error::not_found());
    };
    let row = sqlx::query(
        "SELECT id, to_addr, subject, body, created_at, sent_at, transport, location, last_error \
         FROM outbox WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(ctx.state.db.pool())
    .await?
    .ok_or_else(Error::not_found)?;
    let entry = crate::mail::OutboxEntry {
        id: row.try_get("id")?,
        to_addr: row.try_get("to_addr")?,
        subject: row.try_get("subject")?,
        body: row.try_get("body")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
        transport: row.try_get("transport")?,
        location: row.try_get("location")?,
        last_error: row.try_get("last_error")?,
    };
    let mail = mail_view(&ctx, entry);
    let res = ctx.render(
        "kernel/admin_outbox_message.html",
        context! {
            admin_sections => sections(&ctx),
            mail => mail,
        },
    )?;
    Ok(private(res))
}

// ------------------------------------------------------------------ jobs

#[derive(Debug, Serialize)]
struct JobView {
    id: i64,
    kind: String,
    status: String,
    status_label: String,
    attempts: i64,
    max_attempts: i64,
    running: bool,
    percent: Option<u8>,
    progress_done: i64,
    progress_total: Option<i64>,
    progress_note: Option<String>,
    last_error: Option<String>,
    created_display: String,
    updated_at: String,
    updated_display: String,
}

async fn jobs_page(ctx: Ctx) -> Result<Response, Error> {
    let jobs: Vec<JobView> = ctx
        .state
        .jobs
        .recent(RECENT)
        .await?
        .into_iter()
        .map(|j| JobView {
            id: j.id,
            percent: j.percent(),
            status_label: label_or(&ctx, &format!("admin-job-status-{}", j.status), &j.status),
            running: j.status == "running",
            created_display: display_time(&j.created_at),
            updated_display: display_time(&j.updated_at),
            updated_at: j.updated_at,
            kind: j.kind,
            status: j.status,
            attempts: j.attempts,
            max_attempts: j.max_attempts,
            progress_done: j.progress_done,
            progress_total: j.progress_total,
            progress_note: j.progress_note,
            last_error: j.last_error,
        })
        .collect();
    ctx.render(
        "kernel/admin_jobs.html",
        context! {
            admin_sections => sections(&ctx),
            jobs => jobs,
            limit => RECENT,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_validated_beside_their_field() {
        let (f, form, errors) =
            parse_filter("entidad=+body+&accion=create&actor=12&desde=2026-11-01&hasta=2026-11-30");
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(form.entidad, "body");
        assert_eq!(
            f,
            AuditFilter {
                entity: Some("body".into()),
                action: Some("create".into()),
                actor: Some(12),
                from: Some("2026-11-01".into()),
                until: Some("2026-12-01".into()),
            }
        );
        let (_, _, errors) = parse_filter("actor=doce&desde=2026-13-01&hasta=24/11/2026");
        assert_eq!(errors.get("actor"), Some(&"admin-audit-error-actor"));
        assert_eq!(errors.get("desde"), Some(&"admin-audit-error-date"));
        assert_eq!(errors.get("hasta"), Some(&"admin-audit-error-date"));
        let (_, _, errors) = parse_filter("desde=2026-11-30&hasta=2026-11-01&actor=-3");
        assert_eq!(errors.get("hasta"), Some(&"admin-audit-error-range"));
        assert_eq!(errors.get("actor"), Some(&"admin-audit-error-actor"));
        let long = "x".repeat(101);
        let (_, _, errors) = parse_filter(&format!("entidad={long}&desde=2026-2-1"));
        assert_eq!(errors.get("entidad"), Some(&"admin-audit-error-too-long"));
        assert_eq!(errors.get("desde"), Some(&"admin-audit-error-date"));
        // The last day of a year rolls into the next.
        let (f, _, _) = parse_filter("hasta=2026-12-31&entidad=a&entidad=b");
        assert_eq!(f.until.as_deref(), Some("2027-01-01"));
        assert_eq!(f.entity.as_deref(), Some("a"), "the first value wins");
    }

    #[test]
    fn cursors_fall_back_to_the_first_page() {
        assert_eq!(parse_cursor(""), Cursor::First);
        assert_eq!(parse_cursor("antes=40"), Cursor::Before(40));
        assert_eq!(parse_cursor("despues=7"), Cursor::After(7));
        assert_eq!(parse_cursor("antes=x"), Cursor::First);
    }

    #[test]
    fn placeholders_are_numbered_in_order() {
        let w = Where::from_filter(&AuditFilter {
            entity: Some("body".into()),
            actor: Some(3),
            ..AuditFilter::default()
        })
        .and("a.id < ?", Bind::Int(10));
        assert_eq!(
            w.sql(),
            " WHERE a.entity = $1 AND a.actor_user_id = $2 AND a.id < $3"
        );
        assert_eq!(w.next(), "$4");
        assert_eq!(Where::default().sql(), "");
    }

    #[test]
    fn csv_cells_never_become_formulas() {
        assert_eq!(csv_cell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-1"), "'-1");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("\tx"), "'\tx");
        assert_eq!(csv_cell("\rx"), "\"'\rx\"");
        assert_eq!(csv_cell("=a,b"), "\"'=a,b\"");
        assert_eq!(csv_cell(r#"{"a":"b"}"#), r#""{""a"":""b""}""#);
        assert_eq!(csv_cell("Ñandú"), "Ñandú");
        assert_eq!(csv_line(&["a", "b c"]), "a,b c\r\n");
    }

    #[test]
    fn links_keep_the_filters() {
        let form = AuditForm {
            entidad: "body".into(),
            desde: "2026-11-24".into(),
            ..AuditForm::default()
        };
        let q = filter_query(&form);
        assert_eq!(q, "entidad=body&desde=2026-11-24");
        assert_eq!(
            with_query("/admin/auditoria", &q, Some(("antes", 9))),
            "/admin/auditoria?entidad=body&desde=2026-11-24&antes=9"
        );
        assert_eq!(
            with_query("/admin/auditoria", "", Some(("despues", 2))),
            "/admin/auditoria?despues=2"
        );
        assert_eq!(
            with_query("/admin/auditoria.csv", "", None),
            "/admin/auditoria.csv"
        );
    }
}
