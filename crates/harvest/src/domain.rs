//! What another portal says, in this catalog's terms: a CKAN package dict, a
//! Project Open Data (`data.json`) dataset or a DCAT-AP JSON-LD dataset
//! becomes a [`RemoteDataset`] (our [`Metadata`] and link resources). Pure
//! and lenient: portals send sizes as strings, timestamps without a zone,
//! tags as strings or objects, language maps, and fields we do not know;
//! whatever cannot be mapped is left out rather than refused.

use catalog::domain::dataset::{is_date, MAX_DESCRIPTION, MAX_KEYWORD, MAX_KEYWORDS, MAX_TITLE};
use catalog::domain::vocab::{licence_from_ckan_id, Frequency, Licence, Theme};
use catalog::store::Metadata;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Resources taken from one remote dataset (the rest are left out).
pub const MAX_RESOURCES: usize = 100;
/// Characters of a resource's name and description kept.
const MAX_RESOURCE_NAME: usize = 200;
const MAX_RESOURCE_DESCRIPTION: usize = 2_000;
/// Longest URL kept.
const MAX_URL: usize = 2_000;

/// The kinds of source a harvest reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Kind {
    /// Another CKAN: its Action API's `package_search`, page by page.
    Ckan,
    /// A DCAT(-AP) catalog in JSON-LD.
    Dcat,
    /// A Project Open Data v1.1 `data.json`.
    DataJson,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Ckan => "ckan",
            Kind::Dcat => "dcat",
            Kind::DataJson => "datajson",
        }
    }

    pub fn from_code(s: &str) -> Option<Kind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ckan" => Some(Kind::Ckan),
            "dcat" | "dcat-ap" | "jsonld" | "json-ld" => Some(Kind::Dcat),
            "datajson" | "data.json" | "pod" => Some(Kind::DataJson),
            _ => None,
        }
    }

    /// The kind a URL most likely is when none is given: a `data.json` is
    /// one, a `.jsonld` file or a `catalog.json…` is DCAT, anything else
    /// (a portal's home or its API) is CKAN.
    pub fn guess(url: &url::Url) -> Kind {
        let path = url.path().to_ascii_lowercase();
        let last = path.rsplit('/').next().unwrap_or_default();
        if last == "data.json" {
            Kind::DataJson
        } else if last.ends_with(".jsonld")
            || last.ends_with(".ttl")
            || last.ends_with(".rdf")
            || (last.starts_with("catalog") && last.contains('.'))
        {
            Kind::Dcat
        } else {
            Kind::Ckan
        }
    }
}

/// A source's address, checked: absolute http(s), no credentials in it.
pub fn source_url(raw: &str) -> Option<url::Url> {
    let url = url::Url::parse(raw.trim()).ok()?;
    (matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|h| !h.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && raw.len() <= MAX_URL)
        .then_some(url)
}

/// The root of a CKAN site from whatever address was given: the site
/// (`https://datos.example.org/`), its API (`…/api/3/action/package_search`)
/// or a page of it; double slashes (`…gov.br//api`) are tolerated.
pub fn ckan_site(url: &url::Url) -> String {
    let mut site = url.clone();
    site.set_query(None);
    site.set_fragment(None);
    let path = site.path().to_string();
    let cut = ["/api/", "/dataset", "/datos"]
        .iter()
        .filter_map(|m| path.find(m))
        .min()
        .unwrap_or(path.len());
    let kept = path[..cut].trim_end_matches('/').to_string();
    site.set_path(&kept);
    site.as_str().trim_end_matches('/').to_string()
}

/// The address of one page of a CKAN `package_search`.
pub fn ckan_page_url(site: &str, rows: usize, start: usize) -> String {
    format!(
        "{site}/api/3/action/package_search?q=*:*&rows={rows}&start={start}&sort=metadata_created%20asc"
    )
}

/// One remote dataset, mapped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteDataset {
    /// What identifies it at the source (a CKAN id, a DCAT `@id`, a data.json
    /// `identifier`).
    pub remote_id: String,
    /// Its name at the source, for the local slug (CKAN's `name`).
    pub name: Option<String>,
    pub meta: Metadata,
    /// When the source says it last changed (as sent).
    pub modified: Option<String>,
    /// Its page at the source, kept as the first link resource.
    pub landing: Option<String>,
    pub resources: Vec<RemoteResource>,
}

impl RemoteDataset {
    /// A fingerprint of everything that is copied: equal means unchanged.
    pub fn content_hash(&self) -> String {
        #[derive(Serialize)]
        struct Copied<'a> {
            meta: &'a Metadata,
            landing: &'a Option<String>,
            resources: &'a [RemoteResource],
        }
        let bytes = serde_json::to_vec(&Copied {
            meta: &self.meta,
            landing: &self.landing,
            resources: &self.resources,
        })
        .unwrap_or_default();
        hex::encode(Sha256::digest(bytes))
    }
}

/// One remote resource: a link to the source's file or service (the bytes
/// are never copied).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoteResource {
    /// What identifies it within its dataset at the source (id, else URL).
    pub key: String,
    pub name: String,
    pub description: String,
    pub url: String,
}

// ------------------------------------------------------------ small readers

