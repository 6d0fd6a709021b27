//! Routes: CKAN's `datastore_search`, a load's progress as JSON (for the
//! progress bar), the validation report in Frictionless' shape, and the
//! fragment on a resource's page (state of the load, findings, a preview).

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use catalog::store::{Dataset, Resource};
use futures::StreamExt;
use kernel::authz::{Action, Rule};
use kernel::web::{Ctx, Fragment, Routes};
use kernel::Error;
use minijinja::context;
use serde_json::{json, Map, Value as J};

use crate::datastore::Datastore;
use crate::query::{self, RecordsFormat};
use crate::store::{self, Ingest, Status};

pub static QUERY: Action = Action::read("ingest.datastore.query", Rule::Anyone);
pub static VIEW: Action = Action::read("ingest.view", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/3/action/datastore_search", &QUERY, datastore_search)
        .post("/api/3/action/datastore_search", &QUERY, datastore_search)
        // CKAN answers at both addresses (the `ckanapi` client calls this one).
        .get("/api/action/datastore_search", &QUERY, datastore_search)
        .post("/api/action/datastore_search", &QUERY, datastore_search)
        .get(
            "/api/action/datastore_search_sql",
            &QUERY,
            datastore_search_sql,
        )
        .post(
            "/api/action/datastore_search_sql",
            &QUERY,
            datastore_search_sql,
        )
        .get(
            "/api/3/action/datastore_search_sql",
            &QUERY,
            datastore_search_sql,
        )
        .post(
            "/api/3/action/datastore_search_sql",
            &QUERY,
            datastore_search_sql,
        )
        .get(
            "/datos/{slug}/recursos/{resource}/carga.json",
            &VIEW,
            progress,
        )
        .get(
            "/datos/{slug}/recursos/{resource}/validacion.json",
            &VIEW,
            report,
        )
        .get(
            "/datos/{slug}/recursos/{resource}/esquema.json",
            &VIEW,
            table_schema,
        )
        .get("/datos/{slug}/recursos/{resource}/tabla", &VIEW, table_page)
        .get(
            "/datos/{slug}/recursos/{resource}/exportar.csv",
            &VIEW,
            export_csv,
        )
        .get(
            "/datos/{slug}/recursos/{resource}/exportar.json",
            &VIEW,
            export_json,
        )
}

/// Rows per page of the table page.
const PAGE_ROWS: u64 = 50;

/// What a visitor chose on the table page (its query string): free text,
/// one column filter, a sort, a page.
#[derive(Debug, Clone, Default)]
struct Choices {
    q: String,
    column: String,
    value: String,
    sort: String,
    dir: String,
    page: u64,
}

impl Choices {
    fn from_query(query: &str) -> Choices {
        let get = |k: &str| -> String {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_default()
        };
        Choices {
            q: get("q"),
            column: get("columna"),
            value: get("valor"),
            sort: get("orden"),
            dir: get("dir"),
            page: get("pagina").parse().unwrap_or(1).max(1),
        }
    }

    /// The same choices as `datastore_search` parameters (no paging).
    fn params(&self) -> Map<String, J> {
        let mut params = Map::new();
        if !self.q.is_empty() {
            params.insert("q".into(), J::from(self.q.clone()));
        }
        if !self.column.is_empty() {
            params.insert(
                "filters".into(),
                json!({ self.column.clone(): self.value.clone() }),
            );
        }
        if !self.sort.is_empty() {
            let direction = if self.dir == "desc" { "desc" } else { "asc" };
            params.insert("sort".into(), J::from(format!("{} {direction}", self.sort)));
        }
        params
    }

    /// The query string that keeps these choices (for export links).
    fn query_string(&self) -> String {
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("q", &self.q),
            ("columna", &self.column),
            ("valor", &self.value),
            ("orden", &self.sort),
            ("dir", &self.dir),
        ] {
            if !v.is_empty() {
                out.append_pair(k, v);
            }
        }
        out.finish()
    }
}

/// Rows fetched at a time by an export.
const EXPORT_CHUNK: u32 = 5_000;

