//! Upkeep no request does: jobs that run every so often (each capability lists
//! its own in [`crate::Capability::periodic`]), and the sweep of files nobody
//! references.
//!
//! A periodic job is put on the queue with a dedup key, so however many
//! workers run, at most one of each kind is pending; when it finishes, the next
//! worker to look schedules the following one.

use std::collections::HashSet;
use std::time::Duration;

use serde_json::json;
use sqlx::Row;

use crate::audit::{self, Change};
use crate::authz::Actor;
use crate::db::Db;
use crate::files::FileStore;
use crate::jobs::{JobContext, JobError, JobHandler, NewJob};

/// The job that sweeps staging leftovers and unreferenced blobs.
pub const SWEEP_FILES: &str = "files.sweep";

/// Staging objects this old belong to no upload still running.
pub const STAGING_AGE: Duration = Duration::from_secs(6 * 3600);
/// Unreferenced blobs this old belong to no upload still committing.
pub const BLOB_AGE: Duration = Duration::from_secs(24 * 3600);

/// A job to run every `every`.
#[derive(Debug, Clone, Copy)]
pub struct Periodic {
    pub kind: &'static str,
    pub every: Duration,
}

impl Periodic {
    /// The queue entry for the next run.
    pub fn next(&self) -> NewJob {
        NewJob::new(self.kind, json!({}))
            .dedup(format!("periodic:{}", self.kind))
            .delay(self.every)
            .max_attempts(3)
    }
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SweepReport {
    pub staging: usize,
    pub blobs: Vec<String>,
}

/// Sweeps the file store: staging objects older than `staging_age`, and blobs
/// older than `blob_age` that no query in `refs` returns. Every capability that
/// keeps blob hashes declares a query (`SELECT sha256 FROM …`) in
/// [`crate::Capability::file_refs`]; if any of them fails, nothing is deleted.
pub async fn sweep_files(
    db: &Db,
    files: &FileStore,
    refs: &[&str],
    staging_age: Duration,
    blob_age: Duration,
) -> Result<SweepReport, JobError> {
    let retry = |e: crate::files::FileError| JobError::Retry(e.to_string());
    let staging = files.sweep_staging(staging_age).await.map_err(retry)?;
    let mut referenced = HashSet::new();
    for sql in refs {
        let rows = sqlx::query(sql).fetch_all(db.pool()).await?;
        for row in rows {
            if let Some(hash) = row.try_get::<Option<String>, _>(0)? {
                referenced.insert(hash);
            }
        }
    }
    let blobs = files
        .sweep_unreferenced(&referenced, blob_age)
        .await
        .map_err(retry)?;
    if !blobs.is_empty() || staging > 0 {
        let mut tx = db.begin().await?;
        audit::record(
            &mut tx,
            &Actor::system(),
            Change::new("file", "store", "sweep")
                .after(json!({ "blobs": blobs, "staging": staging })),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(staging, blobs = blobs.len(), "file store swept");
    }
    Ok(SweepReport { staging, blobs })
}

/// The periodic sweep, as a job.
pub struct SweepFiles {
    pub db: Db,
    pub files: FileStore,
    pub refs: Vec<&'static str>,
}

#[async_trait::async_trait]
impl JobHandler for SweepFiles {
    fn kind(&self) -> &'static str {
        SWEEP_FILES
    }

    async fn run(&self, _ctx: &JobContext) -> Result<(), JobError> {
        sweep_files(&self.db, &self.files, &self.refs, STAGING_AGE, BLOB_AGE).await?;
        Ok(())
    }
}
