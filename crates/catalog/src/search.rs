//! What the catalog gives the search index: public datasets and their
//! resources, with the facets people filter by (body, kind of body,
//! municipality, theme, format, licence, keyword, year).

use std::collections::{BTreeSet, HashMap};

use kernel::db::{AnyConnection, Db};
use kernel::i18n::{I18n, Locale};
use kernel::search::{Document, SearchSource};
use sqlx::Row;

use crate::domain::markdown::plain_text;
use crate::domain::vocab::{Licence, Theme};
use crate::store::split;

pub const DATASET: &str = "dataset";
pub const RESOURCE: &str = "resource";

/// Characters of a description that are indexed.
const DESCRIPTION_CHARS: usize = 20_000;
/// Years of a temporal coverage counted one by one (a longer span counts its
/// first and last years only).
const MAX_YEARS: i32 = 30;

/// Announces a change of a dataset (and, with `resource`, of one of its
/// resources) to the search index, in the caller's transaction.
pub async fn changed(
    conn: &mut AnyConnection,
    state: &kernel::web::Shared,
    dataset_id: i64,
    resource_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    announce(conn, &state.events, &state.jobs, dataset_id, resource_id).await
}

/// [`changed`], from what a seed has.
pub async fn announce(
    conn: &mut AnyConnection,
    events: &kernel::events::Events,
    jobs: &kernel::jobs::JobQueue,
    dataset_id: i64,
    resource_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    kernel::search::changed(conn, events, jobs, DATASET, dataset_id).await?;
    if let Some(r) = resource_id {
        kernel::search::changed(conn, events, jobs, RESOURCE, r).await?;
    }
    Ok(())
}

/// A dataset change that touches every resource (publication, deletion):
/// the dataset and each of its resources.
pub async fn changed_with_resources(
    conn: &mut AnyConnection,
    state: &kernel::web::Shared,
    dataset_id: i64,
) -> Result<(), sqlx::Error> {
    kernel::search::changed(conn, &state.events, &state.jobs, DATASET, dataset_id).await?;
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM resources WHERE dataset_id = $1")
        .bind(dataset_id)
        .fetch_all(&mut *conn)
        .await?;
    for id in ids {
        kernel::search::changed(conn, &state.events, &state.jobs, RESOURCE, id).await?;
    }
    Ok(())
}

const PUBLIC: &str = "d.status = 'published' AND d.is_private = 0 AND d.deleted_at IS NULL";

fn ids_of(ids: &[String]) -> Vec<i64> {
    ids.iter().filter_map(|i| i.parse().ok()).collect()
}

/// What a dataset's documents share: the facets of its body and its own.
#[derive(Debug, Clone, Default)]
struct DatasetFacts {
    id: i64,
    slug: String,
    title: String,
    description: String,
    keywords: Vec<String>,
    themes: Vec<String>,
    licence: String,
    temporal_start: Option<String>,
    temporal_end: Option<String>,
    spatial: Option<String>,
    published_at: Option<String>,
    updated_at: String,
    body_slug: String,
    body_name: String,
    body_kind: String,
    body_municipality: Option<String>,
}

impl DatasetFacts {
    /// Facets every document of this dataset has.
    fn facets(&self, doc: &mut Document) {
        doc.facet("organization", [self.body_slug.clone()]);
        doc.facet("body_kind", [self.body_kind.clone()]);
        let mut municipalities = vec![];
        if let Some(m) = &self.body_municipality {
            municipalities.push(m.clone());
        }
        if let Some(s) = self.spatial.as_deref().filter(|s| is_municipality_key(s)) {
            municipalities.push(s.to_string());
        }
        doc.facet("municipality", municipalities);
        doc.facet("theme", self.themes.iter().map(|t| t.to_lowercase()));
        let licence =
            Licence::by_code(&self.licence).map_or(self.licence.clone(), |l| l.ckan_id.to_string());
        doc.facet("license", [licence]);
        doc.facet("keyword", self.keywords.iter().map(|k| k.to_lowercase()));
        doc.facet(
            "year",
            years(
                self.temporal_start.as_deref(),
                self.temporal_end.as_deref(),
                self.published_at.as_deref(),
            )
            .into_iter()
            .map(|y| y.to_string()),
        );
    }
}

/// An INEGI municipality key of the Estado de México: "15" and three digits.
fn is_municipality_key(s: &str) -> bool {
    s.len() == 5 && s.starts_with("15") && s.bytes().all(|b| b.is_ascii_digit())
}

