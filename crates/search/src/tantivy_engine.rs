//! Embedded backend: a tantivy index in a directory (or in memory).
//!
//! Every text field is indexed twice: stemmed (`title`, …) and folded but
//! unstemmed (`title_x`, …) for exact, prefix and typo matching. Facets are a
//! tantivy facet field (`/key/value`), counted with the `FacetCollector` (fast
//! field ordinals, no stored document is loaded). One `IndexWriter` behind a
//! mutex; a manually reloaded `IndexReader` so a search sees an upsert as soon
//! as it returns; all blocking work runs in `spawn_blocking`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tantivy::collector::sort_key::SortByStaticFastValue;
use tantivy::collector::{Count, DocSetCollector, FacetCollector, FacetCounts, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, Query, TermQuery,
};
use tantivy::schema::{
    Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value,
    FAST, STORED, STRING,
};
use tantivy::{
    DocAddress, DocSet, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher,
    TantivyDocument, TantivyError, Term, TERMINATED,
};

use crate::analysis::{
    allowed_distance, edit_distance, fold_analyzer, is_correctable, is_stop_word, stem_analyzer,
    Analyzer, FOLD_TOKENIZER, STEM_TOKENIZER,
};
use crate::engine::{
    self, facet_keys, filter_groups, kinds, prepare, Backend, PreparedDoc, RawHit, RawResults,
    SearchEngine,
};
use crate::error::{Result, SearchError};
use crate::model::{SearchDoc, SearchQuery, SearchResults, Sort, Suggestion};
use crate::plan::{Plan, PlanTerm, VocabTerm};

/// File written in index directories this crate creates: `create` only wipes
/// directories that have it (or tantivy's own files).
const MARKER: &str = "apertura-search-index";
/// Indexing memory budget (one indexing thread: the other core keeps serving).
const WRITER_MEMORY: usize = 50_000_000;
/// Field weights: title > keywords > description > body.
const W_TITLE: f32 = 4.0;
const W_KEYWORDS: f32 = 2.5;
const W_DESCRIPTION: f32 = 1.5;
const W_BODY: f32 = 1.0;
/// Extra weight of an exact (unstemmed) match, relative to the field weight.
const EXACT_BONUS: f32 = 0.5;
/// Weight of a prefix completion, relative to the field weight.
const PREFIX_WEIGHT: f32 = 0.6;
/// Weight of a spelling correction, relative to the word as typed.
const CORRECTION_WEIGHT: f32 = 0.8;
/// Terms of one field of one segment looked at when completing a prefix.
const MAX_PREFIX_SCAN: usize = 20_000;

#[derive(Debug, Clone, Copy)]
struct Fields {
    key: Field,
    kind: Field,
    id: Field,
    url: Field,
    title: Field,
    title_x: Field,
    keywords: Field,
    keywords_x: Field,
    description: Field,
    description_x: Field,
    body: Field,
    body_x: Field,
    facets: Field,
    recency: Field,
    downloads: Field,
    title_sort: Field,
}

impl Fields {
    /// (stemmed, exact, weight) of the searched text fields.
    fn text(&self) -> [(Field, Field, f32); 4] {
        [
            (self.title, self.title_x, W_TITLE),
            (self.keywords, self.keywords_x, W_KEYWORDS),
            (self.description, self.description_x, W_DESCRIPTION),
            (self.body, self.body_x, W_BODY),
        ]
    }

    fn exact(&self) -> [Field; 4] {
        [
            self.title_x,
            self.keywords_x,
            self.description_x,
            self.body_x,
        ]
    }
}

