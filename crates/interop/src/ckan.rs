//! The CKAN Action API v3 (`/api/3/action/…` and `/api/action/…`), so that
//! the clients and harvesters that speak to datos.gob.mx and most government
//! portals speak to Apertura unchanged: CKAN's envelope (`help`, `success`,
//! `result`) and error shapes, values that arrive as strings, CKAN's licence
//! ids. Reads are public; writes need an API token of the dataset's body and
//! go through the catalog's own rules (workflow, audit, search, uploads).
//! `datastore_search` and `datastore_search_sql` live in `ingest`.

use std::collections::{HashMap, HashSet};

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use catalog::domain::vocab::{Frequency, Licence, Theme};
use catalog::http::datasets::{DELETE, EDIT, VIEW};
use catalog::http::resources::{FilePart, NewValues, UPLOAD};
use catalog::store::{self as cstore, Dataset, Metadata};
use kernel::authz::{Action, Rule, Subject};
use kernel::web::{Ctx, Routes};
use kernel::Error;
use serde_json::{json, Map, Value as J};

use crate::model::{self, Package};

/// Unknown actions (CKAN answers them with a bare JSON string).
static UNKNOWN: Action = Action::read("interop.ckan.unknown", Rule::Anyone);

/// Largest JSON body of an action call (uploads go as multipart, streamed).
const MAX_JSON_BODY: usize = 1024 * 1024;
/// Most items a list action returns at once.
const MAX_LIST: i64 = 1000;

/// Registers an action at both of CKAN's addresses.
macro_rules! action {
    ($routes:expr, get+post $name:literal, $act:expr, $h:expr) => {
        $routes
            .get(concat!("/api/3/action/", $name), $act, $h)
            .post(concat!("/api/3/action/", $name), $act, $h)
            .get(concat!("/api/action/", $name), $act, $h)
            .post(concat!("/api/action/", $name), $act, $h)
    };
    ($routes:expr, post $name:literal, $act:expr, $h:expr) => {
        $routes
            .post(concat!("/api/3/action/", $name), $act, $h)
            .post(concat!("/api/action/", $name), $act, $h)
    };
    ($routes:expr, stream $name:literal, $act:expr, $h:expr) => {
        $routes
            .streaming(
                Method::POST,
                concat!("/api/3/action/", $name),
                $act,
                post($h),
            )
            .streaming(Method::POST, concat!("/api/action/", $name), $act, post($h))
    };
}

pub fn routes() -> Routes {
    let r = Routes::new();
    let r = action!(r, get+post "status_show", &VIEW, status_show);
    let r = action!(r, get+post "site_read", &VIEW, site_read);
    let r = action!(r, get+post "package_list", &VIEW, package_list);
    let r = action!(r, get+post "package_search", &VIEW, package_search);
    let r = action!(r, get+post "package_show", &VIEW, package_show);
    let r = action!(r, get+post "organization_list", &VIEW, organization_list);
    let r = action!(r, get+post "organization_show", &VIEW, organization_show);
    let r = action!(r, get+post "group_list", &VIEW, group_list);
    let r = action!(r, get+post "group_show", &VIEW, group_show);
    let r = action!(r, get+post "tag_list", &VIEW, tag_list);
    let r = action!(r, get+post "license_list", &VIEW, license_list);
    let r = action!(r, get+post "resource_show", &VIEW, resource_show);
    let r = action!(r, post "package_create", &EDIT, package_create);
    let r = action!(r, post "package_update", &EDIT, package_update);
    let r = action!(r, post "package_patch", &EDIT, package_patch);
    let r = action!(r, post "package_delete", &DELETE, package_delete);
    let r = action!(r, stream "resource_create", &UPLOAD, resource_create);
    let r = action!(r, stream "resource_update", &UPLOAD, resource_update);
    let r = action!(r, post "resource_delete", &UPLOAD, resource_delete);
    r.get("/api/3/action/{action}", &UNKNOWN, unknown)
        .post("/api/3/action/{action}", &UNKNOWN, unknown)
        .get("/api/action/{action}", &UNKNOWN, unknown)
        .post("/api/action/{action}", &UNKNOWN, unknown)
}

// ------------------------------------------------------------ envelope

fn help(ctx: &Ctx, action: &str) -> String {
    format!(
        "{}/api/3/action/help_show?name={action}",
        ctx.state.config.public_url()
    )
}

fn action_name(ctx: &Ctx) -> String {
    kernel::web::ckan_action(&ctx.path)
        .unwrap_or_default()
        .to_string()
}

fn ok(ctx: &Ctx, result: J) -> Result<Response, Error> {
    let body = json!({ "help": help(ctx, &action_name(ctx)), "success": true, "result": result });
    Ok(axum::Json(body).into_response())
}

/// CKAN's `Validation Error`: one list of Spanish messages per field.
fn invalid(ctx: &Ctx, fields: Vec<(String, String)>) -> Response {
    let mut error = Map::new();
    error.insert("__type".into(), J::from("Validation Error"));
    for (field, message) in fields {
        match error.get_mut(&field) {
            Some(J::Array(list)) => list.push(J::from(message)),
            _ => {
                error.insert(field, json!([message]));
            }
        }
    }
    let body = json!({ "help": help(ctx, &action_name(ctx)), "success": false, "error": error });
    (StatusCode::CONFLICT, axum::Json(body)).into_response()
}

fn invalid_one(ctx: &Ctx, field: &str, message: impl Into<String>) -> Response {
    invalid(ctx, vec![(field.to_string(), message.into())])
}

fn not_found(ctx: &Ctx, what: &str) -> Response {
    let body = json!({
        "help": help(ctx, &action_name(ctx)),
        "success": false,
        "error": { "__type": "Not Found Error", "message": format!("No encontrado: {what}") },
    });
    (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

async fn unknown(ctx: Ctx) -> Response {
    let name = action_name(&ctx);
    (
        StatusCode::BAD_REQUEST,
        axum::Json(J::from(format!(
            "Solicitud incorrecta: la acción «{name}» no existe. Consulte /api para las acciones disponibles."
        ))),
    )
        .into_response()
}

// ------------------------------------------------------------ parameters

/// An action's parameters: the query string of a GET, or the JSON object (or
/// form) of a POST. CKAN clients send numbers and booleans as strings too.
#[derive(Debug, Default)]
pub struct Params(pub Map<String, J>);

/// Why the parameters could not be read (a CKAN 400 / 409).
#[derive(Debug)]
pub enum ParamsError {
    NotJson,
    TooLarge,
}

impl Params {
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Params {
        let mut m = Map::new();
        for (k, v) in pairs {
            m.insert(k.to_string(), J::from(v));
        }
        Params(m)
    }

    pub fn from_json(bytes: &[u8]) -> Result<Params, ParamsError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Params::default());
        }
        match serde_json::from_slice::<J>(bytes) {
            Ok(J::Object(m)) => Ok(Params(m)),
            _ => Err(ParamsError::NotJson),
        }
    }

    pub fn get(&self, key: &str) -> Option<&J> {
        self.0.get(key).filter(|v| !v.is_null())
    }

    /// A text value (numbers are read as their text).
    pub fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            J::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            J::Number(n) => Some(n.to_string()),
            J::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A whole number, as a number or a string; `Err` names the bad value.
    pub fn int(&self, key: &str) -> Result<Option<i64>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(J::Number(n)) => n.as_i64().map(Some).ok_or_else(|| n.to_string()),
            Some(J::String(s)) if s.trim().is_empty() => Ok(None),
            Some(J::String(s)) => s.trim().parse().map(Some).map_err(|_| s.clone()),
            Some(other) => Err(other.to_string()),
        }
    }

    /// A boolean as CKAN reads them: true/false, "true"/"True"/"1"/"yes".
    pub fn bool(&self, key: &str) -> Result<Option<bool>, String> {
        match self.get(key) {
            None => Ok(None),
            Some(J::Bool(b)) => Ok(Some(*b)),
            Some(J::Number(n)) => Ok(Some(n.as_i64() != Some(0))),
            Some(J::String(s)) => match s.trim().to_lowercase().as_str() {
                "true" | "1" | "yes" | "on" | "si" | "sí" => Ok(Some(true)),
                "false" | "0" | "no" | "off" | "" => Ok(Some(false)),
                _ => Err(s.clone()),
            },
            Some(other) => Err(other.to_string()),
        }
    }
}

