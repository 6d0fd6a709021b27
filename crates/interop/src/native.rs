//! The native JSON API, `/api/v1/`: a small, read-only, paged view of what
//! the platform publishes (public datasets with their resources, public
//! bodies, the 125 municipalities), in English snake_case field names with
//! values as published. The answer types derive their JSON Schemas
//! (`utoipa`), so `openapi.rs` describes exactly what these handlers send.
//! Errors keep the kernel's one JSON shape
//! (`{"error": {"code", "message", "request_id"}}`, message in the reader's
//! language, Spanish by default); parameters are checked here, before any
//! query, and a bad one is a 400 that says which and why. Doc comments on
//! the answer types and parameters are the published description: Spanish.

use std::collections::HashMap;

use axum::extract::Path;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use catalog::domain::vocab::{Licence, Theme};
use kernel::authz::{Action, Rule};
use kernel::db::Db;
use kernel::text::spanish_sort_key;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use crate::model::{self, Item, Package};

/// Reading the API (and its description and documentation): anyone.
pub static READ: Action = Action::read("interop.api.view", Rule::Anyone);

/// How long clients and caches may keep an answer.
pub const CACHE_CONTROL: &str = "public, max-age=60";
/// Datasets per page unless asked.
pub const DEFAULT_PER_PAGE: i64 = 20;
/// Most datasets per page.
pub const MAX_PER_PAGE: i64 = 100;
/// Highest page number accepted (far past any catalog; keeps offsets small).
pub const MAX_PAGE: i64 = 1_000_000;
/// Longest body slug accepted as a filter.
pub const MAX_SLUG_CHARS: usize = 200;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/datasets", &READ, datasets)
        .get("/api/v1/datasets/{slug}", &READ, dataset)
        .get("/api/v1/bodies", &READ, bodies)
        .get("/api/v1/bodies/{slug}", &READ, body)
        .get("/api/v1/municipalities", &READ, municipalities)
        .get("/api/v1/municipalities/{cvegeo}", &READ, municipality)
}

// ------------------------------------------------------------- parameters

/// The filters and page of `GET /api/v1/datasets`, as documented (the
/// parser below reads the raw query string, so that every refusal is ours
/// and in Spanish).
#[derive(Debug, Clone, PartialEq, Eq, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DatasetQuery {
    /// Número de página, desde 1. Una página después de la última responde con `items` vacío.
    #[param(minimum = 1, maximum = 1000000, default = 1, value_type = Option<i64>)]
    pub page: i64,
    /// Conjuntos por página, de 1 a 100.
    #[param(minimum = 1, maximum = 100, default = 20, value_type = Option<i64>)]
    pub per_page: i64,
    /// Solo los de este sujeto obligado (su `slug`, p. ej. `ayuntamiento-de-zacazonapan`). Un sujeto que no existe da una lista vacía.
    #[param(max_length = 200, value_type = Option<String>)]
    pub body: Option<String>,
    /// Solo los de este tema (código de la tabla de temas de datos de la UE, p. ej. `ECON`).
    #[param(value_type = Option<String>)]
    pub theme: Option<&'static str>,
    /// Solo los de este municipio (clave INEGI de cinco dígitos, p. ej. `15106`): los de sus sujetos obligados y los que cubren ese municipio.
    #[param(pattern = "^15[0-9]{3}$", value_type = Option<String>)]
    pub municipality: Option<String>,
}

impl Default for DatasetQuery {
    fn default() -> DatasetQuery {
        DatasetQuery {
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            body: None,
            theme: None,
            municipality: None,
        }
    }
}

/// Why a parameter was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamError {
    /// Given more than once.
    Repeated(&'static str),
    /// Not a whole number within `min..=max`.
    Integer {
        param: &'static str,
        min: i64,
        max: i64,
    },
    TooLong {
        param: &'static str,
        max: usize,
    },
    UnknownTheme(String),
    Municipality(String),
}

