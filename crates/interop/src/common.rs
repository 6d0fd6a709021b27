//! What the catalog formats (DCAT-AP, data.json, Data Package, schema.org,
//! sitemap, Atom) share: the URIs and codes of the vocabularies they speak
//! (EU file types and languages, IANA media types, ADMS publisher types,
//! ISO 8601 periods), the contact and place of each dataset, the `?page=`
//! parameter, and the cache header of every document.

use std::collections::HashMap;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use catalog::domain::sniff::Format;
use catalog::domain::vocab::Theme;
use kernel::web::Ctx;
use kernel::Error;
use sqlx::Row;

use crate::model::Package;

/// How long caches may keep these documents (they are rebuilt on request).
pub const CACHE_CONTROL: &str = "public, max-age=300";

/// A response with this content type, cacheable by anyone for five minutes.
pub fn document(content_type: &'static str, body: impl Into<axum::body::Body>) -> Response {
    let mut res = (StatusCode::OK, body.into()).into_response();
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    );
    res
}

// ---------------------------------------------------------------- paging

/// Datasets per page of the paged catalogs.
pub const PER_PAGE: i64 = 100;

/// The `page` parameter of a query string: absent means 1; anything but a
/// whole number from 1 up is refused (400, in Spanish). Whether the page
/// exists is [`check_page`]'s business.
pub fn page_param(query: &str) -> Result<i64, Error> {
    let Some((_, v)) = url::form_urlencoded::parse(query.as_bytes()).find(|(k, _)| k == "page")
    else {
        return Ok(1);
    };
    match v.trim().parse::<i64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(Error::bad_request("interop-error-page")
            .arg("value", v.chars().take(40).collect::<String>())),
    }
}

/// The last page for `total` items (1 for an empty catalog).
pub fn last_page(total: i64) -> i64 {
    ((total + PER_PAGE - 1) / PER_PAGE).max(1)
}

/// A page past the last one is a 404 that says how many there are.
pub fn check_page(page: i64, total: i64) -> Result<(), Error> {
    let last = last_page(total);
    if page > last {
        return Err(
            Error::user(StatusCode::NOT_FOUND, "interop-error-page-past-end")
                .arg("page", page)
                .arg("last", last),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- vocabularies

pub const EU_AUTHORITY: &str = "http://publications.europa.eu/resource/authority/";

/// The EU "language" authority URI of a dataset's language code.
pub fn language_uri(code: &str) -> &'static str {
    match code {
        "en" => "http://publications.europa.eu/resource/authority/language/ENG",
        _ => "http://publications.europa.eu/resource/authority/language/SPA",
    }
}

/// The language's own name (what the EU table's `skos:prefLabel` says in it).
pub fn language_label(code: &str) -> (&'static str, &'static str) {
    match code {
        "en" => ("English", "en"),
        _ => ("español", "es"),
    }
}

/// A BCP 47 tag for the language of the data (Mexican Spanish by default).
pub fn language_tag(code: &str) -> &'static str {
    match code {
        "en" => "en",
        _ => "es-MX",
    }
}

/// Every format the platform recognises, to find one by its stored name.
const FORMATS: [Format; 26] = [
    Format::Csv,
    Format::Tsv,
    Format::Xlsx,
    Format::Xls,
    Format::Ods,
    Format::Json,
    Format::GeoJson,
    Format::Ndjson,
    Format::Xml,
    Format::Kml,
    Format::Pdf,
    Format::Zip,
    Format::Gzip,
    Format::Docx,
    Format::Odt,
    Format::Doc,
    Format::Png,
    Format::Jpeg,
    Format::Gif,
    Format::Webp,
    Format::Html,
    Format::Svg,
    Format::Txt,
    Format::Parquet,
    Format::OleStorage,
    Format::Binary,
];

/// The format whose name (`CSV`, `GeoJSON`) a version stores.
pub fn format_by_name(name: &str) -> Option<Format> {
    FORMATS
        .iter()
        .copied()
        .find(|f| f.name().eq_ignore_ascii_case(name.trim()))
}

/// The EU "file-type" authority URI of a stored format name, if the table
/// has it.
pub fn file_type_uri(format_name: &str) -> Option<String> {
    let code = format_by_name(format_name)?.eu_file_type()?;
    Some(format!("{EU_AUTHORITY}file-type/{code}"))
}

/// The IANA registry URI of a media type (`text/csv` →
/// `http://www.iana.org/assignments/media-types/text/csv`); `None` for
/// unregistered (`x-`) types and anything malformed.
pub fn iana_uri(media_type: &str) -> Option<String> {
    let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
    let (top, sub) = essence.split_once('/')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+".contains(c))
    };
    if !ok(top) || !ok(sub) || sub.starts_with("x-") {
        return None;
    }
    Some(format!(
        "http://www.iana.org/assignments/media-types/{top}/{sub}"
    ))
}

