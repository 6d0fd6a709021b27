//! Search and discovery (work plan: citizens find what is published). The
//! capability (`capability()`) keeps the index in step with every document
//! other capabilities declare (`kernel::search`), and serves `/buscar`,
//! autocomplete and CKAN's `package_search`. Beneath it, the engine:
//! one interface (`SearchEngine`), two backends.
//!
//! - `TantivyEngine`: embedded, an index in a directory on disk (or in memory).
//! - `PostgresEngine`: scale-out, PostgreSQL full-text search shared by every
//!   web process.
//!
//! Both analyse Spanish the same way (lower-case, accents folded, Snowball
//! Spanish stemming; see `analysis`), complete the last word as a prefix,
//! tolerate typos through "did you mean", rank title above keywords above
//! description above body, highlight with `<mark>` in escaped HTML, filter and
//! count any facet key. `ckan` turns CKAN `package_search` parameters into a `SearchQuery`.

#![forbid(unsafe_code)]

mod analysis;
pub mod ckan;
mod engine;
mod error;
mod highlight;
pub mod http;
pub mod index;
mod model;
mod plan;
mod postgres;
pub mod sync;
mod tantivy_engine;

pub use analysis::{MAX_QUERY_CHARS, MAX_QUERY_TERMS};
pub use engine::SearchEngine;
pub use error::{Result, SearchError};
pub use highlight::escape_html;
pub use model::{
    FacetCount, Hit, SearchDoc, SearchQuery, SearchResults, Sort, Suggestion, DEFAULT_FACET_LIMIT,
    DEFAULT_LIMIT, MAX_FACET_KEYS, MAX_FACET_LIMIT, MAX_LIMIT, MAX_SUGGESTIONS, MAX_WINDOW,
};
pub use postgres::PostgresEngine;
pub use tantivy_engine::TantivyEngine;

use std::sync::Arc;

use kernel::events::{Subscription, DOCUMENT_CHANGED};
use kernel::housekeeping::Periodic;
use kernel::web::Asset;
use kernel::Capability;

/// How often the index is compared with the database.
const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

pub fn capability() -> Capability {
    Capability {
        catalogs: kernel::catalogs!("search"),
        templates: vec![
            ("search/page.html", include_str!("../templates/page.html")),
            ("search/box.html", include_str!("../templates/box.html")),
        ],
        assets: vec![Asset {
            name: "search.js",
            content_type: "text/javascript; charset=utf-8",
            bytes: include_bytes!("../assets/search.js"),
        }],
        routes: http::routes,
        services: |config| {
            Ok(vec![
                Arc::new(Arc::new(index::SearchIndex::for_config(config)?)),
                Arc::new(http::LabelCache::new()),
            ])
        },
        jobs: |state| {
            let Some(index) = state.service::<Arc<index::SearchIndex>>() else {
                return vec![];
            };
            let s = sync::Sync {
                db: state.db.clone(),
                index: index.clone(),
                sources: state.search_sources.clone(),
            };
            vec![
                Arc::new(sync::IndexDocument(s.clone())),
                Arc::new(sync::Check {
                    sync: s.clone(),
                    everything: false,
                }),
                Arc::new(sync::Check {
                    sync: s,
                    everything: true,
                }),
            ]
        },
        subscriptions: vec![Subscription {
            event: DOCUMENT_CHANGED,
            job: sync::INDEX,
        }],
        periodic: vec![Periodic {
            kind: sync::CHECK,
            every: CHECK_EVERY,
        }],
        at_start: vec![sync::CHECK],
        // A serving process holds the embedded index from the start (so that
        // `apertura reindex` run beside it hands the work to it).
        warm_up: Some(|state| {
            Box::pin(async move {
                if let Some(index) = state.service::<Arc<index::SearchIndex>>() {
                    if let Err(e) = index.engine().await {
                        tracing::warn!(error = %e, "search index not available at start");
                    }
                }
            })
        }),
        ..Capability::new("search")
    }
}