/// Reads the parameters of a GET or of a small POST.
async fn params(req: Request) -> Result<Params, ParamsError> {
    if req.method() == Method::GET {
        let q = req.uri().query().unwrap_or_default().to_string();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect();
        return Ok(Params::from_pairs(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }
    let form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
    let bytes = axum::body::to_bytes(req.into_body(), MAX_JSON_BODY)
        .await
        .map_err(|_| ParamsError::TooLarge)?;
    if form {
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(&bytes).into_owned().collect();
        return Ok(Params::from_pairs(
            pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        ));
    }
    Params::from_json(&bytes)
}

fn params_error(ctx: &Ctx, e: ParamsError) -> Response {
    let message = match e {
        ParamsError::NotJson => {
            "El cuerpo de la petición no es JSON válido; envíe un objeto, por ejemplo {\"id\": \"mi-conjunto\"}."
                .to_string()
        }
        ParamsError::TooLarge => format!(
            "La petición es demasiado grande (más de {} KiB); los archivos se envían como multipart en el campo upload.",
            MAX_JSON_BODY / 1024
        ),
    };
    let body = json!({
        "help": help(ctx, &action_name(ctx)),
        "success": false,
        "error": { "__type": "Bad Request", "message": message },
    });
    (StatusCode::BAD_REQUEST, axum::Json(body)).into_response()
}

/// Reads the parameters or answers with CKAN's error.
macro_rules! read_params {
    ($ctx:expr, $req:expr) => {
        match params($req).await {
            Ok(p) => p,
            Err(e) => return Ok(params_error(&$ctx, e)),
        }
    };
}

/// `limit`/`offset` within bounds, or the field's Validation Error.
// The refusal is the answer itself, built once and returned at once.
#[allow(clippy::result_large_err)]
fn paging(ctx: &Ctx, p: &Params, default: i64) -> Result<(i64, i64), Response> {
    let limit = match p.int("limit") {
        Ok(v) => v.unwrap_or(default),
        Err(v) => {
            return Err(invalid_one(
                ctx,
                "limit",
                format!("Debe ser un número entero entre 0 y {MAX_LIST} (se recibió «{v}»)."),
            ))
        }
    };
    if !(0..=MAX_LIST).contains(&limit) {
        return Err(invalid_one(
            ctx,
            "limit",
            format!("Debe ser un número entero entre 0 y {MAX_LIST}."),
        ));
    }
    let offset = match p.int("offset") {
        Ok(v) => v.unwrap_or(0),
        Err(v) => {
            return Err(invalid_one(
                ctx,
                "offset",
                format!("Debe ser un número entero mayor o igual a 0 (se recibió «{v}»)."),
            ))
        }
    };
    if offset < 0 || offset > i64::from(i32::MAX) {
        return Err(invalid_one(
            ctx,
            "offset",
            "Debe ser un número entero mayor o igual a 0.",
        ));
    }
    Ok((limit, offset))
}

// The refusal is the answer itself, built once and returned at once.
#[allow(clippy::result_large_err)]
fn flag(ctx: &Ctx, p: &Params, key: &str) -> Result<bool, Response> {
    p.bool(key).map(|v| v.unwrap_or(false)).map_err(|v| {
        invalid_one(
            ctx,
            key,
            format!("Debe ser true o false (se recibió «{v}»)."),
        )
    })
}

// ------------------------------------------------------------ dictionaries

/// The ids of versions whose table is queryable, among these packages'.
async fn datastore_ready(ctx: &Ctx, packages: &[Package]) -> Result<HashSet<i64>, Error> {
    let ids: Vec<i64> = packages
        .iter()
        .flat_map(|p| p.resources.iter())
        .filter_map(|i| i.current.as_ref().map(|v| v.id))
        .collect();
    Ok(ingest::store::ready_versions(&ctx.state.db, &ids)
        .await?
        .into_iter()
        .collect())
}

fn state_of(d: &Dataset) -> &'static str {
    if d.deleted_at.is_some() {
        "deleted"
    } else if d.status() == catalog::domain::workflow::Status::Published {
        "active"
    } else {
        "draft"
    }
}

fn licence_of(d: &Dataset) -> Option<&'static Licence> {
    Licence::by_code(&d.meta.licence)
}

/// CKAN's organization dict for a body.
fn organization_dict(base: &str, b: &directory::store::Body, count: Option<i64>) -> J {
    let mut o = json!({
        "id": b.id.to_string(),
        "name": b.slug,
        "title": b.name,
        "display_name": b.name,
        "type": "organization",
        "is_organization": true,
        "state": "active",
        "approval_status": "approved",
        "image_url": format!("{base}/sujetos-obligados/{}/logo", b.slug),
        "image_display_url": format!("{base}/sujetos-obligados/{}/logo", b.slug),
        "description": "",
        "url": model::body_url(base, b),
    });
    if let Some(n) = count {
        o["package_count"] = J::from(n);
    }
    o
}

fn group_dict(t: &Theme, count: Option<i64>) -> J {
    let name = t.code.to_lowercase();
    let mut g = json!({
        "id": name,
        "name": name,
        "title": t.label_es,
        "display_name": t.label_es,
        "description": format!("{} ({})", t.label_es, t.label_en),
        "type": "group",
        "is_organization": false,
        "state": "active",
        "approval_status": "approved",
        "image_url": "",
        "uri": t.uri,
    });
    if let Some(n) = count {
        g["package_count"] = J::from(n);
    }
    g
}

fn resource_dict(p: &Package, i: &model::Item, ready: &HashSet<i64>) -> J {
    let v = i.current.as_ref();
    json!({
        "id": i.resource.id.to_string(),
        "package_id": p.dataset.id.to_string(),
        "name": i.resource.name,
        "description": i.resource.description,
        "url": i.download_url,
        "url_type": if v.is_some() { J::from("upload") } else { J::Null },
        "format": v.map(|v| v.format.to_uppercase()).unwrap_or_default(),
        "mimetype": v.map(|v| v.media_type.clone()),
        "size": v.map(|v| v.size),
        "hash": v.map(|v| format!("sha256:{}", v.sha256)).unwrap_or_default(),
        "created": v.map(|v| ckan_time(&v.created_at)),
        "last_modified": v.map(|v| ckan_time(&v.created_at)),
        "metadata_modified": v.map(|v| ckan_time(&v.created_at)),
        "position": i.resource.position,
        "state": "active",
        "resource_type": J::Null,
        "datastore_active": v.is_some_and(|v| ready.contains(&v.id)),
        "version": v.map(|v| v.number),
        "version_url": i.version_url,
        "page_url": i.page_url,
    })
}

