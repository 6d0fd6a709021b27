//! The catalog as the outside world reads it: a public dataset with its
//! body, its live resources and each resource's current version, with
//! absolute URLs. Every format in this crate (CKAN, DCAT-AP, data.json,
//! Data Package, schema.org, feeds, the native API) is a rendering of
//! [`Package`]; loading is batched (a few queries for a whole page).

use std::collections::HashMap;

use catalog::store::{self, Dataset, Resource, Version};
use directory::store::Body;
use kernel::db::Db;

/// One dataset as published.
#[derive(Debug, Clone)]
pub struct Package {
    pub dataset: Dataset,
    pub body: Body,
    pub resources: Vec<Item>,
}

/// One resource with its current version (files) and where to get it.
#[derive(Debug, Clone)]
pub struct Item {
    pub resource: Resource,
    /// The current version of a file; `None` for links.
    pub current: Option<Version>,
    /// Absolute URL of the bytes: the stable `/descargar` address of a
    /// file (it follows new versions), or the link itself.
    pub download_url: String,
    /// Absolute URL of the current version's permanent address (files).
    pub version_url: Option<String>,
    /// Absolute URL of the resource's page.
    pub page_url: String,
}

impl Item {
    /// Format name as people say it (`CSV`, `XLSX`, …), if known.
    pub fn format(&self) -> Option<&str> {
        self.current.as_ref().map(|v| v.format.as_str())
    }
    pub fn media_type(&self) -> Option<&str> {
        self.current.as_ref().map(|v| v.media_type.as_str())
    }
}

impl Package {
    /// Absolute URL of the dataset's page.
    pub fn page_url(&self, base: &str) -> String {
        format!("{base}/datos/{}", self.dataset.slug)
    }
    /// Last change to the dataset or to any of its files.
    pub fn modified(&self) -> &str {
        let mut m = self.dataset.updated_at.as_str();
        for i in &self.resources {
            if let Some(v) = &i.current {
                if v.created_at.as_str() > m {
                    m = v.created_at.as_str();
                }
            }
        }
        m
    }
}

/// Absolute URL of a body's profile.
pub fn body_url(base: &str, body: &Body) -> String {
    format!("{base}/sujetos-obligados/{}", body.slug)
}

/// The packages of these datasets, in the order of `datasets`, skipping any
/// whose body is gone.
pub async fn packages(
    db: &Db,
    base: &str,
    datasets: Vec<Dataset>,
) -> Result<Vec<Package>, sqlx::Error> {
    if datasets.is_empty() {
        return Ok(vec![]);
    }
    let bodies: HashMap<i64, Body> = directory::store::all_bodies(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b))
        .collect();
    let ids: Vec<i64> = datasets.iter().map(|d| d.id).collect();
    let resources = store::resources_of_datasets(db, &ids).await?;
    let rids: Vec<i64> = resources
        .iter()
        .filter(|r| r.kind == "file")
        .map(|r| r.id)
        .collect();
    let mut current: HashMap<i64, Version> = store::latest_versions(db, &rids)
        .await?
        .into_iter()
        .map(|v| (v.resource_id, v))
        .collect();
    let mut by_dataset: HashMap<i64, Vec<Resource>> = HashMap::new();
    for r in resources {
        by_dataset.entry(r.dataset_id).or_default().push(r);
    }
    let mut out = Vec::with_capacity(datasets.len());
    for d in datasets {
        let Some(body) = bodies.get(&d.body_id).cloned() else {
            continue;
        };
        let items = by_dataset
            .remove(&d.id)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| {
                let page_url = format!("{base}/datos/{}/recursos/{}", d.slug, r.slug);
                let v = current.remove(&r.id);
                match (r.kind.as_str(), v, r.url.clone()) {
                    ("file", Some(v), _) => Some(Item {
                        download_url: format!("{page_url}/descargar"),
                        version_url: Some(format!(
                            "{base}{}",
                            catalog::http::resources::version_path(
                                &d.slug,
                                &r.slug,
                                v.number,
                                &v.filename
                            )
                        )),
                        current: Some(v),
                        page_url,
                        resource: r,
                    }),
                    (_, _, Some(url)) => Some(Item {
                        download_url: url,
                        version_url: None,
                        current: None,
                        page_url,
                        resource: r,
                    }),
                    // A file resource without any version yet: nothing to offer.
                    _ => None,
                }
            })
            .collect();
        out.push(Package {
            dataset: d,
            body,
            resources: items,
        });
    }
    Ok(out)
}

/// Public datasets, newest published first: a page of packages and the total.
pub async fn public_page(
    db: &Db,
    base: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Package>, i64), sqlx::Error> {
    let (ids, total) = store::public_dataset_ids(db, limit, offset).await?;
    Ok((public_by_ids(db, base, &ids).await?, total))
}

/// The public ones among these datasets, in the order of `ids`.
pub async fn public_by_ids(db: &Db, base: &str, ids: &[i64]) -> Result<Vec<Package>, sqlx::Error> {
    let mut found: HashMap<i64, Dataset> = store::datasets_by_ids(db, ids)
        .await?
        .into_iter()
        .filter(Dataset::is_public)
        .map(|d| (d.id, d))
        .collect();
    let ordered: Vec<Dataset> = ids.iter().filter_map(|id| found.remove(id)).collect();
    packages(db, base, ordered).await
}

/// One dataset, by slug (CKAN `name`) or numeric id, whatever its state:
/// callers decide who may see it.
pub async fn find(db: &Db, key: &str) -> Result<Option<Dataset>, sqlx::Error> {
    if let Some(d) = store::dataset_by_slug(db, key).await? {
        return Ok(Some(d));
    }
    match key.parse::<i64>() {
        Ok(id) => Ok(store::datasets_by_ids(db, &[id]).await?.into_iter().next()),
        Err(_) => Ok(None),
    }
}

/// The package of one dataset (whatever its state).
pub async fn package(db: &Db, base: &str, d: Dataset) -> Result<Option<Package>, sqlx::Error> {
    Ok(packages(db, base, vec![d]).await?.into_iter().next())
}

/// The public datasets of one body, newest first (for its feed and catalog).
pub async fn public_of_body(
    db: &Db,
    base: &str,
    body_id: i64,
    limit: usize,
) -> Result<Vec<Package>, sqlx::Error> {
    let mut ds: Vec<Dataset> = store::datasets_of_body(db, body_id, true).await?;
    ds.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.id.cmp(&a.id)));
    ds.truncate(limit);
    packages(db, base, ds).await
}
