//! Citizen demand for proactive information (issue 9, item 5): registered
//! people ask a body to publish something (topic, what, why), others
//! support the request, the body answers (planned, published with a link,
//! or declined with reasons) and all of it is public — but never who asked.
//! Administrators import statistics of access-to-information requests and
//! see the topics each body is asked about most, an input to the
//! evaluation. The pure rules come first (tested at the bottom), then the
//! pages; storage lives in `demand_store.rs`.

use std::collections::{BTreeMap, HashMap};

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::demand_store::{self as store, Request};

// ---------------------------------------------------------------- rules

/// Field errors: field name → message key.
pub type Errors = BTreeMap<&'static str, &'static str>;

pub const MAX_TOPIC: usize = 200;
pub const MAX_TEXT: usize = 4_000;
/// Declining needs reasons: at least a sentence.
pub const MIN_REASONS: usize = 20;
/// How many topics per body the administrators see.
pub const TOP: usize = 10;

/// What a person asks a body to publish.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestInput {
    pub topic: String,
    pub details: String,
    pub reason: String,
}

fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().replace("\r\n", "\n"))
        .unwrap_or_default()
}

/// Reads and checks a request's fields.
pub fn parse_request(pairs: &[(String, String)]) -> Result<RequestInput, (RequestInput, Errors)> {
    let input = RequestInput {
        topic: field(pairs, "topic"),
        details: field(pairs, "details"),
        reason: field(pairs, "reason"),
    };
    let mut errors = Errors::new();
    let n = input.topic.chars().count();
    if !(5..=MAX_TOPIC).contains(&n) {
        errors.insert("topic", "demand-error-topic");
    }
    if input.details.chars().count() > MAX_TEXT {
        errors.insert("details", "demand-error-too-long");
    }
    let n = input.reason.chars().count();
    if n < 10 {
        errors.insert("reason", "demand-error-reason");
    } else if n > MAX_TEXT {
        errors.insert("reason", "demand-error-too-long");
    }
    if errors.is_empty() {
        Ok(input)
    } else {
        Err((input, errors))
    }
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Waiting for the body's answer.
    Open,
    Planned,
    Published,
    Declined,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Planned,
        Status::Published,
        Status::Declined,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Planned => "planned",
            Status::Published => "published",
            Status::Declined => "declined",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Supports still make sense (not yet published nor declined).
    pub fn may_support(self) -> bool {
        matches!(self, Status::Open | Status::Planned)
    }
}

/// The body's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub status: Status,
    pub text: String,
    pub url: Option<String>,
}

/// Checks an answer: planned (a note is optional), published (an https
/// link) or declined (reasons, at least a sentence).
pub fn parse_answer(kind: &str, text: &str, url: &str) -> Result<Answer, Errors> {
    let text = text.trim().replace("\r\n", "\n");
    let url = url.trim();
    let mut errors = Errors::new();
    let status = match Status::from_code(kind) {
        Some(s) if s != Status::Open => s,
        _ => {
            errors.insert("status", "demand-error-answer-status");
            return Err(errors);
        }
    };
    if text.chars().count() > MAX_TEXT {
        errors.insert("answer", "demand-error-too-long");
    }
    let mut link = None;
    match status {
        Status::Published => match url::Url::parse(url) {
            Ok(u) if u.scheme() == "https" && u.host_str().is_some() => {
                link = Some(u.to_string());
            }
            _ => {
                errors.insert("url", "demand-error-url");
            }
        },
        Status::Declined => {
            if text.chars().count() < MIN_REASONS || !text.contains(' ') {
                errors.insert("answer", "demand-error-reasons");
            }
        }
        Status::Planned | Status::Open => {}
    }
    if errors.is_empty() {
        Ok(Answer {
            status,
            text,
            url: link,
        })
    } else {
        Err(errors)
    }
}

/// One line of imported statistics (the body still as its slug).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatRow {
    pub body: String,
    pub topic: String,
    /// yyyy-mm-dd.
    pub date: String,
    pub count: i64,
}