/// CKAN writes times without a zone (UTC by convention).
fn ckan_time(t: &str) -> String {
    t.trim_end_matches('Z').to_string()
}

/// CKAN's package dict.
pub fn package_dict(base: &str, p: &Package, ready: &HashSet<i64>) -> J {
    let d = &p.dataset;
    let m = &d.meta;
    let licence = licence_of(d);
    let mut extras = vec![];
    let mut extra = |k: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            extras.push(json!({ "key": k, "value": v }));
        }
    };
    extra("frequency", m.frequency.clone());
    extra(
        "frequency_uri",
        m.frequency
            .as_deref()
            .and_then(Frequency::by_code)
            .map(|f| f.uri.to_string()),
    );
    extra("temporal_start", m.temporal_start.clone());
    extra("temporal_end", m.temporal_end.clone());
    extra("spatial", m.spatial.clone());
    extra("language", Some(m.language.clone()));
    extra(
        "theme",
        Some(
            m.themes
                .iter()
                .filter_map(|c| Theme::by_code(c).map(|t| t.uri))
                .collect::<Vec<_>>()
                .join(","),
        ),
    );
    extra("version_notes", m.version_notes.clone());
    extra("workflow_status", Some(d.status.clone()));
    let tags: Vec<J> = m
        .keywords
        .iter()
        .map(|k| json!({ "name": k, "display_name": k, "state": "active", "vocabulary_id": J::Null }))
        .collect();
    let groups: Vec<J> = m
        .themes
        .iter()
        .filter_map(|c| Theme::by_code(c))
        .map(|t| group_dict(t, None))
        .collect();
    let resources: Vec<J> = p
        .resources
        .iter()
        .map(|i| resource_dict(p, i, ready))
        .collect();
    json!({
        "id": d.id.to_string(),
        "name": d.slug,
        "title": m.title,
        "notes": m.description,
        "type": "dataset",
        "state": state_of(d),
        "private": d.is_private,
        "url": p.page_url(base),
        "license_id": licence.map(|l| l.ckan_id).unwrap_or("notspecified"),
        "license_title": licence.map(|l| l.label_es),
        "license_url": licence.and_then(|l| l.uri),
        "isopen": licence.is_some_and(|l| l.is_open),
        "metadata_created": ckan_time(&d.created_at),
        "metadata_modified": ckan_time(p.modified()),
        "owner_org": p.body.id.to_string(),
        "organization": organization_dict(base, &p.body, None),
        "author": p.body.name,
        "author_email": J::Null,
        "maintainer": m.contact_name,
        "maintainer_email": m.contact_email,
        "version": J::Null,
        "tags": tags,
        "num_tags": m.keywords.len(),
        "groups": groups,
        "resources": resources,
        "num_resources": p.resources.len(),
        "extras": extras,
        "relationships_as_object": [],
        "relationships_as_subject": [],
    })
}

// ------------------------------------------------------------ visibility

fn is_insider(ctx: &Ctx, body_id: i64) -> bool {
    ctx.actor.is_insider_of(body_id)
}

/// The dataset named by `id`/`name_or_id`/`name` if this caller may see it.
async fn visible_dataset(ctx: &Ctx, p: &Params, key: &str) -> Result<Option<Dataset>, Error> {
    let Some(id) = p
        .str(key)
        .or_else(|| p.str("name_or_id"))
        .or_else(|| p.str("name"))
    else {
        return Ok(None);
    };
    let found = model::find(&ctx.state.db, &id).await?;
    Ok(found.filter(|d| d.is_public() || is_insider(ctx, d.body_id)))
}

async fn full_package(ctx: &Ctx, d: Dataset) -> Result<Option<J>, Error> {
    let base = ctx.state.config.public_url();
    let Some(pkg) = model::package(&ctx.state.db, &base, d).await? else {
        return Ok(None);
    };
    let ready = datastore_ready(ctx, std::slice::from_ref(&pkg)).await?;
    Ok(Some(package_dict(&base, &pkg, &ready)))
}

// ------------------------------------------------------------ reads

async fn status_show(ctx: Ctx) -> Result<Response, Error> {
    ok(
        &ctx,
        json!({
            "site_title": ctx.t("site-name"),
            "site_description": ctx.t("site-tagline"),
            "site_url": ctx.state.config.public_url(),
            "ckan_version": "2.10.0",
            "apertura_version": env!("CARGO_PKG_VERSION"),
            "error_emails_to": J::Null,
            "locale_default": "es_MX",
            "extensions": ["datastore", "dcat", "apertura"],
        }),
    )
}

async fn site_read(ctx: Ctx) -> Result<Response, Error> {
    ok(&ctx, J::Bool(true))
}

async fn package_list(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let (limit, offset) = match paging(&ctx, &p, MAX_LIST) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let (ids, _) = cstore::public_dataset_ids(&ctx.state.db, limit, offset).await?;
    let mut names: Vec<String> = cstore::datasets_by_ids(&ctx.state.db, &ids)
        .await?
        .into_iter()
        .map(|d| d.slug)
        .collect();
    names.sort();
    ok(&ctx, J::from(names))
}

async fn package_show(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    if p.str("id").or_else(|| p.str("name_or_id")).is_none() {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique id (o name) del conjunto.",
        ));
    }
    let Some(d) = visible_dataset(&ctx, &p, "id").await? else {
        return Ok(not_found(&ctx, "conjunto de datos"));
    };
    match full_package(&ctx, d).await? {
        Some(j) => ok(&ctx, j),
        None => Ok(not_found(&ctx, "conjunto de datos")),
    }
}

async fn package_search(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let query = if req.method() == Method::GET {
        let q = req.uri().query().unwrap_or_default().to_string();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
            .into_owned()
            .collect();
        search::ckan::parse_package_search(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    } else {
        match params(req).await {
            Ok(p) => search::ckan::parse_package_search_json(&J::Object(p.0)),
            Err(ParamsError::NotJson) => Err(search::ckan::ParamError::Body),
            Err(e) => return Ok(params_error(&ctx, e)),
        }
    };
    let query = match query {
        Ok(q) => q,
        Err(e) => {
            let body = json!({
                "help": help(&ctx, "package_search"),
                "success": false,
                "error": { "__type": "Validation Error", "message": e.to_string() },
            });
            return Ok((StatusCode::CONFLICT, axum::Json(body)).into_response());
        }
    };
    let found = search::http::index(&ctx)?
        .search(&query)
        .await
        .map_err(search::http::unavailable)?;
    let mut facets = Map::new();
    let mut search_facets = Map::new();
    for (key, counts) in &found.facets {
        let field = search::ckan::ckan_field(key);
        let values: Vec<String> = counts.iter().map(|c| c.value.clone()).collect();
        let names = search::http::labels(&ctx, key, &values).await?;
        let mut plain = Map::new();
        let mut items = vec![];
        for c in counts {
            plain.insert(c.value.clone(), J::from(c.count));
            items.push(json!({
                "name": c.value,
                "display_name": names.get(&c.value).unwrap_or(&c.value),
                "count": c.count,
            }));
        }
        facets.insert(field.to_string(), J::Object(plain));
        search_facets.insert(field.to_string(), json!({ "title": field, "items": items }));
    }
    // Full package dicts, in the order found (the index may briefly lag
    // behind an unpublication: such a hit is left out).
    let ids: Vec<i64> = found
        .hits
        .iter()
        .filter_map(|h| h.id.parse().ok())
        .collect();
    let base = ctx.state.config.public_url();
    let packages = model::public_by_ids(&ctx.state.db, &base, &ids).await?;
    let ready = datastore_ready(&ctx, &packages).await?;
    let results: Vec<J> = packages
        .iter()
        .map(|p| package_dict(&base, p, &ready))
        .collect();
    ok(
        &ctx,
        json!({
            "count": found.total,
            "sort": ckan_sort(query.sort),
            "facets": facets,
            "search_facets": search_facets,
            "results": results,
        }),
    )
}

fn ckan_sort(s: search::Sort) -> &'static str {
    match s {
        search::Sort::Relevance => "score desc, metadata_modified desc",
        search::Sort::Newest => "metadata_modified desc",
        search::Sort::MostDownloaded => "downloads desc",
        search::Sort::Title => "title_string asc",
    }
}

