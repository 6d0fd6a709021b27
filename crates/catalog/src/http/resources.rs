//! Resources of a dataset: the form to add one (an uploaded file or a link to
//! a file published elsewhere), new versions of a file, the resource page with
//! its whole version history, and downloads at permanent addresses that serve
//! the same bytes forever.
//!
//! Uploads are `multipart/form-data` (the CSRF token travels in the query
//! string, which the kernel checks for multipart). The file is streamed to the
//! file store chunk by chunk and never held in memory: only its first bytes are
//! kept, to recognise what it really is. Only once the bytes are stored does
//! one transaction create the resource (if new) and its version, with their
//! audit entries, so a refused or interrupted upload leaves neither (at most a
//! staging object, which the store sweeps). The upload routes are registered
//! as streaming routes: no request timeout and no body limit but
//! `APERTURA_MAX_UPLOAD_BYTES`, enforced while streaming.
//!
//! Downloads are always attachments, with `nosniff`, and anything a browser
//! could run (HTML, SVG, XML) or that is not in a short list of safe types is
//! sent as `application/octet-stream`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::multipart::Field;
use axum::extract::{FromRequest, Multipart, Path, Query, Request};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use futures::StreamExt;
use kernel::authz::{Action, Role, Rule, Subject};
use kernel::db::is_unique_violation;
use kernel::files::{FileError, StoredBlob};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use minijinja::value::{Enumerator, Object, ObjectRepr, Value};
use serde::{Deserialize, Serialize};

use crate::domain::sniff::{self, SNIFF_LEN};
use crate::store::{self, Dataset, HistoryEntry, NewVersion, Resource};

pub static VIEW: Action = Action::read("catalog.resources.view", Rule::Anyone);
pub static UPLOAD: Action = Action::write(
    "catalog.resources.upload",
    Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
);

pub fn routes() -> Routes {
    Routes::new()
        .get("/datos/{slug}/recursos/nuevo", &UPLOAD, new_page)
        .streaming(
            Method::POST,
            "/datos/{slug}/recursos/nuevo",
            &UPLOAD,
            post(create),
        )
        .get("/datos/{slug}/recursos/{resource}", &VIEW, page)
        .streaming(
            Method::POST,
            "/datos/{slug}/recursos/{resource}/versiones",
            &UPLOAD,
            post(new_version),
        )
        .get("/datos/{slug}/recursos/{resource}/descargar", &VIEW, latest)
        .get(
            "/datos/{slug}/recursos/{resource}/v/{number}/{filename}",
            &VIEW,
            download,
        )
}

/// Longest name of a resource, in characters.
pub const NAME_MAX: usize = 200;
/// Longest description of a resource, in characters.
pub const DESCRIPTION_MAX: usize = 2_000;
/// Longest notes of a version, in characters.
pub const NOTES_MAX: usize = 2_000;
/// Longest external link, in characters.
pub const URL_MAX: usize = 2_000;
/// Longest stored file name, in characters.
const FILENAME_MAX: usize = 200;
/// Largest text field of an upload form, in bytes (the longest allowed text
/// in four-byte characters fits).
const TEXT_FIELD_LIMIT: usize = 16 * 1024;
/// How many text fields an upload form may carry.
const TEXT_FIELDS_MAX: usize = 16;
/// What the text fields and the multipart framing may add to the file.
const FORM_OVERHEAD: u64 = 64 * 1024;
/// How much of a refused body is still read, so that the browser gets the
/// answer instead of a reset connection.
const DRAIN_BUDGET: u64 = 64 * 1024 * 1024;
/// The form field that carries the file.
const FILE_FIELD: &str = "file";
/// A slug no resource may take: it is the address of the form.
const RESERVED_SLUG: &str = "nuevo";

/// Media types served as they are; everything else is sent as
/// `application/octet-stream`.
const SAFE_MEDIA_TYPES: &[&str] = &[
    "text/csv",
    "text/tab-separated-values",
    "text/plain",
    "application/json",
    "application/geo+json",
    "application/x-ndjson",
    "application/pdf",
    "application/zip",
    "application/gzip",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/msword",
    "application/vnd.apache.parquet",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
];

// ------------------------------------------------------------------ access

/// Members of the dataset's body and institute staff see what is not public.
pub fn is_insider(ctx: &Ctx, body_id: i64) -> bool {
    ctx.actor.is_insider_of(body_id)
}

/// May this person see the dataset? Everyone a public one; its body's people
/// and the institute the rest (drafts, reviews, deleted ones).
pub fn can_read(ctx: &Ctx, d: &Dataset) -> bool {
    d.is_public() || is_insider(ctx, d.body_id)
}

/// The dataset, if this person may see it; 404 otherwise, so that drafts are
/// not revealed.
pub async fn readable(ctx: &Ctx, slug: &str) -> Result<Dataset, Error> {
    let d = store::dataset_by_slug(&ctx.state.db, slug)
        .await?
        .ok_or_else(Error::not_found)?;
    if can_read(ctx, &d) {
        Ok(d)
    } else {
        Err(Error::not_found())
    }
}

/// The dataset, if this person may add files to it.
async fn writable(ctx: &Ctx, slug: &str) -> Result<Dataset, Error> {
    let d = readable(ctx, slug).await?;
    if d.deleted_at.is_some() {
        return Err(Error::not_found());
    }
    ctx.authorize(&UPLOAD, Subject::Body(d.body_id))?;
    Ok(d)
}

fn may_upload(ctx: &Ctx, d: &Dataset) -> bool {
    d.deleted_at.is_none() && ctx.authorize(&UPLOAD, Subject::Body(d.body_id)).is_ok()
}

