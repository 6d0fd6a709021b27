//! What the score is computed from (read from the catalog, the loads and the
//! use counts), and where scores and their history are kept.

use std::collections::HashMap;

use catalog::store::Dataset;
use kernel::db::Db;
use serde::Serialize;
use sqlx::Row;

use crate::domain::{Assessment, Facts, ResourceFacts, TableFacts, CRITERIA};

/// A dataset and the facts of it, or `None` when it is gone (deleted).
pub async fn gather(db: &Db, dataset_id: i64) -> Result<Option<(Dataset, Facts)>, sqlx::Error> {
    let dataset = {
        let mut conn = db.pool().acquire().await?;
        catalog::store::dataset_by_id(&mut conn, dataset_id).await?
    };
    let Some(d) = dataset.filter(|d| d.deleted_at.is_none()) else {
        return Ok(None);
    };
    let resources = catalog::store::resources_of(db, d.id).await?;
    let ids: Vec<i64> = resources.iter().map(|r| r.id).collect();
    let versions: HashMap<i64, catalog::store::Version> = catalog::store::latest_versions(db, &ids)
        .await?
        .into_iter()
        .map(|v| (v.resource_id, v))
        .collect();
    let calls = ingest::usage::api_calls_of(db, &ids).await?;
    let mut facts = Vec::with_capacity(resources.len());
    let mut newest: Option<String> = None;
    let mut downloads = 0;
    for r in &resources {
        downloads += catalog::store::downloads_of_resource(db, r.id).await?;
        let version = versions.get(&r.id);
        if let Some(v) = version {
            if newest.as_deref().is_none_or(|n| v.created_at.as_str() > n) {
                newest = Some(v.created_at.clone());
            }
        }
        let format = match version {
            Some(v) => Some(v.format.clone()),
            None => r.url.as_deref().and_then(format_of_link),
        };
        let table = match version {
            Some(v) => table_facts(db, r.id, v).await?,
            None => None,
        };
        facts.push(ResourceFacts {
            name: r.name.clone(),
            format,
            table,
        });
    }
    let changed = newest.unwrap_or_else(|| d.created_at.clone());
    let days_since_update = kernel::time::parse(&changed)
        .map(|t| (chrono::Utc::now() - t).num_days())
        .unwrap_or(0);
    let m = &d.meta;
    let facts = Facts {
        title: m.title.clone(),
        description: m.description.clone(),
        themes: m.themes.len(),
        keywords: m.keywords.len(),
        licence: m.licence.clone(),
        frequency: m.frequency.clone(),
        has_temporal: m.temporal_start.is_some() || m.temporal_end.is_some(),
        has_spatial: m.spatial.is_some(),
        has_contact: m.contact_email.is_some() || m.contact_name.is_some(),
        resources: facts,
        days_since_update,
        downloads,
        api_calls: calls.values().sum(),
        is_public: d.is_public(),
    };
    Ok(Some((d, facts)))
}

/// The format a link's address shows (`…/obras.csv` is CSV), if any.
fn format_of_link(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let last = parsed.path_segments()?.next_back()?.to_string();
    let (_, ext) = last.rsplit_once('.')?;
    let ext = ext.to_ascii_uppercase();
    (1..=7).contains(&ext.len()).then_some(ext)
}

/// What the load of a resource's current version found, if it is a table.
async fn table_facts(
    db: &Db,
    resource_id: i64,
    v: &catalog::store::Version,
) -> Result<Option<TableFacts>, sqlx::Error> {
    use ingest::store::Status;
    let Some(load) = ingest::store::by_version(db, v.id).await? else {
        // A table whose load was not even queued yet is on its way.
        return Ok(ingest::job::tabular_format(&v.format, &v.filename).map(|_| TableFacts::Pending));
    };
    Ok(Some(match load.status {
        Status::Pending | Status::Running => TableFacts::Pending,
        Status::Failed | Status::Cancelled => TableFacts::Failed {
            error: load.error.unwrap_or_default(),
        },
        Status::Ready => {
            let dictionary = catalog::store::dictionary_of(db, resource_id).await?;
            let described = dictionary
                .iter()
                .filter(|f| !f.description.trim().is_empty())
                .count();
            TableFacts::Loaded {
                rows: load.rows.unwrap_or(load.rows_done),
                errors: load.error_count.unwrap_or(0),
                columns: load.columns.len().max(dictionary.len()) as i64,
                described: described as i64,
            }
        }
    }))
}