impl From<ParamError> for Error {
    fn from(e: ParamError) -> Error {
        match e {
            ParamError::Repeated(param) => {
                Error::bad_request("api-error-repeated").arg("param", param)
            }
            ParamError::Integer { param, min, max } => Error::bad_request("api-error-integer")
                .arg("param", param)
                .arg("min", min)
                .arg("max", max),
            ParamError::TooLong { param, max } => Error::bad_request("api-error-too-long")
                .arg("param", param)
                .arg("max", max),
            ParamError::UnknownTheme(value) => Error::bad_request("api-error-theme")
                .arg("value", value)
                .arg(
                    "codes",
                    Theme::all()
                        .iter()
                        .map(|t| t.code)
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            ParamError::Municipality(value) => {
                Error::bad_request("api-error-municipality").arg("value", value)
            }
        }
    }
}

/// An integer parameter within `min..=max` (anything else, `10^30` and `-1`
/// included, is refused).
fn integer(param: &'static str, v: &str, min: i64, max: i64) -> Result<i64, ParamError> {
    v.parse::<i64>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or(ParamError::Integer { param, min, max })
}

/// Is this an INEGI key of a municipality of the Estado de México?
pub fn is_municipality_key(s: &str) -> bool {
    s.len() == 5 && s.starts_with("15") && s.bytes().all(|b| b.is_ascii_digit())
}

impl DatasetQuery {
    /// Reads the query string's pairs. Unknown parameters are ignored (the
    /// layout's `lang`, a client's cache buster); an empty value counts as
    /// absent; surrounding spaces are trimmed.
    pub fn parse(pairs: &[(String, String)]) -> Result<DatasetQuery, ParamError> {
        let mut q = DatasetQuery::default();
        let mut seen: Vec<&'static str> = vec![];
        for (k, v) in pairs {
            let param: &'static str = match k.as_str() {
                "page" => "page",
                "per_page" => "per_page",
                "body" => "body",
                "theme" => "theme",
                "municipality" => "municipality",
                _ => continue,
            };
            if seen.contains(&param) {
                return Err(ParamError::Repeated(param));
            }
            seen.push(param);
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            match param {
                "page" => q.page = integer(param, v, 1, MAX_PAGE)?,
                "per_page" => q.per_page = integer(param, v, 1, MAX_PER_PAGE)?,
                "body" => {
                    if v.chars().count() > MAX_SLUG_CHARS {
                        return Err(ParamError::TooLong {
                            param,
                            max: MAX_SLUG_CHARS,
                        });
                    }
                    q.body = Some(v.to_string());
                }
                "theme" => {
                    let theme = Theme::by_code(v)
                        .ok_or_else(|| ParamError::UnknownTheme(v.chars().take(50).collect()))?;
                    q.theme = Some(theme.code);
                }
                _ => {
                    if !is_municipality_key(v) {
                        return Err(ParamError::Municipality(v.chars().take(50).collect()));
                    }
                    q.municipality = Some(v.to_string());
                }
            }
        }
        Ok(q)
    }

    fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// This query's address at another page.
    fn url(&self, base: &str, page: i64) -> String {
        let mut s = url::form_urlencoded::Serializer::new(String::new());
        s.append_pair("page", &page.to_string());
        s.append_pair("per_page", &self.per_page.to_string());
        if let Some(b) = &self.body {
            s.append_pair("body", b);
        }
        if let Some(t) = self.theme {
            s.append_pair("theme", t);
        }
        if let Some(m) = &self.municipality {
            s.append_pair("municipality", m);
        }
        format!("{base}/api/v1/datasets?{}", s.finish())
    }

    /// Links to the next and previous pages (the previous one of a page past
    /// the end is the last page).
    fn links(&self, base: &str, count: i64) -> Links {
        let last = ((count + self.per_page - 1) / self.per_page).max(1);
        Links {
            next: (self.page < last).then(|| self.url(base, self.page + 1)),
            prev: (self.page > 1).then(|| self.url(base, (self.page - 1).min(last))),
        }
    }
}

fn pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect()
}

// ---------------------------------------------------------------- answers

/// Enlaces a las páginas vecinas (`null` en los extremos).
#[derive(Debug, Serialize, ToSchema)]
pub struct Links {
    /// La página siguiente, o `null` si esta es la última.
    pub next: Option<String>,
    /// La página anterior, o `null` si esta es la primera.
    pub prev: Option<String>,
}