async fn resource_of(ctx: &Ctx, d: &Dataset, slug: &str) -> Result<Resource, Error> {
    store::resource_by_slug(&ctx.state.db, d.id, slug)
        .await?
        .ok_or_else(Error::not_found)
}

// ------------------------------------------------------------------ errors

/// The fields of the forms, in their order on the page.
const FIELDS: [&str; 5] = ["name", "description", "url", "notes", "file"];

/// Messages beside the fields, in the order of the form, for the templates:
/// `errors.name` and `errors|items` (the error summary).
#[derive(Debug, Default)]
struct Errors(Vec<(&'static str, String)>);

impl Errors {
    fn add(&mut self, field: &'static str, message: String) {
        if self.0.iter().all(|(f, _)| *f != field) {
            self.0.push((field, message));
            self.0
                .sort_by_key(|(f, _)| FIELDS.iter().position(|x| x == f));
        }
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Object for Errors {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let key = key.as_str()?;
        self.0
            .iter()
            .find(|(f, _)| *f == key)
            .map(|(_, m)| Value::from(m.as_str()))
    }
    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(self.0.iter().map(|(f, _)| Value::from(*f)).collect())
    }
}

/// A message with arguments, in the request's language.
fn t_args(ctx: &Ctx, key: &str, args: &[(&'static str, String)]) -> String {
    let args = kernel::i18n::args(args.iter().map(|(k, v)| (*k, v.clone())));
    ctx.state.i18n.t_args(ctx.locale, key, &args)
}

/// Adds the message of a problem (`key`, and the limit it broke if any).
fn add_problem(ctx: &Ctx, errors: &mut Errors, field: &'static str, problem: Problem) {
    let message = match problem.max {
        Some(max) => t_args(
            ctx,
            problem.key,
            &[("max", kernel::i18n::format_int(max as i64))],
        ),
        None => ctx.t(problem.key),
    };
    errors.add(field, message);
}

/// Something wrong with a text field: the i18n key and the limit broken.
#[derive(Debug, Clone, Copy)]
pub struct Problem {
    /// The i18n key of the message (it takes `$max` when `max` is set).
    pub key: &'static str,
    pub max: Option<usize>,
}

fn too_long(s: &str, max: usize) -> bool {
    s.chars().count() > max
}

/// An external link: absolute, http or https, with a host. Returns it
/// normalised (ASCII, as it will be sent in a `Location`).
pub fn parse_link(s: &str) -> Option<String> {
    if too_long(s, URL_MAX) {
        return None;
    }
    let url = url::Url::parse(s).ok()?;
    (matches!(url.scheme(), "http" | "https") && url.host_str().is_some_and(|h| !h.is_empty()))
        .then(|| url.to_string())
}

// ----------------------------------------------------------------- uploads

/// What happened to the file of a form.
#[derive(Debug)]
pub enum FilePart {
    /// No file chosen (browsers send an empty part without a name).
    Missing,
    /// A file was chosen but has no bytes.
    Empty { filename: String },
    /// Over the limit: nothing was kept.
    TooLarge,
    /// The other fields were already wrong: the bytes were read and dropped.
    NotKept,
    /// Stored; its type recognised from its first bytes.
    Stored {
        blob: StoredBlob,
        filename: String,
        media_type: String,
        format: String,
    },
}

/// A received upload form.
#[derive(Debug)]
pub struct Received {
    pub fields: HashMap<String, String>,
    pub file: FilePart,
}

impl Received {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }
}

fn multipart_error(status: StatusCode) -> Error {
    match status {
        StatusCode::PAYLOAD_TOO_LARGE => Error::user(status, "error-too-large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => Error::user(status, "error-unsupported-media-type"),
        _ => Error::bad_request("error-bad-request"),
    }
}

/// Reads a text field, refusing more than [`TEXT_FIELD_LIMIT`] bytes.
async fn read_text(field: &mut Field<'_>) -> Result<String, Error> {
    let mut buf = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| multipart_error(e.status()))?
    {
        if buf.len() + chunk.len() > TEXT_FIELD_LIMIT {
            return Err(
                Error::user(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
                    .arg("limit", TEXT_FIELD_LIMIT),
            );
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|_| Error::bad_request("error-bad-request"))
}

/// Reads and drops the rest of a field, spending `budget`; false when the
/// budget ran out (the rest of the body is then left unread).
async fn drain_field(field: &mut Field<'_>, budget: &mut u64) -> bool {
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                *budget = budget.saturating_sub(chunk.len() as u64);
                if *budget == 0 {
                    return false;
                }
            }
            Ok(None) => return true,
            Err(_) => return false,
        }
    }
}

/// Reads and drops a body that will not be used (a refusal before reading
/// it), so that the client reads the answer rather than a reset connection.
async fn drain_body(req: Request) {
    let mut stream = req.into_body().into_data_stream();
    let mut read: u64 = 0;
    while let Some(Ok(chunk)) = stream.next().await {
        read += chunk.len() as u64;
        if read > DRAIN_BUDGET {
            break;
        }
    }
}

/// Answers, first draining the body if the handler never read it.
async fn finish(pending: Option<Request>, result: Result<Response, Error>) -> Response {
    if let Some(req) = pending {
        drain_body(req).await;
    }
    result.into_response()
}

/// A file name as people will download it: the last path component, without
/// control characters or leading dots, at most [`FILENAME_MAX`] characters
/// (keeping the extension).
fn clean_filename(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = last.chars().filter(|c| !c.is_control()).collect();
    let name = kept.trim().trim_start_matches('.').trim();
    if name.chars().count() <= FILENAME_MAX {
        return if name.is_empty() {
            "archivo".to_string()
        } else {
            name.to_string()
        };
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 16 => (stem, ext),
        _ => (name, ""),
    };
    let room = FILENAME_MAX
        - if ext.is_empty() {
            0
        } else {
            ext.chars().count() + 1
        };
    let mut out: String = stem.chars().take(room).collect();
    if !ext.is_empty() {
        out.push('.');
        out.push_str(ext);
    }
    out
}

/// Reads an upload form: text fields into memory (bounded), the file streamed
/// to the file store. `keep_file` says, from the fields read before the file,
/// whether the file is worth storing (if the form is already wrong, its bytes
/// are read and dropped).
pub async fn receive(
    ctx: &Ctx,
    req: Request,
    file_field: &str,
    keep_file: impl Fn(&HashMap<String, String>) -> bool,
) -> Result<Received, Error> {
    let limit = ctx.state.config.max_upload_bytes;
    // A body declared larger than the limit allows is refused without storing
    // anything (its fields are still read, to show the form again).
    let declared_too_large = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit.saturating_add(FORM_OVERHEAD));
    let mut multipart = Multipart::from_request(req, &ctx.state)
        .await
        .map_err(|e| multipart_error(e.status()))?;
    let mut fields = HashMap::new();
    let mut file = FilePart::Missing;
    let mut seen_file = false;
    let mut budget = DRAIN_BUDGET;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multipart_error(e.status()))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name != file_field {
            if fields.len() >= TEXT_FIELDS_MAX {
                return Err(Error::bad_request("error-bad-request"));
            }
            let text = read_text(&mut field).await?;
            fields.insert(name, text);
            continue;
        }
        if seen_file {
            // One file per form: any other is dropped.
            if !drain_field(&mut field, &mut budget).await {
                break;
            }
            continue;
        }
        seen_file = true;
        let raw_name = field.file_name().unwrap_or_default().to_string();
        // The first bytes, to recognise the type (and to see an empty file).
        let mut head = Vec::new();
        let mut ended = false;
        while head.len() < SNIFF_LEN {
            match field.chunk().await {
                Ok(Some(chunk)) => head.extend_from_slice(&chunk),
                Ok(None) => {
                    ended = true;
                    break;
                }
                Err(e) => return Err(interrupted(&e)),
            }
        }
        if head.is_empty() && ended {
            file = if raw_name.trim().is_empty() {
                FilePart::Missing
            } else {
                FilePart::Empty {
                    filename: clean_filename(&raw_name),
                }
            };
            continue;
        }
        if declared_too_large || head.len() as u64 > limit {
            file = FilePart::TooLarge;
            if !ended && !drain_field(&mut field, &mut budget).await {
                break;
            }
            continue;
        }
        if !keep_file(&fields) {
            file = FilePart::NotKept;
            if !ended && !drain_field(&mut field, &mut budget).await {
                break;
            }
            continue;
        }
        let filename = clean_filename(&raw_name);
        let detected = sniff::sniff(&head, &filename);
        let media_type = match detected.encoding {
            Some(enc) if detected.media_type().starts_with("text/") => {
                format!("{}; charset={}", detected.media_type(), enc.label())
            }
            _ => detected.media_type().to_string(),
        };
        let stored = {
            let first = futures::stream::once(async move {
                Ok::<Bytes, axum::extract::multipart::MultipartError>(Bytes::from(head))
            });
            let rest = futures::stream::unfold((&mut field, ended), |(field, ended)| async move {
                if ended {
                    return None;
                }
                match field.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), (field, false))),
                    Ok(None) => None,
                    Err(e) => Some((Err(e), (field, true))),
                }
            });
            let stream = std::pin::pin!(first.chain(rest));
            ctx.state.files.put_stream(stream, limit).await
        };
        match stored {
            Ok(blob) => {
                file = FilePart::Stored {
                    blob,
                    filename,
                    media_type,
                    format: detected.name().to_string(),
                };
            }
            Err(FileError::TooLarge { .. }) => {
                file = FilePart::TooLarge;
                if !drain_field(&mut field, &mut budget).await {
                    break;
                }
            }
            Err(FileError::Source(reason)) => {
                tracing::info!(%reason, "upload interrupted");
                return Err(Error::bad_request("resource-error-interrupted"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Received { fields, file })
}

/// The client stopped sending in the middle of a file.
fn interrupted(e: &axum::extract::multipart::MultipartError) -> Error {
    tracing::info!(error = %e, "upload interrupted");
    Error::bad_request("resource-error-interrupted")
}

// ---------------------------------------------------------------- new form

/// What was typed in the form to add a resource.
#[derive(Debug, Default, Serialize)]
pub struct NewValues {
    pub name: String,
    pub description: String,
    pub url: String,
}

impl NewValues {
    fn from(r: &Received) -> NewValues {
        NewValues::of(&r.fields)
    }
    pub fn of(fields: &HashMap<String, String>) -> NewValues {
        let get = |k: &str| {
            fields
                .get(k)
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        NewValues {
            name: get("name"),
            description: get("description"),
            url: get("url"),
        }
    }
    /// What is wrong with the text fields, field by field.
    pub fn problems(&self) -> Vec<(&'static str, Problem)> {
        let mut out = vec![];
        if self.name.is_empty() {
            out.push((
                "name",
                Problem {
                    key: "resource-error-name-required",
                    max: None,
                },
            ));
        } else if too_long(&self.name, NAME_MAX) {
            out.push((
                "name",
                Problem {
                    key: "resource-error-name-too-long",
                    max: Some(NAME_MAX),
                },
            ));
        }
        if too_long(&self.description, DESCRIPTION_MAX) {
            out.push((
                "description",
                Problem {
                    key: "resource-error-description-too-long",
                    max: Some(DESCRIPTION_MAX),
                },
            ));
        }
        if !self.url.is_empty() && parse_link(&self.url).is_none() {
            out.push((
                "url",
                Problem {
                    key: "resource-error-url-invalid",
                    max: None,
                },
            ));
        }
        out
    }
}

/// The human size of the upload limit.
fn max_human(ctx: &Ctx) -> String {
    human_size(ctx.state.config.max_upload_bytes)
}

/// Forms are for one person: not for caches.
fn private(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Debug, Serialize)]
struct DatasetView {
    slug: String,
    title: String,
    public: bool,
}

impl DatasetView {
    fn of(d: &Dataset) -> DatasetView {
        DatasetView {
            slug: d.slug.clone(),
            title: d.meta.title.clone(),
            public: d.is_public(),
        }
    }
}

fn render_new(
    ctx: &Ctx,
    d: &Dataset,
    values: &NewValues,
    errors: Errors,
    status: StatusCode,
) -> Result<Response, Error> {
    let mut res = ctx.render(
        "catalog/resource_new.html",
        context! {
            dataset => DatasetView::of(d),
            values => values,
            errors => Value::from_object(errors),
            name_max => NAME_MAX,
            description_max => DESCRIPTION_MAX,
            url_max => URL_MAX,
            max_bytes => ctx.state.config.max_upload_bytes,
            max_human => max_human(ctx),
        },
    )?;
    *res.status_mut() = status;
    Ok(private(res))
}

async fn new_page(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let d = writable(&ctx, &slug).await?;
    render_new(
        &ctx,
        &d,
        &NewValues::default(),
        Errors::default(),
        StatusCode::OK,
    )
}

async fn create(ctx: Ctx, Path(slug): Path<String>, req: Request) -> Response {
    let mut pending = Some(req);
    let result = create_inner(&ctx, &slug, &mut pending).await;
    finish(pending, result).await
}

async fn create_inner(
    ctx: &Ctx,
    slug: &str,
    pending: &mut Option<Request>,
) -> Result<Response, Error> {
    let d = writable(ctx, slug).await?;
    let req = pending
        .take()
        .ok_or_else(|| Error::bad_request("error-bad-request"))?;
    let received = receive(ctx, req, FILE_FIELD, |fields| {
        let v = NewValues::of(fields);
        // A link and a file together is an error too: keep nothing.
        v.problems().is_empty() && v.url.is_empty()
    })
    .await?;
    let values = NewValues::from(&received);
    let mut errors = Errors::default();
    for (field, problem) in values.problems() {
        add_problem(ctx, &mut errors, field, problem);
    }
    let has_link = !values.url.is_empty();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    match &received.file {
        FilePart::Missing if !has_link => {
            errors.add("file", ctx.t("resource-error-source-missing"));
        }
        FilePart::Missing => {}
        FilePart::Empty { filename } => {
            errors.add(
                "file",
                t_args(
                    ctx,
                    "resource-error-file-empty",
                    &[("filename", filename.clone())],
                ),
            );
        }
        FilePart::TooLarge => {
            status = StatusCode::PAYLOAD_TOO_LARGE;
            errors.add(
                "file",
                t_args(ctx, "resource-error-too-large", &[("max", max_human(ctx))]),
            );
        }
        FilePart::NotKept | FilePart::Stored { .. } => {
            if has_link {
                errors.add("url", ctx.t("resource-error-source-both"));
            }
        }
    }
    if !errors.is_empty() {
        return render_new(ctx, &d, &values, errors, status);
    }
    let resource_slug = match &received.file {
        FilePart::Stored {
            blob,
            filename,
            media_type,
            format,
        } => {
            let version = NewVersion {
                blob,
                media_type,
                format,
                filename,
                notes: None,
            };
            save_new(ctx, &d, &values, None, Some(&version)).await?
        }
        _ => {
            let link =
                parse_link(&values.url).ok_or_else(|| Error::bad_request("error-bad-request"))?;
            save_new(ctx, &d, &values, Some(&link), None).await?
        }
    };
    Ok(Redirect::to(&format!(
        "/datos/{}/recursos/{}?aviso=creado",
        d.slug, resource_slug
    ))
    .into_response())
}

/// `base`, or `base-2`, `base-3`… : the first not in `taken`.
fn free_slug(base: &str, taken: &[String]) -> String {
    let used = |s: &str| s == RESERVED_SLUG || taken.iter().any(|t| t == s);
    if !used(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|s| !used(s))
        .unwrap_or_else(|| base.to_string())
}

/// A free slug for a new resource of `dataset_id` named `name`.
pub async fn free_resource_slug(
    conn: &mut kernel::db::AnyConnection,
    dataset_id: i64,
    name: &str,
) -> Result<String, sqlx::Error> {
    let base = base_slug(name);
    let taken = store::resource_slugs_like(conn, dataset_id, &base).await?;
    Ok(free_slug(&base, &taken))
}

/// The slug a name asks for.
fn base_slug(name: &str) -> String {
    let s = kernel::text::slugify(name);
    let s: String = s.chars().take(80).collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() {
        "recurso".to_string()
    } else {
        s
    }
}

/// Creates the resource and, for a file, its first version: one transaction.
/// Returns the new resource's slug.
pub async fn save_new(
    ctx: &Ctx,
    d: &Dataset,
    values: &NewValues,
    link: Option<&str>,
    version: Option<&NewVersion<'_>>,
) -> Result<String, Error> {
    for _ in 0..3 {
        let mut tx = ctx.state.db.begin().await?;
        let slug = free_resource_slug(&mut tx, d.id, &values.name).await?;
        let id = match store::create_resource(
            &mut tx,
            &ctx.actor,
            d.id,
            &slug,
            &values.name,
            &values.description,
            link,
        )
        .await
        {
            Ok(id) => id,
            // Someone took the slug a moment ago: try the next one.
            Err(e) if is_unique_violation(&e) => continue,
            Err(e) => return Err(e.into()),
        };
        if let Some(v) = version {
            let created = store::add_version(&mut tx, &ctx.actor, id, v).await?;
            announce_version(ctx, &mut tx, d.id, &created).await?;
        }
        // Created through the API as public before it had anything to show.
        if store::publish_when_ready(&mut tx, d.id).await? {
            super::datasets::make_public(ctx, &mut tx, d).await?;
        }
        crate::search::changed(&mut tx, &ctx.state, d.id, Some(id)).await?;
        tx.commit().await?;
        return Ok(slug);
    }
    Err(Error::conflict("resource-error-busy"))
}

/// Tells the subscribers (ingest, search) that a version exists, in the
/// transaction that creates it.
async fn announce_version(
    ctx: &Ctx,
    conn: &mut kernel::db::AnyConnection,
    dataset_id: i64,
    v: &store::Version,
) -> Result<(), Error> {
    ctx.state
        .events
        .emit(
            conn,
            &ctx.state.jobs,
            kernel::events::RESOURCE_VERSION_CREATED,
            &v.id.to_string(),
            serde_json::json!({
                "version_id": v.id,
                "resource_id": v.resource_id,
                "dataset_id": dataset_id,
                "format": v.format,
            }),
        )
        .await?;
    Ok(())
}

// ----------------------------------------------------------- new versions

async fn new_version(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
    req: Request,
) -> Response {
    let mut pending = Some(req);
    let result = new_version_inner(&ctx, &slug, &resource, &mut pending).await;
    finish(pending, result).await
}

async fn new_version_inner(
    ctx: &Ctx,
    slug: &str,
    resource: &str,
    pending: &mut Option<Request>,
) -> Result<Response, Error> {
    let d = writable(ctx, slug).await?;
    let r = resource_of(ctx, &d, resource).await?;
    if r.kind != "file" {
        return Err(Error::conflict("resource-error-link-versions"));
    }
    let req = pending
        .take()
        .ok_or_else(|| Error::bad_request("error-bad-request"))?;
    let received = receive(ctx, req, FILE_FIELD, |fields| {
        !too_long(
            fields.get("notes").map(|s| s.trim()).unwrap_or_default(),
            NOTES_MAX,
        )
    })
    .await?;
    let notes = received.text("notes").trim().to_string();
    let mut errors = Errors::default();
    if too_long(&notes, NOTES_MAX) {
        add_problem(
            ctx,
            &mut errors,
            "notes",
            Problem {
                key: "resource-error-notes-too-long",
                max: Some(NOTES_MAX),
            },
        );
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    match &received.file {
        FilePart::Missing => errors.add("file", ctx.t("resource-error-file-missing")),
        FilePart::Empty { filename } => errors.add(
            "file",
            t_args(
                ctx,
                "resource-error-file-empty",
                &[("filename", filename.clone())],
            ),
        ),
        FilePart::TooLarge => {
            status = StatusCode::PAYLOAD_TOO_LARGE;
            errors.add(
                "file",
                t_args(ctx, "resource-error-too-large", &[("max", max_human(ctx))]),
            );
        }
        FilePart::NotKept | FilePart::Stored { .. } => {}
    }
    let FilePart::Stored {
        blob,
        filename,
        media_type,
        format,
    } = &received.file
    else {
        return render_page(ctx, &d, &r, None, errors, &notes, status).await;
    };
    if !errors.is_empty() {
        return render_page(ctx, &d, &r, None, errors, &notes, status).await;
    }
    let version = NewVersion {
        blob,
        media_type,
        format,
        filename,
        notes: Some(notes.as_str()).filter(|n| !n.is_empty()),
    };
    save_version(ctx, &d, &r, &version).await?;
    Ok(Redirect::to(&format!(
        "/datos/{}/recursos/{}?aviso=version",
        d.slug, r.slug
    ))
    .into_response())
}

/// Adds the next version of a file resource (its bytes already stored), in
/// one transaction with its announcement to ingest and search.
pub async fn save_version(
    ctx: &Ctx,
    d: &Dataset,
    r: &Resource,
    version: &NewVersion<'_>,
) -> Result<store::Version, Error> {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let mut tx = ctx.state.db.begin().await?;
        match store::add_version(&mut tx, &ctx.actor, r.id, version).await {
            Ok(created) => {
                announce_version(ctx, &mut tx, d.id, &created).await?;
                crate::search::changed(&mut tx, &ctx.state, d.id, Some(r.id)).await?;
                tx.commit().await?;
                return Ok(created);
            }
            // Another version was added a moment ago: take the next number.
            Err(e) if is_unique_violation(&e) && attempts < 3 => continue,
            Err(e) => return Err(e.into()),
        }
    }
}

// ---------------------------------------------------------- resource page

/// A version as the page shows it.
#[derive(Debug, Serialize)]
struct VersionView {
    number: i64,
    filename: String,
    format: String,
    media_type: String,
    size: i64,
    size_human: String,
    sha256: String,
    created_at: String,
    created_display: String,
    author: Option<String>,
    notes: Option<String>,
    downloads: i64,
    /// The file name as the last segment of its permanent address.
    segment: String,
    /// Its permanent address in full.
    url: String,
}

#[derive(Debug, Serialize)]
struct ResourceView {
    slug: String,
    name: String,
    kind: String,
    url: Option<String>,
    /// The description, in paragraphs.
    paragraphs: Vec<String>,
}

/// `2026-11-24T10:47:44.123456Z` → `2026-11-24 10:47 UTC`.
fn display_time(at: &str) -> String {
    kernel::time::parse(at)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| at.to_string())
}

fn paragraphs(text: &str) -> Vec<String> {
    text.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(Debug, Default, Deserialize)]
struct PageQuery {
    aviso: Option<String>,
}

async fn page(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
    Query(q): Query<PageQuery>,
) -> Result<Response, Error> {
    let d = readable(&ctx, &slug).await?;
    let r = resource_of(&ctx, &d, &resource).await?;
    render_page(
        &ctx,
        &d,
        &r,
        q.aviso.as_deref(),
        Errors::default(),
        "",
        StatusCode::OK,
    )
    .await
}

async fn render_page(
    ctx: &Ctx,
    d: &Dataset,
    r: &Resource,
    notice: Option<&str>,
    errors: Errors,
    notes: &str,
    status: StatusCode,
) -> Result<Response, Error> {
    let history = store::version_history(&ctx.state.db, r.id).await?;
    let public_url = ctx.state.config.public_url();
    let public_url = public_url.trim_end_matches('/');
    let versions: Vec<VersionView> = history
        .iter()
        .map(|h: &HistoryEntry| {
            let path = version_path(&d.slug, &r.slug, h.version.number, &h.version.filename);
            VersionView {
                number: h.version.number,
                filename: h.version.filename.clone(),
                format: h.version.format.clone(),
                media_type: h.version.media_type.clone(),
                size: h.version.size,
                size_human: human_size(u64::try_from(h.version.size).unwrap_or_default()),
                sha256: h.version.sha256.clone(),
                created_at: h.version.created_at.clone(),
                created_display: display_time(&h.version.created_at),
                author: h.author.clone(),
                notes: h.version.notes.clone(),
                downloads: h.downloads,
                url: format!("{public_url}{path}"),
                segment: percent_encode(&h.version.filename),
            }
        })
        .collect();
    let total_downloads: i64 = versions.iter().map(|v| v.downloads).sum();
    let can_upload = r.kind == "file" && may_upload(ctx, d);
    let notice = match (notice, versions.first()) {
        (Some("creado"), _) => Some(ctx.t("resource-notice-created")),
        (Some("version"), Some(v)) => Some(t_args(
            ctx,
            "resource-notice-version",
            &[("number", v.number.to_string())],
        )),
        _ => None,
    };
    let latest_path = format!("/datos/{}/recursos/{}/descargar", d.slug, r.slug);
    let dictionary = store::dictionary_of(&ctx.state.db, r.id).await?;
    // What other capabilities show about this resource (ingest: the table).
    let fragments = ctx.fragments("resource", r.id).await?;
    let mut res = ctx.render(
        "catalog/resource_page.html",
        context! {
            fragments => fragments,
            dictionary => dictionary,
            dataset => DatasetView::of(d),
            resource => ResourceView {
                slug: r.slug.clone(),
                name: r.name.clone(),
                kind: r.kind.clone(),
                url: r.url.clone(),
                paragraphs: paragraphs(&r.description),
            },
            current => versions.first(),
            versions => &versions,
            total_downloads => total_downloads,
            latest_url => format!("{public_url}{latest_path}"),
            can_upload => can_upload,
            notice => notice,
            errors => Value::from_object(errors),
            notes => notes,
            notes_max => NOTES_MAX,
            max_bytes => ctx.state.config.max_upload_bytes,
            max_human => max_human(ctx),
        },
    )?;
    *res.status_mut() = status;
    Ok(if can_upload || !d.is_public() {
        private(res)
    } else {
        res
    })
}

// --------------------------------------------------------------- downloads

/// Percent-encodes everything but unreserved characters: safe in a path
/// segment and in an RFC 5987 `filename*`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The permanent address of a version.
pub fn version_path(dataset: &str, resource: &str, number: i64, filename: &str) -> String {
    format!(
        "/datos/{dataset}/recursos/{resource}/v/{number}/{}",
        percent_encode(filename)
    )
}

/// The file name for old clients that do not read `filename*`: ASCII, accents
/// dropped, quotes and the like replaced.
fn ascii_filename(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\' {
                return c;
            }
            let folded: Vec<char> = kernel::text::fold(&c.to_string()).chars().collect();
            match folded.as_slice() {
                [f] if f.is_ascii_alphanumeric() => {
                    if c.is_uppercase() {
                        f.to_ascii_uppercase()
                    } else {
                        *f
                    }
                }
                _ => '_',
            }
        })
        .collect()
}