/// The ISO 8601 repeating interval Project Open Data wants for an EU
/// frequency code (`ANNUAL` → `R/P1Y`); `"irregular"` for irregular ones;
/// `None` when there is no schedule to state (never, unknown).
pub fn frequency_iso(code: &str) -> Option<&'static str> {
    Some(match code.trim().to_ascii_uppercase().as_str() {
        "DAILY" => "R/P1D",
        "WEEKLY" => "R/P1W",
        "BIWEEKLY" => "R/P2W",
        "MONTHLY" => "R/P1M",
        "BIMONTHLY" => "R/P2M",
        "QUARTERLY" => "R/P3M",
        "ANNUAL_3" => "R/P4M",
        "ANNUAL_2" | "BIANNUAL" | "SEMIANNUAL" => "R/P6M",
        "ANNUAL" => "R/P1Y",
        "BIENNIAL" => "R/P2Y",
        "TRIENNIAL" => "R/P3Y",
        "QUINQUENNIAL" => "R/P5Y",
        "DECENNIAL" => "R/P10Y",
        // Project Open Data's own value for "continuously updated".
        "CONT" | "UPDATE_CONT" => "R/PT1S",
        "IRREG" => "irregular",
        _ => return None,
    })
}

/// The ADMS publisher type of a kind of public body: municipal bodies are
/// local authorities, the State's powers and autonomous bodies regional
/// ones.
pub fn publisher_type(kind: &str) -> (&'static str, &'static str) {
    let code = match kind {
        "ayuntamiento" | "organismo-municipal" => "LocalAuthority",
        "universidad-publica" => "Academia-ScientificOrganisation",
        "partido-politico" | "sindicato" => "NonProfitOrganisation",
        "persona-recursos-publicos" => "Company",
        _ => "RegionalAuthority",
    };
    let label = match code {
        "LocalAuthority" => "Local Authority",
        "Academia-ScientificOrganisation" => "Academia/Scientific organisation",
        "NonProfitOrganisation" => "Non-Profit Organisation",
        "Company" => "Company",
        _ => "Regional Authority",
    };
    (code, label)
}

pub fn publisher_type_uri(kind: &str) -> String {
    format!(
        "http://purl.org/adms/publishertype/{}",
        publisher_type(kind).0
    )
}

/// A name for a Data Package (lowercase, digits, `-`, `_`, `.`).
pub fn package_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in kernel::text::fold(s).chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "conjunto".to_string()
    } else {
        out
    }
}

/// The date part (`yyyy-mm-dd`) of an RFC 3339 time, if it has one.
pub fn date(s: &str) -> Option<&str> {
    let d = s.get(..10)?;
    let b = d.as_bytes();
    (b[4] == b'-' && b[7] == b'-' && d.chars().filter(char::is_ascii_digit).count() == 8)
        .then_some(d)
}

/// Theme labels (Spanish) of a dataset's theme codes, skipping unknown ones.
pub fn theme_labels(codes: &[String]) -> Vec<&'static str> {
    codes
        .iter()
        .filter_map(|c| Theme::by_code(c))
        .map(|t| t.label_es)
        .collect()
}