/// The table page's result, whole, as CSV (for spreadsheets: UTF-8 with a
/// byte-order mark, formulas defused) or JSON, streamed a chunk at a time.
async fn export(
    ctx: Ctx,
    slug: String,
    resource: String,
    json_format: bool,
) -> Result<Response, Error> {
    let (d, r) = resource_in(&ctx, &slug, &resource).await?;
    let Some(ingest) = serving(&ctx, &d, r.id).await? else {
        return Err(Error::user(StatusCode::NOT_FOUND, "ingest-table-not-ready"));
    };
    count_call(&ctx, &[r.id]);
    let Some(ds) = ctx.state.service::<Datastore>().cloned() else {
        return Err(Error::unavailable());
    };
    let mut params = Choices::from_query(&ctx.query).params();
    params.insert("limit".into(), J::from(EXPORT_CHUNK));
    params.insert("include_total".into(), J::Bool(false));
    let q = match query::parse(&params, &ingest.columns) {
        Ok(q) => q,
        Err(e) => {
            return Err(
                Error::user(StatusCode::BAD_REQUEST, "ingest-export-bad-choice")
                    .arg("message", e.message),
            )
        }
    };
    let columns = ingest.columns.clone();
    let names: Vec<String> = columns.iter().map(|c| c.name.clone()).collect();
    let version_id = ingest.version_id;
    let head: Bytes = if json_format {
        Bytes::from_static(b"[")
    } else {
        let mut w = csv_writer(false);
        let _ = w.write_record(
            names
                .iter()
                .map(|n| tabular::neutralize_formula(n).into_owned()),
        );
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend(w.into_inner().unwrap_or_default());
        Bytes::from(bytes)
    };
    // Unsorted exports walk `_id` (fast at any depth); sorted ones page by offset.
    let stream = futures::stream::unfold((Some(q), true), move |(state, first_chunk)| {
        let ds = ds.clone();
        let columns = columns.clone();
        let names = names.clone();
        async move {
            let mut q = state?;
            let found = match ds.search(version_id, &columns, &q).await {
                Ok(f) => f,
                Err(e) => {
                    tracing::error!(error = %e, "export stopped");
                    return Some((Err(std::io::Error::other(e.to_string())), (None, false)));
                }
            };
            let n = found.records.len();
            let last_id = found
                .records
                .last()
                .and_then(|r| r.first())
                .and_then(J::as_i64);
            let mut out = Vec::with_capacity(n * 64);
            if json_format {
                for (i, row) in found.records.into_iter().enumerate() {
                    if !(first_chunk && i == 0) {
                        out.push(b',');
                    }
                    let obj: Map<String, J> = names
                        .iter()
                        .zip(row.into_iter().skip(1))
                        .map(|(k, v)| (k.clone(), v))
                        .collect();
                    out.extend(serde_json::to_vec(&J::Object(obj)).unwrap_or_default());
                }
            } else {
                out.extend(delimited_rows(&found.records, false).into_bytes());
            }
            let done = n < EXPORT_CHUNK as usize;
            if done && json_format {
                out.push(b']');
            }
            let next = if done {
                None
            } else {
                if q.sort.is_empty() {
                    q.after_id = last_id;
                } else {
                    q.offset += u64::from(q.limit);
                }
                Some(q)
            };
            let first_after = first_chunk && n == 0;
            Some((
                Ok::<_, std::io::Error>(Bytes::from(out)),
                (next, first_after),
            ))
        }
    });
    let body = futures::stream::once(async move { Ok::<_, std::io::Error>(head) }).chain(stream);
    let filename = format!(
        "{}-{}.{}",
        d.slug,
        r.slug,
        if json_format { "json" } else { "csv" }
    );
    let mut res = Response::new(axum::body::Body::from_stream(body));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(if json_format {
            "application/json"
        } else {
            "text/csv; charset=utf-8"
        }),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

async fn export_csv(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    export(ctx, slug, resource, false).await
}

async fn export_json(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    export(ctx, slug, resource, true).await
}

/// The whole table, a page at a time: free-text search, one column filter,
/// sorting by any column. Plain links and a GET form: no JavaScript needed.
async fn table_page(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (d, r) = resource_in(&ctx, &slug, &resource).await?;
    let Some(ingest) = serving(&ctx, &d, r.id).await? else {
        return Err(Error::user(StatusCode::NOT_FOUND, "ingest-table-not-ready"));
    };
    let Some(ds) = ctx.state.service::<Datastore>() else {
        return Err(Error::unavailable());
    };
    let choices = Choices::from_query(&ctx.query);
    let Choices {
        q: q_text,
        column,
        value,
        sort,
        dir,
        page,
    } = choices.clone();
    let mut params = choices.params();
    params.insert("limit".into(), J::from(PAGE_ROWS));
    params.insert(
        "offset".into(),
        J::from(page.saturating_sub(1).saturating_mul(PAGE_ROWS)),
    );
    let (rows, total, problem) = match query::parse(&params, &ingest.columns) {
        Ok(q) => match ds.search(ingest.version_id, &ingest.columns, &q).await {
            Ok(found) => (found.records, found.total.unwrap_or_default(), None),
            Err(crate::datastore::DatastoreError::Timeout) => (
                vec![],
                0,
                Some("La consulta tardó demasiado; use un filtro más preciso.".to_string()),
            ),
            Err(e) if e.is_missing_table() => {
                reload_lost(&ctx, ingest.version_id, r.id).await?;
                return Err(Error::user(StatusCode::NOT_FOUND, "ingest-table-not-ready"));
            }
            Err(e) => return Err(Error::internal(e)),
        },
        Err(e) => (vec![], 0, Some(e.message)),
    };
    // Query strings for links that keep the other choices.
    let link = |changes: &[(&str, String)]| -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", q_text.clone()),
            ("columna", column.clone()),
            ("valor", value.clone()),
            ("orden", sort.clone()),
            ("dir", dir.clone()),
            ("pagina", page.to_string()),
        ];
        for (k, v) in changes {
            if let Some(p) = pairs.iter_mut().find(|(key, _)| key == k) {
                p.1 = v.clone();
            }
        }
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty() && v != "1") {
            out.append_pair(k, v);
        }
        out.finish()
    };
    let columns: Vec<J> = ingest
        .columns
        .iter()
        .map(|c| {
            let next_dir = if c.name == sort && dir != "desc" { "desc" } else { "asc" };
            json!({
                "name": c.name,
                "kind": c.kind,
                "sort_query": link(&[("orden", c.name.clone()), ("dir", next_dir.into()), ("pagina", "1".into())]),
            })
        })
        .collect();
    let first = (page - 1) * PAGE_ROWS + 1;
    let last = (first + rows.len() as u64).saturating_sub(1);
    let more = (last as i64) < total;
    let versions = catalog::store::versions_of(&ctx.state.db, r.id).await?;
    let version_number = versions
        .iter()
        .find(|v| v.id == ingest.version_id)
        .map(|v| v.number);
    let mut api = url::form_urlencoded::Serializer::new(String::new());
    api.append_pair("resource_id", &r.id.to_string());
    for (k, v) in &params {
        api.append_pair(
            k,
            &v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string()),
        );
    }
    ctx.render(
        "ingest/table.html",
        context! {
            dataset => json!({"slug": d.slug, "title": d.meta.title}),
            resource => json!({"slug": r.slug, "name": r.name}),
            columns => columns,
            rows => rows,
            total => total,
            first => if rows.is_empty() { 0 } else { first },
            last => last,
            q => q_text,
            filter_column => column,
            filter_value => value,
            sort => sort,
            dir => dir,
            problem => problem,
            version_number => version_number,
            prev_query => (page > 1).then(|| link(&[("pagina", (page - 1).to_string())])),
            next_query => more.then(|| link(&[("pagina", (page + 1).to_string())])),
            api_url => format!("/api/3/action/datastore_search?{}", api.finish()),
            export_query => choices.query_string(),
        },
    )
}

