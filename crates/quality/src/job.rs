//! The jobs that keep the scores current: one dataset whenever what the
//! public sees of it changes (`quality.dataset`, on the search's
//! "document changed" event), and every dataset every few hours
//! (`quality.all`: freshness and use change with time alone), which also
//! writes the day's line of the history.

use kernel::db::Db;
use kernel::jobs::{JobContext, JobError, JobHandler};

use crate::{domain, store};

pub const DATASET: &str = "quality.dataset";
pub const ALL: &str = "quality.all";

/// Scores one dataset now (or forgets it, if it is gone).
pub async fn recompute(db: &Db, dataset_id: i64) -> Result<Option<u32>, sqlx::Error> {
    match store::gather(db, dataset_id).await? {
        Some((d, facts)) => {
            let a = domain::assess(&facts);
            store::save(db, &d, &a).await?;
            Ok(Some(a.score))
        }
        None => {
            store::forget(db, dataset_id).await?;
            Ok(None)
        }
    }
}

/// Scores every dataset and writes today's history; reports progress.
pub async fn recompute_all(db: &Db, ctx: Option<&JobContext>) -> Result<usize, JobError> {
    let ids = store::dataset_ids(db).await?;
    let total = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    for (i, id) in ids.iter().enumerate() {
        recompute(db, *id).await?;
        if let Some(ctx) = ctx {
            if i % 50 == 0 {
                let done = i64::try_from(i).unwrap_or(i64::MAX);
                ctx.progress(done, Some(total), None).await?;
            }
        }
    }
    let today: String = kernel::time::now().chars().take(10).collect();
    store::snapshot(db, &today).await?;
    Ok(ids.len())
}

/// `quality.dataset`: payload `{"kind", "id"}` of the search's event; only
/// datasets concern it (a resource's change comes with its dataset's).
pub struct ScoreDataset {
    pub db: Db,
}

#[async_trait::async_trait]
impl JobHandler for ScoreDataset {
    fn kind(&self) -> &'static str {
        DATASET
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let payload = ctx.payload();
        if payload["kind"].as_str() != Some(catalog::search::DATASET) {
            return Ok(());
        }
        let id = payload["id"]
            .as_str()
            .and_then(|s| s.parse::<i64>().ok())
            .or_else(|| payload["id"].as_i64())
            .ok_or_else(|| JobError::Permanent("trabajo sin id de conjunto".into()))?;
        recompute(&self.db, id).await?;
        Ok(())
    }
}

/// `quality.all`.
pub struct ScoreAll {
    pub db: Db,
}

#[async_trait::async_trait]
impl JobHandler for ScoreAll {
    fn kind(&self) -> &'static str {
        ALL
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let n = recompute_all(&self.db, Some(ctx)).await?;
        tracing::info!(datasets = n, "quality scores recomputed");
        Ok(())
    }
}