/// Text from a JSON value as portals send it: a string, a number, a
/// language-tagged literal (`{"@value", "@language"}`), a language map
/// (`{"es": …, "en": …}`) or a list of those (Spanish preferred, then
/// English, then the first).
pub fn text(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Array(items) => {
            let tagged = |lang: &str| {
                items.iter().find(|i| {
                    i.get("@language")
                        .and_then(Value::as_str)
                        .is_some_and(|l| l.to_ascii_lowercase().starts_with(lang))
                })
            };
            tagged("es")
                .or_else(|| tagged("en"))
                .and_then(text)
                .or_else(|| items.iter().find_map(text))
        }
        Value::Object(o) => {
            if let Some(v) = o.get("@value") {
                text(v)
            } else if let Some(id) = o.get("@id") {
                text(id)
            } else {
                ["es", "es-MX", "en"]
                    .iter()
                    .find_map(|l| o.get(*l))
                    .and_then(text)
            }
        }
        Value::Null => None,
    }?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Every text of a value that may be one or a list.
fn texts(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        other => text(other).into_iter().collect(),
    }
}

/// Trimmed, Windows line ends made plain, at most `max` characters.
pub fn clean(s: &str, max: usize) -> String {
    let s = s.replace("\r\n", "\n").replace('\r', "\n");
    s.trim()
        .chars()
        .take(max)
        .collect::<String>()
        .trim()
        .to_string()
}

/// An absolute http(s) URL, or nothing.
pub fn http_url(s: &str) -> Option<String> {
    let s = s.trim();
    if s.len() > MAX_URL {
        return None;
    }
    let u = url::Url::parse(s).ok()?;
    (matches!(u.scheme(), "http" | "https") && u.host_str().is_some()).then(|| u.to_string())
}

/// The `yyyy-mm-dd` at the start of a date or timestamp.
pub fn date_of(s: &str) -> Option<String> {
    let d: String = s.trim().chars().take(10).collect();
    is_date(&d).then_some(d)
}

/// Keywords as the catalog keeps them: lower case, no repeats, within limits.
pub fn keywords(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for k in items {
        for part in k.split([',', ';', '\n']) {
            let k = part.trim().to_lowercase();
            if k.is_empty() || k.chars().count() > MAX_KEYWORD || out.contains(&k) {
                continue;
            }
            if out.len() == MAX_KEYWORDS {
                return out;
            }
            out.push(k);
        }
    }
    out
}

/// Our theme for what a portal calls a group or theme: an EU code (`ECON`),
/// its URI, or its label in Spanish or English (`economia-y-finanzas`,
/// `Salud`, `Environment`).
pub fn theme_of(s: &str) -> Option<&'static str> {
    if let Some(t) = Theme::by_code(s).or_else(|| Theme::by_uri(s)) {
        return Some(t.code);
    }
    let wanted = kernel::text::slugify(s);
    if wanted.is_empty() {
        return None;
    }
    Theme::all()
        .iter()
        .find(|t| {
            kernel::text::slugify(t.label_es) == wanted
                || kernel::text::slugify(t.label_en) == wanted
        })
        .map(|t| t.code)
}

/// Themes from many names, without repeats.
fn themes(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for s in items {
        if let Some(code) = theme_of(&s) {
            if !out.iter().any(|c| c == code) {
                out.push(code.to_string());
            }
        }
    }
    out
}

/// Our licence for what a portal says: a CKAN id, one of our codes, a
/// licence URL or its EU URI. When nothing matches (or nothing is said),
/// "other" ([`UNKNOWN_LICENCE`]): the platform never grants, on a source's
/// behalf, rights its publisher did not state; the dataset's page links to
/// the original, where the terms are.
pub fn licence_of(candidates: &[Option<String>]) -> String {
    candidates
        .iter()
        .flatten()
        .find_map(|c| {
            licence_from_ckan_id(c)
                .or_else(|| Licence::by_uri(c))
                .or_else(|| {
                    // SPDX ids (data packages, some DCAT feeds).
                    Licence::all()
                        .iter()
                        .find(|l| l.spdx.is_some_and(|s| s.eq_ignore_ascii_case(c.trim())))
                })
        })
        .map_or_else(|| UNKNOWN_LICENCE.to_string(), |l| l.code.to_string())
}

/// What a harvested dataset whose licence we cannot read is published under.
pub const UNKNOWN_LICENCE: &str = "other-closed";

/// Our frequency for an EU code or URI, or an ISO 8601 repeating duration
/// as data.json writes them (`R/P1M`).
pub fn frequency_of(s: &str) -> Option<String> {
    if let Some(f) = Frequency::by_code(s).or_else(|| Frequency::by_uri(s)) {
        return Some(f.code.to_string());
    }
    let code = match s.trim().to_ascii_uppercase().as_str() {
        "R/P1D" => "DAILY",
        "R/P1W" | "R/P7D" => "WEEKLY",
        "R/P2W" | "R/P0.5M" => "BIWEEKLY",
        "R/P1M" => "MONTHLY",
        "R/P2M" => "BIMONTHLY",
        "R/P3M" => "QUARTERLY",
        "R/P4M" => "ANNUAL_3",
        "R/P6M" => "ANNUAL_2",
        "R/P1Y" => "ANNUAL",
        "R/P2Y" => "BIENNIAL",
        "R/P3Y" => "TRIENNIAL",
        "R/P5Y" => "QUINQUENNIAL",
        "R/P10Y" => "DECENNIAL",
        "IRREGULAR" => "IRREG",
        _ => return None,
    };
    Some(code.to_string())
}

