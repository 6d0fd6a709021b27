//! The search index as the platform holds it: the engine that goes with the
//! configured database (tantivy in `INDEX_DIR` beside SQLite; PostgreSQL
//! full-text search, shared by every process, beside PostgreSQL), opened on
//! first use, repaired when damaged, and a cache of recent answers.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kernel::config::{Config, DatabaseTarget};
use lru::LruCache;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::RwLock;

use crate::{
    PostgresEngine, SearchDoc, SearchEngine, SearchError, SearchQuery, SearchResults, Suggestion,
    TantivyEngine,
};

/// How long a cached answer is trusted. In one process every change to the
/// index clears the cache at once; with several processes sharing
/// PostgreSQL, a change made by another process is seen after this long at
/// most.
const SHARED_TTL: Duration = Duration::from_secs(2);
const LOCAL_TTL: Duration = Duration::from_secs(300);

#[derive(Debug, Clone)]
enum Target {
    Tantivy(PathBuf),
    Postgres(String),
    /// Tests: an index in memory.
    Memory,
}

/// The platform's search index (a service of the search capability).
pub struct SearchIndex {
    target: Target,
    engine: RwLock<Option<Arc<dyn SearchEngine>>>,
    cache: Option<Mutex<LruCache<String, Cached>>>,
    /// Bumped by every change made through this process.
    generation: AtomicU64,
    ttl: Duration,
    /// Searches running at once: more only queue for the same cores, each
    /// holding its own buffers on a blocking thread (unbounded, 50 clients
    /// made 120 threads and 1.2 GB).
    running: tokio::sync::Semaphore,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("target", &self.target)
            .finish()
    }
}

struct Cached {
    generation: u64,
    at: Instant,
    results: Arc<SearchResults>,
}

impl SearchIndex {
    /// The index that goes with the configured database. Nothing is opened
    /// yet.
    pub fn for_config(config: &Config) -> Result<SearchIndex, String> {
        let target = match config.database().map_err(|e| e.to_string())? {
            DatabaseTarget::Sqlite(_) => Target::Tantivy(config.index_dir()),
            DatabaseTarget::Postgres(url) => Target::Postgres(url),
        };
        Ok(SearchIndex::new(target, config.search_cache_entries))
    }

    /// An index in memory (tests).
    pub fn in_memory(cache_entries: usize) -> SearchIndex {
        SearchIndex::new(Target::Memory, cache_entries)
    }

    fn new(target: Target, cache_entries: usize) -> SearchIndex {
        let ttl = match target {
            Target::Postgres(_) => SHARED_TTL,
            _ => LOCAL_TTL,
        };
        SearchIndex {
            target,
            engine: RwLock::new(None),
            cache: NonZeroUsize::new(cache_entries).map(|n| Mutex::new(LruCache::new(n))),
            generation: AtomicU64::new(0),
            ttl,
            running: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            ),
        }
    }

    /// "tantivy" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self.target {
            Target::Postgres(_) => "postgres",
            _ => "tantivy",
        }
    }

    /// The engine, opened (and, if damaged, set aside and created afresh) on
    /// first use.
    pub async fn engine(&self) -> Result<Arc<dyn SearchEngine>, SearchError> {
        if let Some(e) = self.engine.read().await.as_ref() {
            return Ok(e.clone());
        }
        let mut slot = self.engine.write().await;
        if let Some(e) = slot.as_ref() {
            return Ok(e.clone());
        }
        let engine = self.open().await?;
        *slot = Some(engine.clone());
        Ok(engine)
    }

    async fn open(&self) -> Result<Arc<dyn SearchEngine>, SearchError> {
        match &self.target {
            Target::Memory => Ok(Arc::new(TantivyEngine::in_ram()?)),
            Target::Postgres(url) => {
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_lazy(url)?;
                let engine = PostgresEngine::new(pool);
                engine.migrate().await?;
                Ok(Arc::new(engine))
            }
            Target::Tantivy(dir) => {
                let dir = dir.clone();
                let opened = tokio::task::spawn_blocking(move || open_tantivy(&dir))
                    .await
                    .map_err(|e| SearchError::Internal(e.to_string()))??;
                Ok(Arc::new(opened))
            }
        }
    }

    /// Marks every cached answer stale.
    fn touch(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    pub async fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let r = self.engine().await?.upsert(docs).await;
        self.touch();
        r
    }

    pub async fn delete(&self, kind: &str, id: &str) -> Result<(), SearchError> {
        let r = self.engine().await?.delete(kind, id).await;
        self.touch();
        r
    }

    pub async fn ids(&self, kind: &str) -> Result<Vec<String>, SearchError> {
        self.engine().await?.ids(kind).await
    }

    pub async fn count(&self) -> Result<u64, SearchError> {
        self.engine().await?.count().await
    }

    pub async fn suggest(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Suggestion>, SearchError> {
        self.engine().await?.suggest(prefix, limit).await
    }

    /// Searches, answering from the cache when the same query was answered
    /// since the last change.
    pub async fn search(&self, query: &SearchQuery) -> Result<Arc<SearchResults>, SearchError> {
        let Some(cache) = &self.cache else {
            return self.run(query).await;
        };
        let key = serde_json::to_string(query).unwrap_or_default();
        let generation = self.generation.load(Ordering::SeqCst);
        if let Ok(mut c) = cache.lock() {
            if let Some(hit) = c.get(&key) {
                if hit.generation == generation && hit.at.elapsed() < self.ttl {
                    return Ok(hit.results.clone());
                }
            }
        }
        let results = self.run(query).await?;
        if let Ok(mut c) = cache.lock() {
            c.put(
                key,
                Cached {
                    generation,
                    at: Instant::now(),
                    results: results.clone(),
                },
            );
        }
        Ok(results)
    }
}