async fn organization_list(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let (limit, offset) = match paging(&ctx, &p, MAX_LIST) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let all_fields = match flag(&ctx, &p, "all_fields") {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let counts = cstore::public_counts_by_body(&ctx.state.db).await?;
    let mut bodies = directory::store::all_bodies(&ctx.state.db).await?;
    let by_count = p
        .str("sort")
        .is_some_and(|s| s.starts_with("package_count"));
    if by_count {
        bodies.sort_by_key(|b| std::cmp::Reverse(counts.get(&b.id).copied().unwrap_or(0)));
    } else {
        bodies.sort_by(|a, b| a.slug.cmp(&b.slug));
    }
    let base = ctx.state.config.public_url();
    let page = bodies
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0));
    let out: Vec<J> = if all_fields {
        page.map(|b| organization_dict(&base, b, Some(counts.get(&b.id).copied().unwrap_or(0))))
            .collect()
    } else {
        page.map(|b| J::from(b.slug.clone())).collect()
    };
    ok(&ctx, J::from(out))
}

async fn organization_show(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let Some(id) = p.str("id") else {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique id (o name) del sujeto obligado.",
        ));
    };
    let include = match flag(&ctx, &p, "include_datasets") {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let bodies = directory::store::all_bodies(&ctx.state.db).await?;
    let Some(b) = bodies
        .iter()
        .find(|b| b.slug == id || b.id.to_string() == id)
    else {
        return Ok(not_found(&ctx, "sujeto obligado"));
    };
    let base = ctx.state.config.public_url();
    let counts = cstore::public_counts_by_body(&ctx.state.db).await?;
    let mut o = organization_dict(&base, b, Some(counts.get(&b.id).copied().unwrap_or(0)));
    let mut conn = ctx.state.db.pool().acquire().await?;
    let profile = directory::store::body_profile_by_slug(&mut conn, &b.slug).await?;
    drop(conn);
    if let Some(profile) = profile {
        o["description"] = J::from(profile.description.unwrap_or_default());
    }
    if include {
        let pkgs = model::public_of_body(&ctx.state.db, &base, b.id, 1000).await?;
        let ready = datastore_ready(&ctx, &pkgs).await?;
        o["packages"] = J::from(
            pkgs.iter()
                .map(|p| package_dict(&base, p, &ready))
                .collect::<Vec<_>>(),
        );
    }
    ok(&ctx, o)
}

async fn group_list(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let all_fields = match flag(&ctx, &p, "all_fields") {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let (limit, offset) = match paging(&ctx, &p, MAX_LIST) {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let counts = cstore::public_theme_counts(&ctx.state.db).await?;
    let page = Theme::all()
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(0));
    let out: Vec<J> = if all_fields {
        page.map(|t| group_dict(t, Some(counts.get(t.code).copied().unwrap_or(0))))
            .collect()
    } else {
        page.map(|t| J::from(t.code.to_lowercase())).collect()
    };
    ok(&ctx, J::from(out))
}

async fn group_show(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let Some(id) = p.str("id") else {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique el id del grupo (tema), p. ej. econ.",
        ));
    };
    let Some(t) = Theme::by_code(&id.to_uppercase()) else {
        return Ok(not_found(&ctx, "grupo"));
    };
    let counts = cstore::public_theme_counts(&ctx.state.db).await?;
    ok(
        &ctx,
        group_dict(t, Some(counts.get(t.code).copied().unwrap_or(0))),
    )
}

async fn tag_list(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let all_fields = match flag(&ctx, &p, "all_fields") {
        Ok(v) => v,
        Err(r) => return Ok(r),
    };
    let query = p.str("query").map(|q| kernel::text::fold(&q));
    let tags: Vec<String> = cstore::public_keywords(&ctx.state.db)
        .await?
        .into_iter()
        .filter(|t| {
            query
                .as_deref()
                .is_none_or(|q| kernel::text::fold(t).contains(q))
        })
        .collect();
    let out: Vec<J> = tags
        .into_iter()
        .map(|t| {
            if all_fields {
                json!({ "id": t, "name": t, "display_name": t, "vocabulary_id": J::Null })
            } else {
                J::from(t)
            }
        })
        .collect();
    ok(&ctx, J::from(out))
}

async fn license_list(ctx: Ctx) -> Result<Response, Error> {
    let out: Vec<J> = Licence::all()
        .iter()
        .map(|l| {
            json!({
                "id": l.ckan_id,
                "title": l.label_es,
                "title_en": l.label_en,
                "url": l.uri.unwrap_or_default(),
                "is_okd_compliant": l.is_open,
                "od_conformance": if l.is_open { "approved" } else { "not reviewed" },
                "status": "active",
            })
        })
        .collect();
    ok(&ctx, J::from(out))
}

/// The resource named by `id` and its dataset, if this caller may see them.
async fn visible_resource(
    ctx: &Ctx,
    p: &Params,
) -> Result<Option<(Dataset, cstore::Resource)>, Error> {
    let Some(id) = p.str("id").and_then(|i| i.parse::<i64>().ok()) else {
        return Ok(None);
    };
    let Some(r) = cstore::resource_by_id(&ctx.state.db, id).await? else {
        return Ok(None);
    };
    let d = cstore::datasets_by_ids(&ctx.state.db, &[r.dataset_id])
        .await?
        .into_iter()
        .next()
        .filter(|d| d.is_public() || is_insider(ctx, d.body_id));
    Ok(d.map(|d| (d, r)))
}

async fn resource_json(ctx: &Ctx, d: Dataset, resource_id: i64) -> Result<Option<J>, Error> {
    let base = ctx.state.config.public_url();
    let Some(pkg) = model::package(&ctx.state.db, &base, d).await? else {
        return Ok(None);
    };
    let ready = datastore_ready(ctx, std::slice::from_ref(&pkg)).await?;
    Ok(pkg
        .resources
        .iter()
        .find(|i| i.resource.id == resource_id)
        .map(|i| resource_dict(&pkg, i, &ready)))
}

async fn resource_show(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    if p.str("id").is_none() {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique el id del recurso.",
        ));
    }
    let Some((d, r)) = visible_resource(&ctx, &p).await? else {
        return Ok(not_found(&ctx, "recurso"));
    };
    match resource_json(&ctx, d, r.id).await? {
        Some(j) => ok(&ctx, j),
        None => Ok(not_found(&ctx, "recurso")),
    }
}

// ------------------------------------------------------------ writes

/// What a write asks for a dataset, in CKAN's terms, read into the
/// catalog's form fields.
struct PackageInput {
    pairs: Vec<(String, String)>,
    name: Option<String>,
    owner_org: Option<String>,
    private: Option<bool>,
    state: Option<String>,
    resources: Option<Vec<ResourceInput>>,
    problems: Vec<(String, String)>,
}