fn build_schema() -> (Schema, Fields) {
    let stemmed = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(STEM_TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let folded = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(FOLD_TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let mut b = Schema::builder();
    let fields = Fields {
        key: b.add_text_field("key", STRING),
        kind: b.add_text_field("kind", STRING | STORED),
        id: b.add_text_field("id", STRING | STORED | FAST),
        url: b.add_text_field("url", STORED),
        title: b.add_text_field("title", stemmed(true)),
        title_x: b.add_text_field("title_x", folded.clone()),
        keywords: b.add_text_field("keywords", stemmed(false)),
        keywords_x: b.add_text_field("keywords_x", folded.clone()),
        description: b.add_text_field("description", stemmed(true)),
        description_x: b.add_text_field("description_x", folded.clone()),
        body: b.add_text_field("body", stemmed(false)),
        body_x: b.add_text_field("body_x", folded),
        facets: b.add_facet_field("facets", FacetOptions::default()),
        recency: b.add_i64_field("recency", FAST),
        downloads: b.add_i64_field("downloads", FAST),
        title_sort: b.add_text_field("title_sort", STRING | FAST),
    };
    (b.build(), fields)
}

/// The tantivy search engine. Cheap to clone (shared state).
#[derive(Clone)]
pub struct TantivyEngine {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for TantivyEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TantivyEngine")
            .field("path", &self.inner.path)
            .finish()
    }
}

struct Inner {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter<TantivyDocument>>,
    f: Fields,
    path: Option<PathBuf>,
}

fn corrupt(path: &Path, reason: impl std::fmt::Display) -> SearchError {
    SearchError::Corrupt {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn poisoned() -> SearchError {
    SearchError::Internal("el escritor del índice quedó inutilizable tras un fallo".into())
}

impl TantivyEngine {
    /// A fresh index in memory (tests, previews).
    pub fn in_ram() -> Result<Self> {
        let (schema, _) = build_schema();
        Self::from_index(Index::create_in_ram(schema), None)
    }

    /// Open the index in `dir`. `SearchError::Missing` when there is none,
    /// `SearchError::Corrupt` when it cannot be used (damaged, other version):
    /// both mean "call `create` and reindex" (see `SearchError::needs_rebuild`).
    /// `SearchError::Locked` when another process writes to it.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let path = dir.as_ref().to_path_buf();
        if !path.join("meta.json").is_file() {
            return Err(SearchError::Missing { path });
        }
        let directory = MmapDirectory::open(&path).map_err(|e| corrupt(&path, e))?;
        let index = Index::open(directory).map_err(|e| corrupt(&path, e))?;
        Self::from_index(index, Some(path))
    }

    /// Wipe `dir` (only if it holds an index or is empty) and create an empty index there.
    pub fn create(dir: impl AsRef<Path>) -> Result<Self> {
        let path = dir.as_ref().to_path_buf();
        if path.exists() {
            wipe(&path)?;
        }
        std::fs::create_dir_all(&path)?;
        std::fs::write(
            path.join(MARKER),
            "Índice de búsqueda de Apertura: se puede borrar y reconstruir.\n",
        )?;
        let (schema, _) = build_schema();
        let directory = MmapDirectory::open(&path).map_err(|e| corrupt(&path, e))?;
        let index = Index::create(directory, schema, tantivy::IndexSettings::default())?;
        Self::from_index(index, Some(path))
    }

    /// `open`, or `create` when there is no index yet. A damaged index is
    /// still an error (`Corrupt`): the caller must reindex after `create`.
    pub fn open_or_create(dir: impl AsRef<Path>) -> Result<Self> {
        match Self::open(dir.as_ref()) {
            Err(SearchError::Missing { .. }) => Self::create(dir),
            other => other,
        }
    }

    /// Read every file of the index and check its checksum (slow: for a
    /// maintenance command, not for start-up).
    pub async fn verify(&self) -> Result<()> {
        self.blocking(|inner| {
            let damaged = inner.index.validate_checksum()?;
            if damaged.is_empty() {
                Ok(())
            } else {
                let mut files: Vec<String> =
                    damaged.iter().map(|p| p.display().to_string()).collect();
                files.sort();
                Err(corrupt(
                    inner.path.as_deref().unwrap_or(Path::new("")),
                    format!("archivos dañados: {}", files.join(", ")),
                ))
            }
        })
        .await
    }

    /// Where the index lives (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.inner.path.as_deref()
    }

    fn from_index(index: Index, path: Option<PathBuf>) -> Result<Self> {
        let shown = path.clone().unwrap_or_default();
        let (schema, f) = build_schema();
        let same =
            serde_json::to_string(&index.schema()).ok() == serde_json::to_string(&schema).ok();
        if !same {
            return Err(corrupt(
                &shown,
                "el esquema del índice no es el de esta versión",
            ));
        }
        index.tokenizers().register(STEM_TOKENIZER, stem_analyzer());
        index.tokenizers().register(FOLD_TOKENIZER, fold_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| corrupt(&shown, e))?;
        // Touch every segment's dictionaries, so that a damaged or missing
        // file shows up now rather than at the first search.
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            for field in [f.key, f.title, f.title_x] {
                let inverted = segment
                    .inverted_index(field)
                    .map_err(|e| corrupt(&shown, e))?;
                inverted.terms().get(b"a").map_err(|e| corrupt(&shown, e))?;
            }
            segment
                .facet_reader("facets")
                .map_err(|e| corrupt(&shown, e))?;
        }
        let writer = index
            .writer_with_num_threads(1, WRITER_MEMORY)
            .map_err(|e| match e {
                TantivyError::LockFailure(..) => SearchError::Locked {
                    path: shown.clone(),
                },
                other => SearchError::Tantivy(other),
            })?;
        Ok(TantivyEngine {
            inner: Arc::new(Inner {
                index,
                reader,
                writer: Mutex::new(writer),
                f,
                path,
            }),
        })
    }

    async fn blocking<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Inner) -> Result<T> + Send + 'static,
    {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner))
            .await
            .map_err(|e| SearchError::Internal(format!("tarea de búsqueda interrumpida: {e}")))?
    }
}