/// `Content-Disposition` of a download (RFC 6266 with RFC 5987 `filename*`).
pub fn content_disposition(filename: &str) -> String {
    format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_filename(filename),
        percent_encode(filename)
    )
}

/// The `Content-Type` a stored media type is served with: the safe ones as
/// they are, anything else (HTML, SVG, XML, unknown) as bytes.
pub fn served_media_type(stored: &str) -> String {
    let essence = stored
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if SAFE_MEDIA_TYPES.contains(&essence.as_str()) {
        stored.to_string()
    } else {
        "application/octet-stream".to_string()
    }
}

/// A size for people: `850 B`, `12.3 KB`, `4.5 MB`, `2 GB` (powers of 1024,
/// one decimal below 100).
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let bytes = u128::from(bytes);
    let mut unit = 0;
    let mut scale: u128 = 1024;
    while unit < UNITS.len() - 1 && bytes >= scale * 1024 {
        scale *= 1024;
        unit += 1;
    }
    // Tenths of the unit, rounded, in integers.
    let tenths = (bytes * 10 + scale / 2) / scale;
    if tenths >= 1000 || tenths.is_multiple_of(10) {
        format!("{} {}", (tenths + 5) / 10, UNITS[unit])
    } else {
        format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
    }
}

fn header_value(s: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(s).map_err(Error::internal)
}