/// Una página de conjuntos de datos públicos.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetPage {
    /// Conjuntos que cumplen los filtros (en todas las páginas).
    pub count: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<DatasetSummary>,
    pub links: Links,
}

/// Quién publica el conjunto (un sujeto obligado).
#[derive(Debug, Serialize, ToSchema)]
pub struct Publisher {
    pub slug: String,
    pub name: String,
    /// Su ficha en el portal.
    pub page_url: String,
    /// Su ficha en esta API.
    pub api_url: String,
}

/// La licencia del conjunto.
#[derive(Debug, Serialize, ToSchema)]
pub struct License {
    /// Código de la licencia en Apertura (p. ej. `cc-by-4.0`).
    pub code: String,
    /// Nombre de la licencia en español, si es una conocida.
    pub title: Option<String>,
    /// Texto legal de la licencia, si tiene uno.
    pub url: Option<String>,
}

/// Un conjunto de datos público, como aparece en las listas.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetSummary {
    pub id: i64,
    /// Identificador estable en las direcciones (`/datos/{slug}`).
    pub slug: String,
    pub title: String,
    /// Descripción en Markdown, tal como se publicó.
    pub description: String,
    pub publisher: Publisher,
    /// Códigos de tema de la UE (`ECON`, `GOVE`, …).
    pub themes: Vec<String>,
    pub keywords: Vec<String>,
    pub license: License,
    /// Frecuencia de actualización (código de la UE: `ANNUAL`, `QUARTERLY`, …).
    pub frequency: Option<String>,
    /// Inicio del periodo que cubren los datos (aaaa-mm-dd).
    pub temporal_start: Option<String>,
    /// Fin del periodo que cubren los datos (aaaa-mm-dd).
    pub temporal_end: Option<String>,
    /// `estado` o la clave INEGI del municipio que cubren.
    pub spatial: Option<String>,
    /// Idioma de los datos (`es`, `en`).
    pub language: String,
    /// Fecha de publicación (RFC 3339, UTC).
    pub published_at: Option<String>,
    /// Último cambio del conjunto o de cualquiera de sus archivos (RFC 3339, UTC).
    pub modified: String,
    /// Recursos publicados (archivos con al menos una versión, y enlaces).
    pub resource_count: i64,
    /// Formatos de sus archivos, sin repetir.
    pub formats: Vec<String>,
    /// Su página en el portal.
    pub page_url: String,
    /// Su ficha completa en esta API.
    pub api_url: String,
}

/// A quién escribir sobre el conjunto.
#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Un conjunto de datos público con sus recursos.
#[derive(Debug, Serialize, ToSchema)]
pub struct DatasetDetail {
    #[serde(flatten)]
    pub summary: DatasetSummary,
    pub contact: Contact,
    /// Notas de la versión actual, si el sujeto las escribió.
    pub version_notes: Option<String>,
    pub resources: Vec<ResourceOut>,
}

/// `file`: un archivo publicado aquí, con versiones; `link`: una dirección externa.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ResourceKind {
    File,
    Link,
}

/// Si las filas del recurso se pueden consultar, y dónde.
#[derive(Debug, Serialize, ToSchema)]
pub struct Datastore {
    /// Si sus filas se pueden consultar con `datastore_search` (una tabla ya cargada).
    pub queryable: bool,
    /// `datastore_search` de la API compatible con CKAN para este recurso.
    pub search_url: Option<String>,
    /// Su Table Schema (Frictionless).
    pub schema_url: Option<String>,
}

/// Un recurso del conjunto: un archivo (su versión actual) o un enlace.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResourceOut {
    /// El `resource_id` de la API compatible con CKAN.
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
    pub kind: ResourceKind,
    /// Formato como se le conoce (`CSV`, `XLSX`, `GeoJSON`…); `null` en enlaces.
    pub format: Option<String>,
    pub media_type: Option<String>,
    /// Tamaño en bytes de la versión actual.
    pub size: Option<i64>,
    /// Número de la versión actual (1, 2, …).
    pub version: Option<i64>,
    /// Descarga estable: sigue a la versión más reciente (o el enlace mismo).
    pub download_url: String,
    /// Dirección permanente de la versión actual (sus bytes no cambian nunca).
    pub version_url: Option<String>,
    /// Su página en el portal.
    pub page_url: String,
    pub datastore: Datastore,
}