/// Answers of `datastore_search`, per version (a version never changes, so
/// an answer stays right forever): the encoded body and its content type.
pub struct AnswerCache {
    inner: Mutex<lru::LruCache<String, Arc<(Bytes, &'static str)>>>,
}

impl AnswerCache {
    pub fn new(entries: usize) -> AnswerCache {
        AnswerCache {
            inner: Mutex::new(lru::LruCache::new(
                NonZeroUsize::new(entries).unwrap_or(NonZeroUsize::MIN),
            )),
        }
    }
    fn get(&self, key: &str) -> Option<Arc<(Bytes, &'static str)>> {
        self.inner.lock().ok()?.get(key).cloned()
    }
    fn put(&self, key: String, value: Arc<(Bytes, &'static str)>) {
        if let Ok(mut c) = self.inner.lock() {
            c.put(key, value);
        }
    }
}

/// CKAN's error envelope, with CKAN's status codes.
fn ckan_error(status: StatusCode, kind: &str, error: Map<String, J>) -> Response {
    let mut e = error;
    e.insert("__type".into(), J::from(kind));
    let body = json!({
        "help": "/api/3/action/help_show?name=datastore_search",
        "success": false,
        "error": e,
    });
    (status, axum::Json(body)).into_response()
}

fn not_found(message: &str) -> Response {
    let mut m = Map::new();
    m.insert("message".into(), J::from(message));
    ckan_error(StatusCode::NOT_FOUND, "Not Found Error", m)
}

fn validation(param: &str, message: &str) -> Response {
    let mut m = Map::new();
    m.insert(param.into(), json!([message]));
    ckan_error(StatusCode::CONFLICT, "Validation Error", m)
}

/// May this person query the dataset's tables? Those who may see it, while
/// it is not deleted.
fn may_read(ctx: &Ctx, d: &Dataset) -> bool {
    catalog::http::resources::can_read(ctx, d) && d.deleted_at.is_none()
}

pub(crate) async fn resource_and_dataset(
    ctx: &Ctx,
    resource_id: i64,
) -> Result<Option<(Resource, Dataset)>, Error> {
    let Some(r) = catalog::store::resource_by_id(&ctx.state.db, resource_id).await? else {
        return Ok(None);
    };
    let mut conn = ctx.state.db.pool().acquire().await?;
    let Some(d) = catalog::store::dataset_by_id(&mut conn, r.dataset_id).await? else {
        return Ok(None);
    };
    Ok(may_read(ctx, &d).then_some((r, d)))
}

/// The parameters of a GET (query string) or a POST (JSON body, or a form).
fn params(ctx: &Ctx, method: &Method, body: &Bytes) -> Result<Map<String, J>, Box<Response>> {
    if method == Method::POST && !body.is_empty() {
        return match serde_json::from_slice::<J>(body) {
            Ok(J::Object(m)) => Ok(m),
            _ => Err(Box::new(validation(
                "body",
                "el cuerpo debe ser un objeto JSON, como {\"resource_id\": \"12\"}",
            ))),
        };
    }
    let mut m = Map::new();
    for (k, v) in url::form_urlencoded::parse(ctx.query.as_bytes()) {
        m.insert(k.into_owned(), J::from(v.into_owned()));
    }
    Ok(m)
}

/// The table this person may read of a resource: its body and the
/// institute the newest; everyone else the newest the personal-data guard
/// has cleared.
async fn serving(ctx: &Ctx, d: &Dataset, resource_id: i64) -> Result<Option<Ingest>, Error> {
    let outsider = !catalog::http::resources::is_insider(ctx, d.body_id);
    Ok(store::serving_for(&ctx.state.db, resource_id, outsider).await?)
}

/// Counts a use of these resources' tables through the API (measured for
/// the quality score).
fn count_call(ctx: &Ctx, resource_ids: &[i64]) {
    if let Some(calls) = ctx.state.service::<crate::usage::ApiCalls>() {
        calls.record(&ctx.state.db, resource_ids);
    }
}

async fn datastore_search(ctx: Ctx, method: Method, body: Bytes) -> Result<Response, Error> {
    let params = match params(&ctx, &method, &body) {
        Ok(p) => p,
        Err(res) => return Ok(*res),
    };
    let raw_id = match params.get("resource_id") {
        Some(J::String(s)) => s.trim().to_string(),
        Some(J::Number(n)) => n.to_string(),
        _ => {
            return Ok(validation(
                "resource_id",
                "falta el identificador del recurso",
            ))
        }
    };
    let Ok(resource_id) = raw_id.parse::<i64>() else {
        return Ok(not_found(&format!("no existe el recurso «{raw_id}»")));
    };
    let Some((r, d)) = resource_and_dataset(&ctx, resource_id).await? else {
        return Ok(not_found(&format!("no existe el recurso «{raw_id}»")));
    };
    count_call(&ctx, &[r.id]);
    let Some(ingest) = serving(&ctx, &d, r.id).await? else {
        return Ok(not_found(
            "este recurso todavía no tiene datos consultables: su carga está en curso o no se pudo hacer",
        ));
    };
    let q = match query::parse(&params, &ingest.columns) {
        Ok(q) => q,
        Err(e) => return Ok(validation(e.param, &e.message)),
    };
    let Some(ds) = ctx.state.service::<Datastore>() else {
        return Err(Error::unavailable());
    };
    let cache = ctx.state.service::<AnswerCache>();
    let key = format!("{}|{}|{}", ingest.version_id, r.id, q.cache_key());
    if let Some(hit) = cache.and_then(|c| c.get(&key)) {
        return Ok(answer(&hit));
    }
    let found = match ds.search(ingest.version_id, &ingest.columns, &q).await {
        Ok(f) => f,
        Err(crate::datastore::DatastoreError::Timeout) => {
            return Ok(validation(
                "query",
                "la consulta tardó demasiado; pida menos filas o use filtros",
            ))
        }
        Err(e) if e.is_missing_table() => {
            reload_lost(&ctx, ingest.version_id, r.id).await?;
            return Ok(not_found(RELOADING));
        }
        Err(e) => return Err(Error::internal(e)),
    };
    let selected: Vec<usize> = if q.fields.is_empty() {
        (0..ingest.columns.len()).collect()
    } else {
        q.fields.clone()
    };
    let mut fields = vec![json!({"id": "_id", "type": "int"})];
    for &i in &selected {
        let c = &ingest.columns[i];
        fields.push(json!({"id": c.name, "type": c.kind.ckan()}));
    }
    let names: Vec<&str> = std::iter::once("_id")
        .chain(selected.iter().map(|&i| ingest.columns[i].name.as_str()))
        .collect();
    let records = match q.format {
        RecordsFormat::Objects => J::Array(
            found
                .records
                .into_iter()
                .map(|row| {
                    J::Object(
                        names
                            .iter()
                            .zip(row)
                            .map(|(n, v)| (n.to_string(), v))
                            .collect(),
                    )
                })
                .collect(),
        ),
        RecordsFormat::Lists => J::Array(found.records.into_iter().map(J::Array).collect()),
        RecordsFormat::Csv | RecordsFormat::Tsv => {
            J::String(delimited(&found.records, q.format == RecordsFormat::Tsv))
        }
    };
    let base = format!("/api/3/action/datastore_search?resource_id={}", r.id);
    let mut result = json!({
        "include_total": q.include_total,
        "resource_id": r.id.to_string(),
        "fields": fields,
        "records_format": match q.format {
            RecordsFormat::Objects => "objects",
            RecordsFormat::Lists => "lists",
            RecordsFormat::Csv => "csv",
            RecordsFormat::Tsv => "tsv",
        },
        "records": records,
        "limit": q.limit,
        "_links": {
            "start": base,
            "next": format!("{base}&offset={}", q.offset + u64::from(q.limit)),
        },
    });
    if q.offset > 0 {
        result["offset"] = J::from(q.offset);
    }
    if let Some(t) = found.total {
        result["total"] = J::from(t);
        result["total_was_estimated"] = J::Bool(false);
    }
    let body = json!({
        "help": "/api/3/action/help_show?name=datastore_search",
        "success": true,
        "result": result,
    });
    let encoded = Arc::new((
        Bytes::from(serde_json::to_vec(&body).map_err(Error::internal)?),
        "application/json",
    ));
    if let Some(c) = cache {
        c.put(key, encoded.clone());
    }
    Ok(answer(&encoded))
}

/// Rows and time a `datastore_search_sql` statement may take.
const SQL_ROWS: usize = 32_000;
const SQL_TIME: std::time::Duration = std::time::Duration::from_secs(5);

async fn datastore_search_sql(ctx: Ctx, method: Method, body: Bytes) -> Result<Response, Error> {
    let params = match params(&ctx, &method, &body) {
        Ok(p) => p,
        Err(res) => return Ok(*res),
    };
    let Some(sql) = params.get("sql").and_then(J::as_str).map(str::trim) else {
        return Ok(validation(
            "sql",
            "falta la consulta: sql=SELECT … FROM \"12\"",
        ));
    };
    let ids = match crate::sql::resources(sql) {
        Ok(ids) => ids,
        Err(e) => return Ok(validation("sql", &e.to_string())),
    };
    // Every table read must be a resource this person may read, loaded.
    let mut tables = vec![];
    let mut versions = vec![];
    for id in &ids {
        let Some((_, d)) = resource_and_dataset(&ctx, *id).await? else {
            return Ok(not_found(&format!("no existe el recurso «{id}»")));
        };
        let Some(ingest) = serving(&ctx, &d, *id).await? else {
            return Ok(not_found(&format!(
                "el recurso «{id}» todavía no tiene datos consultables"
            )));
        };
        versions.push((*id, ingest.version_id));
        tables.push((
            *id,
            crate::datastore::table_name(ingest.version_id),
            ingest.columns,
        ));
    }
    count_call(&ctx, &ids);
    let rewritten = match crate::sql::rewrite(sql, &tables) {
        Ok(s) => s,
        Err(e) => return Ok(validation("sql", &e.to_string())),
    };
    let Some(ds) = ctx.state.service::<Datastore>() else {
        return Err(Error::unavailable());
    };
    // The versions read are part of the key: a new version is a new answer.
    let key = format!(
        "sql|{}|{sql}",
        tables
            .iter()
            .map(|(id, t, _)| format!("{id}:{t}"))
            .collect::<Vec<_>>()
            .join(",")
    );
    let cache = ctx.state.service::<AnswerCache>();
    if let Some(hit) = cache.and_then(|c| c.get(&key)) {
        return Ok(answer(&hit));
    }
    let found = match ds.run_sql(&rewritten, SQL_ROWS, SQL_TIME).await {
        Ok(f) => f,
        Err(crate::datastore::DatastoreError::Timeout) => {
            return Ok(validation(
                "sql",
                "la consulta tardó más de 5 segundos; use filtros o pida menos filas",
            ))
        }
        Err(e) if e.is_missing_table() => {
            for &(resource_id, version_id) in &versions {
                if !ds.has_table(version_id).await.map_err(Error::internal)? {
                    reload_lost(&ctx, version_id, resource_id).await?;
                }
            }
            return Ok(not_found(RELOADING));
        }
        Err(crate::datastore::DatastoreError::Db(sqlx::Error::Database(e))) => {
            let message = crate::datastore::refusal(e.code().as_deref(), e.message());
            return Ok(validation(
                "sql",
                &format!("la base de datos no aceptó la consulta: {message}"),
            ));
        }
        Err(e) => return Err(Error::internal(e)),
    };
    let kind_of = |i: usize| -> &'static str {
        let first = found.records.iter().map(|r| &r[i]).find(|v| !v.is_null());
        match first {
            Some(J::Number(n)) if n.is_i64() => "int",
            Some(J::Number(_)) => "numeric",
            Some(J::Bool(_)) => "bool",
            _ => "text",
        }
    };
    let fields: Vec<J> = found
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| json!({"id": f, "type": kind_of(i)}))
        .collect();
    let records: Vec<J> = found
        .records
        .into_iter()
        .map(|row| {
            J::Object(
                found
                    .fields
                    .iter()
                    .cloned()
                    .zip(row)
                    .collect::<Map<String, J>>(),
            )
        })
        .collect();
    let mut result = json!({ "sql": sql, "fields": fields, "records": records });
    if found.truncated {
        result["records_truncated"] = J::Bool(true);
    }
    let body = json!({
        "help": "/api/3/action/help_show?name=datastore_search_sql",
        "success": true,
        "result": result,
    });
    let encoded = Arc::new((
        Bytes::from(serde_json::to_vec(&body).map_err(Error::internal)?),
        "application/json",
    ));
    if let Some(c) = cache {
        c.put(key, encoded.clone());
    }
    Ok(answer(&encoded))
}