fn redirect(status: StatusCode, location: &str, cache: &'static str) -> Result<Response, Error> {
    let mut res = status.into_response();
    res.headers_mut()
        .insert(header::LOCATION, header_value(location)?);
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    Ok(res)
}

/// The stable "latest" address: to the current version's permanent address
/// (or, for a link, to the link).
async fn latest(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let d = readable(&ctx, &slug).await?;
    let r = resource_of(&ctx, &d, &resource).await?;
    let target = if r.kind == "link" {
        r.url.clone().ok_or_else(Error::not_found)?
    } else {
        let v = store::latest_version(&ctx.state.db, r.id)
            .await?
            .ok_or_else(Error::not_found)?;
        version_path(&d.slug, &r.slug, v.number, &v.filename)
    };
    redirect(StatusCode::FOUND, &target, "no-cache")
}

/// Does `If-None-Match` name this ETag?
fn etag_matches(header: Option<&HeaderValue>, etag: &str) -> bool {
    header.and_then(|v| v.to_str().ok()).is_some_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
    })
}

/// A version's bytes, forever the same at the same address.
async fn download(
    ctx: Ctx,
    method: Method,
    Path((slug, resource, number, filename)): Path<(String, String, String, String)>,
) -> Result<Response, Error> {
    let d = readable(&ctx, &slug).await?;
    let r = resource_of(&ctx, &d, &resource).await?;
    let number: i64 = number.parse().map_err(|_| Error::not_found())?;
    let v = store::version_by_number(&ctx.state.db, r.id, number)
        .await?
        .ok_or_else(Error::not_found)?;
    // A file the personal-data guard has not cleared yet (a new version of a
    // public dataset, seconds old) waits for it, except for its own people.
    if !is_insider(&ctx, d.body_id) && crate::privacy::held(&ctx.state.db, &v).await? {
        return Err(Error::user(
            StatusCode::SERVICE_UNAVAILABLE,
            "catalog-download-under-review",
        ));
    }
    let cache = if d.is_public() {
        "public, max-age=31536000, immutable"
    } else {
        "no-store"
    };
    if filename != v.filename {
        return redirect(
            StatusCode::MOVED_PERMANENTLY,
            &version_path(&d.slug, &r.slug, v.number, &v.filename),
            cache,
        );
    }
    let etag = format!("\"{}\"", v.sha256);
    if etag_matches(ctx.headers.get(header::IF_NONE_MATCH), &etag) {
        let mut res = StatusCode::NOT_MODIFIED.into_response();
        res.headers_mut().insert(header::ETAG, header_value(&etag)?);
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        return Ok(res);
    }
    // One byte range, for resumed downloads (several ranges get the whole file).
    let size = u64::try_from(v.size).unwrap_or_default();
    let range = match requested_range(&ctx.headers, &etag, size) {
        Ok(range) => range,
        Err(()) => {
            let mut res = StatusCode::RANGE_NOT_SATISFIABLE.into_response();
            res.headers_mut().insert(
                header::CONTENT_RANGE,
                header_value(&format!("bytes */{size}"))?,
            );
            return Ok(res);
        }
    };
    let opened = match &range {
        Some(r) => ctx.state.files.get_range(&v.sha256, r.clone()).await,
        None => ctx.state.files.get(&v.sha256).await,
    };
    let blob = match opened {
        Ok(blob) => blob,
        // A recorded version whose bytes are gone is a loss, not a 404.
        Err(FileError::NotFound) => {
            tracing::error!(sha256 = %v.sha256, version = v.id, "the bytes of a version are missing");
            return Err(Error::internal(FileError::NotFound));
        }
        Err(e) => return Err(e.into()),
    };
    // A download counts once: at its first byte, not at each resumption.
    let first_bytes = range.as_ref().is_none_or(|r| *r.start() == 0);
    if method != Method::HEAD && first_bytes {
        if let Err(e) = store::count_download(&ctx.state.db, v.id).await {
            tracing::warn!(error = %e, version = v.id, "download not counted");
        }
    }
    let mut res = Response::new(Body::from_stream(blob.stream));
    let h = res.headers_mut();
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    if let Some(r) = &range {
        h.insert(
            header::CONTENT_RANGE,
            header_value(&format!("bytes {}-{}/{size}", r.start(), r.end()))?,
        );
    }
    h.insert(
        header::CONTENT_TYPE,
        header_value(&served_media_type(&v.media_type))?,
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        header_value(&content_disposition(&v.filename))?,
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(blob.size));
    h.insert(header::ETAG, header_value(&etag)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Opened by mistake in the browser, it can run nothing.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // (The kernel's compression skips attachments: the bytes travel as stored.)
    if range.is_some() {
        *res.status_mut() = StatusCode::PARTIAL_CONTENT;
    }
    Ok(res)
}

/// The one byte range asked for with `Range` (honoured only while `If-Range`,
/// if sent, still names this version): `Ok(None)` for the whole file, `Err`
/// when the range lies outside it (416).
fn requested_range(
    headers: &axum::http::HeaderMap,
    etag: &str,
    size: u64,
) -> Result<Option<std::ops::RangeInclusive<u64>>, ()> {
    let Some(value) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ok(None);
    };
    if let Some(condition) = headers.get(header::IF_RANGE) {
        if condition.to_str().ok() != Some(etag) {
            return Ok(None);
        }
    }
    let Ok(parsed) = http_range_header::parse_range_header(value) else {
        // A malformed Range header is ignored, as RFC 9110 allows.
        return Ok(None);
    };
    match parsed.validate(size) {
        Ok(ranges) if ranges.len() == 1 => Ok(ranges.into_iter().next()),
        Ok(_) => Ok(None),
        Err(_) => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_byte_range_is_honoured_while_if_range_still_matches() {
        let h = |pairs: &[(header::HeaderName, &str)]| {
            let mut m = axum::http::HeaderMap::new();
            for (k, v) in pairs {
                m.insert(k.clone(), HeaderValue::from_str(v).unwrap());
            }
            m
        };
        let etag = "\"abc\"";
        assert_eq!(requested_range(&h(&[]), etag, 100), Ok(None));
        assert_eq!(
            requested_range(&h(&[(header::RANGE, "bytes=10-19")]), etag, 100),
            Ok(Some(10..=19))
        );
        assert_eq!(
            requested_range(&h(&[(header::RANGE, "bytes=90-")]), etag, 100),
            Ok(Some(90..=99))
        );
        assert_eq!(
            requested_range(&h(&[(header::RANGE, "bytes=-5")]), etag, 100),
            Ok(Some(95..=99))
        );
        assert_eq!(
            requested_range(&h(&[(header::RANGE, "bytes=100-")]), etag, 100),
            Err(())
        );
        // Malformed, several ranges, a stale If-Range: the whole file.
        for value in ["bytes=a-b", "octetos=1-2", "bytes=0-1,5-6"] {
            assert_eq!(
                requested_range(&h(&[(header::RANGE, value)]), etag, 100),
                Ok(None),
                "{value}"
            );
        }
        assert_eq!(
            requested_range(
                &h(&[
                    (header::RANGE, "bytes=0-1"),
                    (header::IF_RANGE, "\"viejo\"")
                ]),
                etag,
                100
            ),
            Ok(None)
        );
    }

    #[test]
    fn sizes_for_people() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1 KB");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(5 * 1024 * 1024), "5 MB");
        assert_eq!(human_size(2 * 1024 * 1024 * 1024), "2 GB");
        assert_eq!(human_size(23_500_000), "22.4 MB");
        assert_eq!(human_size(150 * 1024 * 1024 + 1), "150 MB");
    }

    #[test]
    fn file_names_keep_their_accents_and_lose_their_paths() {
        assert_eq!(
            clean_filename("C:\\fakepath\\Población 2020.csv"),
            "Población 2020.csv"
        );
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename(".."), "archivo");
        assert_eq!(clean_filename("  \u{7}.oculto.csv "), "oculto.csv");
        let long = format!("{}.csv", "a".repeat(300));
        let cut = clean_filename(&long);
        assert_eq!(cut.chars().count(), FILENAME_MAX);
        assert!(cut.ends_with(".csv"));
    }

    #[test]
    fn downloads_name_the_file_in_utf8_and_ascii() {
        assert_eq!(
            content_disposition("Población Ñuñoa 2020.csv"),
            "attachment; filename=\"Poblacion Nunoa 2020.csv\"; filename*=UTF-8''Poblaci%C3%B3n%20%C3%91u%C3%B1oa%202020.csv"
        );
        assert_eq!(
            version_path("d", "r", 3, "a b/ñ.csv"),
            "/datos/d/recursos/r/v/3/a%20b%2F%C3%B1.csv"
        );
        assert_eq!(ascii_filename("\"x\".csv"), "_x_.csv");
    }

    #[test]
    fn only_safe_types_are_served_as_they_are() {
        assert_eq!(
            served_media_type("text/csv; charset=utf-8"),
            "text/csv; charset=utf-8"
        );
        for risky in [
            "text/html",
            "image/svg+xml",
            "application/xhtml+xml",
            "application/xml",
            "text/html; charset=utf-8",
            "application/x-unknown",
        ] {
            assert_eq!(served_media_type(risky), "application/octet-stream");
        }
    }

    #[test]
    fn slugs_are_unique_within_the_dataset() {
        assert_eq!(free_slug("datos", &[]), "datos");
        assert_eq!(
            free_slug("datos", &["datos".into(), "datos-2".into()]),
            "datos-3"
        );
        assert_eq!(free_slug("nuevo", &[]), "nuevo-2");
        assert_eq!(base_slug("¿?"), "recurso");
        assert_eq!(
            base_slug("Población por municipio"),
            "poblacion-por-municipio"
        );
    }

    #[test]
    fn links_are_absolute_http() {
        assert_eq!(
            parse_link("https://datos.gob.mx/a b.csv").as_deref(),
            Some("https://datos.gob.mx/a%20b.csv")
        );
        assert!(parse_link("javascript:alert(1)").is_none());
        assert!(parse_link("ftp://x.mx/a").is_none());
        assert!(parse_link("/relativo").is_none());
    }

    #[test]
    fn etags_match_lists_and_weak_forms() {
        let v = HeaderValue::from_static("\"a\", W/\"b\"");
        assert!(etag_matches(Some(&v), "\"b\""));
        assert!(!etag_matches(Some(&v), "\"c\""));
        assert!(!etag_matches(None, "\"a\""));
    }
}
