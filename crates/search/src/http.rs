//! Routes: the results page `/buscar` (facets as links: it works without
//! JavaScript), autocomplete `/buscar/sugerencias`, and CKAN's
//! `package_search` at `/api/3/action/` and `/api/action/`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Query;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use kernel::authz::{Action, Rule};
use kernel::i18n::Locale;
use kernel::web::{Ctx, Routes};
use kernel::Error;
use minijinja::context;
use serde::Serialize;
use serde_json::json;

use crate::index::SearchIndex;
use crate::{SearchQuery, SearchResults, Sort, MAX_WINDOW};

/// Search: anyone.
pub static SEARCH: Action = Action::read("search.search", Rule::Anyone);

pub fn routes() -> Routes {
    Routes::new()
        .get("/buscar", &SEARCH, page)
        .get("/buscar/sugerencias", &SEARCH, suggestions)
}

/// Results per page.
pub const PAGE_SIZE: usize = 20;
/// Values shown per facet.
const FACET_VALUES: usize = 10;
/// Characters of the query kept (the engine keeps fewer words still).
const MAX_Q_CHARS: usize = 300;
/// Suggestions the box shows.
const SUGGESTIONS: usize = 8;

/// The page's filters: Spanish parameter → facet key (its heading is the
/// message `search-facet-{parameter}`).
pub const FILTERS: [(&str, &str); 8] = [
    ("sujeto", "organization"),
    ("tipo_sujeto", "body_kind"),
    ("municipio", "municipality"),
    ("tema", "theme"),
    ("formato", "format"),
    ("licencia", "license"),
    ("palabra", "keyword"),
    ("anio", "year"),
];

/// Kinds of documents: parameter value → kind. Later capabilities' kinds
/// (plans, calls…) are searched under "todo" until they get a tab.
pub const KINDS: [(&str, &str); 4] = [
    ("conjuntos", "dataset"),
    ("recursos", "resource"),
    ("sujetos", "body"),
    ("practicas", "practice"),
];

const SORTS: [(&str, Sort); 4] = [
    ("relevancia", Sort::Relevance),
    ("recientes", Sort::Newest),
    ("descargas", Sort::MostDownloaded),
    ("titulo", Sort::Title),
];

/// What the page was asked, read leniently: unknown parameters are ignored,
/// bad values fall back to the defaults.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageParams {
    pub q: String,
    pub kind: Option<&'static str>,
    /// (parameter, value), in the order given, without repeats.
    pub filters: Vec<(&'static str, String)>,
    pub sort: Option<&'static str>,
    pub page: usize,
}

impl PageParams {
    pub fn parse(pairs: &[(String, String)]) -> PageParams {
        let mut p = PageParams {
            page: 1,
            ..PageParams::default()
        };
        for (k, v) in pairs {
            let v = v.trim();
            match k.as_str() {
                "q" => p.q = v.chars().take(MAX_Q_CHARS).collect(),
                "tipo" => {
                    p.kind = KINDS
                        .iter()
                        .find(|(name, _)| *name == v)
                        .map(|(name, _)| *name)
                }
                "orden" => {
                    p.sort = SORTS
                        .iter()
                        .find(|(name, _)| *name == v)
                        .map(|(name, _)| *name)
                }
                "pagina" => p.page = v.parse().ok().filter(|n| *n >= 1).unwrap_or(1),
                other => {
                    if let Some((param, _)) = FILTERS.iter().find(|(param, _)| *param == other) {
                        let v: String = v.chars().take(200).collect();
                        if !v.is_empty()
                            && !p.filters.iter().any(|(k, x)| k == param && *x == v)
                            && p.filters.len() < 20
                        {
                            p.filters.push((param, v));
                        }
                    }
                }
            }
        }
        // Past the deepest page the engine serves: its last page.
        let max_page = MAX_WINDOW / PAGE_SIZE;
        p.page = p.page.min(max_page);
        p
    }