/// Un sujeto obligado, como aparece en las listas.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodySummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// Tipo de sujeto obligado (`ayuntamiento`, `poder-ejecutivo`, …).
    pub kind: String,
    /// Clave INEGI de su municipio, si es municipal.
    pub municipality: Option<String>,
    pub municipality_name: Option<String>,
    /// Si Apertura le aloja su portal (sus conjuntos pasan por la revisión del Instituto).
    pub hosted: bool,
    /// Conjuntos de datos públicos que publica.
    pub dataset_count: i64,
    pub page_url: String,
    pub api_url: String,
    /// Sus conjuntos en esta API.
    pub datasets_url: String,
}

/// Todos los sujetos obligados.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyList {
    pub count: i64,
    pub items: Vec<BodySummary>,
}

/// Un sujeto obligado con su ficha pública.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyDetail {
    #[serde(flatten)]
    pub summary: BodySummary,
    pub description: Option<String>,
    pub website: Option<String>,
    /// Contacto de su unidad de transparencia.
    pub contact: BodyContact,
    pub logo_url: Option<String>,
}

/// La unidad de transparencia del sujeto obligado.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyContact {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Un municipio del Estado de México (INEGI, Censo 2020).
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityOut {
    /// Clave geoestadística INEGI (entidad y municipio), p. ej. `15106`.
    pub cvegeo: String,
    pub name: String,
    /// Cabecera municipal.
    pub seat: String,
    pub slug: String,
    /// Población total censada en 2020.
    pub population_2020: i64,
    /// Si tiene menos habitantes que el umbral del programa de trabajo.
    pub small: bool,
    /// El umbral de `small` (habitantes).
    pub small_threshold: i64,
    pub page_url: String,
    pub api_url: String,
    /// Sus conjuntos en esta API.
    pub datasets_url: String,
}

/// Los 125 municipios.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityList {
    pub count: i64,
    pub items: Vec<MunicipalityOut>,
}

/// Un municipio con sus sujetos obligados.
#[derive(Debug, Serialize, ToSchema)]
pub struct MunicipalityDetail {
    #[serde(flatten)]
    pub municipality: MunicipalityOut,
    pub bodies: Vec<BodySummary>,
}

/// La forma única de los errores de toda la API (la escribe el núcleo).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: ApiErrorDetail,
}

/// El error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiErrorDetail {
    /// Código estable del error (p. ej. `api-error-integer`, `error-not-found`).
    pub code: String,
    /// El error explicado, en el idioma de quien pregunta (español si no lo indica).
    pub message: String,
    /// Identificador de la petición, para reportar un problema.
    pub request_id: Option<String>,
}

// ------------------------------------------------------------ renderings

fn summary(base: &str, p: &Package) -> DatasetSummary {
    let d = &p.dataset;
    let licence = Licence::by_code(&d.meta.licence);
    let mut formats: Vec<String> = vec![];
    for f in p.resources.iter().filter_map(Item::format) {
        if !formats.iter().any(|x| x == f) {
            formats.push(f.to_string());
        }
    }
    DatasetSummary {
        id: d.id,
        slug: d.slug.clone(),
        title: d.meta.title.clone(),
        description: d.meta.description.clone(),
        publisher: Publisher {
            slug: p.body.slug.clone(),
            name: p.body.name.clone(),
            page_url: model::body_url(base, &p.body),
            api_url: format!("{base}/api/v1/bodies/{}", p.body.slug),
        },
        themes: d.meta.themes.clone(),
        keywords: d.meta.keywords.clone(),
        license: License {
            code: d.meta.licence.clone(),
            title: licence.map(|l| l.label_es.to_string()),
            url: licence.and_then(|l| l.uri).map(str::to_string),
        },
        frequency: d.meta.frequency.clone(),
        temporal_start: d.meta.temporal_start.clone(),
        temporal_end: d.meta.temporal_end.clone(),
        spatial: d.meta.spatial.clone(),
        language: d.meta.language.clone(),
        published_at: d.published_at.clone(),
        modified: p.modified().to_string(),
        resource_count: p.resources.len() as i64,
        formats,
        page_url: p.page_url(base),
        api_url: format!("{base}/api/v1/datasets/{}", d.slug),
    }
}