/// An e-mail address from `mailto:…` or as it is, if it looks like one.
pub fn email_of(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s
        .strip_prefix("mailto:")
        .or_else(|| s.strip_prefix("MAILTO:"))
        .unwrap_or(s);
    let (local, domain) = s.split_once('@')?;
    (!local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !s.contains(char::is_whitespace)
        && s.len() <= 254)
        .then(|| s.to_string())
}

/// `es` unless the source says English.
fn language_of(values: &[String]) -> String {
    let english = values.iter().any(|v| {
        let v = v.trim().to_ascii_lowercase();
        v == "en"
            || v == "eng"
            || v.starts_with("en-")
            || v.starts_with("en_")
            || v.ends_with("/eng")
            || v == "english"
    });
    let spanish = values.iter().any(|v| {
        let v = v.trim().to_ascii_lowercase();
        v == "es"
            || v == "spa"
            || v.starts_with("es-")
            || v.starts_with("es_")
            || v.ends_with("/spa")
    });
    if english && !spanish { "en" } else { "es" }.to_string()
}

/// A title the catalog accepts (3 to 200 characters).
fn title_of(candidates: &[Option<String>], fallback: &str) -> String {
    let t = candidates
        .iter()
        .flatten()
        .map(|t| clean(t, MAX_TITLE))
        .find(|t| t.chars().count() >= 3)
        .unwrap_or_else(|| clean(fallback, MAX_TITLE));
    if t.chars().count() >= 3 {
        t
    } else {
        format!("Conjunto de datos {t}")
            .chars()
            .take(MAX_TITLE)
            .collect()
    }
}

/// A resource's name: as given, else the last part of its URL.
fn resource_name(name: Option<String>, url: &str, n: usize) -> String {
    let name = name
        .map(|s| clean(&s, MAX_RESOURCE_NAME))
        .filter(|s| !s.is_empty());
    name.or_else(|| {
        url::Url::parse(url).ok().and_then(|u| {
            u.path_segments()
                .and_then(|mut s| s.next_back().map(str::to_string))
                .filter(|s| !s.is_empty())
                .map(|s| clean(&s, MAX_RESOURCE_NAME))
        })
    })
    .unwrap_or_else(|| format!("Recurso {n}"))
}

fn metadata(
    title: String,
    description: Option<String>,
    themes: Vec<String>,
    keywords: Vec<String>,
    licence: String,
) -> Metadata {
    Metadata {
        title,
        description: description
            .map(|d| clean(&d, MAX_DESCRIPTION))
            .unwrap_or_default(),
        themes,
        keywords,
        licence,
        language: "es".into(),
        ..Metadata::default()
    }
}

/// A temporal coverage as `start/end` (data.json) or two dates.
fn temporal(start: Option<&str>, end: Option<&str>) -> (Option<String>, Option<String>) {
    let start = start.and_then(date_of);
    let end = end.and_then(date_of);
    match (&start, &end) {
        (Some(a), Some(b)) if a > b => (None, None),
        _ => (start, end),
    }
}

// ------------------------------------------------------------------- CKAN

/// A CKAN package dict (`package_search`'s `results[]`, `package_show`'s
/// `result`). `None` for what is not a public, active dataset or has no id.
pub fn from_ckan(pkg: &Value, site: &str) -> Option<RemoteDataset> {
    let obj = pkg.as_object()?;
    if obj.get("private").and_then(Value::as_bool) == Some(true) {
        return None;
    }
    if obj
        .get("state")
        .and_then(Value::as_str)
        .is_some_and(|s| s != "active")
    {
        return None;
    }
    let get = |k: &str| obj.get(k).and_then(text);
    let name = get("name");
    let remote_id = get("id").or_else(|| name.clone())?;
    // `extras` as a map of lower-case keys (non-ASCII keys kept as they are).
    let extras: Vec<(String, String)> = obj
        .get("extras")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|e| Some((text(e.get("key")?)?.to_lowercase(), text(e.get("value")?)?)))
                .collect()
        })
        .unwrap_or_default();
    let extra = |k: &str| {
        extras
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
    };
    // A field, from the package or (ckanext-dcat's legacy style) its extras.
    let field = |k: &str| get(k).or_else(|| extra(k));

    let tags = obj
        .get("tags")
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| match t {
                    Value::Object(o) => o
                        .get("name")
                        .or_else(|| o.get("display_name"))
                        .and_then(text),
                    other => text(other),
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut theme_names: Vec<String> = obj
        .get("groups")
        .and_then(Value::as_array)
        .map(|groups| {
            groups
                .iter()
                .flat_map(|g| {
                    ["name", "title", "display_name"]
                        .iter()
                        .filter_map(|k| g.get(*k).and_then(text))
                        .collect::<Vec<_>>()
                })
                .collect()
        })
        .unwrap_or_default();
    // DCAT-AP themes (ckanext-dcat): a list of URIs, or a JSON list in a string.
    if let Some(v) = obj.get("theme") {
        theme_names.extend(texts(v));
    }
    if let Some(t) = extra("theme") {
        match serde_json::from_str::<Value>(&t) {
            Ok(v @ Value::Array(_)) => theme_names.extend(texts(&v)),
            _ => theme_names.push(t),
        }
    }
    let licence = licence_of(&[get("license_id"), get("license_url")]);
    let landing = name
        .as_deref()
        .and_then(|n| http_url(&format!("{site}/dataset/{n}")));
    let mut meta = metadata(
        title_of(&[get("title"), name.clone()], &remote_id),
        get("notes"),
        themes(theme_names),
        keywords(tags),
        licence,
    );
    meta.frequency = ["frequency", "accrual_periodicity", "accrualperiodicity"]
        .iter()
        .find_map(|k| field(k))
        .and_then(|f| frequency_of(&f));
    (meta.temporal_start, meta.temporal_end) = temporal(
        field("temporal_start").as_deref(),
        field("temporal_end").as_deref(),
    );
    meta.language = language_of(
        &field("language")
            .map(|l| texts(&Value::String(l)))
            .unwrap_or_default(),
    );
    if let Some(v) = obj.get("language") {
        meta.language = language_of(&texts(v));
    }
    meta.contact_name = ["maintainer", "author", "contact_name"]
        .iter()
        .find_map(|k| field(k))
        .map(|n| clean(&n, 200));
    meta.contact_email = ["maintainer_email", "author_email", "contact_email"]
        .iter()
        .filter_map(|k| field(k))
        .find_map(|e| email_of(&e));

    let mut resources = vec![];
    for (n, r) in obj
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if resources.len() == MAX_RESOURCES {
            break;
        }
        if r.get("state")
            .and_then(Value::as_str)
            .is_some_and(|s| s != "active")
        {
            continue;
        }
        let Some(url) = r.get("url").and_then(text).and_then(|u| http_url(&u)) else {
            continue;
        };
        let key = r.get("id").and_then(text).unwrap_or_else(|| url.clone());
        resources.push(RemoteResource {
            name: resource_name(r.get("name").and_then(text), &url, n + 1),
            description: r
                .get("description")
                .and_then(text)
                .map(|d| clean(&d, MAX_RESOURCE_DESCRIPTION))
                .unwrap_or_default(),
            key,
            url,
        });
    }
    Some(RemoteDataset {
        remote_id,
        name,
        meta,
        modified: get("metadata_modified"),
        landing,
        resources,
    })
}