    fn sort(&self) -> Sort {
        self.sort
            .and_then(|s| SORTS.iter().find(|(name, _)| *name == s))
            .map_or(Sort::Relevance, |(_, s)| *s)
    }

    /// The engine's query.
    pub fn query(&self) -> SearchQuery {
        let mut q = SearchQuery::new(self.q.clone())
            .sort(self.sort())
            .page((self.page - 1) * PAGE_SIZE, PAGE_SIZE)
            .highlight(true);
        for (param, value) in &self.filters {
            q = q.filter(facet_key(param), value.clone());
        }
        if let Some(kind) = self.kind_key() {
            q = q.kind(kind);
        }
        for (_, key) in FILTERS {
            q = q.facet(key);
        }
        q = q.facet("type");
        q.facet_limit = FACET_VALUES;
        q
    }

    fn kind_key(&self) -> Option<&'static str> {
        self.kind
            .and_then(|k| KINDS.iter().find(|(name, _)| *name == k))
            .map(|(_, kind)| *kind)
    }

    /// The page's address with these parameters (`pagina` only when > 1).
    pub fn href(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        if !self.q.is_empty() {
            ser.append_pair("q", &self.q);
        }
        if let Some(k) = self.kind {
            ser.append_pair("tipo", k);
        }
        for (param, value) in &self.filters {
            ser.append_pair(param, value);
        }
        if let Some(s) = self.sort {
            ser.append_pair("orden", s);
        }
        if self.page > 1 {
            ser.append_pair("pagina", &self.page.to_string());
        }
        let qs = ser.finish();
        if qs.is_empty() {
            "/buscar".into()
        } else {
            format!("/buscar?{qs}")
        }
    }

    /// The same search with a filter added or, if present, removed; back to page 1.
    pub fn toggled(&self, param: &'static str, value: &str) -> PageParams {
        let mut p = self.clone();
        p.page = 1;
        let before = p.filters.len();
        p.filters.retain(|(k, v)| !(*k == param && v == value));
        if p.filters.len() == before {
            p.filters.push((param, value.to_string()));
        }
        p
    }

    fn with_kind(&self, kind: Option<&'static str>) -> PageParams {
        PageParams {
            kind,
            page: 1,
            ..self.clone()
        }
    }

    fn with_sort(&self, sort: &'static str) -> PageParams {
        PageParams {
            sort: (sort != "relevancia").then_some(sort),
            page: 1,
            ..self.clone()
        }
    }

    fn with_page(&self, page: usize) -> PageParams {
        PageParams {
            page,
            ..self.clone()
        }
    }

    /// What the search form carries besides `q`, so that a new search keeps
    /// the filters, the kind and the order.
    fn hidden_fields(&self) -> Vec<(&'static str, &str)> {
        let mut out: Vec<(&'static str, &str)> =
            self.filters.iter().map(|(k, v)| (*k, v.as_str())).collect();
        out.extend(self.kind.map(|k| ("tipo", k)));
        out.extend(self.sort.map(|s| ("orden", s)));
        out
    }

    fn is_empty(&self) -> bool {
        is_blank(&self.q) && self.filters.is_empty()
    }
}

/// Nothing searchable: no letter or digit.
fn is_blank(q: &str) -> bool {
    !q.chars().any(char::is_alphanumeric)
}

fn facet_key(param: &str) -> &'static str {
    FILTERS
        .iter()
        .find(|(p, _)| *p == param)
        .map_or("", |(_, key)| *key)
}

/// The search service of this process.
pub fn index(ctx: &Ctx) -> Result<&SearchIndex, Error> {
    ctx.state
        .service::<Arc<SearchIndex>>()
        .map(|i| i.as_ref())
        .ok_or_else(Error::unavailable)
}