fn resource(base: &str, p: &Package, i: &Item, serving: bool) -> ResourceOut {
    let r = &i.resource;
    ResourceOut {
        id: r.id,
        slug: r.slug.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        kind: if r.kind == "file" {
            ResourceKind::File
        } else {
            ResourceKind::Link
        },
        format: i.format().map(str::to_string),
        media_type: i.media_type().map(str::to_string),
        size: i.current.as_ref().map(|v| v.size),
        version: i.current.as_ref().map(|v| v.number),
        download_url: i.download_url.clone(),
        version_url: i.version_url.clone(),
        page_url: i.page_url.clone(),
        datastore: Datastore {
            queryable: serving,
            search_url: serving
                .then(|| format!("{base}/api/3/action/datastore_search?resource_id={}", r.id)),
            schema_url: serving.then(|| {
                format!(
                    "{base}/datos/{}/recursos/{}/esquema.json",
                    p.dataset.slug, r.slug
                )
            }),
        },
    }
}

fn body_summary(
    base: &str,
    b: &directory::store::BodyRow,
    counts: &HashMap<i64, i64>,
) -> BodySummary {
    BodySummary {
        id: b.id,
        slug: b.slug.clone(),
        name: b.name.clone(),
        kind: b.kind.clone(),
        municipality: b.municipality.clone(),
        municipality_name: b.municipality_name.clone(),
        hosted: b.hosted,
        dataset_count: counts.get(&b.id).copied().unwrap_or(0),
        page_url: format!("{base}/sujetos-obligados/{}", b.slug),
        api_url: format!("{base}/api/v1/bodies/{}", b.slug),
        datasets_url: format!("{base}/api/v1/datasets?body={}", b.slug),
    }
}

fn municipality_out(
    base: &str,
    m: &directory::domain::Municipality,
    threshold: i64,
) -> MunicipalityOut {
    MunicipalityOut {
        cvegeo: m.cvegeo.clone(),
        name: m.name.clone(),
        seat: m.seat.clone(),
        slug: m.slug.clone(),
        population_2020: m.population_2020,
        small: m.is_small(threshold),
        small_threshold: threshold,
        page_url: format!("{base}/municipios/{}", m.slug),
        api_url: format!("{base}/api/v1/municipalities/{}", m.cvegeo),
        datasets_url: format!("{base}/api/v1/datasets?municipality={}", m.cvegeo),
    }
}

/// A JSON answer that caches may keep a minute.
fn answer<T: Serialize>(value: &T) -> Response {
    let mut res = axum::Json(value).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    res
}

// ------------------------------------------------------------------ store

/// Public datasets (of bodies not deleted) matching the filters: a page of
/// ids, newest published first, and the total.
async fn dataset_ids(db: &Db, q: &DatasetQuery) -> Result<(Vec<i64>, i64), sqlx::Error> {
    let mut filters = String::new();
    let mut binds: Vec<String> = vec![];
    if let Some(b) = &q.body {
        binds.push(b.clone());
        filters.push_str(&format!(" AND b.slug = ${}", binds.len()));
    }
    if let Some(t) = q.theme {
        // Codes are stored comma-separated, as `A,B`; a code is letters only.
        binds.push(format!("%,{t},%"));
        filters.push_str(&format!(
            " AND (',' || d.themes || ',') LIKE ${}",
            binds.len()
        ));
    }
    if let Some(m) = &q.municipality {
        binds.push(m.clone());
        let n = binds.len();
        filters.push_str(&format!(" AND (b.municipality = ${n} OR d.spatial = ${n})"));
    }
    let from = format!(
        "FROM datasets d JOIN bodies b ON b.id = d.body_id \
         WHERE d.status = 'published' AND d.is_private = 0 AND d.deleted_at IS NULL \
         AND b.deleted_at IS NULL{filters}"
    );
    let n = binds.len();
    let sql = format!(
        "SELECT d.id {from} ORDER BY d.published_at DESC, d.id DESC LIMIT ${} OFFSET ${}",
        n + 1,
        n + 2
    );
    let mut ids = sqlx::query_scalar::<_, i64>(&sql);
    for b in &binds {
        ids = ids.bind(b.clone());
    }
    let ids = ids
        .bind(q.per_page)
        .bind(q.offset())
        .fetch_all(db.pool())
        .await?;
    let count_sql = format!("SELECT COUNT(*) {from}");
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    for b in &binds {
        count = count.bind(b.clone());
    }
    Ok((ids, count.fetch_one(db.pool()).await?))
}

