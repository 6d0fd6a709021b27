//! What proactive transparency gives the search index: the public practices
//! (everything but drafts), found by their title, the need they answer,
//! their public and how the demand was identified.

use std::collections::HashMap;

use kernel::db::{AnyConnection, Db};
use kernel::i18n::{I18n, Locale};
use kernel::search::{Document, SearchSource};

use crate::store;

pub const PRACTICE: &str = "practice";

/// Announces a change of a practice, in the caller's transaction.
pub async fn changed(
    conn: &mut AnyConnection,
    state: &kernel::web::Shared,
    practice_id: i64,
) -> Result<(), sqlx::Error> {
    kernel::search::changed(conn, &state.events, &state.jobs, PRACTICE, practice_id).await
}

/// Public practices.
pub struct Practices;

#[async_trait::async_trait]
impl SearchSource for Practices {
    fn kind(&self) -> &'static str {
        PRACTICE
    }

    async fn documents(&self, db: &Db, ids: &[String]) -> Result<Vec<Document>, sqlx::Error> {
        let ids: Vec<i64> = ids.iter().filter_map(|i| i.parse().ok()).collect();
        let bodies: HashMap<i64, directory::store::Body> = directory::store::all_bodies(db)
            .await?
            .into_iter()
            .map(|b| (b.id, b))
            .collect();
        let mut docs = vec![];
        for p in store::by_ids(db, &ids).await? {
            if !p.status().is_public() {
                continue;
            }
            let body = bodies.get(&p.body_id);
            let mut doc = Document {
                kind: PRACTICE,
                id: p.id.to_string(),
                url: format!("/transparencia-proactiva/practicas/{}", p.slug),
                title: p.input.title.clone(),
                description: p.input.problem.clone(),
                body_text: [
                    p.input.population.as_str(),
                    p.input.demand_evidence.as_str(),
                    p.input.channels.as_str(),
                    body.map(|b| b.name.as_str()).unwrap_or_default(),
                ]
                .join("\n"),
                published_at: p.submitted_at.as_deref().and_then(kernel::time::parse),
                modified_at: kernel::time::parse(&p.updated_at),
                ..Document::default()
            };
            if let Some(b) = body {
                doc.facet("organization", [b.slug.clone()]);
                doc.facet("body_kind", [b.kind.clone()]);
                doc.facet("municipality", b.municipality.clone());
            }
            docs.push(doc);
        }
        Ok(docs)
    }

    async fn public_ids(&self, db: &Db) -> Result<Vec<String>, sqlx::Error> {
        Ok(store::public_ids(db)
            .await?
            .into_iter()
            .map(|i| i.to_string())
            .collect())
    }

    async fn facet_labels(
        &self,
        _db: &Db,
        _i18n: &I18n,
        _locale: Locale,
        _key: &str,
        _values: &[String],
    ) -> Result<HashMap<String, String>, sqlx::Error> {
        // Its facets (bodies, kinds, municipalities) are the directory's.
        Ok(HashMap::new())
    }
}