fn answer(a: &(Bytes, &'static str)) -> Response {
    let mut res = Response::new(axum::body::Body::from(a.0.clone()));
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(a.1));
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// Rows without their `_id`, as CSV text with formula cells defused.
fn delimited_rows(records: &[Vec<J>], tab: bool) -> String {
    let trimmed: Vec<Vec<J>> = records
        .iter()
        .map(|r| r.iter().skip(1).cloned().collect())
        .collect();
    delimited(&trimmed, tab)
}

/// Records as CSV or TSV text (CKAN's `records_format=csv`), with formula
/// cells defused for spreadsheets.
fn delimited(records: &[Vec<J>], tab: bool) -> String {
    let mut w = csv_writer(tab);
    for row in records {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                J::Null => String::new(),
                J::String(s) => tabular::neutralize_formula(s).into_owned(),
                other => other.to_string(),
            })
            .collect();
        let _ = w.write_record(&cells);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

fn csv_writer(tab: bool) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(if tab { b'\t' } else { b',' })
        .from_writer(vec![])
}

/// A served version whose table is gone (a datastore restored without it, a
/// lost file): back on the queue to load again.
async fn reload_lost(ctx: &Ctx, version_id: i64, resource_id: i64) -> Result<(), Error> {
    tracing::warn!(version_id, "datastore table missing; loading it again");
    store::reload(&ctx.state.db, &ctx.state.jobs, version_id, resource_id).await?;
    Ok(())
}