/// The years a dataset is about: those of its temporal coverage, else the
/// year it was published.
pub fn years(start: Option<&str>, end: Option<&str>, published: Option<&str>) -> Vec<i32> {
    let year = |s: Option<&str>| -> Option<i32> {
        let s = s?.trim();
        let y: i32 = s.get(..4)?.parse().ok()?;
        (1800..=2200).contains(&y).then_some(y)
    };
    match (year(start), year(end)) {
        (Some(a), Some(b)) if b >= a && b - a < MAX_YEARS => (a..=b).collect(),
        (Some(a), Some(b)) if b >= a => vec![a, b],
        (Some(a), _) => vec![a],
        (None, Some(b)) => vec![b],
        (None, None) => year(published).into_iter().collect(),
    }
}

/// Public datasets of these ids, with what their documents share.
async fn dataset_facts(db: &Db, ids: &[i64]) -> Result<HashMap<i64, DatasetFacts>, sqlx::Error> {
    let rows = db
        .fetch_all_in(ids, |list| {
            format!(
                "SELECT d.id, d.slug, d.title, d.description, d.keywords, d.themes, d.licence, \
                 d.temporal_start, d.temporal_end, d.spatial, d.published_at, d.updated_at, \
                 b.slug AS body_slug, b.name AS body_name, b.kind AS body_kind, b.municipality \
                 FROM datasets d JOIN bodies b ON b.id = d.body_id \
                 WHERE d.id IN ({list}) AND {PUBLIC}"
            )
        })
        .await?;
    let mut out = HashMap::new();
    for r in rows {
        let f = DatasetFacts {
            id: r.try_get("id")?,
            slug: r.try_get("slug")?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            keywords: split(&r.try_get::<String, _>("keywords")?),
            themes: split(&r.try_get::<String, _>("themes")?),
            licence: r.try_get("licence")?,
            temporal_start: r.try_get("temporal_start")?,
            temporal_end: r.try_get("temporal_end")?,
            spatial: r.try_get("spatial")?,
            published_at: r.try_get("published_at")?,
            updated_at: r.try_get("updated_at")?,
            body_slug: r.try_get("body_slug")?,
            body_name: r.try_get("body_name")?,
            body_kind: r.try_get("body_kind")?,
            body_municipality: r.try_get("municipality")?,
        };
        out.insert(f.id, f);
    }
    Ok(out)
}

/// A resource as the index sees it.
#[derive(Debug, Clone)]
struct ResourceFacts {
    id: i64,
    dataset_id: i64,
    slug: String,
    name: String,
    description: String,
    /// The current version's format, or the link's.
    format: Option<String>,
    downloads: i64,
    columns: Vec<String>,
    updated_at: String,
}

const RESOURCE_SELECT: &str = "SELECT r.id, r.dataset_id, r.slug, r.name, r.description, r.kind, r.url, r.updated_at, \
     (SELECT v.format FROM resource_versions v WHERE v.resource_id = r.id ORDER BY v.number DESC LIMIT 1) AS format, \
     (SELECT CAST(COALESCE(SUM(c.count), 0) AS BIGINT) FROM resource_downloads c JOIN resource_versions v ON v.id = c.version_id \
        WHERE v.resource_id = r.id) AS downloads \
     FROM resources r WHERE r.deleted_at IS NULL";

fn resource_facts(r: &sqlx::any::AnyRow) -> Result<ResourceFacts, sqlx::Error> {
    let kind: String = r.try_get("kind")?;
    let url: Option<String> = r.try_get("url")?;
    let format: Option<String> = r.try_get("format")?;
    let format = format.or_else(|| {
        (kind == "link")
            .then(|| url.as_deref().and_then(link_format))
            .flatten()
    });
    Ok(ResourceFacts {
        id: r.try_get("id")?,
        dataset_id: r.try_get("dataset_id")?,
        slug: r.try_get("slug")?,
        name: r.try_get("name")?,
        description: r.try_get("description")?,
        format,
        downloads: r.try_get("downloads")?,
        columns: vec![],
        updated_at: r.try_get("updated_at")?,
    })
}

/// A link's format, from its address's extension (`…/datos.csv` → CSV).
pub fn link_format(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let last = path.rsplit('/').next()?;
    let (_, ext) = last.rsplit_once('.')?;
    let ext = ext.to_ascii_uppercase();
    let plausible = (1..=5).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    let web_page = matches!(
        ext.as_str(),
        "HTM" | "HTML" | "PHP" | "ASP" | "ASPX" | "JSP"
    );
    (plausible && !web_page).then_some(ext)
}