/// Public datasets per body.
async fn dataset_counts(db: &Db) -> Result<HashMap<i64, i64>, sqlx::Error> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT body_id, COUNT(*) FROM datasets \
         WHERE status = 'published' AND is_private = 0 AND deleted_at IS NULL GROUP BY body_id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// Every body not deleted, in Spanish order.
async fn body_rows(db: &Db) -> Result<Vec<directory::store::BodyRow>, sqlx::Error> {
    let mut all = directory::store::body_rows(db).await?;
    all.sort_by_cached_key(|b| spanish_sort_key(&b.name));
    Ok(all)
}

// --------------------------------------------------------------- handlers

/// Public datasets, paged and filtered.
#[utoipa::path(
    get,
    path = "/api/v1/datasets",
    tag = "datasets",
    operation_id = "list_datasets",
    summary = "Conjuntos de datos públicos",
    description = "Los conjuntos de datos publicados (ni borradores, ni en revisión, ni privados, ni eliminados), del más recién publicado al más antiguo, por páginas. Los filtros se combinan.",
    params(DatasetQuery),
    responses(
        (status = 200, description = "Una página de conjuntos.", body = DatasetPage,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 400, description = "Un parámetro no es válido; el mensaje dice cuál y por qué.", body = ApiError),
    )
)]
pub(crate) async fn datasets(ctx: Ctx) -> Result<Response, Error> {
    let q = DatasetQuery::parse(&pairs(&ctx.query))?;
    let base = ctx.state.config.public_url();
    let (ids, count) = dataset_ids(&ctx.state.db, &q).await?;
    let packages = model::public_by_ids(&ctx.state.db, &base, &ids).await?;
    Ok(answer(&DatasetPage {
        count,
        page: q.page,
        per_page: q.per_page,
        items: packages.iter().map(|p| summary(&base, p)).collect(),
        links: q.links(&base, count),
    }))
}

/// One public dataset with its resources.
#[utoipa::path(
    get,
    path = "/api/v1/datasets/{slug}",
    tag = "datasets",
    operation_id = "get_dataset",
    summary = "Un conjunto de datos público, con sus recursos",
    params(("slug" = String, Path, description = "El `slug` del conjunto (o su `id` numérico).", example = "obra-publica-zacazonapan-2025")),
    responses(
        (status = 200, description = "El conjunto con sus recursos.", body = DatasetDetail,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 400, description = "La dirección no es válida.", body = ApiError),
        (status = 404, description = "No hay un conjunto público con ese identificador.", body = ApiError),
    )
)]
pub(crate) async fn dataset(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let not_found = || Error::user(axum::http::StatusCode::NOT_FOUND, "api-error-dataset");
    let base = ctx.state.config.public_url();
    let d = model::find(&ctx.state.db, &slug)
        .await?
        .filter(|d| d.is_public())
        .ok_or_else(not_found)?;
    let p = model::package(&ctx.state.db, &base, d)
        .await?
        .ok_or_else(not_found)?;
    let mut resources = Vec::with_capacity(p.resources.len());
    for i in &p.resources {
        let serving = i.current.is_some()
            && ingest::store::serving(&ctx.state.db, i.resource.id)
                .await?
                .is_some();
        resources.push(resource(&base, &p, i, serving));
    }
    Ok(answer(&DatasetDetail {
        summary: summary(&base, &p),
        contact: Contact {
            name: p.dataset.meta.contact_name.clone(),
            email: p.dataset.meta.contact_email.clone(),
        },
        version_notes: p.dataset.meta.version_notes.clone(),
        resources,
    }))
}