#[derive(Debug, Clone)]
struct ResourceInput {
    id: Option<i64>,
    name: String,
    description: String,
    url: String,
}

/// CKAN field ← the catalog's form field (for error messages).
fn ckan_field(form_field: &str) -> &str {
    match form_field {
        "description" => "notes",
        "themes" => "groups",
        "keywords" => "tags",
        "licence" => "license_id",
        "contact_name" => "maintainer",
        "contact_email" => "maintainer_email",
        other => other,
    }
}

fn names_of(v: Option<&J>) -> Vec<String> {
    match v {
        Some(J::Array(items)) => items
            .iter()
            .filter_map(|i| match i {
                J::String(s) => Some(s.clone()),
                J::Object(o) => o
                    .get("name")
                    .or_else(|| o.get("id"))
                    .and_then(J::as_str)
                    .map(str::to_string),
                _ => None,
            })
            .collect(),
        Some(J::String(s)) => s.split(',').map(|x| x.trim().to_string()).collect(),
        _ => vec![],
    }
}

fn read_package_input(p: &Params) -> PackageInput {
    let mut pairs: Vec<(String, String)> = vec![];
    let mut problems = vec![];
    let mut push = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            pairs.push((k.to_string(), v));
        }
    };
    let name = p.str("name");
    push("title", p.str("title").or_else(|| name.clone()));
    push("description", p.str("notes"));
    let mut keywords = names_of(p.get("tags"));
    if let Some(ts) = p.str("tag_string") {
        keywords.extend(ts.split(',').map(|t| t.trim().to_string()));
    }
    push("keywords", Some(keywords.join(",")));
    for g in names_of(p.get("groups")) {
        push("themes", Some(g.to_uppercase()));
    }
    if let Some(l) = p.str("license_id") {
        match catalog::domain::vocab::licence_from_ckan_id(&l) {
            Some(lic) => push("licence", Some(lic.code.to_string())),
            None => problems.push((
                "license_id".to_string(),
                format!("Licencia desconocida: «{l}». Consulte license_list para las admitidas."),
            )),
        }
    }
    push(
        "contact_name",
        p.str("maintainer").or_else(|| p.str("author")),
    );
    push(
        "contact_email",
        p.str("maintainer_email").or_else(|| p.str("author_email")),
    );
    // Extras: top-level keys or CKAN's key/value list.
    let mut extras: HashMap<String, String> = HashMap::new();
    if let Some(J::Array(list)) = p.get("extras") {
        for e in list {
            if let (Some(k), Some(v)) = (
                e.get("key").and_then(J::as_str),
                e.get("value").map(|v| match v {
                    J::String(s) => s.clone(),
                    other => other.to_string(),
                }),
            ) {
                extras.insert(k.to_string(), v);
            }
        }
    }
    for k in [
        "frequency",
        "temporal_start",
        "temporal_end",
        "spatial",
        "language",
        "version_notes",
    ] {
        push(k, p.str(k).or_else(|| extras.get(k).cloned()));
    }
    let resources = match p.get("resources") {
        Some(J::Array(list)) => Some(
            list.iter()
                .map(|r| {
                    let s = |k: &str| {
                        r.get(k)
                            .and_then(J::as_str)
                            .unwrap_or_default()
                            .trim()
                            .to_string()
                    };
                    ResourceInput {
                        id: r.get("id").and_then(|v| match v {
                            J::String(s) => s.parse().ok(),
                            J::Number(n) => n.as_i64(),
                            _ => None,
                        }),
                        name: s("name"),
                        description: s("description"),
                        url: s("url"),
                    }
                })
                .collect(),
        ),
        _ => None,
    };
    let private = p.bool("private").unwrap_or_else(|v| {
        problems.push((
            "private".to_string(),
            format!("Debe ser true o false (se recibió «{v}»)."),
        ));
        None
    });
    PackageInput {
        pairs,
        name,
        owner_org: p.str("owner_org"),
        private,
        state: p.str("state"),
        resources,
        problems,
    }
}