/// A line that could not be read: its number and the message key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatError {
    pub line: u64,
    pub key: &'static str,
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// A date written yyyy-mm-dd or dd/mm/yyyy, as yyyy-mm-dd.
pub fn parse_date(s: &str) -> Option<String> {
    let s = s.trim();
    let parts: Vec<&str> = if s.contains('-') {
        s.split('-').collect()
    } else {
        s.split('/').rev().collect()
    };
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    let num = |t: &str| -> Option<i64> {
        t.chars()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    if !(1900..=2100).contains(&y) || !(1..=12).contains(&m) || d < 1 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// Reads the statistics CSV (columns body, topic, date, count — or their
/// Spanish names sujeto, tema, fecha, solicitudes); `known` says whether a
/// body slug exists. Every line must be right, or nothing is imported.
pub fn parse_stats(text: &str, known: impl Fn(&str) -> bool) -> Result<Vec<StatRow>, StatError> {
    let text = text.trim_start_matches('\u{feff}');
    let delimiter = match text.lines().next() {
        Some(h) if h.matches(';').count() > h.matches(',').count() => b';',
        _ => b',',
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let header_error = StatError {
        line: 1,
        key: "demand-error-csv-header",
    };
    let headers = reader.headers().map_err(|_| header_error.clone())?.clone();
    let position = |names: &[&str]| {
        headers.iter().position(|h| {
            let h = kernel::text::fold(h.trim());
            names.iter().any(|n| *n == h)
        })
    };
    let (Some(b), Some(t), Some(d), Some(c)) = (
        position(&["body", "sujeto", "sujeto obligado"]),
        position(&["topic", "tema"]),
        position(&["date", "fecha"]),
        position(&["count", "solicitudes", "cantidad"]),
    ) else {
        return Err(header_error);
    };
    let mut rows = vec![];
    for record in reader.records() {
        let record = record.map_err(|e| StatError {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            key: "demand-error-csv-unreadable",
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let err = |key| StatError { line, key };
        let get = |i: usize| record.get(i).unwrap_or("").trim();
        let body = get(b).to_string();
        if body.is_empty() || !known(&body) {
            return Err(err("demand-error-csv-body"));
        }
        let topic: String = get(t).split_whitespace().collect::<Vec<_>>().join(" ");
        if topic.is_empty() || topic.chars().count() > MAX_TOPIC {
            return Err(err("demand-error-csv-topic"));
        }
        let date = parse_date(get(d)).ok_or_else(|| err("demand-error-csv-date"))?;
        let count: i64 = get(c)
            .parse()
            .ok()
            .filter(|n| (0..=10_000_000).contains(n))
            .ok_or_else(|| err("demand-error-csv-count"))?;
        rows.push(StatRow {
            body,
            topic,
            date,
            count,
        });
    }
    if rows.is_empty() {
        return Err(StatError {
            line: 2,
            key: "demand-error-csv-empty",
        });
    }
    Ok(rows)
}

/// Keeps the first `top` topics of each body from totals sorted by body
/// then largest first.
pub fn top_per_body(totals: Vec<(i64, String, i64)>, top: usize) -> Vec<(i64, Vec<(String, i64)>)> {
    let mut out: Vec<(i64, Vec<(String, i64)>)> = vec![];
    for (body, topic, n) in totals {
        match out.last_mut() {
            Some((b, list)) if *b == body => {
                if list.len() < top {
                    list.push((topic, n));
                }
            }
            _ => out.push((body, vec![(topic, n)])),
        }
    }
    out
}

// ---------------------------------------------------------------- pages

pub static VIEW: Action = Action::read("proactive.demand.view", Rule::Anyone);
pub static ASK: Action = Action::write("proactive.demand.ask", Rule::SignedIn);
pub static ANSWER: Action = Action::write(
    "proactive.demand.answer",
    Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
);
pub static IMPORT: Action = Action::write("proactive.demand.import", Rule::Roles(&[]));

const LIST: &str = "/transparencia-proactiva/demanda";

pub fn routes() -> Routes {
    Routes::new()
        .get("/transparencia-proactiva/demanda", &VIEW, list)
        .post("/transparencia-proactiva/demanda/nueva", &ASK, create)
        .get("/transparencia-proactiva/demanda/{id}", &VIEW, show)
        .post(
            "/transparencia-proactiva/demanda/{id}/apoyar",
            &ASK,
            support,
        )
        .post(
            "/transparencia-proactiva/demanda/{id}/responder",
            &ANSWER,
            answer,
        )
        .get("/admin/demanda-solicitudes", &IMPORT, stats_page)
        .post("/admin/demanda-solicitudes", &IMPORT, stats_import)
}

type Names = BTreeMap<i64, (String, String)>;

async fn body_names(ctx: &Ctx) -> Result<Names, Error> {
    Ok(directory::store::all_bodies(&ctx.state.db)
        .await?
        .into_iter()
        .map(|b| (b.id, (b.slug, b.name)))
        .collect())
}

#[derive(Serialize)]
struct Card {
    id: i64,
    topic: String,
    details: String,
    reason: String,
    body: String,
    status: String,
    status_label: String,
    supports: i64,
    answer: String,
    answer_url: Option<String>,
    answered_at: String,
    date: String,
}

fn card(ctx: &Ctx, r: &Request, names: &Names) -> Card {
    Card {
        id: r.id,
        topic: r.input.topic.clone(),
        details: r.input.details.clone(),
        reason: r.input.reason.clone(),
        body: names
            .get(&r.body_id)
            .map(|n| n.1.clone())
            .unwrap_or_default(),
        status: r.status.clone(),
        status_label: ctx.t(&format!("demand-status-{}", r.status)),
        supports: r.supports,
        answer: r.answer.clone(),
        answer_url: r.answer_url.clone(),
        answered_at: r
            .answered_at
            .as_deref()
            .unwrap_or_default()
            .chars()
            .take(10)
            .collect(),
        date: r.created_at.chars().take(10).collect(),
    }
}

#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    sujeto: Option<String>,
    estado: Option<String>,
    aviso: Option<String>,
}

async fn list_page(
    ctx: &Ctx,
    q: &ListQuery,
    input: &RequestInput,
    body_id: Option<i64>,
    errors: &Errors,
    status: StatusCode,
) -> Result<Response, Error> {
    let names = body_names(ctx).await?;
    let filter_body = q
        .sujeto
        .as_deref()
        .and_then(|s| names.iter().find(|(_, n)| n.0 == s).map(|(id, _)| *id));
    let filter_status = q.estado.as_deref().and_then(Status::from_code);
    let cards: Vec<Card> = store::list(&ctx.state.db, filter_body, filter_status)
        .await?
        .iter()
        .map(|r| card(ctx, r, &names))
        .collect();
    let bodies: Vec<(i64, String, String)> = {
        let mut v: Vec<_> = names
            .iter()
            .map(|(id, (slug, name))| (*id, slug.clone(), name.clone()))
            .collect();
        v.sort_by_key(|b| kernel::text::spanish_sort_key(&b.2));
        v
    };
    let statuses: Vec<(&str, String)> = Status::ALL
        .iter()
        .map(|s| (s.code(), ctx.t(&format!("demand-status-{}", s.code()))))
        .collect();
    let messages: BTreeMap<&str, String> = errors.iter().map(|(k, v)| (*k, ctx.t(v))).collect();
    let notice = q
        .aviso
        .as_deref()
        .filter(|a| *a == "registrada")
        .map(|_| ctx.t("demand-notice-created"));
    let mut res = ctx.render(
        "proactive/demand_list.html",
        context! {
            cards => cards,
            bodies => bodies,
            statuses => statuses,
            sujeto => q.sujeto,
            estado => q.estado,
            signed_in => ctx.actor.is_signed_in(),
            input => input,
            chosen_body => body_id,
            errors => messages,
            notice => notice,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn list(ctx: Ctx, Query(q): Query<ListQuery>) -> Result<Response, Error> {
    list_page(
        &ctx,
        &q,
        &RequestInput::default(),
        None,
        &Errors::new(),
        StatusCode::OK,
    )
    .await
}

fn signed_in_user(ctx: &Ctx) -> Result<i64, Error> {
    ctx.actor.user_id.ok_or_else(Error::sign_in_required)
}

async fn create(ctx: Ctx, Form(pairs): Form<Vec<(String, String)>>) -> Result<Response, Error> {
    let user = signed_in_user(&ctx)?;
    let names = body_names(&ctx).await?;
    let body_id = field(&pairs, "body")
        .parse::<i64>()
        .ok()
        .filter(|id| names.contains_key(id));
    let parsed = parse_request(&pairs);
    let (input, mut errors) = match parsed {
        Ok(i) => (i, Errors::new()),
        Err((i, e)) => (i, e),
    };
    if body_id.is_none() {
        errors.insert("body", "demand-error-body");
    }
    let Some(body_id) = body_id.filter(|_| errors.is_empty()) else {
        return list_page(
            &ctx,
            &ListQuery::default(),
            &input,
            body_id,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let mut tx = ctx.state.db.begin().await?;
    let id = store::create(&mut tx, &ctx.actor, user, body_id, &input).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{LIST}/{id}?aviso=registrada")).into_response())
}

async fn find(ctx: &Ctx, id: &str) -> Result<Request, Error> {
    let id: i64 = id.parse().map_err(|_| Error::not_found())?;
    store::by_id(&ctx.state.db, id)
        .await?
        .ok_or_else(Error::not_found)
}

#[derive(Debug, Deserialize, Default)]
struct ShowQuery {
    aviso: Option<String>,
}

async fn request_page(
    ctx: &Ctx,
    r: &Request,
    notice: Option<String>,
    form: (&str, &str, &str),
    errors: &Errors,
    status: StatusCode,
) -> Result<Response, Error> {
    let names = body_names(ctx).await?;
    let own = ctx.actor.user_id == Some(r.requester_id);
    let supported = match ctx.actor.user_id {
        Some(u) => store::supports(&ctx.state.db, r.id, u).await?,
        None => false,
    };
    let may_answer = ctx.actor.edits_for(r.body_id);
    let messages: BTreeMap<&str, String> = errors.iter().map(|(k, v)| (*k, ctx.t(v))).collect();
    let answers: Vec<(&str, String)> = Status::ALL[1..]
        .iter()
        .map(|s| (s.code(), ctx.t(&format!("demand-status-{}", s.code()))))
        .collect();
    let mut res = ctx.render(
        "proactive/demand_request.html",
        context! {
            r => card(ctx, r, &names),
            signed_in => ctx.actor.is_signed_in(),
            own => own,
            supported => supported,
            may_support => r.status().may_support() && !own,
            may_answer => may_answer,
            answers => answers,
            form => context! { status => form.0, answer => form.1, url => form.2 },
            errors => messages,
            notice => notice,
        },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

async fn show(
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, Error> {
    let r = find(&ctx, &id).await?;
    let notice = q
        .aviso
        .as_deref()
        .filter(|a| ["registrada", "apoyada", "respondida"].contains(a))
        .map(|a| ctx.t(&format!("demand-notice-{a}")));
    let form = (r.status.as_str(), r.answer.as_str(), "");
    let url = r.answer_url.clone().unwrap_or_default();
    let form = (form.0, form.1, url.as_str());
    request_page(&ctx, &r, notice, form, &Errors::new(), StatusCode::OK).await
}

async fn support(ctx: Ctx, Path(id): Path<String>) -> Result<Response, Error> {
    let user = signed_in_user(&ctx)?;
    let r = find(&ctx, &id).await?;
    if r.requester_id == user {
        return Err(Error::conflict("demand-error-own"));
    }
    if !r.status().may_support() {
        return Err(Error::conflict("demand-error-closed"));
    }
    let mut tx = ctx.state.db.begin().await?;
    store::support(&mut tx, &ctx.actor, r.id, user).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{LIST}/{}?aviso=apoyada", r.id)).into_response())
}

async fn answer(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let r = find(&ctx, &id).await?;
    ctx.authorize(&ANSWER, Subject::Body(r.body_id))?;
    let (kind, text, url) = (
        field(&pairs, "status"),
        field(&pairs, "answer"),
        field(&pairs, "url"),
    );
    match parse_answer(&kind, &text, &url) {
        Ok(a) => {
            let mut tx = ctx.state.db.begin().await?;
            store::answer(&mut tx, &ctx.actor, &r, &a).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!("{LIST}/{}?aviso=respondida", r.id)).into_response())
        }
        Err(errors) => {
            request_page(
                &ctx,
                &r,
                None,
                (&kind, &text, &url),
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

// ---------------------------------------------------------------- statistics

#[derive(Serialize)]
struct BodyTopics {
    body: String,
    topics: Vec<(String, i64)>,
}

async fn render_stats(
    ctx: &Ctx,
    csv: &str,
    error: Option<String>,
    imported: Option<String>,
    status: StatusCode,
) -> Result<Response, Error> {
    let names = body_names(ctx).await?;
    let mut tops: Vec<BodyTopics> = top_per_body(store::topic_totals(&ctx.state.db).await?, TOP)
        .into_iter()
        .map(|(b, topics)| BodyTopics {
            body: names.get(&b).map(|n| n.1.clone()).unwrap_or_default(),
            topics,
        })
        .collect();
    tops.sort_by_key(|t| kernel::text::spanish_sort_key(&t.body));
    let mut res = ctx.render(
        "proactive/demand_admin.html",
        context! { tops => tops, csv => csv, error => error, imported => imported },
    )?;
    *res.status_mut() = status;
    Ok(res)
}

#[derive(Debug, Deserialize, Default)]
struct StatsQuery {
    importadas: Option<u64>,
}

async fn stats_page(ctx: Ctx, Query(q): Query<StatsQuery>) -> Result<Response, Error> {
    let imported = q.importadas.map(|n| {
        ctx.state.i18n.t_args(
            ctx.locale,
            "demand-stats-imported",
            &kernel::i18n::args([("rows", n)]),
        )
    });
    render_stats(&ctx, "", None, imported, StatusCode::OK).await
}

/// The largest statistics file read, in bytes.
const STATS_MAX_BYTES: usize = 8 * 1024 * 1024;

/// The CSV of an import: the file chosen (`csv_file`, as the systems of
/// access requests export it: UTF-8, or Latin-1 as many do), else the text
/// pasted (`csv`). A plain form (pasted only) is read too.
async fn stats_text(
    ctx: &Ctx,
    request: axum::extract::Request,
) -> Result<Result<String, String>, Error> {
    use axum::extract::FromRequest;
    let multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|_| Error::user(StatusCode::BAD_REQUEST, "demand-stats-unreadable"))?;
        let text = pairs.into_iter().find(|(k, _)| k == "csv").map(|(_, v)| v);
        return Ok(Ok(text.unwrap_or_default()));
    }
    let mut form = axum::extract::Multipart::from_request(request, &())
        .await
        .map_err(|_| Error::user(StatusCode::BAD_REQUEST, "demand-stats-unreadable"))?;
    let (mut file, mut pasted) = (None, String::new());
    loop {
        let mut field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return Ok(Err(ctx.t("demand-stats-unreadable"))),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name != "csv_file" && name != "csv" {
            continue;
        }
        let mut bytes = Vec::new();
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > STATS_MAX_BYTES {
                        return Ok(Err(ctx.t("demand-stats-too-big")));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(_) => return Ok(Err(ctx.t("demand-stats-unreadable"))),
            }
        }
        if name == "csv_file" {
            file = Some(bytes).filter(|b| !b.is_empty());
        } else {
            pasted = String::from_utf8_lossy(&bytes).into_owned();
        }
    }
    Ok(Ok(match file {
        Some(bytes) => decode(bytes),
        None => pasted,
    }))
}

/// UTF-8 (without its byte-order mark), else Latin-1: each byte one
/// character, which is what Windows-1252 exports hold for Spanish letters.
fn decode(bytes: Vec<u8>) -> String {
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| e.into_bytes().iter().map(|&b| char::from(b)).collect());
    text.trim_start_matches('\u{feff}').to_string()
}

async fn stats_import(ctx: Ctx, request: axum::extract::Request) -> Result<Response, Error> {
    let text = match stats_text(&ctx, request).await? {
        Ok(text) => text,
        Err(message) => {
            return render_stats(
                &ctx,
                "",
                Some(message),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    let names = body_names(&ctx).await?;
    let by_slug: HashMap<&str, i64> = names
        .iter()
        .map(|(id, (slug, _))| (slug.as_str(), *id))
        .collect();
    match parse_stats(&text, |s| by_slug.contains_key(s)) {
        Ok(rows) => {
            let rows: Vec<(i64, StatRow)> = rows
                .into_iter()
                .filter_map(|r| Some((*by_slug.get(r.body.as_str())?, r)))
                .collect();
            let mut tx = ctx.state.db.begin().await?;
            store::import_stats(&mut tx, &ctx.actor, &rows).await?;
            tx.commit().await?;
            Ok(Redirect::to(&format!(
                "/admin/demanda-solicitudes?importadas={}",
                rows.len()
            ))
            .into_response())
        }
        Err(e) => {
            let message =
                ctx.state
                    .i18n
                    .t_args(ctx.locale, e.key, &kernel::i18n::args([("line", e.line)]));
            render_stats(
                &ctx,
                &text,
                Some(message),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn files_are_read_as_utf8_or_latin1() {
        assert_eq!(decode("\u{feff}año,ñ".as_bytes().to_vec()), "año,ñ");
        assert_eq!(decode(b"A\xf1o,N\xf3mina".to_vec()), "Año,Nómina");
    }

    #[test]
    fn a_request_needs_a_topic_and_a_reason() {
        let ok = parse_request(&pairs(&[
            ("topic", "Horarios de las pipas"),
            ("reason", "Nunca sabemos cuándo llega el agua."),
        ]))
        .unwrap();
        assert_eq!(ok.topic, "Horarios de las pipas");
        let (_, e) = parse_request(&pairs(&[("topic", "Agua"), ("reason", "")])).unwrap_err();
        assert_eq!(e["topic"], "demand-error-topic");
        assert_eq!(e["reason"], "demand-error-reason");
    }

    #[test]
    fn answers_follow_their_kind() {
        let p = parse_answer("published", "", "https://zacazonapan.gob.mx/pipas").unwrap();
        assert_eq!(p.status, Status::Published);
        assert_eq!(p.url.as_deref(), Some("https://zacazonapan.gob.mx/pipas"));
        assert_eq!(
            parse_answer("published", "", "http://x.mx").unwrap_err()["url"],
            "demand-error-url"
        );
        assert_eq!(
            parse_answer("declined", "No.", "").unwrap_err()["answer"],
            "demand-error-reasons"
        );
        assert!(parse_answer(
            "declined",
            "La información es reservada por seguridad pública.",
            ""
        )
        .is_ok());
        assert!(parse_answer("planned", "", "").is_ok());
        assert!(parse_answer("open", "", "").is_err());
        assert!(parse_answer("otro", "", "").is_err());
    }

    #[test]
    fn statuses_round_trip_and_supports_close() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert!(Status::Open.may_support());
        assert!(!Status::Declined.may_support());
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("2025-03-07").as_deref(), Some("2025-03-07"));
        assert_eq!(parse_date("7/3/2025").as_deref(), Some("2025-03-07"));
        assert_eq!(parse_date("29/02/2024").as_deref(), Some("2024-02-29"));
        assert_eq!(parse_date("29/02/2025"), None);
        assert_eq!(parse_date("2025-13-01"), None);
        assert_eq!(parse_date("ayer"), None);
        assert_eq!(parse_date("25-03-07"), None);
    }

    #[test]
    fn the_statistics_csv_is_all_or_nothing() {
        let known = |s: &str| s == "zac" || s == "fin";
        let rows = parse_stats(
            "body,topic,date,count\nzac,Agua potable,2025-01-10,4\nfin; x,Nómina,10/01/2025,2\n",
            |s| known(s) || s == "fin; x",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].date, "2025-01-10");
        let spanish = parse_stats(
            "sujeto;tema;fecha;solicitudes\nfin;Nómina;2025-02-01;3\n",
            known,
        )
        .unwrap();
        assert_eq!(spanish[0].count, 3);
        let bad = parse_stats(
            "body,topic,date,count\nzac,Agua,2025-01-10,4\nzac,Agua,2025-01-10,muchas\n",
            known,
        )
        .unwrap_err();
        assert_eq!(
            bad,
            StatError {
                line: 3,
                key: "demand-error-csv-count"
            }
        );
        assert_eq!(
            parse_stats("body,topic,date,count\nnadie,Agua,2025-01-10,4\n", known)
                .unwrap_err()
                .key,
            "demand-error-csv-body"
        );
        assert_eq!(
            parse_stats("a,b\n1,2\n", known).unwrap_err().key,
            "demand-error-csv-header"
        );
        assert_eq!(
            parse_stats("body,topic,date,count\n", known)
                .unwrap_err()
                .key,
            "demand-error-csv-empty"
        );
    }

    #[test]
    fn top_topics_per_body() {
        let totals = vec![
            (1, "a".to_string(), 9),
            (1, "b".to_string(), 5),
            (1, "c".to_string(), 1),
            (2, "d".to_string(), 3),
        ];
        let top = top_per_body(totals, 2);
        assert_eq!(top.len(), 2);
        assert_eq!(top[0].1, vec![("a".to_string(), 9), ("b".to_string(), 5)]);
        assert_eq!(top[1].1, vec![("d".to_string(), 3)]);
    }
}