/// Keeps a dataset's score (replacing the previous one).
pub async fn save(db: &Db, d: &Dataset, a: &Assessment) -> Result<(), sqlx::Error> {
    let points: Vec<i64> = CRITERIA
        .iter()
        .map(|code| {
            a.criteria
                .iter()
                .find(|c| c.code == *code)
                .map_or(0, |c| i64::from(c.points))
        })
        .collect();
    let breakdown = serde_json::to_string(a).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM quality_scores WHERE dataset_id = $1")
        .bind(d.id)
        .execute(&mut *tx)
        .await?;
    let mut q = sqlx::query(
        "INSERT INTO quality_scores (dataset_id, body_id, score, overdue, is_public, p_format, p_licence, p_metadata, \
         p_dictionary, p_validation, p_freshness, p_readability, p_use, breakdown_json, computed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(d.id)
    .bind(d.body_id)
    .bind(i64::from(a.score))
    .bind(i64::from(a.overdue))
    .bind(i64::from(d.is_public()));
    for p in points {
        q = q.bind(p);
    }
    q.bind(breakdown)
        .bind(kernel::time::now())
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

/// Drops the score of a dataset that is gone.
pub async fn forget(db: &Db, dataset_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM quality_scores WHERE dataset_id = $1")
        .bind(dataset_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Every dataset not deleted, and those that have a score but are deleted
/// (to forget).
pub async fn dataset_ids(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM datasets WHERE deleted_at IS NULL \
         UNION SELECT dataset_id FROM quality_scores ORDER BY 1",
    )
    .fetch_all(db.pool())
    .await
}

/// A dataset's kept score.
#[derive(Debug, Clone, Serialize)]
pub struct Kept {
    pub assessment: Assessment,
    pub computed_at: String,
}

pub async fn score_of(db: &Db, dataset_id: i64) -> Result<Option<Kept>, sqlx::Error> {
    let row =
        sqlx::query("SELECT breakdown_json, computed_at FROM quality_scores WHERE dataset_id = $1")
            .bind(dataset_id)
            .fetch_optional(db.pool())
            .await?;
    let Some(row) = row else { return Ok(None) };
    let json: String = row.try_get("breakdown_json")?;
    Ok(serde_json::from_str(&json).ok().map(|assessment| Kept {
        assessment,
        computed_at: row.try_get("computed_at").unwrap_or_default(),
    }))
}

/// Averages over a set of scores (a body's, or the state's).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub datasets: i64,
    /// Average score, one decimal.
    pub average: f64,
    pub overdue: i64,
    /// Average points of each criterion, in [`CRITERIA`] order.
    pub criteria: Vec<f64>,
}

fn average_columns() -> String {
    CRITERIA
        .iter()
        .map(|c| format!("CAST(COALESCE(SUM(p_{c}), 0) AS BIGINT) AS p_{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn summary(r: &sqlx::any::AnyRow) -> Result<Summary, sqlx::Error> {
    let datasets: i64 = r.try_get("datasets")?;
    let per = |sum: i64| {
        if datasets == 0 {
            0.0
        } else {
            (sum as f64 * 10.0 / datasets as f64).round() / 10.0
        }
    };
    let mut criteria = vec![];
    for c in CRITERIA {
        criteria.push(per(r.try_get(format!("p_{c}").as_str())?));
    }
    Ok(Summary {
        datasets,
        average: per(r.try_get("score_sum")?),
        overdue: r.try_get("overdue")?,
        criteria,
    })
}

const SUMS: &str =
    "CAST(COUNT(*) AS BIGINT) AS datasets, CAST(COALESCE(SUM(score), 0) AS BIGINT) AS score_sum, \
     CAST(COALESCE(SUM(overdue), 0) AS BIGINT) AS overdue";

/// The public datasets' scores of the state (`body = None`) or of a body.
pub async fn summary_of(db: &Db, body: Option<i64>) -> Result<Summary, sqlx::Error> {
    let sql = format!(
        "SELECT {SUMS}, {} FROM quality_scores WHERE is_public = 1 AND ($1 = 0 OR body_id = $1)",
        average_columns()
    );
    let row = sqlx::query(&sql)
        .bind(body.unwrap_or(0))
        .fetch_one(db.pool())
        .await?;
    summary(&row)
}

/// A body's place in the ranking.
#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub body_id: i64,
    pub slug: String,
    pub name: String,
    pub summary: Summary,
}

/// Bodies with public datasets, best average first (ties: more datasets,
/// then by name).
pub async fn ranking(db: &Db) -> Result<Vec<Ranked>, sqlx::Error> {
    let sql = format!(
        "SELECT q.body_id, b.slug, b.name, {SUMS}, {} FROM quality_scores q JOIN bodies b ON b.id = q.body_id \
         WHERE q.is_public = 1 GROUP BY q.body_id, b.slug, b.name",
        average_columns()
    );
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    let mut ranked = rows
        .iter()
        .map(|r| {
            Ok(Ranked {
                body_id: r.try_get("body_id")?,
                slug: r.try_get("slug")?,
                name: r.try_get("name")?,
                summary: summary(r)?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    ranked.sort_by(|a, b| {
        b.summary
            .average
            .total_cmp(&a.summary.average)
            .then_with(|| b.summary.datasets.cmp(&a.summary.datasets))
            .then_with(|| a.name.cmp(&b.name))
    });
    Ok(ranked)
}

/// A dataset's score, as listed on a body's dashboard.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    pub slug: String,
    pub title: String,
    pub score: i64,
    pub overdue: bool,
    pub is_public: bool,
    pub assessment: Assessment,
}

/// The scores of a body's datasets (public only, unless `all`), lowest
/// first: those are the ones to look at.
pub async fn scores_of_body(db: &Db, body_id: i64, all: bool) -> Result<Vec<Listed>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.slug, d.title, q.score, q.overdue, q.is_public, q.breakdown_json FROM quality_scores q \
         JOIN datasets d ON d.id = q.dataset_id WHERE q.body_id = $1 AND d.deleted_at IS NULL \
         AND ($2 = 1 OR q.is_public = 1) ORDER BY q.score, d.title",
    )
    .bind(body_id)
    .bind(i64::from(all))
    .fetch_all(db.pool())
    .await?;
    let mut listed = vec![];
    for r in &rows {
        let json: String = r.try_get("breakdown_json")?;
        let Ok(assessment) = serde_json::from_str(&json) else {
            continue;
        };
        listed.push(Listed {
            slug: r.try_get("slug")?,
            title: r.try_get("title")?,
            score: r.try_get("score")?,
            overdue: r.try_get::<i64, _>("overdue")? != 0,
            is_public: r.try_get::<i64, _>("is_public")? != 0,
            assessment,
        });
    }
    Ok(listed)
}

/// Writes today's line of the history: the state (body 0) and each body
/// with public datasets. Run again the same day, it replaces the day's line.
pub async fn snapshot(db: &Db, day: &str) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM quality_history WHERE day = $1")
        .bind(day)
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!(
        "INSERT INTO quality_history (day, body_id, datasets, score_sum, overdue) \
         SELECT $1, 0, {SUMS} FROM quality_scores WHERE is_public = 1"
    ))
    .bind(day)
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO quality_history (day, body_id, datasets, score_sum, overdue) \
         SELECT $1, body_id, {SUMS} FROM quality_scores WHERE is_public = 1 GROUP BY body_id"
    ))
    .bind(day)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// One day of the history.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub day: String,
    pub datasets: i64,
    pub average: f64,
    pub overdue: i64,
}

/// The last `days` lines of the history of the state (`None`) or a body,
/// oldest first.
pub async fn history(db: &Db, body: Option<i64>, days: i64) -> Result<Vec<Day>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT day, datasets, score_sum, overdue FROM quality_history WHERE body_id = $1 \
         ORDER BY day DESC LIMIT $2",
    )
    .bind(body.unwrap_or(0))
    .bind(days)
    .fetch_all(db.pool())
    .await?;
    let mut out = rows
        .iter()
        .map(|r| {
            let datasets: i64 = r.try_get("datasets")?;
            let sum: i64 = r.try_get("score_sum")?;
            Ok(Day {
                day: r.try_get("day")?,
                datasets,
                average: if datasets == 0 {
                    0.0
                } else {
                    (sum as f64 * 10.0 / datasets as f64).round() / 10.0
                },
                overdue: r.try_get("overdue")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    out.reverse();
    Ok(out)
}