/// A dataset name as CKAN allows it: 2–100 of a–z, 0–9, `-`, `_`.
pub fn valid_name(name: &str) -> bool {
    (2..=100).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The metadata the input describes, checked by the catalog's own rules.
async fn metadata(
    ctx: &Ctx,
    input: &PackageInput,
) -> Result<Result<Metadata, Vec<(String, String)>>, Error> {
    let munis: Vec<String> = directory::store::municipalities(&ctx.state.db)
        .await?
        .into_iter()
        .map(|m| m.cvegeo)
        .collect();
    let themes: Vec<&str> = Theme::all().iter().map(|t| t.code).collect();
    let licences: Vec<&str> = Licence::all().iter().map(|l| l.code).collect();
    let frequencies: Vec<&str> = Frequency::all().iter().map(|f| f.code).collect();
    let known = catalog::domain::dataset::Known {
        themes: &themes,
        licences: &licences,
        frequencies: &frequencies,
        municipalities: &munis,
    };
    let mut problems = input.problems.clone();
    let meta = match catalog::domain::dataset::parse(&input.pairs, &known) {
        Ok(m) => Some(m),
        Err((_, errors)) => {
            for (field, key) in errors {
                problems.push((ckan_field(field).to_string(), ctx.t(key)));
            }
            None
        }
    };
    Ok(match meta {
        Some(m) if problems.is_empty() => Ok(m),
        _ => Err(problems),
    })
}

/// The body a new dataset belongs to: `owner_org` (slug or id), or the
/// caller's only body.
async fn owner(ctx: &Ctx, owner_org: Option<&str>) -> Result<Result<i64, String>, Error> {
    let bodies = cstore::publishable_bodies(&ctx.state.db, &ctx.actor).await?;
    match owner_org {
        Some(o) => {
            let all = directory::store::all_bodies(&ctx.state.db).await?;
            let Some(b) = all.iter().find(|b| b.slug == o || b.id.to_string() == o) else {
                return Ok(Err(format!("No existe el sujeto obligado «{o}».")));
            };
            if bodies.iter().any(|x| x.id == b.id) {
                Ok(Ok(b.id))
            } else {
                Err(Error::forbidden())
            }
        }
        None if bodies.len() == 1 => Ok(Ok(bodies[0].id)),
        None => Ok(Err(
            "Falta el valor: indique owner_org (el sujeto obligado que publica).".to_string(),
        )),
    }
}

async fn package_create(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    let input = read_package_input(&p);
    let mut problems = vec![];
    if let Some(n) = &input.name {
        if !valid_name(n) {
            problems.push((
                "name".to_string(),
                "Debe tener de 2 a 100 caracteres: minúsculas sin acentos, números, - o _."
                    .to_string(),
            ));
        }
    }
    let body_id = match owner(&ctx, input.owner_org.as_deref()).await? {
        Ok(id) => Some(id),
        Err(m) => {
            problems.push(("owner_org".to_string(), m));
            None
        }
    };
    let meta = match metadata(&ctx, &input).await? {
        Ok(m) => Some(m),
        Err(mut more) => {
            problems.append(&mut more);
            None
        }
    };
    let links = match check_links(input.resources.as_deref().unwrap_or_default()) {
        Ok(l) => l,
        Err(mut more) => {
            problems.append(&mut more);
            vec![]
        }
    };
    let (Some(body_id), Some(meta)) = (body_id, meta) else {
        return Ok(invalid(&ctx, problems));
    };
    if !problems.is_empty() {
        return Ok(invalid(&ctx, problems));
    }
    ctx.authorize(&EDIT, Subject::Body(body_id))?;
    let mut tx = ctx.state.db.begin().await?;
    let slug = match &input.name {
        Some(n) => {
            if cstore::slug_taken(&mut tx, n).await? {
                drop(tx);
                return Ok(invalid_one(&ctx, "name", "Esa URL ya está en uso."));
            }
            n.clone()
        }
        None => {
            let base = catalog::domain::dataset::slug_for(&meta.title, |_| false);
            cstore::free_dataset_slug(&mut tx, &base).await?
        }
    };
    let private = input.private.unwrap_or(false);
    let id = cstore::create_dataset(&mut tx, &ctx.actor, &slug, body_id, &meta, private).await?;
    for l in &links {
        add_link(&ctx, &mut tx, id, l).await?;
    }
    let d = dataset_in(&mut tx, id).await?;
    if input.state.as_deref().unwrap_or("active") == "active" && !private {
        catalog::http::datasets::make_public(&ctx, &mut tx, &d).await?;
    }
    catalog::search::changed_with_resources(&mut tx, &ctx.state, id).await?;
    tx.commit().await?;
    respond_package(&ctx, id).await
}

async fn dataset_in(conn: &mut kernel::db::AnyConnection, id: i64) -> Result<Dataset, Error> {
    cstore::dataset_by_id(conn, id)
        .await?
        .ok_or_else(Error::not_found)
}

async fn respond_package(ctx: &Ctx, id: i64) -> Result<Response, Error> {
    let d = cstore::datasets_by_ids(&ctx.state.db, &[id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(Error::not_found)?;
    match full_package(ctx, d).await? {
        Some(j) => ok(ctx, j),
        None => Ok(not_found(ctx, "conjunto de datos")),
    }
}

/// Links given inline (CKAN `resources` with `url`), checked.
fn check_links(list: &[ResourceInput]) -> Result<Vec<ResourceInput>, Vec<(String, String)>> {
    let mut problems = vec![];
    let mut out = vec![];
    for (n, r) in list.iter().enumerate() {
        let mut values = NewValues {
            name: r.name.clone(),
            description: r.description.clone(),
            url: r.url.clone(),
        };
        if values.name.is_empty() {
            values.name = r
                .url
                .rsplit('/')
                .find(|s| !s.is_empty())
                .unwrap_or_default()
                .to_string();
        }
        if r.id.is_none() && r.url.is_empty() {
            problems.push((
                "resources".to_string(),
                format!(
                    "Recurso {}: falta url (los archivos se suben con resource_create).",
                    n + 1
                ),
            ));
            continue;
        }
        for (field, problem) in values.problems() {
            problems.push((
                "resources".to_string(),
                format!("Recurso {}: {field} no es válido ({}).", n + 1, problem.key),
            ));
        }
        out.push(ResourceInput {
            id: r.id,
            name: values.name,
            description: values.description,
            url: values.url,
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

async fn add_link(
    ctx: &Ctx,
    conn: &mut kernel::db::AnyConnection,
    dataset_id: i64,
    l: &ResourceInput,
) -> Result<i64, Error> {
    let link = catalog::http::resources::parse_link(&l.url)
        .ok_or_else(|| Error::bad_request("error-bad-request"))?;
    let slug = catalog::http::resources::free_resource_slug(conn, dataset_id, &l.name).await?;
    Ok(cstore::create_resource(
        conn,
        &ctx.actor,
        dataset_id,
        &slug,
        &l.name,
        &l.description,
        Some(&link),
    )
    .await?)
}

/// The dataset a write names, if the caller may write it.
async fn writable(ctx: &Ctx, p: &Params) -> Result<Result<Dataset, Response>, Error> {
    if p.str("id")
        .or_else(|| p.str("name_or_id"))
        .or_else(|| p.str("name"))
        .is_none()
    {
        return Ok(Err(invalid_one(
            ctx,
            "id",
            "Falta el valor: indique id (o name) del conjunto.",
        )));
    }
    let Some(d) = visible_dataset(ctx, p, "id").await? else {
        return Ok(Err(not_found(ctx, "conjunto de datos")));
    };
    ctx.authorize(&EDIT, Subject::Body(d.body_id))?;
    if d.deleted_at.is_some() {
        return Ok(Err(invalid_one(
            ctx,
            "state",
            "El conjunto está eliminado; un administrador puede restaurarlo.",
        )));
    }
    Ok(Ok(d))
}

/// The dataset as CKAN input (to patch): what package_update would need to
/// leave it as it is.
fn current_input(d: &Dataset) -> Map<String, J> {
    let m = &d.meta;
    let mut out = Map::new();
    out.insert("name".into(), J::from(d.slug.clone()));
    out.insert("title".into(), J::from(m.title.clone()));
    out.insert("notes".into(), J::from(m.description.clone()));
    out.insert("tags".into(), J::from(m.keywords.clone()));
    out.insert(
        "groups".into(),
        J::from(
            m.themes
                .iter()
                .map(|t| t.to_lowercase())
                .collect::<Vec<_>>(),
        ),
    );
    if let Some(l) = Licence::by_code(&m.licence) {
        out.insert("license_id".into(), J::from(l.ckan_id));
    }
    out.insert("private".into(), J::from(d.is_private));
    for (k, v) in [
        ("maintainer", &m.contact_name),
        ("maintainer_email", &m.contact_email),
        ("frequency", &m.frequency),
        ("temporal_start", &m.temporal_start),
        ("temporal_end", &m.temporal_end),
        ("spatial", &m.spatial),
        ("version_notes", &m.version_notes),
    ] {
        if let Some(v) = v {
            out.insert(k.into(), J::from(v.clone()));
        }
    }
    out.insert("language".into(), J::from(m.language.clone()));
    out
}

async fn package_update(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    update(ctx, p, false).await
}

async fn package_patch(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    update(ctx, p, true).await
}

async fn update(ctx: Ctx, p: Params, patch: bool) -> Result<Response, Error> {
    let d = match writable(&ctx, &p).await? {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let p = if patch {
        let mut merged = current_input(&d);
        for (k, v) in p.0 {
            if k == "extras" {
                // Extras given replace those keys only.
                if let J::Array(list) = &v {
                    for e in list {
                        if let (Some(k), Some(v)) =
                            (e.get("key").and_then(J::as_str), e.get("value"))
                        {
                            merged.insert(k.to_string(), v.clone());
                        }
                    }
                }
                continue;
            }
            merged.insert(k, v);
        }
        Params(merged)
    } else {
        p
    };
    let input = read_package_input(&p);
    let mut problems = vec![];
    if let Some(n) = &input.name {
        if n != &d.slug && n != &d.id.to_string() {
            problems.push((
                "name".to_string(),
                format!(
                    "La dirección de un conjunto no cambia (es permanente): sigue siendo «{}».",
                    d.slug
                ),
            ));
        }
    }
    if let Some(o) = &input.owner_org {
        if o != &d.body_id.to_string()
            && directory::store::all_bodies(&ctx.state.db)
                .await?
                .iter()
                .find(|b| b.id == d.body_id)
                .is_none_or(|b| &b.slug != o)
        {
            problems.push((
                "owner_org".to_string(),
                "Un conjunto no cambia de sujeto obligado.".to_string(),
            ));
        }
    }
    let meta = match metadata(&ctx, &input).await? {
        Ok(m) => Some(m),
        Err(mut more) => {
            problems.append(&mut more);
            None
        }
    };
    let resources = match &input.resources {
        Some(list) => match check_links(list) {
            Ok(l) => Some(l),
            Err(mut more) => {
                problems.append(&mut more);
                None
            }
        },
        None => None,
    };
    let Some(meta) = meta.filter(|_| problems.is_empty()) else {
        return Ok(invalid(&ctx, problems));
    };
    let current = cstore::resources_of(&ctx.state.db, d.id).await?;
    if let Some(list) = &resources {
        if let Some(bad) = list
            .iter()
            .filter_map(|r| r.id)
            .find(|id| !current.iter().any(|c| c.id == *id))
        {
            return Ok(invalid_one(
                &ctx,
                "resources",
                format!("El recurso {bad} no es de este conjunto."),
            ));
        }
    }
    let mut tx = ctx.state.db.begin().await?;
    if meta != d.meta {
        cstore::update_metadata(&mut tx, &ctx.actor, d.id, &meta).await?;
    }
    if let Some(private) = input.private {
        if private != d.is_private {
            cstore::set_private(&mut tx, &ctx.actor, d.id, private).await?;
        }
    }
    if let Some(list) = &resources {
        for c in &current {
            match list.iter().find(|r| r.id == Some(c.id)) {
                Some(r) => {
                    let link = (c.kind == "link")
                        .then(|| catalog::http::resources::parse_link(&r.url))
                        .flatten();
                    let url = link.as_deref().or(c.url.as_deref());
                    if r.name != c.name || r.description != c.description || url != c.url.as_deref()
                    {
                        cstore::update_resource(
                            &mut tx,
                            &ctx.actor,
                            c.id,
                            &r.name,
                            &r.description,
                            url,
                        )
                        .await?;
                    }
                }
                None => cstore::delete_resource(&mut tx, &ctx.actor, c.id).await?,
            }
        }
        for r in list.iter().filter(|r| r.id.is_none()) {
            add_link(&ctx, &mut tx, d.id, r).await?;
        }
    }
    let now = dataset_in(&mut tx, d.id).await?;
    match input.state.as_deref() {
        Some("active") if !now.is_private => {
            catalog::http::datasets::make_public(&ctx, &mut tx, &now).await?;
        }
        Some("draft") if now.status() == catalog::domain::workflow::Status::Published => {
            cstore::set_status(
                &mut tx,
                &ctx.actor,
                d.id,
                now.status(),
                catalog::domain::workflow::Status::Unpublished,
                None,
            )
            .await?;
        }
        _ => {}
    }
    catalog::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
    tx.commit().await?;
    respond_package(&ctx, d.id).await
}

async fn package_delete(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    if p.str("id").is_none() {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique id (o name) del conjunto.",
        ));
    }
    let Some(d) = visible_dataset(&ctx, &p, "id").await? else {
        return Ok(not_found(&ctx, "conjunto de datos"));
    };
    ctx.authorize(&DELETE, Subject::Body(d.body_id))?;
    if d.deleted_at.is_none() {
        let mut tx = ctx.state.db.begin().await?;
        cstore::set_deleted(&mut tx, &ctx.actor, d.id, true).await?;
        catalog::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
        tx.commit().await?;
    }
    ok(&ctx, J::Null)
}

fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
}

/// The Spanish sentence for a file that was not kept.
fn file_problem(ctx: &Ctx, file: &FilePart) -> Option<(StatusCode, String)> {
    match file {
        FilePart::Empty { filename } => Some((
            StatusCode::CONFLICT,
            format!("El archivo «{filename}» está vacío."),
        )),
        FilePart::TooLarge => Some((
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "El archivo pasa del límite de {}.",
                catalog::http::resources::human_size(ctx.state.config.max_upload_bytes)
            ),
        )),
        _ => None,
    }
}

fn upload_refused(ctx: &Ctx, status: StatusCode, message: String) -> Response {
    let body = json!({
        "help": help(ctx, &action_name(ctx)),
        "success": false,
        "error": { "__type": "Validation Error", "upload": [message] },
    });
    (status, axum::Json(body)).into_response()
}

/// Reads a resource call: a multipart form (fields and the `upload` file,
/// streamed to the file store) or JSON. `keep` decides from the fields read
/// before the file whether the file is worth storing.
async fn resource_call(
    ctx: &Ctx,
    req: Request,
    keep: impl Fn(&HashMap<String, String>) -> bool,
) -> Result<Result<(Params, FilePart), Response>, Error> {
    if is_multipart(&req) {
        let received = catalog::http::resources::receive(ctx, req, "upload", keep).await?;
        let mut m = Map::new();
        for (k, v) in received.fields {
            m.insert(k, J::from(v));
        }
        Ok(Ok((Params(m), received.file)))
    } else {
        match params(req).await {
            Ok(p) => Ok(Ok((p, FilePart::Missing))),
            Err(e) => Ok(Err(params_error(ctx, e))),
        }
    }
}

async fn resource_create(ctx: Ctx, req: Request) -> Response {
    respond(resource_create_inner(&ctx, req).await)
}

fn respond(r: Result<Response, Error>) -> Response {
    match r {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn resource_create_inner(ctx: &Ctx, req: Request) -> Result<Response, Error> {
    // The dataset is named before the file in ckanapi's forms; check it and
    // the text fields before storing any byte.
    let (p, file) = match resource_call(ctx, req, |fields| {
        let mut v = NewValues::of(fields);
        if v.name.is_empty() {
            // Named after its file, then.
            v.name = "archivo".into();
        }
        // ckanapi sends `url` (empty, or the file's name) beside the upload.
        v.url.clear();
        v.problems().is_empty() && fields.contains_key("package_id")
    })
    .await?
    {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    let Some(pid) = p.str("package_id") else {
        return Ok(invalid_one(
            ctx,
            "package_id",
            "Falta el valor: indique package_id (el conjunto).",
        ));
    };
    let Some(d) = model::find(&ctx.state.db, &pid)
        .await?
        .filter(|d| d.is_public() || is_insider(ctx, d.body_id))
    else {
        return Ok(not_found(ctx, "conjunto de datos"));
    };
    ctx.authorize(&UPLOAD, Subject::Body(d.body_id))?;
    if d.deleted_at.is_some() {
        return Ok(invalid_one(
            ctx,
            "package_id",
            "El conjunto está eliminado.",
        ));
    }
    let mut values = NewValues {
        name: p.str("name").unwrap_or_default(),
        description: p.str("description").unwrap_or_default(),
        url: p.str("url").unwrap_or_default(),
    };
    if let FilePart::Stored { filename, .. } = &file {
        if values.name.is_empty() {
            values.name = filename.clone();
        }
        // ckanapi sends url="" (or the file name) with an upload.
        values.url.clear();
    } else if values.name.is_empty() {
        values.name = values
            .url
            .rsplit('/')
            .find(|s| !s.is_empty())
            .unwrap_or_default()
            .to_string();
    }
    if let Some((status, message)) = file_problem(ctx, &file) {
        return Ok(upload_refused(ctx, status, message));
    }
    let problems: Vec<(String, String)> = values
        .problems()
        .into_iter()
        .map(|(f, pr)| {
            let field = if f == "url" { "url" } else { f };
            (field.to_string(), problem_text(ctx, &pr))
        })
        .collect();
    if !problems.is_empty() {
        return Ok(invalid(ctx, problems));
    }
    let slug = match &file {
        FilePart::Stored {
            blob,
            filename,
            media_type,
            format,
        } => {
            let version = cstore::NewVersion {
                blob,
                media_type,
                format,
                filename,
                notes: None,
            };
            catalog::http::resources::save_new(ctx, &d, &values, None, Some(&version)).await?
        }
        _ => {
            if values.url.is_empty() {
                return Ok(invalid_one(
                    ctx,
                    "url",
                    "Falta el valor: envíe el archivo en el campo upload (multipart) o un enlace en url.",
                ));
            }
            let Some(link) = catalog::http::resources::parse_link(&values.url) else {
                return Ok(invalid_one(
                    ctx,
                    "url",
                    "El enlace debe ser una dirección http:// o https:// completa.",
                ));
            };
            catalog::http::resources::save_new(ctx, &d, &values, Some(&link), None).await?
        }
    };
    let r = cstore::resource_by_slug(&ctx.state.db, d.id, &slug)
        .await?
        .ok_or_else(Error::not_found)?;
    let d = cstore::datasets_by_ids(&ctx.state.db, &[d.id])
        .await?
        .into_iter()
        .next()
        .ok_or_else(Error::not_found)?;
    match resource_json(ctx, d, r.id).await? {
        Some(j) => ok(ctx, j),
        None => Ok(not_found(ctx, "recurso")),
    }
}

fn problem_text(ctx: &Ctx, p: &catalog::http::resources::Problem) -> String {
    let args = kernel::i18n::args(p.max.map(|m| ("max", m.to_string())));
    ctx.state.i18n.t_args(ctx.locale, p.key, &args)
}

async fn resource_update(ctx: Ctx, req: Request) -> Response {
    respond(resource_update_inner(&ctx, req).await)
}

async fn resource_update_inner(ctx: &Ctx, req: Request) -> Result<Response, Error> {
    let (p, file) = match resource_call(ctx, req, |fields| fields.contains_key("id")).await? {
        Ok(x) => x,
        Err(r) => return Ok(r),
    };
    if p.str("id").is_none() {
        return Ok(invalid_one(
            ctx,
            "id",
            "Falta el valor: indique el id del recurso.",
        ));
    }
    let Some((d, r)) = visible_resource(ctx, &p).await? else {
        return Ok(not_found(ctx, "recurso"));
    };
    ctx.authorize(&UPLOAD, Subject::Body(d.body_id))?;
    if let Some((status, message)) = file_problem(ctx, &file) {
        return Ok(upload_refused(ctx, status, message));
    }
    let values = NewValues {
        name: p.str("name").unwrap_or_else(|| r.name.clone()),
        description: p
            .get("description")
            .and_then(J::as_str)
            .map(|s| s.trim().to_string())
            .unwrap_or_else(|| r.description.clone()),
        url: if r.kind == "link" {
            p.str("url").or_else(|| r.url.clone()).unwrap_or_default()
        } else {
            String::new()
        },
    };
    let problems: Vec<(String, String)> = values
        .problems()
        .into_iter()
        .map(|(f, pr)| (f.to_string(), problem_text(ctx, &pr)))
        .collect();
    if !problems.is_empty() {
        return Ok(invalid(ctx, problems));
    }
    let notes = p
        .str("notes")
        .map(|n| n.chars().take(2000).collect::<String>());
    if let FilePart::Stored {
        blob,
        filename,
        media_type,
        format,
    } = &file
    {
        if r.kind != "file" {
            return Ok(upload_refused(
                ctx,
                StatusCode::CONFLICT,
                "Este recurso es un enlace: no tiene versiones de archivo.".to_string(),
            ));
        }
        let version = cstore::NewVersion {
            blob,
            media_type,
            format,
            filename,
            notes: notes.as_deref(),
        };
        catalog::http::resources::save_version(ctx, &d, &r, &version).await?;
    }
    let link = (r.kind == "link")
        .then(|| catalog::http::resources::parse_link(&values.url))
        .flatten();
    if values.name != r.name
        || values.description != r.description
        || link != r.url && r.kind == "link"
    {
        let mut tx = ctx.state.db.begin().await?;
        cstore::update_resource(
            &mut tx,
            &ctx.actor,
            r.id,
            &values.name,
            &values.description,
            link.as_deref().or(r.url.as_deref()),
        )
        .await?;
        catalog::search::changed(&mut tx, &ctx.state, d.id, Some(r.id)).await?;
        tx.commit().await?;
    }
    match resource_json(ctx, d, r.id).await? {
        Some(j) => ok(ctx, j),
        None => Ok(not_found(ctx, "recurso")),
    }
}

async fn resource_delete(ctx: Ctx, req: Request) -> Result<Response, Error> {
    let p = read_params!(ctx, req);
    if p.str("id").is_none() {
        return Ok(invalid_one(
            &ctx,
            "id",
            "Falta el valor: indique el id del recurso.",
        ));
    }
    let Some((d, r)) = visible_resource(&ctx, &p).await? else {
        return Ok(not_found(&ctx, "recurso"));
    };
    ctx.authorize(&UPLOAD, Subject::Body(d.body_id))?;
    let mut tx = ctx.state.db.begin().await?;
    cstore::delete_resource(&mut tx, &ctx.actor, r.id).await?;
    catalog::search::changed_with_resources(&mut tx, &ctx.state, d.id).await?;
    tx.commit().await?;
    ok(&ctx, J::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_arrive_as_strings_or_as_json() {
        let p = Params::from_pairs([("limit", "2"), ("all_fields", "True"), ("x", "")]);
        assert_eq!(p.int("limit"), Ok(Some(2)));
        assert_eq!(p.bool("all_fields"), Ok(Some(true)));
        assert_eq!(p.str("x"), None);
        let p = Params::from_json(br#"{"limit": 3, "all_fields": false, "id": 7}"#).unwrap();
        assert_eq!(p.int("limit"), Ok(Some(3)));
        assert_eq!(p.bool("all_fields"), Ok(Some(false)));
        assert_eq!(p.str("id").as_deref(), Some("7"));
        assert!(Params::from_pairs([("limit", "muchos")])
            .int("limit")
            .is_err());
        assert!(Params::from_pairs([("all_fields", "quizá")])
            .bool("all_fields")
            .is_err());
        assert!(Params::from_json(b"[1,2]").is_err());
        assert!(Params::from_json(b"{no").is_err());
        assert!(Params::from_json(b"  ").unwrap().0.is_empty());
    }

    #[test]
    fn dataset_names_follow_ckan() {
        assert!(valid_name("obra-publica_2024"));
        assert!(!valid_name("a"));
        assert!(!valid_name("Obra"));
        assert!(!valid_name("obra pública"));
        assert!(!valid_name(&"a".repeat(101)));
    }

    #[test]
    fn ckan_input_becomes_the_catalogs_form() {
        let p = Params::from_json(
            br#"{"name": "presupuesto", "title": "Presupuesto 2025", "notes": "Egresos",
                "tags": [{"name": "finanzas"}, "egresos"], "groups": [{"name": "econ"}],
                "license_id": "cc-by", "extras": [{"key": "frequency", "value": "annual"}],
                "private": "false"}"#,
        )
        .unwrap();
        let i = read_package_input(&p);
        let get = |k: &str| {
            i.pairs
                .iter()
                .filter(|(x, _)| x == k)
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
        };
        assert_eq!(get("title"), ["Presupuesto 2025"]);
        assert_eq!(get("description"), ["Egresos"]);
        assert_eq!(get("keywords"), ["finanzas,egresos"]);
        assert_eq!(get("themes"), ["ECON"]);
        assert_eq!(get("frequency"), ["annual"]);
        assert_eq!(i.private, Some(false));
        assert!(i.problems.is_empty());
        let bad = read_package_input(&Params::from_pairs([("license_id", "inventada")]));
        assert_eq!(bad.problems[0].0, "license_id");
    }
}
