//! The interface every backend implements, and the parts of searching that do
//! not depend on the backend: query planning, prefix completion, spelling
//! correction, "did you mean", highlighting, suggestions.

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;

use crate::analysis::{clean, clean_facet, is_stop_word, title_sort_key, Analyzer};
use crate::error::Result;
use crate::highlight::Highlighter;
use crate::model::{
    FacetCount, Hit, SearchDoc, SearchQuery, SearchResults, Suggestion, MAX_FACET_KEYS,
    MAX_FACET_LIMIT, MAX_SUGGESTIONS,
};
use crate::plan::{Plan, VocabTerm};

/// A search engine. Both implementations (`TantivyEngine`, `PostgresEngine`)
/// behave the same; every method can be called from many tasks at once.
#[async_trait]
pub trait SearchEngine: Send + Sync {
    /// "tantivy" or "postgres".
    fn backend(&self) -> &'static str;

    /// Index documents, replacing those with the same `(kind, id)`. Visible
    /// to searches when this returns. Pass batches: one call is one commit.
    async fn upsert(&self, docs: &[SearchDoc]) -> Result<()>;

    /// Remove a document; no error when it is not there.
    async fn delete(&self, kind: &str, id: &str) -> Result<()>;

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults>;

    /// Autocomplete what has been typed so far: word completions first, then
    /// documents whose title matches. At most `limit` (capped at 50).
    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>>;

    /// Every indexed id of `kind`, sorted (for the consistency check against
    /// the database).
    async fn ids(&self, kind: &str) -> Result<Vec<String>>;

    /// Remove every document.
    async fn clear(&self) -> Result<()>;

    /// Documents indexed.
    async fn count(&self) -> Result<u64>;
}

/// How many hits the query as typed may find before spelling correction is
/// tried ("nothing or very little").
pub(crate) const FEW_RESULTS: u64 = 3;
/// Completions of the prefix word searched.
pub(crate) const MAX_EXPANSIONS: usize = 16;
/// Text kept per field, in characters (the same for both backends).
pub(crate) const MAX_TITLE_CHARS: usize = 1_000;
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 20_000;
pub(crate) const MAX_BODY_CHARS: usize = 100_000;
pub(crate) const MAX_KEYWORDS: usize = 200;
pub(crate) const MAX_FACET_VALUES: usize = 500;
/// Distinct words per document kept in the vocabulary.
pub(crate) const MAX_VOCABULARY_PER_DOC: usize = 5_000;

/// A hit as the backend found it, before highlighting.
#[derive(Debug, Clone)]
pub(crate) struct RawHit {
    pub kind: String,
    pub id: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub score: f32,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct RawResults {
    pub total: u64,
    pub hits: Vec<RawHit>,
    /// key → value → count, unsorted.
    pub facets: BTreeMap<String, Vec<(String, u64)>>,
}

/// What a backend does; the rest is shared.
#[async_trait]
pub(crate) trait Backend: Send + Sync {
    /// Vocabulary words starting with `prefix`, most frequent first.
    /// `display`: compute display forms (costly in tantivy, only for suggestions).
    async fn completions(
        &self,
        prefix: &str,
        limit: usize,
        display: bool,
    ) -> Result<Vec<VocabTerm>>;

    /// For each word: `None` when it is in the vocabulary as is or nothing close
    /// is; else the closest vocabulary word within `allowed_distance`
    /// (fewest edits, then most documents).
    async fn corrections(&self, words: &[String]) -> Result<Vec<Option<VocabTerm>>>;

    /// Run a plan: filters, facets, sort and page from `query`.
    async fn execute(&self, plan: &Plan, query: &SearchQuery) -> Result<RawResults>;

    /// Documents whose title matches every word of the plan, best first.
    async fn title_matches(&self, plan: &Plan, limit: usize) -> Result<Vec<RawHit>>;
}

/// Facet keys to count: cleaned, non-empty, distinct, at most `MAX_FACET_KEYS`.
pub(crate) fn facet_keys(query: &SearchQuery) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for k in &query.facets {
        let k = clean_facet(k);
        if !k.is_empty() && !keys.contains(&k) && keys.len() < MAX_FACET_KEYS {
            keys.push(k);
        }
    }
    keys
}