/// What the API answers while a lost table loads again.
const RELOADING: &str =
    "la tabla de este recurso se está preparando otra vez; intente en unos minutos";

/// The dataset and resource of a page's address, if this person may see them.
async fn resource_in(ctx: &Ctx, slug: &str, resource: &str) -> Result<(Dataset, Resource), Error> {
    let d = catalog::http::resources::readable(ctx, slug).await?;
    let r = catalog::store::resource_by_slug(&ctx.state.db, d.id, resource)
        .await?
        .ok_or_else(Error::not_found)?;
    Ok((d, r))
}

/// Where the newest load stands, for the progress bar.
async fn progress(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (_, r) = resource_in(&ctx, &slug, &resource).await?;
    let latest = current_ingest(&ctx, r.id).await?;
    let serving = store::serving(&ctx.state.db, r.id).await?;
    let body = match latest {
        None => json!({"status": "pending", "rows_done": 0}),
        Some(i) => json!({
            "version_id": i.version_id,
            "status": i.status,
            "rows_done": i.rows_done,
            "rows": i.rows,
            "percent": percent(&i),
            "error": i.error,
            "indexed": i.indexed_at.is_some(),
            "serving_version_id": serving.map(|s| s.version_id),
        }),
    };
    let mut res = axum::Json(body).into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// The ingest of the resource's current version (none yet: it waits).
async fn current_ingest(ctx: &Ctx, resource_id: i64) -> Result<Option<Ingest>, Error> {
    let Some(current) = catalog::store::latest_version(&ctx.state.db, resource_id).await? else {
        return Ok(None);
    };
    match store::by_version(&ctx.state.db, current.id).await? {
        Some(i) => Ok(Some(i)),
        None => Ok(store::from_queue(&ctx.state.db, current.id, resource_id).await?),
    }
}

fn percent(i: &Ingest) -> Option<u8> {
    match (i.status, i.rows) {
        (Status::Ready, _) => Some(100),
        (Status::Running, Some(total)) if total > 0 => {
            Some(u8::try_from((i.rows_done * 100 / total).clamp(0, 99)).unwrap_or(99))
        }
        _ => None,
    }
}

/// The validation report of the newest analysed version, in the shape of
/// `frictionless validate --json`.
async fn report(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (_, r) = resource_in(&ctx, &slug, &resource).await?;
    let Some(i) = current_ingest(&ctx, r.id).await? else {
        return Err(Error::not_found());
    };
    let Some(report) = i.report else {
        return Err(Error::not_found());
    };
    Ok(axum::Json(report).into_response())
}

/// The resource's Table Schema: the one its publisher uploaded, or else the
/// one the served version (or, before any is served, the newest) was read
/// with: what a Frictionless tool needs to read the file the same way.
async fn table_schema(
    ctx: Ctx,
    Path((slug, resource)): Path<(String, String)>,
) -> Result<Response, Error> {
    let (_, r) = resource_in(&ctx, &slug, &resource).await?;
    if let Some(text) = catalog::store::table_schema_of(&ctx.state.db, r.id).await? {
        let value: J = serde_json::from_str(&text).map_err(Error::internal)?;
        return Ok(axum::Json(value).into_response());
    }
    let read = match store::serving(&ctx.state.db, r.id).await? {
        Some(serving) => Some(serving),
        None => current_ingest(&ctx, r.id).await?,
    };
    let Some(mut schema) = read.and_then(|i| i.schema) else {
        return Err(Error::not_found());
    };
    if let Some(obj) = schema.as_object_mut() {
        obj.retain(|k, _| !k.starts_with("x-"));
    }
    Ok(axum::Json(schema).into_response())
}

/// Findings of each kind listed on the page (all are in the JSON report).
const REPORT_PER_KIND: usize = 10;

/// A cell value of the statistics, as people read it.
fn shown(v: &tabular::Value) -> String {
    match v {
        tabular::Value::Null => String::new(),
        tabular::Value::Integer(i) => i.to_string(),
        tabular::Value::Number(n) => n.to_string(),
        tabular::Value::Boolean(b) => if *b { "sí" } else { "no" }.to_string(),
        tabular::Value::Date(d) => d.format("%d/%m/%Y").to_string(),
        tabular::Value::DateTime(d) => d.format("%d/%m/%Y %H:%M").to_string(),
        tabular::Value::Time(t) => t.format("%H:%M:%S").to_string(),
        tabular::Value::Text(s) => s.clone(),
    }
}

/// Per column: empty cells, distinct values, the most common ones, the range.
fn column_summary(i: &Ingest) -> Vec<J> {
    let Some(stats) = i
        .stats
        .as_ref()
        .and_then(|s| serde_json::from_value::<Vec<tabular::ColumnStats>>(s.clone()).ok())
    else {
        return vec![];
    };
    stats
        .iter()
        .zip(&i.columns)
        .map(|(s, c)| {
            json!({
                "name": c.name,
                "kind": c.kind,
                "nulls": s.nulls,
                "non_null": s.non_null,
                "distinct": s.distinct,
                "distinct_at_least": s.distinct_at_least,
                "top": s.top.iter().take(5).map(|t| json!({"value": t.value, "count": t.count})).collect::<Vec<_>>(),
                "min": s.min.as_ref().map(shown),
                "max": s.max.as_ref().map(shown),
            })
        })
        .collect()
}

/// Points drawn when the table has coordinates (up to 2,000 of them).
async fn point_map(ctx: &Ctx, ds: &Datastore, i: &Ingest) -> Option<String> {
    let geo: tabular::GeoColumns = serde_json::from_value(i.geo.clone()?).ok()?;
    let fields = match &geo {
        tabular::GeoColumns::LatLon {
            latitude_index,
            longitude_index,
            ..
        } => vec![*latitude_index, *longitude_index],
        tabular::GeoColumns::Point { index, .. } => vec![*index],
    };
    if fields.iter().any(|f| *f >= i.columns.len()) {
        return None;
    }
    let q = query::Query {
        filters: vec![],
        q: None,
        fields,
        sort: vec![],
        limit: 2_000,
        offset: 0,
        include_total: false,
        format: RecordsFormat::Lists,
        after_id: None,
    };
    let found = ds.search(i.version_id, &i.columns, &q).await.ok()?;
    let points: Vec<(f64, f64)> = found
        .records
        .iter()
        .filter_map(|r| match (r.get(1), r.get(2)) {
            (Some(J::Number(a)), Some(J::Number(b))) => Some((a.as_f64()?, b.as_f64()?)),
            (Some(J::String(p)), None) => crate::chart::parse_point(p),
            _ => None,
        })
        .collect();
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("count", points.len());
    let label = ctx.state.i18n.t_args(ctx.locale, "ingest-map-label", &args);
    crate::chart::point_map(&points, &label)
}

/// The table on a resource's page: the state of its load, what validation
/// found, and the first rows.
pub struct ResourceTable;

#[async_trait::async_trait]
impl Fragment for ResourceTable {
    fn page(&self) -> &'static str {
        "resource"
    }

    async fn render(&self, ctx: &Ctx, resource_id: i64) -> Result<Option<String>, Error> {
        let Some((r, d)) = resource_and_dataset(ctx, resource_id).await? else {
            return Ok(None);
        };
        let versions = catalog::store::versions_of(&ctx.state.db, r.id).await?;
        let Some(current) = versions.first() else {
            return Ok(None);
        };
        if crate::job::tabular_format(&current.format, &current.filename).is_none() {
            return Ok(None);
        }
        let latest = current_ingest(ctx, r.id).await?;
        let serving = serving(ctx, &d, r.id).await?;
        let mut preview = None;
        if let (Some(s), Some(ds)) = (&serving, ctx.state.service::<Datastore>()) {
            let q = query::Query {
                filters: vec![],
                q: None,
                fields: vec![],
                sort: vec![],
                limit: 10,
                offset: 0,
                include_total: false,
                format: RecordsFormat::Lists,
                after_id: None,
            };
            if let Ok(found) = ds.search(s.version_id, &s.columns, &q).await {
                preview = Some(found.records);
            }
        }
        let summary = serving.as_ref().map(column_summary).unwrap_or_default();
        let map_svg = match (&serving, ctx.state.service::<Datastore>()) {
            (Some(s), Some(ds)) => point_map(ctx, ds, s).await,
            _ => None,
        };
        let all_errors: Vec<J> = latest
            .as_ref()
            .and_then(|i| i.report.as_ref())
            .and_then(|rep| rep["tasks"][0]["errors"].as_array().cloned())
            .unwrap_or_default();
        let counts: Vec<(String, u64)> = latest
            .as_ref()
            .and_then(|i| i.report.as_ref())
            .and_then(|rep| rep["x-apertura-counts"].as_object().cloned())
            .map(|m| {
                m.into_iter()
                    .map(|(k, v)| (k, v.as_u64().unwrap_or_default()))
                    .collect()
            })
            .unwrap_or_default();
        // Grouped by kind, the first few of each, with how many there are.
        let groups: Vec<J> = counts
            .iter()
            .map(|(code, count)| {
                let shown: Vec<&J> = all_errors
                    .iter()
                    .filter(|e| e["type"].as_str() == Some(code.as_str()))
                    .take(REPORT_PER_KIND)
                    .collect();
                json!({ "code": code, "count": count, "errors": shown, "more": count.saturating_sub(shown.len() as u64) })
            })
            .collect();
        let current_number = current.number;
        let serving_number = match &serving {
            Some(s) => versions
                .iter()
                .find(|v| v.id == s.version_id)
                .map(|v| v.number),
            None => None,
        };
        let html = ctx.render_fragment(
            "ingest/fragment_resource.html",
            context! {
                dataset_slug => d.slug,
                resource_slug => r.slug,
                resource_id => r.id,
                latest => latest,
                percent => latest.as_ref().and_then(percent),
                current_number => current_number,
                serving => serving,
                serving_number => serving_number,
                preview => preview,
                groups => groups,
                summary => summary,
                map_svg => map_svg,
                public_url => ctx.state.config.public_url().trim_end_matches('/').to_string(),
            },
        )?;
        Ok(Some(html))
    }
}
