//! Tantivy-only behaviour: the index on disk (open, create, damage, lock,
//! persistence), exact-over-stemmed ranking, and a property test that no
//! query string makes the engine panic or fail.

mod common;

use std::path::Path;

use proptest::prelude::*;
use search::{SearchEngine, SearchError, SearchQuery, TantivyEngine};

fn segment_files(dir: &Path, ext: &str) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect()
}

#[tokio::test]
async fn missing_index_is_reported() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = TantivyEngine::open(dir.path().join("nada")).expect_err("no index");
    assert!(matches!(err, SearchError::Missing { .. }), "{err}");
    assert!(err.needs_rebuild());
    let err = TantivyEngine::open(dir.path()).expect_err("empty dir");
    assert!(matches!(err, SearchError::Missing { .. }), "{err}");
    assert!(err.to_string().starts_with("No hay índice de búsqueda"));
}

#[tokio::test]
async fn persists_across_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("indice");
    {
        let engine = TantivyEngine::open_or_create(&path).expect("create");
        engine.upsert(&common::corpus()).await.expect("index");
        engine.delete("dataset", "hostil").await.expect("delete");
    }
    let engine = TantivyEngine::open(&path).expect("reopen");
    assert_eq!(engine.path(), Some(path.as_path()));
    assert_eq!(
        engine.count().await.expect("count"),
        common::corpus().len() as u64 - 1
    );
    let r = engine
        .search(&SearchQuery::new("presupuesto"))
        .await
        .expect("search");
    assert!(r.total >= 3);
    engine.verify().await.expect("healthy index");
    drop(engine);
    // open_or_create keeps what is there.
    let engine = TantivyEngine::open_or_create(&path).expect("reopen");
    assert_eq!(
        engine.count().await.expect("count"),
        common::corpus().len() as u64 - 1
    );
}

#[tokio::test]
async fn second_writer_is_locked_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    let _first = TantivyEngine::create(dir.path()).expect("create");
    let err = TantivyEngine::open(dir.path()).expect_err("locked");
    assert!(matches!(err, SearchError::Locked { .. }), "{err}");
    assert!(!err.needs_rebuild());
}

#[tokio::test]
async fn damaged_meta_is_corrupt_and_create_rebuilds() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let engine = TantivyEngine::create(dir.path()).expect("create");
        engine.upsert(&common::corpus()).await.expect("index");
    }
    std::fs::write(dir.path().join("meta.json"), b"{ esto no es json").expect("damage");
    let err = TantivyEngine::open(dir.path()).expect_err("damaged");
    assert!(matches!(err, SearchError::Corrupt { .. }), "{err}");
    assert!(err.needs_rebuild());
    assert!(
        TantivyEngine::open_or_create(dir.path()).is_err(),
        "damage is not hidden"
    );
    let engine = TantivyEngine::create(dir.path()).expect("wipe and create");
    assert_eq!(engine.count().await.expect("count"), 0);
    engine.upsert(&common::corpus()).await.expect("reindex");
    assert_eq!(
        engine.count().await.expect("count"),
        common::corpus().len() as u64
    );
}

#[tokio::test]
async fn missing_segment_file_is_corrupt() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let engine = TantivyEngine::create(dir.path()).expect("create");
        engine.upsert(&common::corpus()).await.expect("index");
    }
    let terms = segment_files(dir.path(), "term");
    assert!(!terms.is_empty());
    for f in terms {
        std::fs::remove_file(f).expect("remove");
    }
    let err = TantivyEngine::open(dir.path()).expect_err("damaged");
    assert!(matches!(err, SearchError::Corrupt { .. }), "{err}");
}

#[tokio::test]
async fn truncated_store_fails_verification() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let engine = TantivyEngine::create(dir.path()).expect("create");
        engine.upsert(&common::corpus()).await.expect("index");
    }
    for f in segment_files(dir.path(), "store") {
        let bytes = std::fs::read(&f).expect("read");
        let mut damaged = bytes.clone();
        let mid = damaged.len() / 2;
        damaged[mid] ^= 0xff;
        std::fs::write(&f, damaged).expect("write");
    }
    match TantivyEngine::open(dir.path()) {
        Err(err) => assert!(err.needs_rebuild(), "{err}"),
        Ok(engine) => {
            let err = engine.verify().await.expect_err("checksum");
            assert!(matches!(err, SearchError::Corrupt { .. }), "{err}");
        }
    }
}