/// A failed search, logged, as the person's 503.
pub fn unavailable(e: crate::SearchError) -> Error {
    tracing::error!(error = %e, "search failed");
    Error::user(StatusCode::SERVICE_UNAVAILABLE, "search-unavailable")
}

/// Labels of facet values already looked up, per process: a page shows
/// dozens and they seldom change (a body renamed shows its new name after
/// `LABELS_TTL` at most).
pub struct LabelCache {
    inner: std::sync::Mutex<(std::time::Instant, LabelMap)>,
}

type LabelMap = HashMap<(Locale, String, String), String>;

const LABELS_TTL: std::time::Duration = std::time::Duration::from_secs(60);
/// Labels kept at most (the cache starts over when full).
const MAX_LABELS: usize = 50_000;

impl LabelCache {
    pub fn new() -> LabelCache {
        LabelCache {
            inner: std::sync::Mutex::new((std::time::Instant::now(), HashMap::new())),
        }
    }

    /// The labels known, and the values still to look up.
    fn get(
        &self,
        locale: Locale,
        key: &str,
        values: &[String],
    ) -> (HashMap<String, String>, Vec<String>) {
        let mut found = HashMap::new();
        let mut missing = vec![];
        let Ok(mut c) = self.inner.lock() else {
            return (found, values.to_vec());
        };
        if c.0.elapsed() > LABELS_TTL || c.1.len() > MAX_LABELS {
            *c = (std::time::Instant::now(), HashMap::new());
        }
        for v in values {
            match c.1.get(&(locale, key.to_string(), v.clone())) {
                Some(l) => {
                    found.insert(v.clone(), l.clone());
                }
                None => missing.push(v.clone()),
            }
        }
        (found, missing)
    }

    fn put(&self, locale: Locale, key: &str, labels: &HashMap<String, String>, asked: &[String]) {
        if let Ok(mut c) = self.inner.lock() {
            for v in asked {
                // A value without a label reads as itself: remembered too.
                let l = labels.get(v).cloned().unwrap_or_else(|| v.clone());
                c.1.insert((locale, key.to_string(), v.clone()), l);
            }
        }
    }
}

impl Default for LabelCache {
    fn default() -> Self {
        LabelCache::new()
    }
}

/// Labels of facet values, from the capabilities that own them.
pub async fn labels(
    ctx: &Ctx,
    key: &str,
    values: &[String],
) -> Result<HashMap<String, String>, Error> {
    if key == "type" {
        return Ok(values
            .iter()
            .map(|v| (v.clone(), ctx.t(&format!("search-kind-{v}"))))
            .collect());
    }
    let cache = ctx.state.service::<LabelCache>();
    let (mut out, missing) = match cache {
        Some(c) => c.get(ctx.locale, key, values),
        None => (HashMap::new(), values.to_vec()),
    };
    if missing.is_empty() {
        return Ok(out);
    }
    let mut fresh = HashMap::new();
    for s in &ctx.state.search_sources {
        fresh.extend(
            s.facet_labels(&ctx.state.db, &ctx.state.i18n, ctx.locale, key, &missing)
                .await?,
        );
    }
    if let Some(c) = cache {
        c.put(ctx.locale, key, &fresh, &missing);
    }
    out.extend(fresh);
    Ok(out)
}

#[derive(Serialize)]
struct FacetValueView {
    label: String,
    count: u64,
    href: String,
    selected: bool,
}

#[derive(Serialize)]
struct FacetView {
    param: &'static str,
    heading: String,
    values: Vec<FacetValueView>,
}

#[derive(Serialize)]
struct Chip {
    heading: String,
    label: String,
    href: String,
}

#[derive(Serialize)]
struct HitView {
    url: String,
    kind: String,
    title_html: minijinja::Value,
    snippet_html: minijinja::Value,
}

#[derive(Serialize)]
struct Tab {
    label: String,
    count: u64,
    href: String,
    current: bool,
}

