//! Search for Apertura: one interface (`SearchEngine`), two backends.
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
mod model;
mod plan;
mod postgres;
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