/// The packages of a `package_search` answer and the total it announces;
/// `Err` with CKAN's own message when it answered `success: false`.
pub fn ckan_page(envelope: &Value) -> Result<(Vec<Value>, Option<u64>), String> {
    if envelope.get("success").and_then(Value::as_bool) == Some(false) {
        let message = envelope
            .get("error")
            .and_then(|e| e.get("message").and_then(text).or_else(|| text(e)))
            .unwrap_or_default();
        return Err(message);
    }
    let result = envelope.get("result").unwrap_or(envelope);
    let Some(results) = result.get("results").and_then(Value::as_array) else {
        return Err(String::new());
    };
    let count = result.get("count").and_then(|c| {
        c.as_u64()
            .or_else(|| c.as_str().and_then(|s| s.trim().parse().ok()))
    });
    Ok((results.clone(), count))
}

// --------------------------------------------------------------- data.json

/// The datasets of a Project Open Data catalog (`dataset[]`), or `None` if
/// the document is not one.
pub fn datajson_datasets(doc: &Value) -> Option<&Vec<Value>> {
    doc.get("dataset").and_then(Value::as_array)
}

/// One data.json dataset. `None` without an identifier, or when it is not
/// public (`accessLevel` other than `public`).
pub fn from_datajson(ds: &Value, catalog_url: &str) -> Option<RemoteDataset> {
    let obj = ds.as_object()?;
    let get = |k: &str| obj.get(k).and_then(text);
    if get("accessLevel").is_some_and(|a| !a.eq_ignore_ascii_case("public")) {
        return None;
    }
    let remote_id = get("identifier")?;
    let landing = get("landingPage")
        .and_then(|l| http_url(&l))
        .or_else(|| http_url(&remote_id))
        .or_else(|| http_url(catalog_url));
    let keyword = obj.get("keyword").map(texts).unwrap_or_default();
    let theme = obj.get("theme").map(texts).unwrap_or_default();
    let mut meta = metadata(
        title_of(&[get("title")], &remote_id),
        get("description"),
        themes(theme),
        keywords(keyword),
        licence_of(&[get("license")]),
    );
    meta.frequency = get("accrualPeriodicity").and_then(|f| frequency_of(&f));
    if let Some(t) = get("temporal") {
        let (a, b) = t.split_once('/').unwrap_or((&t, ""));
        (meta.temporal_start, meta.temporal_end) = temporal(Some(a), Some(b));
    }
    meta.language = language_of(&obj.get("language").map(texts).unwrap_or_default());
    if let Some(c) = obj.get("contactPoint") {
        meta.contact_name = c.get("fn").and_then(text).map(|n| clean(&n, 200));
        meta.contact_email = c.get("hasEmail").and_then(text).and_then(|e| email_of(&e));
    }
    let mut resources = vec![];
    for (n, d) in obj
        .get("distribution")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if resources.len() == MAX_RESOURCES {
            break;
        }
        let Some(url) = ["downloadURL", "accessURL"]
            .iter()
            .filter_map(|k| d.get(*k).and_then(text))
            .find_map(|u| http_url(&u))
        else {
            continue;
        };
        let name = d
            .get("title")
            .and_then(text)
            .or_else(|| d.get("format").and_then(text));
        resources.push(RemoteResource {
            key: url.clone(),
            name: resource_name(name, &url, n + 1),
            description: d
                .get("description")
                .and_then(text)
                .map(|s| clean(&s, MAX_RESOURCE_DESCRIPTION))
                .unwrap_or_default(),
            url,
        });
    }
    Some(RemoteDataset {
        remote_id,
        name: None,
        meta,
        modified: get("modified"),
        landing,
        resources,
    })
}

