//! Scale-out backend: PostgreSQL full-text search, shared by every web process.
//!
//! Documents live in `search_documents` with a weighted `tsvector` (title A,
//! keywords B, description C, body D) built with the `apertura_es` text
//! search configuration (unaccent, then Snowball Spanish) and a GIN index.
//! Facets are a `text[]` of `key\x1fvalue` (GIN, `&&` for filters, `unnest`
//! and `GROUP BY` over the matched set for counts). The vocabulary table
//! `search_words` (word, display form, document count) serves prefix
//! completion (btree range) and spelling correction (pg_trgm similarity).
//!
//! No user text is ever put into SQL: queries are built from fixed fragments
//! with bind parameters, and the `tsquery` text is built from words that are
//! letters and digits only.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Postgres, QueryBuilder, Row, Transaction};

use crate::analysis::{
    allowed_distance, edit_distance, is_correctable, truncate_chars, words_only,
};
use crate::engine::{
    self, facet_keys, filter_groups, kinds, prepare, Backend, PreparedDoc, RawHit, RawResults,
    SearchEngine,
};
use crate::error::{Result, SearchError};
use crate::model::{SearchDoc, SearchQuery, SearchResults, Sort, Suggestion};
use crate::plan::{Plan, VocabTerm};

const SCHEMA: &str = include_str!("../sql/postgres.sql");
/// Advisory lock keys (first int) of this crate.
const LOCK_MIGRATE: i32 = 0x5E_A2C4;
const LOCK_DOCS: i32 = 0x5E_A2C5;
/// Most similar vocabulary words (by trigrams) looked at per correction.
const CORRECTION_CANDIDATES: i64 = 40;
/// `pg_trgm.similarity_threshold` while correcting.
const SIMILARITY_THRESHOLD: &str = "0.25";
/// Rank weights {D, C, B, A}: body, description, keywords, title. Ranked on
/// `rank_tsv` (title, keywords, start of the description): a match found only
/// further down the description or in the body ranks after those.
const RANK: &str = "ts_rank('{0.1, 0.2, 0.4, 1.0}'::float4[], d.rank_tsv, query, 1)::float4";
/// Characters of the description that count for ranking.
const RANKED_DESCRIPTION_CHARS: usize = 400;

/// The PostgreSQL search engine. Cheap to clone (the pool is shared).
#[derive(Debug, Clone)]
pub struct PostgresEngine {
    pool: PgPool,
}

#[derive(Serialize)]
struct DocRow<'a> {
    kind: &'a str,
    id: &'a str,
    url: &'a str,
    title: &'a str,
    description: &'a str,
    keywords: &'a [String],
    body_text: &'a str,
    // What the tsvector is built from (see `words_only`).
    title_words: String,
    keywords_words: String,
    description_words: String,
    body_words: String,
    description_start_words: String,
    facets: BTreeMap<&'a str, Vec<&'a str>>,
    facet_terms: Vec<String>,
    words: Vec<&'a str>,
    published_at: Option<DateTime<Utc>>,
    modified_at: Option<DateTime<Utc>>,
    downloads: i64,
    title_sort: &'a str,
}

impl<'a> DocRow<'a> {
    fn new(d: &'a PreparedDoc) -> Self {
        let mut facets: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (k, v) in &d.facets {
            facets.entry(k).or_default().push(v);
        }
        DocRow {
            kind: &d.kind,
            id: &d.id,
            url: &d.url,
            title: &d.title,
            description: &d.description,
            keywords: &d.keywords,
            body_text: &d.body_text,
            title_words: words_only(&d.title),
            keywords_words: words_only(&d.keywords.join("\n")),
            description_words: words_only(&d.description),
            body_words: words_only(&d.body_text),
            description_start_words: words_only(truncate_chars(
                &d.description,
                RANKED_DESCRIPTION_CHARS,
            )),
            facets,
            facet_terms: d.facets.iter().map(|(k, v)| facet_term(k, v)).collect(),
            words: d.vocabulary.iter().map(|(w, _)| w.as_str()).collect(),
            published_at: d.published_at,
            modified_at: d.modified_at,
            downloads: d.downloads,
            title_sort: &d.title_sort,
        }
    }
}

