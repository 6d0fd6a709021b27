//! Keeping the index in step with the database, through the job queue:
//!
//! - `search.index` runs on every [`kernel::events::DOCUMENT_CHANGED`]: the
//!   document as its source sees it now is indexed, or removed when it is no
//!   longer public.
//! - `search.check` runs at every start and every hour: it compares the ids
//!   of every kind in the index with the database's public ids, indexes the
//!   missing and removes the extra (CKAN's most common complaint is datasets
//!   that exist but vanish from listings). An index that was missing or
//!   damaged at start is empty: this is what fills it again.
//! - `search.rebuild` re-reads every public document (`apertura reindex`
//!   asks for it when a running server holds the embedded index).

use std::collections::BTreeSet;
use std::sync::Arc;

use kernel::db::Db;
use kernel::jobs::{JobContext, JobError, JobHandler};
use kernel::search::{Document, SearchSource};

use crate::index::SearchIndex;
use crate::SearchDoc;

pub const INDEX: &str = "search.index";
pub const CHECK: &str = "search.check";
pub const REBUILD: &str = "search.rebuild";
/// Documents read from the database and indexed per batch (one commit).
const BATCH: usize = 500;

/// A source's document as the engine takes it. Every document also carries
/// its kind as the facet `type`, so that a results page can count them.
pub fn to_search_doc(d: Document) -> SearchDoc {
    let mut facets = d.facets;
    facets.insert("type".into(), vec![d.kind.to_string()]);
    SearchDoc {
        kind: d.kind.to_string(),
        id: d.id,
        url: d.url,
        title: d.title,
        description: d.description,
        keywords: d.keywords,
        body_text: d.body_text,
        facets,
        published_at: d.published_at,
        modified_at: d.modified_at,
        downloads: d.downloads,
    }
}

fn failed(e: impl std::fmt::Display) -> JobError {
    JobError::Retry(e.to_string())
}

/// What a check or a rebuild did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SyncReport {
    pub indexed: usize,
    pub removed: usize,
    pub total: usize,
}

/// Everything the jobs need.
#[derive(Clone)]
pub struct Sync {
    pub db: Db,
    pub index: Arc<SearchIndex>,
    pub sources: Vec<Arc<dyn SearchSource>>,
}

impl Sync {
    fn source(&self, kind: &str) -> Option<&Arc<dyn SearchSource>> {
        self.sources.iter().find(|s| s.kind() == kind)
    }

    /// Brings one document up to date.
    pub async fn refresh(&self, kind: &str, id: &str) -> Result<(), JobError> {
        let Some(source) = self.source(kind) else {
            return Err(JobError::Permanent(format!(
                "ningún módulo publica documentos de tipo «{kind}»"
            )));
        };
        let docs = source
            .documents(&self.db, &[id.to_string()])
            .await
            .map_err(failed)?;
        match docs.into_iter().next() {
            Some(d) => self.index.upsert(&[to_search_doc(d)]).await.map_err(failed),
            None => self.index.delete(kind, id).await.map_err(failed),
        }
    }

    /// Compares index and database for every kind and repairs the drift;
    /// with `everything`, re-reads every public document too.
    pub async fn sync(
        &self,
        everything: bool,
        progress: Option<&JobContext>,
    ) -> Result<SyncReport, JobError> {
        let mut report = SyncReport::default();
        let mut plan = vec![];
        for source in &self.sources {
            let public: BTreeSet<String> = source
                .public_ids(&self.db)
                .await
                .map_err(failed)?
                .into_iter()
                .collect();
            let indexed: BTreeSet<String> = self
                .index
                .ids(source.kind())
                .await
                .map_err(failed)?
                .into_iter()
                .collect();
            let extra: Vec<String> = indexed.difference(&public).cloned().collect();
            let wanted: Vec<String> = if everything {
                public.iter().cloned().collect()
            } else {
                public.difference(&indexed).cloned().collect()
            };
            report.total += public.len();
            plan.push((source.clone(), wanted, extra));
        }
        let work: usize = plan.iter().map(|(_, w, x)| w.len() + x.len()).sum();
        let mut done = 0;
        for (source, wanted, extra) in plan {
            for id in &extra {
                self.index.delete(source.kind(), id).await.map_err(failed)?;
                report.removed += 1;
            }
            done += extra.len();
            for chunk in wanted.chunks(BATCH) {
                let docs = source.documents(&self.db, chunk).await.map_err(failed)?;
                // Gone private between the two reads: the next check sees it.
                let docs: Vec<SearchDoc> = docs.into_iter().map(to_search_doc).collect();
                report.indexed += docs.len();
                self.index.upsert(&docs).await.map_err(failed)?;
                done += chunk.len();
                if let Some(ctx) = progress {
                    ctx.progress(done as i64, Some(work as i64), None).await?;
                }
            }
        }
        Ok(report)
    }
}

/// `search.index`: one document, payload `{"kind", "id"}`.
pub struct IndexDocument(pub Sync);

#[async_trait::async_trait]
impl JobHandler for IndexDocument {
    fn kind(&self) -> &'static str {
        INDEX
    }
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let p = ctx.payload();
        let (Some(kind), Some(id)) = (p["kind"].as_str(), p["id"].as_str()) else {
            return Err(JobError::Permanent(
                "el trabajo no dice qué documento indexar".into(),
            ));
        };
        self.0.refresh(kind, id).await
    }
}

/// `search.check` (and `search.rebuild`).
pub struct Check {
    pub sync: Sync,
    pub everything: bool,
}

#[async_trait::async_trait]
impl JobHandler for Check {
    fn kind(&self) -> &'static str {
        if self.everything {
            REBUILD
        } else {
            CHECK
        }
    }
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let r = self.sync.sync(self.everything, Some(ctx)).await?;
        if r.removed > 0 || (!self.everything && r.indexed > 0) {
            tracing::warn!(
                indexed = r.indexed,
                removed = r.removed,
                "search index was out of step with the database: repaired"
            );
        } else {
            tracing::info!(indexed = r.indexed, total = r.total, "search index in step");
        }
        Ok(())
    }
}