async fn resources_where(
    db: &Db,
    column: &str,
    ids: &[i64],
) -> Result<Vec<ResourceFacts>, sqlx::Error> {
    let mut out = db
        .fetch_all_in(ids, |list| {
            format!("{RESOURCE_SELECT} AND r.{column} IN ({list}) ORDER BY r.dataset_id, r.position, r.id")
        })
        .await?
        .iter()
        .map(resource_facts)
        .collect::<Result<Vec<_>, _>>()?;
    // Column names from the data dictionaries: people search "clave_municipio".
    let rids: Vec<i64> = out.iter().map(|r| r.id).collect();
    let mut columns: HashMap<i64, Vec<String>> = HashMap::new();
    let rows = db
        .fetch_all_in(&rids, |list| {
            format!(
                "SELECT resource_id, name, description FROM dictionary_fields \
                 WHERE resource_id IN ({list}) ORDER BY resource_id, position"
            )
        })
        .await?;
    for r in rows {
        let name: String = r.try_get("name")?;
        let description: String = r.try_get("description")?;
        let entry = columns.entry(r.try_get("resource_id")?).or_default();
        entry.push(name);
        if !description.is_empty() {
            entry.push(description);
        }
    }
    for r in &mut out {
        r.columns = columns.remove(&r.id).unwrap_or_default();
    }
    Ok(out)
}

fn time(s: Option<&str>) -> Option<chrono::DateTime<chrono::Utc>> {
    s.and_then(kernel::time::parse)
}

/// Public datasets.
pub struct Datasets;

#[async_trait::async_trait]
impl SearchSource for Datasets {
    fn kind(&self) -> &'static str {
        DATASET
    }

    async fn documents(&self, db: &Db, ids: &[String]) -> Result<Vec<Document>, sqlx::Error> {
        let ids = ids_of(ids);
        let facts = dataset_facts(db, &ids).await?;
        let found: Vec<i64> = ids
            .iter()
            .copied()
            .filter(|i| facts.contains_key(i))
            .collect();
        let resources = resources_where(db, "dataset_id", &found).await?;
        let mut by_dataset: HashMap<i64, Vec<&ResourceFacts>> = HashMap::new();
        for r in &resources {
            by_dataset.entry(r.dataset_id).or_default().push(r);
        }
        let mut docs = vec![];
        for id in found {
            let f = &facts[&id];
            let rs = by_dataset.remove(&id).unwrap_or_default();
            let mut doc = Document {
                kind: DATASET,
                id: id.to_string(),
                url: format!("/datos/{}", f.slug),
                title: f.title.clone(),
                description: plain_text(&f.description, DESCRIPTION_CHARS),
                keywords: f.keywords.clone(),
                published_at: time(f.published_at.as_deref()),
                modified_at: time(Some(&f.updated_at)),
                downloads: rs.iter().map(|r| r.downloads).sum(),
                ..Document::default()
            };
            let mut body = vec![f.body_name.clone()];
            for r in &rs {
                body.push(r.name.clone());
                if !r.description.is_empty() {
                    body.push(plain_text(&r.description, 2_000));
                }
                body.extend(r.columns.iter().cloned());
            }
            doc.body_text = body.join("\n");
            f.facets(&mut doc);
            doc.facet(
                "format",
                formats(rs.iter().filter_map(|r| r.format.clone())),
            );
            docs.push(doc);
        }
        Ok(docs)
    }

    async fn public_ids(&self, db: &Db) -> Result<Vec<String>, sqlx::Error> {
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT d.id FROM datasets d WHERE {PUBLIC} ORDER BY d.id"
        ))
        .fetch_all(db.pool())
        .await?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }

    async fn facet_labels(
        &self,
        _db: &Db,
        _i18n: &I18n,
        locale: Locale,
        key: &str,
        values: &[String],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        let en = locale == Locale::En;
        Ok(match key {
            "theme" => values
                .iter()
                .filter_map(|v| {
                    Theme::by_code(v).map(|t| {
                        (
                            v.clone(),
                            (if en { t.label_en } else { t.label_es }).to_string(),
                        )
                    })
                })
                .collect(),
            "license" => values
                .iter()
                .filter_map(|v| {
                    Licence::all().iter().find(|l| l.ckan_id == v).map(|l| {
                        (
                            v.clone(),
                            (if en { l.label_en } else { l.label_es }).to_string(),
                        )
                    })
                })
                .collect(),
            _ => HashMap::new(),
        })
    }
}

/// Distinct formats, in order.
fn formats(all: impl Iterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = all.map(|f| f.to_uppercase()).collect();
    set.into_iter().collect()
}

/// Resources of public datasets.
pub struct Resources;