fn facet_term(key: &str, value: &str) -> String {
    format!("{key}\u{1f}{value}")
}

const UPSERT: &str = r#"
INSERT INTO search_documents AS d (kind, id, url, title, description, keywords, body_text,
    facets, facet_terms, words, published_at, modified_at, recency, downloads, title_sort, tsv,
    rank_tsv, indexed_at)
SELECT r.kind, r.id, r.url, r.title, r.description, r.keywords, r.body_text,
    r.facets, r.facet_terms, r.words, r.published_at, r.modified_at,
    coalesce(r.modified_at, r.published_at), r.downloads, r.title_sort,
    setweight(to_tsvector('apertura_es', r.title_words), 'A')
        || setweight(to_tsvector('apertura_es', r.keywords_words), 'B')
        || setweight(to_tsvector('apertura_es', r.description_words), 'C')
        || setweight(to_tsvector('apertura_es', r.body_words), 'D'),
    setweight(to_tsvector('apertura_es', r.title_words), 'A')
        || setweight(to_tsvector('apertura_es', r.keywords_words), 'B')
        || setweight(to_tsvector('apertura_es', r.description_start_words), 'C'),
    now()
FROM jsonb_to_recordset($1::text::jsonb) AS r(kind text, id text, url text, title text,
    description text, keywords text[], body_text text, title_words text, keywords_words text,
    description_words text, body_words text, description_start_words text, facets jsonb,
    facet_terms text[], words text[], published_at timestamptz, modified_at timestamptz,
    downloads bigint, title_sort text)
ON CONFLICT (kind, id) DO UPDATE SET
    url = excluded.url, title = excluded.title, description = excluded.description,
    keywords = excluded.keywords, body_text = excluded.body_text, facets = excluded.facets,
    facet_terms = excluded.facet_terms, words = excluded.words,
    published_at = excluded.published_at, modified_at = excluded.modified_at,
    recency = excluded.recency, downloads = excluded.downloads,
    title_sort = excluded.title_sort, tsv = excluded.tsv, rank_tsv = excluded.rank_tsv,
    indexed_at = now()
"#;

const VOCABULARY_ADD: &str = r#"
INSERT INTO search_words AS s (word, display, ndoc)
SELECT w, d, n FROM unnest($1::text[], $2::text[], $3::int4[]) AS t(w, d, n) ORDER BY w
ON CONFLICT (word) DO UPDATE SET
    ndoc = s.ndoc + excluded.ndoc,
    display = CASE WHEN excluded.ndoc > 0 THEN excluded.display ELSE s.display END
"#;

