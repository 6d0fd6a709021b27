//! What the search capability indexes, and how the other capabilities feed it
//! without knowing it (as CKAN's `IPackageController.before_index` or
//! Decidim's `Searchable` concern do).
//!
//! A capability whose things should be found declares a [`SearchSource`] per
//! kind of thing in its manifest (`Capability::search_sources`) and, in the
//! transaction of every change that may alter what the public sees, calls
//! [`changed`]. The search capability subscribes to
//! [`crate::events::DOCUMENT_CHANGED`]: a job asks the source for the document
//! as the public sees it now and indexes it, or removes it when the source
//! says it is not public (a draft, unpublished, private or deleted).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::db::{AnyConnection, Db};
use crate::events::{Events, DOCUMENT_CHANGED};
use crate::i18n::{I18n, Locale};
use crate::jobs::JobQueue;

/// One thing to find, as its source describes it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The source's kind ("dataset", "resource", "body", …).
    pub kind: &'static str,
    pub id: String,
    /// Where a hit links to (a path on this site).
    pub url: String,
    pub title: String,
    /// Plain text (markup already stripped).
    pub description: String,
    pub keywords: Vec<String>,
    /// More searchable text: resource names, column names, the body's name…
    pub body_text: String,
    /// Facet key → values (codes, not labels; see [`SearchSource::facet_labels`]).
    pub facets: BTreeMap<String, Vec<String>>,
    pub published_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    pub downloads: i64,
}

impl Document {
    /// Adds facet values (empty ones are skipped).
    pub fn facet<I, S>(&mut self, key: &str, values: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let entry = self.facets.entry(key.to_string()).or_default();
        for v in values {
            let v = v.into();
            if !v.trim().is_empty() && !entry.contains(&v) {
                entry.push(v);
            }
        }
        if entry.is_empty() {
            self.facets.remove(key);
        }
    }
}

/// A kind of document some capability owns.
#[async_trait::async_trait]
pub trait SearchSource: Send + Sync {
    /// The kind, unique across capabilities ("dataset").
    fn kind(&self) -> &'static str;

    /// Documents of these ids as the public sees them now; ids that are not
    /// public (or do not exist) are simply absent from the answer.
    async fn documents(&self, db: &Db, ids: &[String]) -> Result<Vec<Document>, sqlx::Error>;

    /// Every public document's id (for rebuilding and for the consistency
    /// check).
    async fn public_ids(&self, db: &Db) -> Result<Vec<String>, sqlx::Error>;

    /// How the values of the facets this source defines read in `locale`
    /// (e.g. a body's slug → its name). Keys it does not define: nothing.
    async fn facet_labels(
        &self,
        _db: &Db,
        _i18n: &I18n,
        _locale: Locale,
        _key: &str,
        _values: &[String],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        Ok(HashMap::new())
    }
}

/// Announces, inside the caller's transaction, that what the public sees of
/// document `(kind, id)` may have changed.
pub async fn changed(
    conn: &mut AnyConnection,
    events: &Events,
    jobs: &JobQueue,
    kind: &str,
    id: impl std::fmt::Display,
) -> Result<(), sqlx::Error> {
    let id = id.to_string();
    events
        .emit(
            conn,
            jobs,
            DOCUMENT_CHANGED,
            &format!("{kind}:{id}"),
            serde_json::json!({ "kind": kind, "id": id }),
        )
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_skip_empty_and_repeated_values() {
        let mut d = Document::default();
        d.facet("format", ["CSV", "", "CSV", "XLSX"]);
        d.facet("keyword", Vec::<String>::new());
        assert_eq!(d.facets["format"], ["CSV", "XLSX"]);
        assert!(!d.facets.contains_key("keyword"));
    }
}