/// Remove the contents of an index directory.
fn wipe(path: &Path) -> Result<()> {
    if !path.is_dir() {
        return Err(SearchError::NotAnIndex {
            path: path.to_path_buf(),
        });
    }
    let entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()?;
    let ours = entries.is_empty()
        || [MARKER, "meta.json", ".managed.json"]
            .iter()
            .any(|name| path.join(name).exists());
    if !ours {
        return Err(SearchError::NotAnIndex {
            path: path.to_path_buf(),
        });
    }
    for entry in entries {
        if entry.is_dir() {
            std::fs::remove_dir_all(&entry)?;
        } else {
            std::fs::remove_file(&entry)?;
        }
    }
    Ok(())
}

fn term_query(field: Field, text: &str, weight: f32) -> (Occur, Box<dyn Query>) {
    let q = TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    );
    (
        Occur::Should,
        Box::new(BoostQuery::new(Box::new(q), weight)),
    )
}

fn filter(query: Box<dyn Query>) -> (Occur, Box<dyn Query>) {
    (Occur::Must, Box::new(ConstScoreQuery::new(query, 0.0)))
}

fn stored_str(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

impl Inner {
    fn searcher(&self) -> Searcher {
        self.reader.searcher()
    }

    fn to_doc(&self, d: &PreparedDoc) -> TantivyDocument {
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.key, d.key());
        doc.add_text(f.kind, &d.kind);
        doc.add_text(f.id, &d.id);
        doc.add_text(f.url, &d.url);
        doc.add_text(f.title, &d.title);
        doc.add_text(f.title_x, &d.title);
        for k in &d.keywords {
            doc.add_text(f.keywords, k);
            doc.add_text(f.keywords_x, k);
        }
        doc.add_text(f.description, &d.description);
        doc.add_text(f.description_x, &d.description);
        doc.add_text(f.body, &d.body_text);
        doc.add_text(f.body_x, &d.body_text);
        for (k, v) in &d.facets {
            doc.add_facet(f.facets, Facet::from_path([k, v]));
        }
        let recency = d
            .modified_at
            .or(d.published_at)
            .map_or(i64::MIN, |t| t.timestamp());
        doc.add_i64(f.recency, recency);
        doc.add_i64(f.downloads, d.downloads);
        doc.add_text(f.title_sort, &d.title_sort);
        doc
    }

    fn write<F>(&self, f: F) -> Result<()>
    where
        F: FnOnce(&mut IndexWriter<TantivyDocument>) -> tantivy::Result<()>,
    {
        let mut writer = self.writer.lock().map_err(|_| poisoned())?;
        let done = f(&mut writer).and_then(|()| writer.commit().map(|_| ()));
        if let Err(e) = done {
            // Drop what was half added, keep the writer usable.
            if let Err(rollback) = writer.rollback() {
                tracing::error!(error = %rollback, "no se pudo deshacer la escritura del índice");
            }
            return Err(e.into());
        }
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    fn upsert(&self, docs: &[PreparedDoc]) -> Result<()> {
        self.write(|w| {
            for d in docs {
                w.delete_term(Term::from_field_text(self.f.key, &d.key()));
                w.add_document(self.to_doc(d))?;
            }
            Ok(())
        })
    }

    fn delete(&self, kind: &str, id: &str) -> Result<()> {
        let key = engine::doc_key(kind, id);
        self.write(|w| {
            w.delete_term(Term::from_field_text(self.f.key, &key));
            Ok(())
        })
    }

    fn clear(&self) -> Result<()> {
        self.write(|w| w.delete_all_documents().map(|_| ()))
    }

    /// One clause per searched word (all must match), over `fields`.
    fn text_clauses(
        &self,
        plan: &Plan,
        fields: &[(Field, Field, f32)],
    ) -> Vec<(Occur, Box<dyn Query>)> {
        let mut analyzer = Analyzer::new();
        plan.terms
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(self.word_query(&mut analyzer, t, fields));
                (Occur::Must, q)
            })
            .collect()
    }

    fn word_query(
        &self,
        analyzer: &mut Analyzer,
        t: &PlanTerm,
        fields: &[(Field, Field, f32)],
    ) -> BooleanQuery {
        let mut should = Vec::new();
        for (i, form) in t.forms().enumerate() {
            let weight = if i == 0 { 1.0 } else { CORRECTION_WEIGHT };
            let stem = analyzer.stem(form);
            for &(stemmed, exact, w) in fields {
                should.push(term_query(stemmed, &stem, w * weight));
                should.push(term_query(exact, form, w * weight * EXACT_BONUS));
            }
        }
        for e in &t.expansions {
            for &(_, exact, w) in fields {
                should.push(term_query(exact, e, w * PREFIX_WEIGHT));
            }
        }
        BooleanQuery::new(should)
    }

    fn filter_clauses(&self, query: &SearchQuery) -> Vec<(Occur, Box<dyn Query>)> {
        let mut clauses = Vec::new();
        let kinds = kinds(query);
        if !kinds.is_empty() {
            let should: Vec<(Occur, Box<dyn Query>)> = kinds
                .iter()
                .map(|k| {
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_field_text(self.f.kind, k),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push(filter(Box::new(BooleanQuery::new(should))));
        }
        for (key, values) in filter_groups(query) {
            let should: Vec<(Occur, Box<dyn Query>)> = values
                .iter()
                .map(|v| {
                    let facet = Facet::from_path([key.as_str(), v.as_str()]);
                    let q: Box<dyn Query> = Box::new(TermQuery::new(
                        Term::from_facet(self.f.facets, &facet),
                        IndexRecordOption::Basic,
                    ));
                    (Occur::Should, q)
                })
                .collect();
            clauses.push(filter(Box::new(BooleanQuery::new(should))));
        }
        clauses
    }

    fn execute(&self, plan: &Plan, query: &SearchQuery) -> Result<RawResults> {
        let searcher = self.searcher();
        let mut clauses = self.text_clauses(plan, &self.f.text());
        clauses.extend(self.filter_clauses(query));
        let q: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };
        let keys = facet_keys(query);
        let facet_collector = (!keys.is_empty()).then(|| {
            let mut c = FacetCollector::for_field("facets");
            for k in &keys {
                c.add_facet(Facet::from_path([k.as_str()]));
            }
            c
        });
        let (offset, limit) = query.window();
        let top = (limit > 0).then(|| TopDocs::for_doc_range(offset..offset + limit));
        let sort = match query.sort {
            Sort::Relevance if plan.is_empty() => Sort::Newest,
            s => s,
        };
        let (total, docs, facet_counts): (usize, Vec<(f32, DocAddress)>, Option<FacetCounts>) =
            match sort {
                Sort::Relevance => {
                    let c = (Count, top.map(TopDocs::order_by_score), facet_collector);
                    let (n, t, fc) = searcher.search(&q, &c)?;
                    (n, t.unwrap_or_default(), fc)
                }
                Sort::Newest => {
                    let c = (
                        Count,
                        top.map(|t| t.order_by_fast_field::<i64>("recency", Order::Desc)),
                        facet_collector,
                    );
                    let (n, t, fc) = searcher.search(&q, &c)?;
                    (n, zero_scores(t), fc)
                }
                Sort::MostDownloaded => {
                    let c = (
                        Count,
                        top.map(|t| {
                            t.order_by((
                                (
                                    SortByStaticFastValue::<i64>::for_field("downloads"),
                                    Order::Desc,
                                ),
                                (
                                    SortByStaticFastValue::<i64>::for_field("recency"),
                                    Order::Desc,
                                ),
                            ))
                        }),
                        facet_collector,
                    );
                    let (n, t, fc) = searcher.search(&q, &c)?;
                    (n, zero_scores(t), fc)
                }
                Sort::Title => {
                    let c = (
                        Count,
                        top.map(|t| t.order_by_string_fast_field("title_sort", Order::Asc)),
                        facet_collector,
                    );
                    let (n, t, fc) = searcher.search(&q, &c)?;
                    (n, zero_scores(t), fc)
                }
            };
        let hits = docs
            .into_iter()
            .map(|(score, addr)| self.raw_hit(&searcher, addr, score))
            .collect::<Result<Vec<_>>>()?;
        let mut facets = std::collections::BTreeMap::new();
        if let Some(counts) = facet_counts {
            for k in keys {
                let values: Vec<(String, u64)> = counts
                    .get(Facet::from_path([k.as_str()]))
                    .filter_map(|(facet, n)| facet.to_path().get(1).map(|v| ((*v).to_string(), n)))
                    .collect();
                facets.insert(k, values);
            }
        }
        Ok(RawResults {
            total: total as u64,
            hits,
            facets,
        })
    }

    fn raw_hit(&self, searcher: &Searcher, addr: DocAddress, score: f32) -> Result<RawHit> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        Ok(RawHit {
            kind: stored_str(&doc, self.f.kind),
            id: stored_str(&doc, self.f.id),
            url: stored_str(&doc, self.f.url),
            title: stored_str(&doc, self.f.title),
            description: stored_str(&doc, self.f.description),
            score,
        })
    }

    fn title_matches(&self, plan: &Plan, limit: usize) -> Result<Vec<RawHit>> {
        if plan.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let searcher = self.searcher();
        let q = BooleanQuery::new(self.text_clauses(plan, &[(self.f.title, self.f.title_x, 1.0)]));
        let top = searcher.search(&q, &TopDocs::with_limit(limit).order_by_score())?;
        top.into_iter()
            .map(|(score, addr)| self.raw_hit(&searcher, addr, score))
            .collect()
    }

    /// Vocabulary words starting with `prefix`: document frequency per
    /// segment is the largest over the text fields, summed over segments.
    fn completions(&self, prefix: &str, limit: usize, display: bool) -> Result<Vec<VocabTerm>> {
        let searcher = self.searcher();
        let mut counts: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let mut in_segment: HashMap<String, u64> = HashMap::new();
            for field in self.f.exact() {
                let inverted = segment.inverted_index(field)?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .ge(prefix.as_bytes())
                    .into_stream()?;
                let mut scanned = 0;
                while stream.advance() {
                    let key = stream.key();
                    if !key.starts_with(prefix.as_bytes()) || scanned >= MAX_PREFIX_SCAN {
                        break;
                    }
                    scanned += 1;
                    let Ok(term) = std::str::from_utf8(key) else {
                        continue;
                    };
                    if is_stop_word(term) {
                        continue;
                    }
                    let df = u64::from(stream.value().doc_freq);
                    let entry = in_segment.entry(term.to_string()).or_default();
                    *entry = (*entry).max(df);
                }
            }
            for (term, df) in in_segment {
                *counts.entry(term).or_default() += df;
            }
        }
        let mut terms: Vec<(String, u64)> = counts.into_iter().collect();
        terms.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        // Dictionaries keep the words of deleted documents until segments
        // merge: skip words no live document has.
        let mut live = Vec::with_capacity(limit);
        for (term, docs) in terms.into_iter().take(limit.saturating_mul(4)) {
            if live.len() == limit {
                break;
            }
            if self.is_live(&searcher, &term)? {
                live.push((term, docs));
            }
        }
        let mut analyzer = Analyzer::new();
        live.into_iter()
            .map(|(term, docs)| {
                let display = if display {
                    self.display_form(&searcher, &mut analyzer, &term)?
                } else {
                    term.clone()
                };
                Ok(VocabTerm {
                    term,
                    display,
                    docs,
                })
            })
            .collect()
    }

    /// How a folded word is written in the documents ("publica" → "pública"):
    /// looked up in the stored title or description of a document that has it.
    fn display_form(
        &self,
        searcher: &Searcher,
        analyzer: &mut Analyzer,
        term: &str,
    ) -> Result<String> {
        for (exact, stored) in [
            (self.f.title_x, self.f.title),
            (self.f.description_x, self.f.description),
        ] {
            let q = TermQuery::new(Term::from_field_text(exact, term), IndexRecordOption::Basic);
            let top = searcher.search(&q, &TopDocs::with_limit(1).order_by_score())?;
            if let Some((_, addr)) = top.first() {
                let doc: TantivyDocument = searcher.doc(*addr)?;
                let text = stored_str(&doc, stored);
                if let Some(w) = analyzer.words(&text).into_iter().find(|w| w.folded == term) {
                    return Ok(w.surface);
                }
            }
        }
        Ok(term.to_string())
    }

    fn corrections(&self, words: &[String]) -> Result<Vec<Option<VocabTerm>>> {
        let searcher = self.searcher();
        let mut analyzer = Analyzer::new();
        let mut out = Vec::with_capacity(words.len());
        for word in words {
            out.push(self.correction(&searcher, &mut analyzer, word)?);
        }
        Ok(out)
    }

    fn correction(
        &self,
        searcher: &Searcher,
        analyzer: &mut Analyzer,
        word: &str,
    ) -> Result<Option<VocabTerm>> {
        let max = allowed_distance(word);
        if max == 0 {
            return Ok(None);
        }
        if self.is_live(searcher, word)? {
            return Ok(None);
        }
        let mut candidates: HashMap<String, u64> = HashMap::new();
        for segment in searcher.segment_readers() {
            let mut in_segment: HashMap<String, u64> = HashMap::new();
            for field in self.f.exact() {
                let inverted = segment.inverted_index(field)?;
                let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), max, true)
                    .automaton()?;
                let mut stream = inverted.terms().search(automaton).into_stream()?;
                while stream.advance() {
                    let Ok(term) = std::str::from_utf8(stream.key()) else {
                        continue;
                    };
                    if term == word || !is_correctable(term) {
                        continue;
                    }
                    let df = u64::from(stream.value().doc_freq);
                    let entry = in_segment.entry(term.to_string()).or_default();
                    *entry = (*entry).max(df);
                }
            }
            for (term, df) in in_segment {
                *candidates.entry(term).or_default() += df;
            }
        }
        let mut ranked: Vec<(usize, String, u64)> = candidates
            .into_iter()
            .map(|(term, docs)| (edit_distance(word, &term, usize::from(max)), term, docs))
            .filter(|(d, _, _)| *d <= usize::from(max))
            .collect();
        ranked.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| b.2.cmp(&a.2))
                .then_with(|| a.1.cmp(&b.1))
        });
        for (_, term, docs) in ranked.into_iter().take(16) {
            if self.is_live(searcher, &term)? {
                let display = self.display_form(searcher, analyzer, &term)?;
                return Ok(Some(VocabTerm {
                    term,
                    display,
                    docs,
                }));
            }
        }
        Ok(None)
    }

    /// Does a live (not deleted) document have this folded word?
    fn is_live(&self, searcher: &Searcher, term: &str) -> Result<bool> {
        for segment in searcher.segment_readers() {
            let alive = segment.alive_bitset();
            for field in self.f.exact() {
                let inverted = segment.inverted_index(field)?;
                let postings = inverted.read_postings(
                    &Term::from_field_text(field, term),
                    IndexRecordOption::Basic,
                )?;
                let Some(mut postings) = postings else {
                    continue;
                };
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if alive.is_none_or(|a| a.is_alive(doc)) {
                        return Ok(true);
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(false)
    }

    fn ids(&self, kind: &str) -> Result<Vec<String>> {
        let searcher = self.searcher();
        let q = TermQuery::new(
            Term::from_field_text(self.f.kind, &crate::analysis::clean(kind)),
            IndexRecordOption::Basic,
        );
        let docs: HashSet<DocAddress> = searcher.search(&q, &DocSetCollector)?;
        let mut columns = HashMap::new();
        let mut out = Vec::with_capacity(docs.len());
        let mut buf = String::new();
        for addr in docs {
            let column = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    let column = searcher
                        .segment_reader(addr.segment_ord)
                        .fast_fields()
                        .str("id")?;
                    e.insert(column)
                }
            };
            if let Some(column) = column {
                for ord in column.term_ords(addr.doc_id) {
                    buf.clear();
                    if column.ord_to_str(ord, &mut buf)? {
                        out.push(buf.clone());
                    }
                }
            }
        }
        out.sort();
        Ok(out)
    }
}