impl SearchIndex {
    /// Runs a search on the engine, a few at a time.
    async fn run(&self, query: &SearchQuery) -> Result<Arc<SearchResults>, SearchError> {
        let _permit = self
            .running
            .acquire()
            .await
            .map_err(|e| SearchError::Internal(e.to_string()))?;
        Ok(Arc::new(self.engine().await?.search(query).await?))
    }
}

/// Opens the tantivy index in `dir`: a missing one is created, a damaged one
/// is set aside (renamed, never deleted) and created afresh; either way the
/// start-up check fills it from the database.
fn open_tantivy(dir: &std::path::Path) -> Result<TantivyEngine, SearchError> {
    match TantivyEngine::open(dir) {
        Ok(e) => Ok(e),
        Err(SearchError::Missing { .. }) => {
            tracing::info!(dir = %dir.display(), "no search index yet: creating it");
            TantivyEngine::create(dir)
        }
        Err(e @ SearchError::Corrupt { .. }) => {
            tracing::warn!(error = %e, "search index damaged: set aside and rebuilt");
            set_aside(dir)?;
            TantivyEngine::create(dir)
        }
        Err(e) => Err(e),
    }
}

/// Renames `dir` to `dir.danado-{timestamp}` (if it exists).
fn set_aside(dir: &std::path::Path) -> Result<(), SearchError> {
    if !dir.exists() {
        return Ok(());
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.f");
    let mut name = dir.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".danado-{stamp}"));
    std::fs::rename(dir, dir.with_file_name(name))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(id: &str, title: &str) -> SearchDoc {
        SearchDoc {
            kind: "dataset".into(),
            id: id.into(),
            url: format!("/datos/{id}"),
            title: title.into(),
            ..SearchDoc::default()
        }
    }

    #[tokio::test]
    async fn a_change_is_seen_through_the_cache() {
        let index = SearchIndex::in_memory(16);
        index
            .upsert(&[doc("1", "Presupuesto de egresos")])
            .await
            .unwrap();
        let q = SearchQuery::new("presupuesto");
        assert_eq!(index.search(&q).await.unwrap().total, 1);
        index
            .upsert(&[doc("2", "Presupuesto participativo")])
            .await
            .unwrap();
        assert_eq!(index.search(&q).await.unwrap().total, 2);
        index.delete("dataset", "1").await.unwrap();
        assert_eq!(index.search(&q).await.unwrap().total, 1);
    }

    #[tokio::test]
    async fn a_damaged_index_is_set_aside_and_created_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("index");
        {
            let e = TantivyEngine::create(&path).unwrap();
            e.upsert(&[doc("1", "Obras públicas")]).await.unwrap();
        }
        std::fs::write(path.join("meta.json"), b"{ esto no es json").unwrap();
        let index = SearchIndex::new(Target::Tantivy(path.clone()), 0);
        assert_eq!(index.count().await.unwrap(), 0, "a fresh, empty index");
        let kept: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("index.danado-"))
            .collect();
        assert_eq!(kept.len(), 1, "the damaged one is kept aside: {kept:?}");
    }
}