#[async_trait::async_trait]
impl SearchSource for Resources {
    fn kind(&self) -> &'static str {
        RESOURCE
    }

    async fn documents(&self, db: &Db, ids: &[String]) -> Result<Vec<Document>, sqlx::Error> {
        let ids = ids_of(ids);
        let resources = resources_where(db, "id", &ids).await?;
        let dataset_ids: Vec<i64> = resources
            .iter()
            .map(|r| r.dataset_id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let facts = dataset_facts(db, &dataset_ids).await?;
        let mut docs = vec![];
        for r in &resources {
            let Some(f) = facts.get(&r.dataset_id) else {
                continue;
            };
            let mut doc = Document {
                kind: RESOURCE,
                id: r.id.to_string(),
                url: format!("/datos/{}/recursos/{}", f.slug, r.slug),
                title: r.name.clone(),
                description: plain_text(&r.description, DESCRIPTION_CHARS),
                keywords: f.keywords.clone(),
                body_text: [f.title.clone(), f.body_name.clone()]
                    .into_iter()
                    .chain(r.columns.iter().cloned())
                    .collect::<Vec<_>>()
                    .join("\n"),
                published_at: time(f.published_at.as_deref()),
                modified_at: time(Some(&r.updated_at)),
                downloads: r.downloads,
                ..Document::default()
            };
            f.facets(&mut doc);
            doc.facet("format", formats(r.format.clone().into_iter()));
            docs.push(doc);
        }
        Ok(docs)
    }

    async fn public_ids(&self, db: &Db) -> Result<Vec<String>, sqlx::Error> {
        let ids: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT r.id FROM resources r JOIN datasets d ON d.id = r.dataset_id \
             WHERE r.deleted_at IS NULL AND {PUBLIC} ORDER BY r.id"
        ))
        .fetch_all(db.pool())
        .await?;
        Ok(ids.into_iter().map(|i| i.to_string()).collect())
    }
}

/// The job that follows a body's change: its datasets and their resources
/// are indexed again (they show its name and carry its facets).
pub const BODY_DATASETS: &str = "catalog.body_datasets";

pub struct BodyDatasets {
    pub db: Db,
    pub events: kernel::events::Events,
    pub jobs: kernel::jobs::JobQueue,
}

#[async_trait::async_trait]
impl kernel::jobs::JobHandler for BodyDatasets {
    fn kind(&self) -> &'static str {
        BODY_DATASETS
    }
    async fn run(&self, ctx: &kernel::jobs::JobContext) -> Result<(), kernel::jobs::JobError> {
        let retry = |e: sqlx::Error| kernel::jobs::JobError::Retry(e.to_string());
        let Some(body_id) = ctx.payload()["body_id"].as_i64() else {
            return Err(kernel::jobs::JobError::Permanent(
                "el trabajo no dice qué sujeto obligado cambió".into(),
            ));
        };
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT d.id, r.id FROM datasets d JOIN resources r ON r.dataset_id = d.id WHERE d.body_id = $1 \
             UNION ALL SELECT d.id, 0 FROM datasets d WHERE d.body_id = $1",
        )
        .bind(body_id)
        .fetch_all(self.db.pool())
        .await
        .map_err(retry)?;
        let mut tx = self.db.begin().await.map_err(retry)?;
        for (dataset, resource) in rows {
            announce(
                &mut tx,
                &self.events,
                &self.jobs,
                dataset,
                (resource != 0).then_some(resource),
            )
            .await
            .map_err(retry)?;
        }
        tx.commit().await.map_err(retry)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_come_from_the_coverage_else_the_publication() {
        assert_eq!(
            years(Some("2020-01-01"), Some("2022-12-31"), None),
            [2020, 2021, 2022]
        );
        assert_eq!(
            years(Some("2021"), None, Some("2024-05-01T00:00:00Z")),
            [2021]
        );
        assert_eq!(years(None, None, Some("2024-05-01T00:00:00Z")), [2024]);
        assert_eq!(
            years(Some("1900-01-01"), Some("2020-01-01"), None),
            [1900, 2020]
        );
        assert_eq!(years(Some("basura"), None, None), Vec::<i32>::new());
        assert_eq!(years(Some("2022"), Some("2020"), None), [2022]);
    }

    #[test]
    fn link_formats_come_from_the_extension() {
        assert_eq!(
            link_format("https://x.mx/datos/presupuesto.csv").as_deref(),
            Some("CSV")
        );
        assert_eq!(
            link_format("https://x.mx/a.xlsx?descarga=1").as_deref(),
            Some("XLSX")
        );
        assert_eq!(link_format("https://x.mx/portal/index.html"), None);
        assert_eq!(link_format("https://x.mx/portal/"), None);
        assert_eq!(link_format("https://x.mx/api/v1.consulta-larga"), None);
    }

    #[test]
    fn municipality_keys() {
        assert!(is_municipality_key("15106"));
        assert!(!is_municipality_key("estado"));
        assert!(!is_municipality_key("09010"));
    }
}