#[derive(Serialize)]
struct SortLink {
    label: String,
    href: String,
    current: bool,
}

async fn page(ctx: Ctx, Query(pairs): Query<Vec<(String, String)>>) -> Result<Response, Error> {
    let params = PageParams::parse(&pairs);
    let index = index(&ctx)?;
    let found = index.search(&params.query()).await.map_err(unavailable)?;
    // Tabs count every kind: when one is chosen, ask once more without it.
    let kinds = if params.kind.is_some() {
        let mut q = params.with_kind(None).query().page(0, 0);
        q.facets = vec!["type".into()];
        index.search(&q).await.map_err(unavailable)?
    } else {
        found.clone()
    };
    let view = render_model(&ctx, &params, &found, &kinds).await?;
    let mut res = ctx.render("search/page.html", view)?;
    if params.is_empty() {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("public, max-age=30"),
        );
    }
    Ok(res)
}

async fn render_model(
    ctx: &Ctx,
    params: &PageParams,
    found: &SearchResults,
    kinds: &SearchResults,
) -> Result<minijinja::Value, Error> {
    let mut facets = vec![];
    let mut chips = vec![];
    for (param, key) in FILTERS {
        let counted = found.facets.get(key).cloned().unwrap_or_default();
        let chosen: Vec<&String> = params
            .filters
            .iter()
            .filter(|(p, _)| *p == param)
            .map(|(_, v)| v)
            .collect();
        let mut values: Vec<String> = counted.iter().map(|c| c.value.clone()).collect();
        values.extend(chosen.iter().map(|v| (*v).clone()));
        let names = labels(ctx, key, &values).await?;
        let label = |v: &str| names.get(v).cloned().unwrap_or_else(|| v.to_string());
        let heading = ctx.t(&format!("search-facet-{param}"));
        for v in &chosen {
            chips.push(Chip {
                heading: heading.clone(),
                label: label(v),
                href: params.toggled(param, v).href(),
            });
        }
        if counted.is_empty() {
            continue;
        }
        facets.push(FacetView {
            param,
            heading,
            values: counted
                .iter()
                .map(|c| FacetValueView {
                    label: label(&c.value),
                    count: c.count,
                    href: params.toggled(param, &c.value).href(),
                    selected: chosen.contains(&&c.value),
                })
                .collect(),
        });
    }
    let type_counts: HashMap<&str, u64> = kinds
        .facets
        .get("type")
        .map(|v| v.iter().map(|c| (c.value.as_str(), c.count)).collect())
        .unwrap_or_default();
    let mut tabs = vec![Tab {
        label: ctx.t("search-kind-all"),
        count: kinds.total,
        href: params.with_kind(None).href(),
        current: params.kind.is_none(),
    }];
    for (name, kind) in KINDS {
        tabs.push(Tab {
            label: ctx.t(&format!("search-kind-{kind}")),
            count: type_counts.get(kind).copied().unwrap_or(0),
            href: params.with_kind(Some(name)).href(),
            current: params.kind == Some(name),
        });
    }
    let sorts: Vec<SortLink> = SORTS
        .iter()
        .map(|(name, _)| SortLink {
            label: ctx.t(&format!("search-sort-{name}")),
            href: params.with_sort(name).href(),
            current: params.sort.unwrap_or("relevancia") == *name,
        })
        .collect();
    let hits: Vec<HitView> = found
        .hits
        .iter()
        .map(|h| HitView {
            url: h.url.clone(),
            kind: ctx.t(&format!("search-kind-{}", h.kind)),
            title_html: minijinja::Value::from_safe_string(h.title_html.clone()),
            snippet_html: minijinja::Value::from_safe_string(h.snippet_html.clone()),
        })
        .collect();
    let total = found.total as usize;
    let pages = total.div_ceil(PAGE_SIZE).clamp(1, MAX_WINDOW / PAGE_SIZE);
    let did_you_mean = found.did_you_mean.as_ref().map(|text| {
        (
            text.clone(),
            PageParams {
                q: text.clone(),
                page: 1,
                ..params.clone()
            }
            .href(),
        )
    });
    let first = (params.page - 1) * PAGE_SIZE + 1;
    Ok(context! {
        q => &params.q,
        browsing => params.is_empty(),
        total => total,
        first => first.min(total),
        last => (first + hits.len()).saturating_sub(1),
        hits => hits,
        facets => facets,
        chips => chips,
        tabs => tabs,
        sorts => sorts,
        hidden => params.hidden_fields(),
        page => params.page,
        pages => pages,
        prev_href => (params.page > 1).then(|| params.with_page(params.page - 1).href()),
        next_href => (params.page < pages).then(|| params.with_page(params.page + 1).href()),
        did_you_mean => did_you_mean.as_ref().map(|(t, _)| t.clone()),
        did_you_mean_href => did_you_mean.map(|(_, h)| h),
        clear_filters_href => PageParams { q: params.q.clone(), page: 1, ..PageParams::default() }.href(),
    })
}