#[tokio::test]
async fn create_refuses_foreign_directories() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("tesis.docx"), b"no borrar").expect("write");
    let err = TantivyEngine::create(dir.path()).expect_err("foreign");
    assert!(matches!(err, SearchError::NotAnIndex { .. }), "{err}");
    assert!(dir.path().join("tesis.docx").exists());
}

#[tokio::test]
async fn exact_form_ranks_above_stemmed() {
    let engine = TantivyEngine::in_ram().expect("index");
    engine.upsert(&common::corpus()).await.expect("index");
    let r = engine
        .search(&SearchQuery::new("presupuestos"))
        .await
        .expect("search");
    assert_eq!(r.hits[0].id, "presupuestos-participativos", "{:?}", r.hits);
}

#[test]
fn many_segments_and_merges_stay_consistent() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let engine = TantivyEngine::in_ram().expect("index");
        // One commit per document: many segments, background merges.
        for d in common::corpus() {
            engine.upsert(&[d]).await.expect("upsert");
        }
        for d in common::corpus().iter().take(5) {
            engine
                .upsert(std::slice::from_ref(d))
                .await
                .expect("re-upsert");
        }
        assert_eq!(
            engine.count().await.expect("count"),
            common::corpus().len() as u64
        );
        let r = engine
            .search(&SearchQuery::new("").facet("organization"))
            .await
            .expect("search");
        let total: u64 = r.facets["organization"].iter().map(|f| f.count).sum();
        let expected = common::corpus()
            .iter()
            .filter_map(|d| d.facets.get("organization"))
            .map(|v| v.len() as u64)
            .sum::<u64>();
        assert_eq!(total, expected);
        let r = engine
            .search(&SearchQuery::new("trasparencia"))
            .await
            .expect("search");
        assert_eq!(r.did_you_mean.as_deref(), Some("transparencia"));
    });
}

/// Every public future can be spawned.
#[allow(dead_code)]
fn futures_are_send(t: TantivyEngine, p: search::PostgresEngine) {
    fn is_send<T: Send + 'static>(_: T) {}
    is_send(async move { t.verify().await });
    is_send(async move { p.migrate().await });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn any_query_is_answered(
        q in prop_oneof![
            any::<String>(),
            "[ a-zA-ZáéíóúñÑ0-9():\"*~^\\[\\]{}\\\\/+!?&|'%_;-]{0,80}",
            proptest::collection::vec("[a-záéíóúñ]{1,14}", 0..40).prop_map(|w| w.join(" ")),
        ],
        filter_key in any::<String>(),
        filter_value in any::<String>(),
        offset in 0usize..50,
        limit in 0usize..30,
    ) {
        let (rt, engine) = &*ENGINE;
        rt.block_on(async {
            let query = SearchQuery::new(q.clone())
                .facet("organization")
                .facet(filter_key.clone())
                .page(offset, limit);
            let r = engine.search(&query).await.expect("search");
            prop_assert!(r.hits.len() <= limit);
            prop_assert!(r.total <= common::corpus().len() as u64);
            let filtered = SearchQuery::new(q.clone()).filter(filter_key, filter_value);
            engine.search(&filtered).await.expect("filtered search");
            engine.suggest(&q, 8).await.expect("suggest");
            Ok(())
        })?;
    }
}

static ENGINE: std::sync::LazyLock<(tokio::runtime::Runtime, TantivyEngine)> =
    std::sync::LazyLock::new(|| {
        let rt = tokio::runtime::Runtime::new().expect("runtime");
        let engine = TantivyEngine::in_ram().expect("index");
        rt.block_on(engine.upsert(&common::corpus()))
            .expect("corpus");
        (rt, engine)
    });