/// Text without the characters XML 1.0 cannot carry (most control
/// characters), so that every format serialises whatever a publisher typed.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| {
            matches!(*c, '\t' | '\n' | '\r')
                || (!c.is_control() && !matches!(*c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

/// Markdown as plain text for summaries: marks removed, spaces collapsed,
/// at most `max` characters.
pub fn plain(markdown: &str, max: usize) -> String {
    let text: String = markdown
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`' | '#' | '>'))
        .collect();
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    if joined.chars().count() <= max {
        return joined;
    }
    let mut cut: String = joined.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

// ---------------------------------------------------------------- context

/// A contact point: who answers questions about a dataset.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub name: String,
    pub email: String,
}

/// A place a dataset covers: its label and its URI on this platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Place {
    pub name: String,
    pub uri: String,
}

/// A body as the formats need it beyond [`directory::store::Body`]: its
/// transparency unit's contact.
#[derive(Debug, Clone)]
struct BodyContact {
    slug: String,
    name: String,
    kind: String,
    contact_name: Option<String>,
    contact_email: Option<String>,
}

/// What every rendering of a page of packages needs besides the packages:
/// read once per request (two queries), whatever the number of datasets.
#[derive(Debug, Clone)]
pub struct Env {
    pub base: String,
    bodies: HashMap<i64, BodyContact>,
    municipalities: HashMap<String, (String, String)>,
    /// The platform's sender, the contact of last resort.
    mail_from: String,
}

/// The slug of the institute's own body (the catalog's publisher).
pub const INFOEM_SLUG: &str = "infoem";

impl Env {
    pub async fn load(ctx: &Ctx) -> Result<Env, Error> {
        let db = &ctx.state.db;
        let rows = sqlx::query(
            "SELECT id, slug, name, kind, contact_name, contact_email FROM bodies WHERE deleted_at IS NULL",
        )
        .fetch_all(db.pool())
        .await?;
        let mut bodies = HashMap::new();
        for r in rows {
            bodies.insert(
                r.try_get::<i64, _>("id")?,
                BodyContact {
                    slug: r.try_get("slug")?,
                    name: r.try_get("name")?,
                    kind: r.try_get("kind")?,
                    contact_name: r.try_get("contact_name")?,
                    contact_email: r.try_get("contact_email")?,
                },
            );
        }
        let municipalities = directory::store::municipalities(db)
            .await?
            .into_iter()
            .map(|m| (m.cvegeo, (m.name, m.slug)))
            .collect();
        Ok(Env {
            base: ctx.state.config.public_url(),
            bodies,
            municipalities,
            mail_from: ctx.state.config.mail_from.clone(),
        })
    }

    /// The institute: slug, name and kind (the catalog's publisher).
    pub fn infoem(&self) -> (String, String, String) {
        self.bodies
            .values()
            .find(|b| b.slug == INFOEM_SLUG)
            .map(|b| (b.slug.clone(), b.name.clone(), b.kind.clone()))
            .unwrap_or_else(|| {
                (
                    INFOEM_SLUG.to_string(),
                    "Infoem".to_string(),
                    "organo-autonomo".to_string(),
                )
            })
    }

    /// Who answers for a dataset: the contact the publisher gave, else its
    /// body's transparency unit, else the institute's, else the platform's
    /// own address.
    pub fn contact(&self, p: &Package) -> Contact {
        let meta = &p.dataset.meta;
        let given = |s: &Option<String>| {
            s.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };
        if let Some(email) = given(&meta.contact_email) {
            return Contact {
                name: given(&meta.contact_name).unwrap_or_else(|| p.body.name.clone()),
                email,
            };
        }
        let unit = |b: &BodyContact| {
            given(&b.contact_email).map(|email| Contact {
                name: given(&b.contact_name).unwrap_or_else(|| b.name.clone()),
                email,
            })
        };
        if let Some(c) = self.bodies.get(&p.body.id).and_then(unit) {
            return c;
        }
        if let Some(c) = self
            .bodies
            .values()
            .find(|b| b.slug == INFOEM_SLUG)
            .and_then(unit)
        {
            return c;
        }
        let email = self
            .mail_from
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>').trim().to_string())
            .unwrap_or_else(|| self.mail_from.trim().to_string());
        Contact {
            name: self.infoem().1,
            email,
        }
    }

    /// The place a dataset covers: a municipality's page, or, for the
    /// whole State, the page that lists its 125 municipalities.
    pub fn place(&self, spatial: Option<&str>) -> Option<Place> {
        let s = spatial?.trim();
        if s.is_empty() {
            return None;
        }
        if s == "estado" {
            return Some(Place {
                name: "Estado de México".to_string(),
                uri: format!("{}/municipios", self.base),
            });
        }
        let (name, slug) = self.municipalities.get(s)?;
        Some(Place {
            name: format!("{name}, Estado de México"),
            uri: format!("{}/municipios/{slug}", self.base),
        })
    }

    /// The body's kind (for its ADMS publisher type).
    pub fn body_kind<'a>(&'a self, p: &'a Package) -> &'a str {
        self.bodies
            .get(&p.body.id)
            .map(|b| b.kind.as_str())
            .unwrap_or(p.body.kind.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_whole_numbers_from_one() {
        assert_eq!(page_param("").ok(), Some(1));
        assert_eq!(page_param("a=b").ok(), Some(1));
        assert_eq!(page_param("page=3").ok(), Some(3));
        assert_eq!(page_param("page=%202").ok(), Some(2));
        for bad in [
            "page=0",
            "page=-1",
            "page=abc",
            "page=",
            "page=1.5",
            "page=99999999999999999999999",
        ] {
            let e = page_param(bad).expect_err(bad);
            assert_eq!(e.status(), StatusCode::BAD_REQUEST, "{bad}");
        }
        assert_eq!(last_page(0), 1);
        assert_eq!(last_page(100), 1);
        assert_eq!(last_page(101), 2);
        assert!(check_page(1, 0).is_ok());
        assert!(check_page(2, 150).is_ok());
        assert_eq!(
            check_page(3, 150).expect_err("past the end").status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn every_frequency_has_its_iso_8601_period() {
        assert_eq!(frequency_iso("ANNUAL"), Some("R/P1Y"));
        assert_eq!(frequency_iso("quarterly"), Some("R/P3M"));
        assert_eq!(frequency_iso("ANNUAL_2"), Some("R/P6M"));
        assert_eq!(frequency_iso("DECENNIAL"), Some("R/P10Y"));
        assert_eq!(frequency_iso("BIWEEKLY"), Some("R/P2W"));
        assert_eq!(frequency_iso("IRREG"), Some("irregular"));
        assert_eq!(frequency_iso("UPDATE_CONT"), Some("R/PT1S"));
        assert_eq!(frequency_iso("NEVER"), None);
        assert_eq!(frequency_iso("UNKNOWN"), None);
        // Every frequency of the vocabulary is decided, one way or the other.
        for f in catalog::domain::vocab::Frequency::all() {
            let iso = frequency_iso(f.code);
            assert_eq!(
                iso.is_none(),
                matches!(f.code, "NEVER" | "UNKNOWN"),
                "{}",
                f.code
            );
            if let Some(iso) = iso.filter(|i| *i != "irregular") {
                assert!(iso.starts_with("R/P"), "{iso}");
            }
        }
    }

    #[test]
    fn themes_formats_media_types_and_languages_map_to_their_uris() {
        let econ = Theme::by_code("ECON").expect("econ");
        assert_eq!(
            econ.uri,
            "http://publications.europa.eu/resource/authority/data-theme/ECON"
        );
        assert_eq!(
            file_type_uri("CSV").as_deref(),
            Some("http://publications.europa.eu/resource/authority/file-type/CSV")
        );
        assert_eq!(
            file_type_uri("GeoJSON").as_deref(),
            Some("http://publications.europa.eu/resource/authority/file-type/GEOJSON")
        );
        assert_eq!(file_type_uri("Parquet"), None);
        assert_eq!(file_type_uri("nada"), None);
        assert_eq!(
            iana_uri("text/csv; charset=utf-8").as_deref(),
            Some("http://www.iana.org/assignments/media-types/text/csv")
        );
        assert_eq!(
            iana_uri("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet").as_deref(),
            Some("http://www.iana.org/assignments/media-types/application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        );
        assert_eq!(iana_uri("application/x-ole-storage"), None);
        assert_eq!(iana_uri("nonsense"), None);
        assert_eq!(
            language_uri("es"),
            "http://publications.europa.eu/resource/authority/language/SPA"
        );
        assert_eq!(language_tag("es"), "es-MX");
        assert_eq!(
            publisher_type_uri("ayuntamiento"),
            "http://purl.org/adms/publishertype/LocalAuthority"
        );
        assert_eq!(
            publisher_type_uri("organo-autonomo"),
            "http://purl.org/adms/publishertype/RegionalAuthority"
        );
    }

    #[test]
    fn package_names_are_lowercase_ascii() {
        assert_eq!(
            package_name("poblacion-municipios-2020"),
            "poblacion-municipios-2020"
        );
        assert_eq!(
            package_name("Población Municipal 2020"),
            "poblacion-municipal-2020"
        );
        assert_eq!(package_name("a/b c.d_e"), "a-b-c.d_e");
        assert_eq!(package_name("¿¡!?"), "conjunto");
        let valid = |s: &str| {
            s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
        };
        for s in ["Ñandú", "ÁRBOL-ñ", "x  y", "--a--"] {
            assert!(valid(&package_name(s)), "{s} → {}", package_name(s));
        }
    }

    #[test]
    fn dates_and_plain_text() {
        assert_eq!(date("2025-03-01T10:00:00Z"), Some("2025-03-01"));
        assert_eq!(date("2025"), None);
        assert_eq!(date("abcdefghijkl"), None);
        assert_eq!(plain("**Hola** _mundo_\n\nadiós", 100), "Hola mundo adiós");
        assert_eq!(plain("uno dos tres", 5), "uno …");
        assert_eq!(clean("a\u{1}b\tc\u{FFFF}ñ"), "ab\tcñ");
    }
}