/// Filters grouped by key (OR within a group, AND across groups), cleaned.
/// A filter with an empty key is ignored; an empty value matches nothing.
pub(crate) fn filter_groups(query: &SearchQuery) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in &query.filters {
        let k = clean_facet(k);
        if k.is_empty() {
            continue;
        }
        let v = clean_facet(v);
        match groups.iter_mut().find(|(key, _)| *key == k) {
            Some((_, values)) => {
                if !values.contains(&v) {
                    values.push(v);
                }
            }
            None => groups.push((k, vec![v])),
        }
    }
    groups
}

/// Kinds to search (cleaned, distinct).
pub(crate) fn kinds(query: &SearchQuery) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for k in &query.kinds {
        let k = clean(k);
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// The whole search, on any backend.
pub(crate) async fn search<B: Backend + ?Sized>(
    backend: &B,
    query: &SearchQuery,
) -> Result<SearchResults> {
    let mut plan = Plan::parse(&mut Analyzer::new(), &query.q);
    if let Some(t) = plan.prefix_term_mut() {
        let prefix = t.folded.clone();
        let completions = backend.completions(&prefix, MAX_EXPANSIONS, false).await?;
        if let Some(t) = plan.prefix_term_mut() {
            t.expansions = completions
                .into_iter()
                .map(|c| c.term)
                .filter(|c| *c != prefix)
                .collect();
        }
    }
    let mut raw = backend.execute(&plan, query).await?;
    let mut did_you_mean = None;
    if raw.total < FEW_RESULTS && !plan.is_empty() {
        let indexes = plan.correctable();
        if !indexes.is_empty() {
            let words: Vec<String> = indexes
                .iter()
                .map(|&i| plan.terms[i].folded.clone())
                .collect();
            let found = backend.corrections(&words).await?;
            let mut corrected_plan = plan.clone();
            let mut replaced: Vec<(String, String)> = Vec::new();
            for (&i, c) in indexes.iter().zip(found) {
                if let Some(c) = c {
                    replaced.push((corrected_plan.terms[i].folded.clone(), c.display.clone()));
                    corrected_plan.terms[i].corrections.push(c.term);
                }
            }
            if !replaced.is_empty() {
                let corrected = backend.execute(&corrected_plan, query).await?;
                if corrected.total > raw.total {
                    raw = corrected;
                    did_you_mean = Some(plan.render_corrected(&replaced));
                    plan = corrected_plan;
                }
            }
        }
    }
    let mut highlighter = Highlighter::new(&plan, query.highlight);
    let hits = raw
        .hits
        .into_iter()
        .map(|h| Hit {
            title_html: highlighter.highlight(&h.title),
            snippet_html: highlighter.snippet(&h.title, &h.description),
            kind: h.kind,
            id: h.id,
            url: h.url,
            title: h.title,
            score: h.score,
        })
        .collect();
    let limit = query.facet_limit.min(MAX_FACET_LIMIT);
    let facets = raw
        .facets
        .into_iter()
        .map(|(key, mut values)| {
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(limit);
            let values = values
                .into_iter()
                .map(|(value, count)| FacetCount { value, count })
                .collect();
            (key, values)
        })
        .collect();
    Ok(SearchResults {
        total: raw.total,
        hits,
        facets,
        did_you_mean,
    })
}

/// Autocomplete, on any backend.
pub(crate) async fn suggest<B: Backend + ?Sized>(
    backend: &B,
    prefix: &str,
    limit: usize,
) -> Result<Vec<Suggestion>> {
    let limit = limit.min(MAX_SUGGESTIONS);
    let mut plan = Plan::parse(&mut Analyzer::new(), prefix);
    if limit == 0 || plan.is_empty() {
        return Ok(Vec::new());
    }
    let mut terms = Vec::new();
    if let Some(t) = plan.prefix_term_mut() {
        let folded = t.folded.clone();
        let completions = backend.completions(&folded, MAX_EXPANSIONS, true).await?;
        t.expansions = completions
            .iter()
            .map(|c| c.term.clone())
            .filter(|c| *c != folded)
            .collect();
        // "obra pub" → "obra pública": the words before the last, as typed.
        let lead: Vec<&str> = match plan.typed.split_last() {
            Some((_, rest)) => rest.iter().map(|w| w.typed.as_str()).collect(),
            None => Vec::new(),
        };
        let lead = lead.join(" ").to_lowercase();
        for c in completions {
            if is_stop_word(&c.term) || c.term.chars().all(|ch| ch.is_numeric()) {
                continue;
            }
            let text = if lead.is_empty() {
                c.display
            } else {
                format!("{lead} {}", c.display)
            };
            terms.push(Suggestion::Term { text, docs: c.docs });
        }
    }
    let docs: Vec<Suggestion> = backend
        .title_matches(&plan, limit)
        .await?
        .into_iter()
        .map(|h| Suggestion::Document {
            text: h.title,
            kind: h.kind,
            id: h.id,
            url: h.url,
        })
        .collect();
    // Half completions (rounded up), the rest documents; fill from the other
    // list when one is short.
    let want_terms = limit.div_ceil(2).max(limit.saturating_sub(docs.len()));
    let mut out: Vec<Suggestion> = terms.into_iter().take(want_terms).collect();
    let room = limit - out.len();
    out.extend(docs.into_iter().take(room));
    Ok(out)
}

/// A document as both backends index it: cleaned, capped, analysed.
#[derive(Debug, Clone)]
pub(crate) struct PreparedDoc {
    pub kind: String,
    pub id: String,
    pub url: String,
    pub title: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub body_text: String,
    /// (key, value), distinct, cleaned.
    pub facets: Vec<(String, String)>,
    pub published_at: Option<chrono::DateTime<chrono::Utc>>,
    pub modified_at: Option<chrono::DateTime<chrono::Utc>>,
    pub downloads: i64,
    pub title_sort: String,
    /// Distinct folded words (no stop words) → display form: the vocabulary.
    pub vocabulary: Vec<(String, String)>,
}

impl PreparedDoc {
    pub(crate) fn key(&self) -> String {
        doc_key(&self.kind, &self.id)
    }
}

/// The unique key of a document in both backends' bookkeeping.
pub(crate) fn doc_key(kind: &str, id: &str) -> String {
    format!("{}\u{1f}{}", clean(kind), clean(id))
}

/// Clean, cap and analyse a batch. Later duplicates of a key win; the batch
/// comes back sorted by key (stable lock order in PostgreSQL).
pub(crate) fn prepare(docs: &[SearchDoc]) -> Vec<PreparedDoc> {
    use crate::analysis::truncate_chars;
    let mut analyzer = Analyzer::new();
    let mut by_key: HashMap<String, PreparedDoc> = HashMap::new();
    for d in docs {
        let title = clean(truncate_chars(&d.title, MAX_TITLE_CHARS));
        let description = clean(truncate_chars(&d.description, MAX_DESCRIPTION_CHARS));
        let body_text = clean(truncate_chars(&d.body_text, MAX_BODY_CHARS));
        let keywords: Vec<String> = d
            .keywords
            .iter()
            .take(MAX_KEYWORDS)
            .map(|k| clean(truncate_chars(k, MAX_TITLE_CHARS)))
            .filter(|k| !k.trim().is_empty())
            .collect();
        let mut facets: Vec<(String, String)> = Vec::new();
        for (k, values) in &d.facets {
            let k = clean_facet(k);
            if k.is_empty() {
                continue;
            }
            for v in values.iter().take(MAX_FACET_VALUES) {
                let v = clean_facet(v);
                if !v.is_empty() && !facets.iter().any(|(fk, fv)| *fk == k && *fv == v) {
                    facets.push((k.clone(), v));
                }
            }
        }
        let mut vocabulary: Vec<(String, String)> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let texts = std::iter::once(title.as_str())
            .chain(keywords.iter().map(String::as_str))
            .chain([description.as_str(), body_text.as_str()]);
        'texts: for text in texts {
            for w in analyzer.words(text) {
                if vocabulary.len() >= MAX_VOCABULARY_PER_DOC {
                    break 'texts;
                }
                if is_stop_word(&w.folded) || w.folded.chars().count() < 2 {
                    continue;
                }
                if seen.insert(w.folded.clone()) {
                    vocabulary.push((w.folded, w.surface));
                }
            }
        }
        let prepared = PreparedDoc {
            kind: clean(&d.kind),
            id: clean(&d.id),
            url: clean(&d.url),
            title_sort: title_sort_key(&mut analyzer, &title),
            title,
            description,
            keywords,
            body_text,
            facets,
            published_at: d.published_at,
            modified_at: d.modified_at,
            downloads: d.downloads,
            vocabulary,
        };
        by_key.insert(prepared.key(), prepared);
    }
    let mut out: Vec<PreparedDoc> = by_key.into_values().collect();
    out.sort_by_key(PreparedDoc::key);
    out
}