fn zero_scores<K>(top: Option<Vec<(K, DocAddress)>>) -> Vec<(f32, DocAddress)> {
    top.unwrap_or_default()
        .into_iter()
        .map(|(_, addr)| (0.0, addr))
        .collect()
}

#[async_trait]
impl Backend for TantivyEngine {
    async fn completions(
        &self,
        prefix: &str,
        limit: usize,
        display: bool,
    ) -> Result<Vec<VocabTerm>> {
        let prefix = prefix.to_string();
        self.blocking(move |inner| inner.completions(&prefix, limit, display))
            .await
    }

    async fn corrections(&self, words: &[String]) -> Result<Vec<Option<VocabTerm>>> {
        let words = words.to_vec();
        self.blocking(move |inner| inner.corrections(&words)).await
    }

    async fn execute(&self, plan: &Plan, query: &SearchQuery) -> Result<RawResults> {
        let plan = plan.clone();
        let query = query.clone();
        self.blocking(move |inner| inner.execute(&plan, &query))
            .await
    }

    async fn title_matches(&self, plan: &Plan, limit: usize) -> Result<Vec<RawHit>> {
        let plan = plan.clone();
        self.blocking(move |inner| inner.title_matches(&plan, limit))
            .await
    }
}

#[async_trait]
impl SearchEngine for TantivyEngine {
    fn backend(&self) -> &'static str {
        "tantivy"
    }

    async fn upsert(&self, docs: &[SearchDoc]) -> Result<()> {
        if docs.is_empty() {
            return Ok(());
        }
        let docs = docs.to_vec();
        self.blocking(move |inner| inner.upsert(&prepare(&docs)))
            .await
    }

    async fn delete(&self, kind: &str, id: &str) -> Result<()> {
        let (kind, id) = (kind.to_string(), id.to_string());
        self.blocking(move |inner| inner.delete(&kind, &id)).await
    }

    async fn search(&self, query: &SearchQuery) -> Result<SearchResults> {
        engine::search(self, query).await
    }

    async fn suggest(&self, prefix: &str, limit: usize) -> Result<Vec<Suggestion>> {
        engine::suggest(self, prefix, limit).await
    }

    async fn ids(&self, kind: &str) -> Result<Vec<String>> {
        let kind = kind.to_string();
        self.blocking(move |inner| inner.ids(&kind)).await
    }

    async fn clear(&self) -> Result<()> {
        self.blocking(Inner::clear).await
    }

    async fn count(&self) -> Result<u64> {
        self.blocking(|inner| Ok(inner.searcher().num_docs())).await
    }
}