/// `/buscar/sugerencias?q=presu`: completions and matching titles, as JSON.
/// (Read as pairs: a repeated or unknown parameter is no reason to refuse.)
async fn suggestions(
    ctx: Ctx,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, Error> {
    let q: String = pairs
        .iter()
        .rev()
        .find(|(k, _)| k == "q")
        .map(|(_, v)| v.chars().take(MAX_Q_CHARS).collect())
        .unwrap_or_default();
    let found = if is_blank(&q) {
        vec![]
    } else {
        index(&ctx)?
            .suggest(&q, SUGGESTIONS)
            .await
            .map_err(unavailable)?
    };
    let mut res = axum::Json(json!({ "q": q, "suggestions": found })).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parameters_are_read_leniently() {
        let p = PageParams::parse(&pairs(&[
            ("q", " presupuesto "),
            ("tipo", "conjuntos"),
            ("tema", "econ"),
            ("tema", "econ"),
            ("formato", "CSV"),
            ("orden", "nada"),
            ("pagina", "-3"),
            ("desconocido", "x"),
        ]));
        assert_eq!(p.q, "presupuesto");
        assert_eq!(p.kind, Some("conjuntos"));
        assert_eq!(
            p.filters,
            vec![("tema", "econ".into()), ("formato", "CSV".into())]
        );
        assert_eq!(p.sort, None);
        assert_eq!(p.page, 1);
        let q = p.query();
        assert_eq!(q.kinds, ["dataset"]);
        assert!(q.filters.contains(&("theme".into(), "econ".into())));
    }

    #[test]
    fn links_toggle_filters_and_go_back_to_the_first_page() {
        let p = PageParams::parse(&pairs(&[("q", "obra pública"), ("pagina", "3")]));
        let added = p.toggled("sujeto", "secretaria-de-finanzas");
        assert_eq!(
            added.href(),
            "/buscar?q=obra+p%C3%BAblica&sujeto=secretaria-de-finanzas"
        );
        assert_eq!(
            added.toggled("sujeto", "secretaria-de-finanzas").href(),
            "/buscar?q=obra+p%C3%BAblica"
        );
        assert_eq!(
            p.with_page(4).href(),
            "/buscar?q=obra+p%C3%BAblica&pagina=4"
        );
    }

    #[test]
    fn hostile_parameters_are_bounded() {
        let long = "a".repeat(10_000);
        let p = PageParams::parse(&pairs(&[("q", &long), ("pagina", "99999999999999999999")]));
        assert_eq!(p.q.chars().count(), MAX_Q_CHARS);
        assert_eq!(p.page, 1, "a number too big to read is page 1");
        let p = PageParams::parse(&pairs(&[("pagina", "100000")]));
        assert_eq!(p.page, MAX_WINDOW / PAGE_SIZE);
    }
}