/// Every public body with its count of public datasets.
#[utoipa::path(
    get,
    path = "/api/v1/bodies",
    tag = "bodies",
    operation_id = "list_bodies",
    summary = "Sujetos obligados",
    description = "Todos los sujetos obligados del directorio, en orden alfabético, con cuántos conjuntos de datos públicos tiene cada uno.",
    responses(
        (status = 200, description = "El directorio.", body = BodyList,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
    )
)]
pub(crate) async fn bodies(ctx: Ctx) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let counts = dataset_counts(&ctx.state.db).await?;
    let items: Vec<BodySummary> = body_rows(&ctx.state.db)
        .await?
        .iter()
        .map(|b| body_summary(&base, b, &counts))
        .collect();
    Ok(answer(&BodyList {
        count: items.len() as i64,
        items,
    }))
}

/// One public body with its profile.
#[utoipa::path(
    get,
    path = "/api/v1/bodies/{slug}",
    tag = "bodies",
    operation_id = "get_body",
    summary = "Un sujeto obligado",
    params(("slug" = String, Path, description = "El `slug` del sujeto obligado.", example = "ayuntamiento-de-zacazonapan")),
    responses(
        (status = 200, description = "El sujeto obligado con su ficha pública.", body = BodyDetail,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 400, description = "La dirección no es válida.", body = ApiError),
        (status = 404, description = "No hay un sujeto obligado con ese `slug`.", body = ApiError),
    )
)]
pub(crate) async fn body(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, Error> {
    let not_found = || Error::user(axum::http::StatusCode::NOT_FOUND, "api-error-body");
    let base = ctx.state.config.public_url();
    let profile = {
        let mut conn = ctx.state.db.pool().acquire().await?;
        directory::store::body_profile_by_slug(&mut conn, &slug)
            .await?
            .ok_or_else(not_found)?
    };
    let row = body_rows(&ctx.state.db)
        .await?
        .into_iter()
        .find(|b| b.id == profile.id)
        .ok_or_else(not_found)?;
    let counts = dataset_counts(&ctx.state.db).await?;
    let logo_url = profile.logo_sha256.as_deref().map(|sha| {
        format!(
            "{base}/sujetos-obligados/{}/logo?v={}",
            profile.slug,
            sha.get(..16).unwrap_or(sha)
        )
    });
    Ok(answer(&BodyDetail {
        summary: body_summary(&base, &row, &counts),
        description: profile.description,
        website: profile.website,
        contact: BodyContact {
            name: profile.contact_name,
            email: profile.contact_email,
            phone: profile.contact_phone,
        },
        logo_url,
    }))
}

/// The 125 municipalities.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities",
    tag = "municipalities",
    operation_id = "list_municipalities",
    summary = "Municipios del Estado de México",
    description = "Los 125 municipios, por clave INEGI, con su población del Censo 2020 y si son pequeños (menos habitantes que el umbral configurado).",
    responses(
        (status = 200, description = "Los municipios.", body = MunicipalityList,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
    )
)]
pub(crate) async fn municipalities(ctx: Ctx) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let threshold = ctx.state.config.small_municipality_threshold;
    let items: Vec<MunicipalityOut> = directory::store::municipalities(&ctx.state.db)
        .await?
        .iter()
        .map(|m| municipality_out(&base, m, threshold))
        .collect();
    Ok(answer(&MunicipalityList {
        count: items.len() as i64,
        items,
    }))
}