impl PostgresEngine {
    pub fn new(pool: PgPool) -> Self {
        PostgresEngine { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Create what the engine needs (extensions `unaccent` and `pg_trgm`, the
    /// `apertura_es` configuration, tables, indexes) in the current schema.
    /// Idempotent; concurrent callers wait for each other.
    pub async fn migrate(&self) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, 0)")
            .bind(LOCK_MIGRATE)
            .execute(&mut *tx)
            .await?;
        // No bind parameters: sent as one simple query (several statements).
        // (Not `sqlx::raw_sql`: its future is not provably `Send`, and callers
        // run migrations inside `tokio::spawn`.)
        sqlx::Executor::execute(&mut *tx, SCHEMA).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Serialise writers of the same documents (vocabulary counts stay exact).
    async fn lock_keys(tx: &mut Transaction<'_, Postgres>, keys: &[String]) -> Result<()> {
        sqlx::query(
            "SELECT count(pg_advisory_xact_lock($1, hashtext(k))) \
             FROM (SELECT k FROM unnest($2::text[]) AS k ORDER BY k) AS s",
        )
        .bind(LOCK_DOCS)
        .bind(keys)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Add `delta` documents to each word's count; drop words no document has.
    async fn apply_vocabulary(
        tx: &mut Transaction<'_, Postgres>,
        delta: BTreeMap<String, (i32, String)>,
    ) -> Result<()> {
        let delta: Vec<(String, (i32, String))> =
            delta.into_iter().filter(|(_, (n, _))| *n != 0).collect();
        if delta.is_empty() {
            return Ok(());
        }
        let words: Vec<&str> = delta.iter().map(|(w, _)| w.as_str()).collect();
        let displays: Vec<&str> = delta.iter().map(|(_, (_, d))| d.as_str()).collect();
        let counts: Vec<i32> = delta.iter().map(|(_, (n, _))| *n).collect();
        sqlx::query(VOCABULARY_ADD)
            .bind(&words)
            .bind(&displays)
            .bind(&counts)
            .execute(&mut **tx)
            .await?;
        let gone: Vec<&str> = delta
            .iter()
            .filter(|(_, (n, _))| *n < 0)
            .map(|(w, _)| w.as_str())
            .collect();
        if !gone.is_empty() {
            sqlx::query("DELETE FROM search_words WHERE word = ANY($1::text[]) AND ndoc <= 0")
                .bind(&gone)
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }
}

/// Documents per kind and per (kind, facet value), as deltas to apply.
#[derive(Default)]
struct CountDelta(BTreeMap<(String, String), i32>);

impl CountDelta {
    fn add(&mut self, kind: &str, facet_terms: &[String], n: i32) {
        *self.0.entry((kind.to_string(), String::new())).or_default() += n;
        for t in facet_terms {
            *self.0.entry((kind.to_string(), t.clone())).or_default() += n;
        }
    }

    async fn apply(self, tx: &mut Transaction<'_, Postgres>) -> Result<()> {
        let changed: Vec<((String, String), i32)> =
            self.0.into_iter().filter(|(_, n)| *n != 0).collect();
        if changed.is_empty() {
            return Ok(());
        }
        let kinds: Vec<&str> = changed.iter().map(|((k, _), _)| k.as_str()).collect();
        let terms: Vec<&str> = changed.iter().map(|((_, t), _)| t.as_str()).collect();
        let counts: Vec<i32> = changed.iter().map(|(_, n)| *n).collect();
        sqlx::query(
            "INSERT INTO search_facet_counts AS c (kind, term, ndoc) \
             SELECT k, t, n FROM unnest($1::text[], $2::text[], $3::int4[]) AS u(k, t, n) \
             ORDER BY k, t \
             ON CONFLICT (kind, term) DO UPDATE SET ndoc = c.ndoc + excluded.ndoc",
        )
        .bind(&kinds)
        .bind(&terms)
        .bind(&counts)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "DELETE FROM search_facet_counts WHERE ndoc <= 0 \
             AND (kind, term) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        )
        .bind(&kinds)
        .bind(&terms)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}

fn sort_of(plan: &Plan, query: &SearchQuery) -> Sort {
    match query.sort {
        Sort::Relevance if plan.is_empty() => Sort::Newest,
        s => s,
    }
}

/// ` FROM … WHERE …` of a search: the text match, kinds and facet filters.
fn push_from_where<'a>(
    qb: &mut QueryBuilder<'a, Postgres>,
    tsquery: Option<&'a str>,
    kinds: &'a [String],
    groups: &'a [Vec<String>],
    extra_from: &str,
) {
    qb.push(" FROM search_documents d");
    if let Some(tsquery) = tsquery {
        qb.push(", to_tsquery('apertura_es', ");
        qb.push_bind(tsquery);
        qb.push(") AS query");
    }
    qb.push(extra_from);
    qb.push(" WHERE TRUE");
    if tsquery.is_some() {
        qb.push(" AND d.tsv @@ query");
    }
    if !kinds.is_empty() {
        qb.push(" AND d.kind = ANY(");
        qb.push_bind(kinds);
        qb.push("::text[])");
    }
    for terms in groups {
        qb.push(" AND d.facet_terms && ");
        qb.push_bind(terms);
        qb.push("::text[]");
    }
}

fn raw_hit(row: &PgRow) -> Result<RawHit> {
    Ok(RawHit {
        kind: row.try_get("kind")?,
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        title: row.try_get("title")?,
        description: row.try_get("description")?,
        score: row.try_get("score")?,
    })
}

fn vocab_term(row: &PgRow) -> Result<VocabTerm> {
    let ndoc: i32 = row.try_get("ndoc")?;
    Ok(VocabTerm {
        term: row.try_get("word")?,
        display: row.try_get("display")?,
        docs: u64::try_from(ndoc).unwrap_or(0),
    })
}

impl PostgresEngine {
    /// Everything (of some kinds), no filter: the catalogue's landing page.
    /// Totals and facet counts come from `search_facet_counts`; the page is
    /// an index scan.
    async fn everything(
        &self,
        kinds: &[String],
        keys: &[String],
        order: &str,
        offset: usize,
        limit: usize,
    ) -> Result<RawResults> {
        let rows = sqlx::query(
            "SELECT term, sum(ndoc)::bigint AS n FROM search_facet_counts \
             WHERE (cardinality($1::text[]) = 0 OR kind = ANY($1::text[])) \
             AND (term = '' OR split_part(term, chr(31), 1) = ANY($2::text[])) \
             GROUP BY term",
        )
        .bind(kinds)
        .bind(keys)
        .fetch_all(&self.pool)
        .await?;
        let mut total: i64 = 0;
        let mut facets: BTreeMap<String, Vec<(String, u64)>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in &rows {
            let term: String = row.try_get("term")?;
            let n: i64 = row.try_get("n")?;
            if term.is_empty() {
                total = n;
            } else if let Some((k, v)) = term.split_once('\u{1f}') {
                if let Some(values) = facets.get_mut(k) {
                    values.push((v.to_string(), u64::try_from(n).unwrap_or(0)));
                }
            }
        }
        let mut hits = Vec::new();
        if limit > 0 && total > 0 {
            let mut qb = QueryBuilder::new(
                "SELECT kind, id, url, title, description, 0::float4 AS score \
                 FROM search_documents",
            );
            if !kinds.is_empty() {
                qb.push(" WHERE kind = ANY(");
                qb.push_bind(kinds);
                qb.push("::text[])");
            }
            qb.push(" ORDER BY ");
            qb.push(order);
            qb.push(" LIMIT ");
            qb.push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
            qb.push(" OFFSET ");
            qb.push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
            for row in qb.build().fetch_all(&self.pool).await? {
                hits.push(raw_hit(&row)?);
            }
        }
        Ok(RawResults {
            total: u64::try_from(total).unwrap_or(0),
            hits,
            facets,
        })
    }
}

#[async_trait]
impl Backend for PostgresEngine {
    async fn completions(
        &self,
        prefix: &str,
        limit: usize,
        _display: bool,
    ) -> Result<Vec<VocabTerm>> {
        if prefix.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        // [prefix, prefix + U+10FFFF): a plain btree range in "C" order.
        let upper = format!("{prefix}\u{10FFFF}");
        let rows = sqlx::query(
            "SELECT word, display, ndoc FROM search_words \
             WHERE word >= $1 AND word < $2 AND ndoc > 0 \
             ORDER BY ndoc DESC, word LIMIT $3",
        )
        .bind(prefix)
        .bind(upper)
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(vocab_term).collect()
    }

    async fn corrections(&self, words: &[String]) -> Result<Vec<Option<VocabTerm>>> {
        let mut out = Vec::with_capacity(words.len());
        let mut tx = self.pool.begin().await?;
        // Trigram similarity catches one typo in a 5-letter word at about 0.3.
        sqlx::query("SELECT set_config('pg_trgm.similarity_threshold', $1, true)")
            .bind(SIMILARITY_THRESHOLD)
            .execute(&mut *tx)
            .await?;
        for word in words {
            let max = usize::from(allowed_distance(word));
            if max == 0 {
                out.push(None);
                continue;
            }
            let rows = sqlx::query(
                "SELECT word, display, ndoc FROM search_words WHERE word % $1 AND ndoc > 0 \
                 ORDER BY similarity(word, $1) DESC, ndoc DESC LIMIT $2",
            )
            .bind(word)
            .bind(CORRECTION_CANDIDATES)
            .fetch_all(&mut *tx)
            .await?;
            let candidates = rows.iter().map(vocab_term).collect::<Result<Vec<_>>>()?;
            if candidates.iter().any(|c| c.term == *word) {
                out.push(None);
                continue;
            }
            let best = candidates
                .into_iter()
                .filter(|c| is_correctable(&c.term))
                .map(|c| (edit_distance(word, &c.term, max), c))
                .filter(|(d, _)| *d <= max)
                .min_by(|a, b| {
                    a.0.cmp(&b.0)
                        .then_with(|| b.1.docs.cmp(&a.1.docs))
                        .then_with(|| a.1.term.cmp(&b.1.term))
                })
                .map(|(_, c)| c);
            out.push(best);
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn execute(&self, plan: &Plan, query: &SearchQuery) -> Result<RawResults> {
        let tsquery = (!plan.is_empty()).then(|| plan.to_tsquery(""));
        let kinds = kinds(query);
        let groups: Vec<Vec<String>> = filter_groups(query)
            .into_iter()
            .map(|(k, values)| values.iter().map(|v| facet_term(&k, v)).collect())
            .collect();
        let keys = facet_keys(query);
        let (offset, limit) = query.window();
        let order = match sort_of(plan, query) {
            Sort::Relevance => "score DESC, recency DESC NULLS LAST, kind, id",
            Sort::Newest => "recency DESC NULLS LAST, kind, id",
            Sort::MostDownloaded => "downloads DESC, recency DESC NULLS LAST, kind, id",
            Sort::Title => "title_sort, kind, id",
        };
        if tsquery.is_none() && groups.is_empty() {
            return self.everything(&kinds, &keys, order, offset, limit).await;
        }
        // One statement, one pass over the matched set: the matches (narrow
        // rows) are materialised once, then paged, counted and facet-counted;
        // the wide columns are read for the page only.
        let mut qb = QueryBuilder::new("WITH hits AS MATERIALIZED (SELECT d.kind, d.id, ");
        qb.push(if tsquery.is_some() { RANK } else { "0::float4" });
        qb.push(" AS score, d.recency, d.downloads, d.title_sort");
        if !keys.is_empty() {
            qb.push(", d.facet_terms");
        }
        push_from_where(&mut qb, tsquery.as_deref(), &kinds, &groups, "");
        qb.push("), page AS (SELECT kind, id, score, recency, downloads, title_sort FROM hits ORDER BY ");
        qb.push(order);
        qb.push(" LIMIT ");
        qb.push_bind(i64::try_from(limit).unwrap_or(i64::MAX));
        qb.push(" OFFSET ");
        qb.push_bind(i64::try_from(offset).unwrap_or(i64::MAX));
        qb.push(
            ") SELECT 0 AS part, p.kind, p.id, d.url, d.title, d.description, p.score, \
             p.recency, p.downloads, p.title_sort, NULL::text AS term, NULL::bigint AS n \
             FROM page p JOIN search_documents d ON d.kind = p.kind AND d.id = p.id \
             UNION ALL SELECT 1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, \
             count(*) FROM hits",
        );
        if !keys.is_empty() {
            qb.push(
                " UNION ALL SELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, t, \
                 count(*) FROM hits, unnest(hits.facet_terms) AS t \
                 WHERE split_part(t, chr(31), 1) = ANY(",
            );
            qb.push_bind(&keys);
            qb.push("::text[]) GROUP BY t");
        }
        qb.push(" ORDER BY part, ");
        qb.push(order);
        let rows = qb.build().fetch_all(&self.pool).await?;
        let mut total: i64 = 0;
        let mut hits = Vec::new();
        let mut facets: BTreeMap<String, Vec<(String, u64)>> =
            keys.iter().map(|k| (k.clone(), Vec::new())).collect();
        for row in &rows {
            let part: i32 = row.try_get("part")?;
            match part {
                0 => hits.push(raw_hit(row)?),
                1 => total = row.try_get("n")?,
                _ => {
                    let term: String = row.try_get("term")?;
                    let n: i64 = row.try_get("n")?;
                    if let Some((k, v)) = term.split_once('\u{1f}') {
                        if let Some(values) = facets.get_mut(k) {
                            values.push((v.to_string(), u64::try_from(n).unwrap_or(0)));
                        }
                    }
                }
            }
        }
        Ok(RawResults {
            total: u64::try_from(total).unwrap_or(0),
            hits,
            facets,
        })
    }

    async fn title_matches(&self, plan: &Plan, limit: usize) -> Result<Vec<RawHit>> {
        if plan.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let tsquery = plan.to_tsquery("A");
        let sql = format!(
            "SELECT d.kind, d.id, d.url, d.title, d.description, {RANK} AS score \
             FROM search_documents d, to_tsquery('apertura_es', $1) AS query \
             WHERE d.tsv @@ query ORDER BY score DESC, d.downloads DESC, d.kind, d.id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(tsquery)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(raw_hit).collect()
    }
}

#[async_trait]
impl SearchEngine for PostgresEngine {
    fn backend(&self) -> &'static str {
        "postgres"
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> Result<()> {
        let docs = prepare(docs);
        if docs.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = docs.iter().map(PreparedDoc::key).collect();
        let kinds: Vec<&str> = docs.iter().map(|d| d.kind.as_str()).collect();
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let rows: Vec<DocRow<'_>> = docs.iter().map(DocRow::new).collect();
        let json = serde_json::to_string(&rows)
            .map_err(|e| SearchError::Internal(format!("no se pudo serializar: {e}")))?;

        let mut tx = self.pool.begin().await?;
        Self::lock_keys(&mut tx, &keys).await?;
        let old = sqlx::query(
            "SELECT kind, words, facet_terms FROM search_documents \
             WHERE (kind, id) IN (SELECT * FROM unnest($1::text[], $2::text[]))",
        )
        .bind(&kinds)
        .bind(&ids)
        .fetch_all(&mut *tx)
        .await?;
        let mut delta: BTreeMap<String, (i32, String)> = BTreeMap::new();
        let mut counts = CountDelta::default();
        for row in &old {
            let kind: String = row.try_get("kind")?;
            let facet_terms: Vec<String> = row.try_get("facet_terms")?;
            counts.add(&kind, &facet_terms, -1);
            let words: Vec<String> = row.try_get("words")?;
            for w in words {
                let e = delta.entry(w.clone()).or_insert((0, w));
                e.0 -= 1;
            }
        }
        for (d, row) in docs.iter().zip(&rows) {
            counts.add(&d.kind, &row.facet_terms, 1);
            for (w, display) in &d.vocabulary {
                let e = delta.entry(w.clone()).or_insert((0, display.clone()));
                e.0 += 1;
                e.1.clone_from(display);
            }
        }
        sqlx::query(UPSERT).bind(json).execute(&mut *tx).await?;
        Self::apply_vocabulary(&mut tx, delta).await?;
        counts.apply(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete(&self, kind: &str, id: &str) -> Result<()> {
        let key = engine::doc_key(kind, id);
        let mut tx = self.pool.begin().await?;
        Self::lock_keys(&mut tx, &[key]).await?;
        let row =
            sqlx::query("DELETE FROM search_documents WHERE kind = $1 AND id = $2 RETURNING kind, words, facet_terms")
                .bind(crate::analysis::clean(kind))
                .bind(crate::analysis::clean(id))
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(row) = row {
            let words: Vec<String> = row.try_get("words")?;
            let delta = words.into_iter().map(|w| (w.clone(), (-1, w))).collect();
            Self::apply_vocabulary(&mut tx, delta).await?;
            let mut counts = CountDelta::default();
            let kind: String = row.try_get("kind")?;
            let facet_terms: Vec<String> = row.try_get("facet_terms")?;
            counts.add(&kind, &facet_terms, -1);
            counts.apply(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        engine::search(self, query).await
    }

    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        engine::suggest(self, prefix, limit).await
    }

    async fn ids(&self, kind: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT id FROM search_documents WHERE kind = $1")
            .bind(crate::analysis::clean(kind))
            .fetch_all(&self.pool)
            .await?;
        let mut ids = rows
            .iter()
            .map(|r| r.try_get::<String, _>("id"))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        ids.sort();
        Ok(ids)
    }

    async fn clear(&self) -> Result<()> {
        sqlx::query("TRUNCATE search_documents, search_words, search_facet_counts")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn count(&self) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT count(*) AS n FROM search_documents")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}
