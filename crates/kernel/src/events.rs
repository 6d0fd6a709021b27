//! Domain events, so capabilities react to each other without knowing each
//! other: the catalog announces "a resource version was created" inside its
//! transaction; whoever subscribed in its manifest (the ingest capability, the
//! search index) gets a job on the queue, committed with the change or not at
//! all.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::AnyConnection;
use crate::jobs::{JobQueue, NewJob};

/// A resource version was stored. Payload: `{"version_id", "resource_id", "dataset_id", "format"}`.
pub const RESOURCE_VERSION_CREATED: &str = "catalog.resource_version_created";
/// What the public sees of a document (a dataset, a resource, a body, a
/// practice…) may have changed: it was created, edited, published,
/// unpublished, deleted or restored. Payload: `{"kind", "id"}` (see
/// [`crate::search::changed`]).
pub const DOCUMENT_CHANGED: &str = "search.document_changed";
/// A public body was created or edited (its name, kind or municipality may
/// have changed, and with them what its datasets show). Payload: `{"body_id"}`.
pub const BODY_CHANGED: &str = "directory.body_changed";

/// "When `event` happens, run job `job` with the event's payload."
#[derive(Debug, Clone, Copy)]
pub struct Subscription {
    pub event: &'static str,
    pub job: &'static str,
}

/// Every capability's subscriptions.
#[derive(Debug, Clone, Default)]
pub struct Events {
    subscribers: Arc<HashMap<&'static str, Vec<&'static str>>>,
}

impl Events {
    pub fn new(subscriptions: &[Subscription]) -> Events {
        let mut subscribers: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for s in subscriptions {
            subscribers.entry(s.event).or_default().push(s.job);
        }
        Events {
            subscribers: Arc::new(subscribers),
        }
    }

    /// The job kinds that run when `event` happens.
    pub fn subscribers(&self, event: &str) -> &[&'static str] {
        self.subscribers
            .get(event)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// Announces `event` inside the caller's transaction: one job per
    /// subscriber, deduplicated by `key` (e.g. the version id), so a job
    /// still waiting for the same subject is not queued twice. A job already
    /// running does not absorb the event (it may have read the subject before
    /// this change): another is queued.
    pub async fn emit(
        &self,
        conn: &mut AnyConnection,
        jobs: &JobQueue,
        event: &str,
        key: &str,
        payload: serde_json::Value,
    ) -> Result<(), sqlx::Error> {
        for job in self.subscribers(event) {
            jobs.enqueue_in(
                conn,
                NewJob::new(job, payload.clone()).coalesce(format!("{job}:{key}")),
            )
            .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscribers_by_event() {
        let events = Events::new(&[
            Subscription {
                event: RESOURCE_VERSION_CREATED,
                job: "ingest.version",
            },
            Subscription {
                event: RESOURCE_VERSION_CREATED,
                job: "search.resource",
            },
            Subscription {
                event: DOCUMENT_CHANGED,
                job: "search.dataset",
            },
        ]);
        assert_eq!(
            events.subscribers(RESOURCE_VERSION_CREATED),
            ["ingest.version", "search.resource"]
        );
        assert_eq!(events.subscribers(DOCUMENT_CHANGED), ["search.dataset"]);
        assert!(events.subscribers("nadie").is_empty());
    }
}