/// One municipality with its bodies.
#[utoipa::path(
    get,
    path = "/api/v1/municipalities/{cvegeo}",
    tag = "municipalities",
    operation_id = "get_municipality",
    summary = "Un municipio, con sus sujetos obligados",
    params(("cvegeo" = String, Path, description = "Clave INEGI de cinco dígitos.", example = "15106")),
    responses(
        (status = 200, description = "El municipio y sus sujetos obligados.", body = MunicipalityDetail,
            headers(("Cache-Control" = String, description = "`public, max-age=60`"))),
        (status = 400, description = "La dirección no es válida.", body = ApiError),
        (status = 404, description = "No hay un municipio con esa clave.", body = ApiError),
    )
)]
pub(crate) async fn municipality(ctx: Ctx, Path(cvegeo): Path<String>) -> Result<Response, Error> {
    let base = ctx.state.config.public_url();
    let threshold = ctx.state.config.small_municipality_threshold;
    let m = directory::store::municipality_by_cvegeo(&ctx.state.db, cvegeo.trim())
        .await?
        .ok_or_else(|| {
            Error::user(
                axum::http::StatusCode::NOT_FOUND,
                "api-error-municipality-unknown",
            )
        })?;
    let counts = dataset_counts(&ctx.state.db).await?;
    let bodies = body_rows(&ctx.state.db)
        .await?
        .iter()
        .filter(|b| b.municipality.as_deref() == Some(m.cvegeo.as_str()))
        .map(|b| body_summary(&base, b, &counts))
        .collect();
    Ok(answer(&MunicipalityDetail {
        municipality: municipality_out(&base, &m, threshold),
        bodies,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<DatasetQuery, ParamError> {
        DatasetQuery::parse(&pairs(q))
    }

    #[test]
    fn defaults_and_good_values() {
        assert_eq!(parse(""), Ok(DatasetQuery::default()));
        let q = parse(
            "page=3&per_page=100&body=ayuntamiento-de-toluca&theme=econ&municipality=15106&lang=en",
        )
        .unwrap();
        assert_eq!(q.page, 3);
        assert_eq!(q.per_page, 100);
        assert_eq!(q.body.as_deref(), Some("ayuntamiento-de-toluca"));
        assert_eq!(q.theme, Some("ECON"));
        assert_eq!(q.municipality.as_deref(), Some("15106"));
        assert_eq!(q.offset(), 200);
        // Empty values are absent; spaces are trimmed.
        assert_eq!(parse("page=&theme=&body=%20"), Ok(DatasetQuery::default()));
        assert_eq!(parse("page=+2+").unwrap().page, 2);
    }

    #[test]
    fn hostile_numbers_are_refused() {
        for bad in [
            "page=0",
            "page=-1",
            "page=1000000000000000000000000000000",
            "page=uno",
            "page=1.5",
            "page=1000001",
            "page=0x10",
        ] {
            assert_eq!(
                parse(bad),
                Err(ParamError::Integer {
                    param: "page",
                    min: 1,
                    max: MAX_PAGE
                }),
                "{bad}"
            );
        }
        for bad in ["per_page=0", "per_page=101", "per_page=1000", "per_page=-5"] {
            assert!(
                matches!(
                    parse(bad),
                    Err(ParamError::Integer {
                        param: "per_page",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert_eq!(parse("page=1&page=2"), Err(ParamError::Repeated("page")));
    }

    #[test]
    fn filters_are_checked() {
        assert_eq!(
            parse("theme=POLITICA"),
            Err(ParamError::UnknownTheme("POLITICA".into()))
        );
        for bad in [
            "municipality=09010",
            "municipality=toluca",
            "municipality=151060",
        ] {
            assert!(
                matches!(parse(bad), Err(ParamError::Municipality(_))),
                "{bad}"
            );
        }
        let long = format!("body={}", "a".repeat(MAX_SLUG_CHARS + 1));
        assert!(matches!(parse(&long), Err(ParamError::TooLong { .. })));
    }

    #[test]
    fn links_keep_the_filters_and_stop_at_the_ends() {
        let q = parse("per_page=2&theme=GOVE&body=a%20b").unwrap();
        let l = q.links("http://x", 5);
        assert_eq!(
            l.next.as_deref(),
            Some("http://x/api/v1/datasets?page=2&per_page=2&body=a+b&theme=GOVE")
        );
        assert_eq!(l.prev, None);
        let last = parse("page=3&per_page=2").unwrap().links("http://x", 5);
        assert_eq!(last.next, None);
        assert!(last.prev.unwrap().contains("page=2&"));
        // Past the end: back to the last page.
        let past = parse("page=40&per_page=2").unwrap().links("http://x", 5);
        assert!(past.prev.unwrap().contains("page=3&"));
        let empty = DatasetQuery::default().links("http://x", 0);
        assert_eq!((empty.next, empty.prev), (None, None));
    }

    #[test]
    fn errors_become_spanish_messages_with_their_arguments() {
        let e: Error = ParamError::Integer {
            param: "page",
            min: 1,
            max: MAX_PAGE,
        }
        .into();
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
        assert!(matches!(
            e,
            Error::User {
                key: "api-error-integer",
                ..
            }
        ));
    }
}