// ------------------------------------------------------------ DCAT JSON-LD

/// The local name of a JSON-LD key or type however it is written:
/// `dct:title`, `http://purl.org/dc/terms/title`, or the DCAT-AP context's
/// own terms (`title`, `licence`, `modificationDate`), made one.
fn local(key: &str) -> &str {
    let name = key.rsplit(['#', '/', ':']).next().unwrap_or(key);
    match name {
        "licence" => "license",
        "modificationDate" => "modified",
        "releaseDate" => "issued",
        "temporalCoverage" => "temporal",
        "frequency" => "accrualPeriodicity",
        "themes" => "theme",
        "keywords" => "keyword",
        other => other,
    }
}

/// Whether a node's `@type` (or `type`) names `class`.
fn has_type(node: &Value, class: &str) -> bool {
    ["@type", "type"]
        .iter()
        .filter_map(|k| node.get(*k))
        .flat_map(texts)
        .any(|t| local(&t) == class)
}

/// Every object of the document that has an `@id`, by id, and every
/// dataset, in document order.
fn walk<'a>(
    v: &'a Value,
    by_id: &mut std::collections::HashMap<String, &'a Value>,
    datasets: &mut Vec<&'a Value>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    match v {
        Value::Array(items) => {
            for i in items {
                walk(i, by_id, datasets, depth + 1);
            }
        }
        Value::Object(o) => {
            if let Some(id) = o.get("@id").and_then(Value::as_str) {
                // A bare reference (`{"@id": …}`) does not replace the node.
                if o.len() > 1 || !by_id.contains_key(id) {
                    by_id.insert(id.to_string(), v);
                }
            }
            if has_type(v, "Dataset") && o.len() > 1 {
                datasets.push(v);
            }
            for (k, child) in o {
                if k != "@context" {
                    walk(child, by_id, datasets, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// A DCAT JSON-LD document read as plain JSON: the nodes of its `@graph`
/// (or the document itself) with properties named by prefix, full IRI or
/// the DCAT-AP context's terms; references by `@id` are followed.
#[derive(Debug)]
pub struct DcatDocument<'a> {
    by_id: std::collections::HashMap<String, &'a Value>,
    datasets: Vec<&'a Value>,
}

impl<'a> DcatDocument<'a> {
    pub fn read(doc: &'a Value) -> DcatDocument<'a> {
        let mut by_id = std::collections::HashMap::new();
        let mut found = vec![];
        walk(doc, &mut by_id, &mut found, 0);
        // The same dataset may appear inline and in the graph: keep one.
        let mut seen = std::collections::HashSet::new();
        let datasets = found
            .into_iter()
            .filter(|d| match d.get("@id").and_then(Value::as_str) {
                Some(id) => seen.insert(id.to_string()),
                None => true,
            })
            .collect();
        DcatDocument { by_id, datasets }
    }

    /// Whether the document holds anything DCAT at all.
    pub fn is_dcat(doc: &Value) -> bool {
        let mut by_id = std::collections::HashMap::new();
        let mut datasets = vec![];
        walk(doc, &mut by_id, &mut datasets, 0);
        !datasets.is_empty() || by_id.values().any(|n| has_type(n, "Catalog"))
    }

    pub fn len(&self) -> usize {
        self.datasets.len()
    }

    pub fn is_empty(&self) -> bool {
        self.datasets.is_empty()
    }

    /// A node itself, when `v` is only a reference to it.
    fn resolve(&self, v: &'a Value) -> &'a Value {
        match v.as_object() {
            Some(o) if o.len() == 1 => o
                .get("@id")
                .and_then(Value::as_str)
                .and_then(|id| self.by_id.get(id).copied())
                .unwrap_or(v),
            _ => v,
        }
    }

    /// The values of a node's property `name` (local name), lists flattened
    /// and references followed.
    fn values(&self, node: &'a Value, name: &str) -> Vec<&'a Value> {
        let mut out = vec![];
        if let Some(o) = node.as_object() {
            for (k, v) in o {
                if k.starts_with('@') || local(k) != name {
                    continue;
                }
                match v {
                    Value::Array(items) => out.extend(items.iter().map(|i| self.resolve(i))),
                    other => out.push(self.resolve(other)),
                }
            }
        }
        out
    }

    /// The best text of a property (Spanish first).
    fn text(&self, node: &'a Value, name: &str) -> Option<String> {
        let values = self.values(node, name);
        text(&Value::Array(values.into_iter().cloned().collect()))
    }

    /// Every text (or IRI) of a property.
    fn texts(&self, node: &'a Value, name: &str) -> Vec<String> {
        self.values(node, name)
            .into_iter()
            .filter_map(text)
            .collect()
    }

    /// The mapped datasets.
    pub fn datasets(&self, catalog_url: &str) -> Vec<RemoteDataset> {
        self.datasets
            .iter()
            .filter_map(|d| self.dataset(d, catalog_url))
            .collect()
    }

    fn dataset(&self, d: &'a Value, catalog_url: &str) -> Option<RemoteDataset> {
        let id = d.get("@id").and_then(text);
        let identifier = self.text(d, "identifier");
        let remote_id = id.clone().or_else(|| identifier.clone())?;
        let landing = self
            .text(d, "landingPage")
            .and_then(|l| http_url(&l))
            .or_else(|| id.as_deref().and_then(http_url))
            .or_else(|| http_url(catalog_url));
        let mut meta = metadata(
            title_of(&[self.text(d, "title")], &remote_id),
            self.text(d, "description"),
            themes(self.texts(d, "theme")),
            keywords(self.texts(d, "keyword")),
            licence_of(
                &self
                    .texts(d, "license")
                    .into_iter()
                    .map(Some)
                    .chain(
                        // Without a dataset licence, its distributions' one.
                        self.values(d, "distribution")
                            .into_iter()
                            .flat_map(|x| self.texts(x, "license"))
                            .map(Some),
                    )
                    .collect::<Vec<_>>(),
            ),
        );
        meta.frequency = self
            .texts(d, "accrualPeriodicity")
            .iter()
            .find_map(|f| frequency_of(f));
        if let Some(t) = self.values(d, "temporal").into_iter().next() {
            let start = self.text(t, "startDate").or_else(|| self.text(t, "start"));
            let end = self.text(t, "endDate").or_else(|| self.text(t, "end"));
            (meta.temporal_start, meta.temporal_end) = temporal(start.as_deref(), end.as_deref());
        }
        meta.language = language_of(&self.texts(d, "language"));
        if let Some(c) = self.values(d, "contactPoint").into_iter().next() {
            meta.contact_name = self.text(c, "fn").map(|n| clean(&n, 200));
            meta.contact_email = self.texts(c, "hasEmail").iter().find_map(|e| email_of(e));
        }
        let mut resources = vec![];
        for (n, dist) in self.values(d, "distribution").into_iter().enumerate() {
            if resources.len() == MAX_RESOURCES {
                break;
            }
            let Some(url) = self
                .texts(dist, "downloadURL")
                .into_iter()
                .chain(self.texts(dist, "accessURL"))
                .find_map(|u| http_url(&u))
            else {
                continue;
            };
            let key = dist
                .get("@id")
                .and_then(text)
                .filter(|k| !k.starts_with("_:"))
                .unwrap_or_else(|| url.clone());
            let name = self
                .text(dist, "title")
                .or_else(|| self.text(dist, "format").map(|f| local(&f).to_string()));
            resources.push(RemoteResource {
                key,
                name: resource_name(name, &url, n + 1),
                description: self
                    .text(dist, "description")
                    .map(|s| clean(&s, MAX_RESOURCE_DESCRIPTION))
                    .unwrap_or_default(),
                url,
            });
        }
        Some(RemoteDataset {
            remote_id,
            name: identifier.filter(|i| http_url(i).is_none()),
            meta,
            modified: self.text(d, "modified"),
            landing,
            resources,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_are_guessed_from_the_address() {
        let g = |s: &str| Kind::guess(&url::Url::parse(s).unwrap());
        assert_eq!(g("https://datos.gob.mx/"), Kind::Ckan);
        assert_eq!(g("https://x.org/api/3/action/package_search"), Kind::Ckan);
        assert_eq!(g("https://x.org/data.json"), Kind::DataJson);
        assert_eq!(g("https://x.org/catalogo.jsonld"), Kind::Dcat);
        assert_eq!(g("https://x.org/catalog.json"), Kind::Dcat);
        assert_eq!(Kind::from_code("DCAT"), Some(Kind::Dcat));
        assert_eq!(Kind::from_code("data.json"), Some(Kind::DataJson));
        assert_eq!(Kind::from_code("rss"), None);
    }

    #[test]
    fn the_ckan_site_is_found_from_any_address() {
        let s = |u: &str| ckan_site(&url::Url::parse(u).unwrap());
        assert_eq!(
            s("https://legado.dados.gov.br/"),
            "https://legado.dados.gov.br"
        );
        assert_eq!(
            s("https://legado.dados.gov.br//api/3/action/package_search?q=x"),
            "https://legado.dados.gov.br"
        );
        assert_eq!(
            s("https://x.org/portal/api/action/package_list"),
            "https://x.org/portal"
        );
        assert_eq!(
            s("https://x.org/portal/dataset/abc"),
            "https://x.org/portal"
        );
        assert_eq!(
            ckan_page_url("https://x.org", 100, 200),
            "https://x.org/api/3/action/package_search?q=*:*&rows=100&start=200&sort=metadata_created%20asc"
        );
        assert!(source_url("ftp://x.org/").is_none());
        assert!(source_url("https://user:pw@x.org/").is_none());
        assert!(source_url("no es una dirección").is_none());
    }

    #[test]
    fn a_ckan_package_becomes_metadata_and_links() {
        let pkg = json!({
            "id": "33520fa2",
            "name": "corridas-do-taxigov",
            "title": "  Corridas do Taxigov ",
            "notes": "Primera línea.\r\n\r\n__Conceito__",
            "license_id": "cc-by",
            "metadata_modified": "2023-01-30T11:15:06.596410",
            "maintainer": "Coordenação-Geral",
            "maintainer_email": "",
            "author_email": "cgi@example.gov.br",
            "private": false,
            "state": "active",
            "tags": [{"name": "Despesa"}, {"display_name": "taxi"}, "transporte", {"name": "despesa"}],
            "groups": [{"name": "econ"}, {"name": "grupo-local", "title": "Salud"}, {"name": "otra"}],
            "extras": [
                {"key": "Cobertura geográfica", "value": "Brasil"},
                {"key": "frequency", "value": "http://publications.europa.eu/resource/authority/frequency/MONTHLY"},
                {"key": "temporal_start", "value": "2020-01-01T00:00:00"}
            ],
            "resources": [
                {"id": "r1", "name": "Dicionário", "description": "Colunas", "url": "https://x.gov.br/d.odt", "size": "96595"},
                {"id": "r2", "name": "", "url": "https://x.gov.br/dados/corridas.csv", "size": null},
                {"id": "r3", "name": "sin url", "url": ""},
                {"id": "r4", "name": "ftp", "url": "ftp://x.gov.br/a.csv"},
                {"id": "r5", "name": "borrado", "url": "https://x.gov.br/b.csv", "state": "deleted"}
            ]
        });
        let d = from_ckan(&pkg, "https://legado.dados.gov.br").unwrap();
        assert_eq!(d.remote_id, "33520fa2");
        assert_eq!(d.name.as_deref(), Some("corridas-do-taxigov"));
        assert_eq!(d.meta.title, "Corridas do Taxigov");
        assert_eq!(d.meta.description, "Primera línea.\n\n__Conceito__");
        assert_eq!(d.meta.licence, "cc-by-4.0");
        assert_eq!(d.meta.keywords, vec!["despesa", "taxi", "transporte"]);
        assert_eq!(d.meta.themes, vec!["ECON", "HEAL"]);
        assert_eq!(d.meta.frequency.as_deref(), Some("MONTHLY"));
        assert_eq!(d.meta.temporal_start.as_deref(), Some("2020-01-01"));
        assert_eq!(d.meta.contact_name.as_deref(), Some("Coordenação-Geral"));
        assert_eq!(d.meta.contact_email.as_deref(), Some("cgi@example.gov.br"));
        assert_eq!(d.meta.language, "es");
        assert_eq!(d.modified.as_deref(), Some("2023-01-30T11:15:06.596410"));
        assert_eq!(
            d.landing.as_deref(),
            Some("https://legado.dados.gov.br/dataset/corridas-do-taxigov")
        );
        let names: Vec<_> = d.resources.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, vec!["Dicionário", "corridas.csv"]);
        assert_eq!(d.resources[0].key, "r1");
        assert_eq!(d.resources[0].description, "Colunas");
    }

    #[test]
    fn private_deleted_or_anonymous_packages_are_left_out() {
        assert!(from_ckan(&json!({"id": "a", "private": true}), "https://x").is_none());
        assert!(from_ckan(&json!({"id": "a", "state": "deleted"}), "https://x").is_none());
        assert!(from_ckan(&json!({"title": "sin id"}), "https://x").is_none());
        assert!(from_ckan(&json!("texto"), "https://x").is_none());
        // The least a package may have: a name.
        let d = from_ckan(&json!({"name": "ab"}), "https://x.org").unwrap();
        assert_eq!(d.remote_id, "ab");
        assert_eq!(d.meta.title, "Conjunto de datos ab");
        assert_eq!(d.meta.licence, UNKNOWN_LICENCE);
    }

    #[test]
    fn licences_map_or_grant_nothing() {
        assert_eq!(licence_of(&[Some("cc-zero".into())]), "cc0-1.0");
        assert_eq!(licence_of(&[Some("notspecified".into())]), "other-closed");
        assert_eq!(
            licence_of(&[Some("https://creativecommons.org/licenses/by/4.0/".into())]),
            "cc-by-4.0"
        );
        assert_eq!(licence_of(&[Some("CC-BY-SA-4.0".into())]), "cc-by-sa-4.0");
        assert_eq!(
            licence_of(&[
                Some("uk-ogl".into()),
                Some("https://opendatacommons.org/licenses/odbl/1-0/".into())
            ]),
            "odbl"
        );
        assert_eq!(
            licence_of(&[Some("other-pd".into()), None]),
            UNKNOWN_LICENCE
        );
        assert_eq!(licence_of(&[None]), UNKNOWN_LICENCE);
    }

    #[test]
    fn themes_frequencies_and_small_fields() {
        assert_eq!(theme_of("econ"), Some("ECON"));
        assert_eq!(
            theme_of("http://publications.europa.eu/resource/authority/data-theme/ENVI"),
            Some("ENVI")
        );
        assert_eq!(theme_of("Economía y finanzas"), Some("ECON"));
        assert_eq!(theme_of("Environment"), Some("ENVI"));
        assert_eq!(theme_of("presupuesto"), None);
        assert_eq!(frequency_of("R/P1M").as_deref(), Some("MONTHLY"));
        assert_eq!(frequency_of("irregular").as_deref(), Some("IRREG"));
        assert_eq!(frequency_of("annual").as_deref(), Some("ANNUAL"));
        assert_eq!(frequency_of("cada rato"), None);
        assert_eq!(email_of("mailto:a@b.mx").as_deref(), Some("a@b.mx"));
        assert_eq!(email_of("no es correo"), None);
        assert_eq!(
            date_of("2020-11-30T09:47:33.564842").as_deref(),
            Some("2020-11-30")
        );
        assert_eq!(date_of("2020-13-01"), None);
        assert_eq!(
            keywords(["Agua, Drenaje".to_string(), "agua".into(), "x".repeat(61)]),
            vec!["agua", "drenaje"]
        );
        assert_eq!(
            keywords((0..30).map(|i| format!("k{i}"))).len(),
            MAX_KEYWORDS
        );
        assert_eq!(text(&json!([{"@value": "Trees", "@language": "en"}, {"@value": "Árboles", "@language": "es"}])).as_deref(), Some("Árboles"));
        assert_eq!(
            text(&json!({"en": "Trees", "es": "Árboles"})).as_deref(),
            Some("Árboles")
        );
        assert_eq!(text(&json!(96595)).as_deref(), Some("96595"));
        assert_eq!(text(&json!("  ")), None);
        assert_eq!(language_of(&["en-US".into()]), "en");
        assert_eq!(language_of(&["es-MX".into(), "en".into()]), "es");
        assert_eq!(language_of(&["pt-BR".into()]), "es");
    }

    #[test]
    fn the_hash_changes_with_what_is_copied_only() {
        let pkg =
            json!({"id": "a", "name": "abc", "title": "Título", "metadata_modified": "2020-01-01"});
        let a = from_ckan(&pkg, "https://x.org").unwrap();
        let mut later = pkg.clone();
        later["metadata_modified"] = json!("2021-01-01");
        assert_eq!(
            a.content_hash(),
            from_ckan(&later, "https://x.org").unwrap().content_hash()
        );
        later["title"] = json!("Otro título");
        assert_ne!(
            a.content_hash(),
            from_ckan(&later, "https://x.org").unwrap().content_hash()
        );
    }

    #[test]
    fn ckan_pages_and_errors() {
        let (rows, count) = ckan_page(
            &json!({"success": true, "result": {"count": "12", "results": [{"id": "a"}]}}),
        )
        .unwrap();
        assert_eq!((rows.len(), count), (1, Some(12)));
        assert_eq!(
            ckan_page(
                &json!({"success": false, "error": {"__type": "Not Found Error", "message": "Não encontrado"}})
            ),
            Err("Não encontrado".to_string())
        );
        assert!(ckan_page(&json!({"success": true, "result": ["a"]})).is_err());
    }

    #[test]
    fn a_data_json_dataset() {
        let doc: Value = serde_json::from_str(include_str!(
            "../../apertura/tests/fixtures/harvest/data.json"
        ))
        .unwrap();
        let all: Vec<_> = datajson_datasets(&doc)
            .unwrap()
            .iter()
            .filter_map(|d| from_datajson(d, "https://data.example.org/data.json"))
            .collect();
        assert_eq!(all.len(), 2);
        let trees = &all[0];
        assert_eq!(
            trees.remote_id,
            "https://data.example.org/dataset/street-trees"
        );
        assert_eq!(trees.meta.title, "Street Trees Inventory");
        assert_eq!(
            trees.meta.keywords,
            vec!["trees", "environment", "urban forestry"]
        );
        assert_eq!(trees.meta.themes, vec!["ENVI"]);
        assert_eq!(trees.meta.licence, "cc-by-4.0");
        assert_eq!(trees.meta.frequency.as_deref(), Some("MONTHLY"));
        assert_eq!(trees.meta.temporal_start.as_deref(), Some("2015-01-01"));
        assert_eq!(trees.meta.temporal_end.as_deref(), Some("2024-03-01"));
        assert_eq!(trees.meta.language, "en");
        assert_eq!(
            trees.meta.contact_email.as_deref(),
            Some("opendata@example.org")
        );
        assert_eq!(trees.resources.len(), 2);
        assert_eq!(trees.resources[1].name, "Street trees API");
        // No landing page: the catalog itself is where it came from.
        assert_eq!(
            all[1].landing.as_deref(),
            Some("https://data.example.org/data.json")
        );
        assert!(from_datajson(
            &json!({"identifier": "x", "accessLevel": "non-public"}),
            "https://x"
        )
        .is_none());
    }

    #[test]
    fn a_dcat_ap_json_ld_catalog() {
        let doc: Value = serde_json::from_str(include_str!(
            "../../apertura/tests/fixtures/harvest/dcat-ap.jsonld"
        ))
        .unwrap();
        assert!(DcatDocument::is_dcat(&doc));
        let d = DcatDocument::read(&doc);
        let all = d.datasets("https://data.example.org/catalog");
        assert_eq!(all.len(), 2, "{all:#?}");
        let trees = &all[0];
        assert_eq!(
            trees.remote_id,
            "https://data.example.org/dataset/street-trees"
        );
        assert_eq!(trees.name.as_deref(), Some("street-trees"));
        assert_eq!(trees.meta.title, "Arbolado urbano");
        assert_eq!(trees.meta.themes, vec!["ENVI"]);
        assert_eq!(trees.meta.frequency.as_deref(), Some("MONTHLY"));
        assert_eq!(trees.meta.licence, "cc-by-4.0");
        assert_eq!(trees.meta.temporal_start.as_deref(), Some("2015-01-01"));
        assert_eq!(
            trees.meta.contact_email.as_deref(),
            Some("opendata@example.org")
        );
        assert_eq!(
            trees.meta.keywords,
            vec!["árboles", "trees", "urban forestry"]
        );
        assert_eq!(trees.resources.len(), 1);
        assert_eq!(
            trees.resources[0].url,
            "https://data.example.org/dataset/street-trees/resource/trees-csv/download/trees.csv"
        );
        assert_eq!(trees.resources[0].name, "Street trees (CSV)");
        assert_eq!(all[1].meta.title, "Presupuesto 2024");
        assert!(!DcatDocument::is_dcat(&json!({"dataset": []})));
    }
}
