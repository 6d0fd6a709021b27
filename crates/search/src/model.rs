//! What goes into the engine (`SearchDoc`), what is asked of it (`SearchQuery`)
//! and what comes back (`SearchResults`, `Suggestion`). All of it is plain data,
//! serialisable with serde, identical for both backends.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Hits per page when nobody says otherwise.
pub const DEFAULT_LIMIT: usize = 10;
/// Hits per page at most (CKAN's `rows` cap).
pub const MAX_LIMIT: usize = 1_000;
/// Hits past this position (`offset + limit`) are never returned: deep paging
/// costs memory in both backends and no person pages that far. `total` is still exact.
pub const MAX_WINDOW: usize = 10_000;
/// Values per facet when nobody says otherwise.
pub const DEFAULT_FACET_LIMIT: usize = 50;
/// Values per facet at most.
pub const MAX_FACET_LIMIT: usize = 1_000;
/// Facet keys counted per query at most.
pub const MAX_FACET_KEYS: usize = 32;
/// Suggestions per call at most.
pub const MAX_SUGGESTIONS: usize = 50;

/// One indexed thing: a dataset, a resource, a public body, a practice…
/// Its key is `(kind, id)`; indexing a document with an existing key replaces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchDoc {
    /// "dataset", "resource", "body", "practice", …
    pub kind: String,
    /// Unique within `kind`.
    pub id: String,
    /// Where a hit links to.
    pub url: String,
    pub title: String,
    /// Plain text (markdown already stripped).
    pub description: String,
    pub keywords: Vec<String>,
    /// Extra searchable text: resource names, column names, …
    #[serde(default)]
    pub body_text: String,
    /// Open-ended facets: "organization" → ["secretaria-de-finanzas"], "format" → ["CSV", "XLSX"], …
    /// Any key can be filtered on and counted.
    #[serde(default)]
    pub facets: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub modified_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub downloads: i64,
}

impl SearchDoc {
    /// The date `Sort::Newest` orders by: last modification, else publication.
    pub fn recency(&self) -> Option<DateTime<Utc>> {
        self.modified_at.or(self.published_at)
    }
}

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first. With an empty query (nothing to rank by) this is `Newest`.
    #[default]
    Relevance,
    /// Most recently modified (else published) first; documents without dates last.
    Newest,
    /// Most downloaded first, then newest.
    MostDownloaded,
    /// Title A→Z, ignoring case and accents.
    Title,
}

/// A search. Build it with `SearchQuery::new("texto")` and the chained setters,
/// or fill the fields directly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    /// What the person typed. Empty (or nothing searchable in it) matches everything.
    /// The last word also matches as a prefix (search-as-you-type).
    pub q: String,
    /// `(facet key, value)`: values of the same key are OR-ed, different keys AND-ed.
    pub filters: Vec<(String, String)>,
    /// Only these kinds (OR); empty = every kind.
    pub kinds: Vec<String>,
    /// Facet keys to count over the matched set.
    pub facets: Vec<String>,
    /// Values returned per counted facet.
    pub facet_limit: usize,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
    /// Wrap matched words in `<mark>` in `title_html` and `snippet_html`.
    pub highlight: bool,
}

impl Default for SearchQuery {
    fn default() -> Self {
        SearchQuery {
            q: String::new(),
            filters: Vec::new(),
            kinds: Vec::new(),
            facets: Vec::new(),
            facet_limit: DEFAULT_FACET_LIMIT,
            sort: Sort::Relevance,
            offset: 0,
            limit: DEFAULT_LIMIT,
            highlight: true,
        }
    }
}

impl SearchQuery {
    pub fn new(q: impl Into<String>) -> Self {
        SearchQuery {
            q: q.into(),
            ..SearchQuery::default()
        }
    }

    #[must_use]
    pub fn filter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.filters.push((key.into(), value.into()));
        self
    }

    #[must_use]
    pub fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kinds.push(kind.into());
        self
    }

    #[must_use]
    pub fn facet(mut self, key: impl Into<String>) -> Self {
        self.facets.push(key.into());
        self
    }

    #[must_use]
    pub fn sort(mut self, sort: Sort) -> Self {
        self.sort = sort;
        self
    }

    #[must_use]
    pub fn page(mut self, offset: usize, limit: usize) -> Self {
        self.offset = offset;
        self.limit = limit;
        self
    }

    #[must_use]
    pub fn highlight(mut self, on: bool) -> Self {
        self.highlight = on;
        self
    }

    /// `(offset, limit)` clamped to `MAX_LIMIT` and `MAX_WINDOW`.
    pub fn window(&self) -> (usize, usize) {
        let limit = self.limit.min(MAX_LIMIT);
        let offset = self.offset.min(MAX_WINDOW);
        let limit = limit.min(MAX_WINDOW - offset);
        (offset, limit)
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub kind: String,
    pub id: String,
    pub url: String,
    /// The title as indexed (raw text: escape it when rendering).
    pub title: String,
    /// The title, HTML-escaped, matched words in `<mark>…</mark>`.
    pub title_html: String,
    /// A fragment of the description (the title when there is no description),
    /// HTML-escaped, matched words in `<mark>…</mark>`.
    pub snippet_html: String,
    /// Relevance (higher is better); 0 when sorted by something else.
    /// Comparable within one result list only.
    pub score: f32,
}

/// One facet value and how many matched documents carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct SearchResults {
    /// Documents matched (exact), whatever the page.
    pub total: u64,
    pub hits: Vec<Hit>,
    /// Per requested facet key: values by count (desc), then value (asc).
    /// Counted over the whole matched set, filters included (a filtered facet
    /// therefore shows only the selected values).
    pub facets: BTreeMap<String, Vec<FacetCount>>,
    /// Set when the query as typed found nothing (or very little) and a spelling
    /// from the indexed vocabulary finds more: the results are then those of
    /// the corrected query, and this is its text ("Quizás quiso decir…").
    pub did_you_mean: Option<String>,
}

/// An autocomplete entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Suggestion {
    /// A completion of the text typed so far ("presu" → "presupuesto"),
    /// from the indexed vocabulary; `docs` is how many documents have the word.
    Term { text: String, docs: u64 },
    /// A document whose title matches the text typed so far.
    Document {
        text: String,
        kind: String,
        id: String,
        url: String,
    },
}

impl Suggestion {
    /// The text to show.
    pub fn text(&self) -> &str {
        match self {
            Suggestion::Term { text, .. } | Suggestion::Document { text, .. } => text,
        }
    }
}
