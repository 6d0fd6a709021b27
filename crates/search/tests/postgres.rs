//! PostgreSQL-only behaviour: migrations, the vocabulary bookkeeping, and
//! that nothing typed reaches SQL.

mod common;

use common::PgSchema;
use search::{PostgresEngine, SearchEngine, SearchQuery};
use sqlx::{PgPool, Row};

async fn word_count(db: PgPool, word: &str) -> Option<i32> {
    sqlx::query("SELECT ndoc FROM search_words WHERE word = $1")
        .bind(word)
        .fetch_optional(&db)
        .await
        .expect("query")
        .map(|r| r.get("ndoc"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_is_idempotent_and_concurrent() {
    PgSchema::run(|pool| async move {
        let db = pool.clone();
        let engine = PostgresEngine::new(pool);
        let (a, b) = tokio::join!(engine.migrate(), engine.migrate());
        a.expect("first");
        b.expect("second");
        engine.migrate().await.expect("again");
        let cfg: String =
            sqlx::query("SELECT to_tsvector('apertura_es', 'Gestión Pública')::text AS v")
                .fetch_one(&db)
                .await
                .expect("config")
                .get("v");
        assert_eq!(cfg, "'gestion':1 'public':2");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vocabulary_follows_documents() {
    PgSchema::run(|pool| async move {
        let db = pool.clone();
        let engine = PostgresEngine::new(pool);
        engine.migrate().await.expect("migrate");
        engine.upsert(&common::corpus()).await.expect("corpus");
        // "presupuesto": two titles, two keyword lists, one more description: 3 documents.
        assert_eq!(word_count(db.clone(), "presupuesto").await, Some(3));
        assert_eq!(
            word_count(db.clone(), "de").await,
            None,
            "stop words stay out"
        );
        // Display keeps accents.
        let display: String =
            sqlx::query("SELECT display FROM search_words WHERE word = 'gestion'")
                .fetch_one(&db)
                .await
                .expect("display")
                .get("display");
        assert_eq!(display, "gestión");
        // Replacing the same document does not double count.
        engine.upsert(&common::corpus()).await.expect("again");
        assert_eq!(word_count(db.clone(), "presupuesto").await, Some(3));
        engine
            .delete("body", "secretaria-de-finanzas")
            .await
            .expect("delete");
        assert_eq!(word_count(db.clone(), "presupuesto").await, Some(2));
        assert_eq!(word_count(db.clone(), "hacienda").await, None);
        // Concurrent replacements of the same documents keep counts exact.
        let mut tasks = Vec::new();
        for _ in 0..4 {
            let engine = engine.clone();
            tasks.push(tokio::spawn(async move {
                engine.upsert(&common::corpus()).await
            }));
        }
        for t in tasks {
            t.await.expect("task").expect("upsert");
        }
        assert_eq!(word_count(db.clone(), "presupuesto").await, Some(3));
        // Facet counts kept in step with the documents.
        let drift: i64 = sqlx::query(
            "WITH real AS (SELECT kind, t AS term, count(*)::int AS ndoc FROM search_documents, \
             unnest(facet_terms || ''::text) AS t GROUP BY kind, t) \
         SELECT count(*) AS n FROM real FULL JOIN search_facet_counts c USING (kind, term) \
         WHERE real.ndoc IS DISTINCT FROM c.ndoc",
        )
        .fetch_one(&db)
        .await
        .expect("recount")
        .get("n");
        assert_eq!(drift, 0);
        engine.clear().await.expect("clear");
        assert_eq!(word_count(db.clone(), "presupuesto").await, None);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_typed_reaches_sql() {
    PgSchema::run(|pool| async move {
        let engine = PostgresEngine::new(pool);
        engine.migrate().await.expect("migrate");
        engine.upsert(&common::corpus()).await.expect("corpus");
        for q in [
            "'); DROP TABLE search_documents; --",
            "x' || pg_sleep(5) || '",
            "presupuesto:* | !obra & (a <-> b)",
            "$$; SELECT 1; $$",
        ] {
            let started = std::time::Instant::now();
            engine
                .search(&SearchQuery::new(q).filter(q, q).kind(q).facet(q))
                .await
                .expect("search");
            engine.suggest(q, 5).await.expect("suggest");
            assert!(started.elapsed().as_secs() < 4);
        }
        // A document full of SQL and tsquery syntax is stored as text.
        let mut doc = common::corpus()[0].clone();
        doc.id = "x'); DROP TABLE search_documents; --".into();
        doc.title = "Título con 'comillas', $$dólares$$ y \\barras\0 nulas".into();
        doc.facets
            .insert("k'ey".into(), vec!["v\u{1f}al'ue".into()]);
        engine.upsert(&[doc.clone()]).await.expect("upsert");
        let ids = engine.ids("dataset").await.expect("ids");
        assert!(ids.contains(&doc.id));
        let r = engine
            .search(&SearchQuery::new("dolares barras"))
            .await
            .expect("search");
        assert_eq!(
            r.hits[0].title,
            "Título con 'comillas', $$dólares$$ y \\barras nulas"
        );
        let r = engine
            .search(&SearchQuery::new("").filter("k'ey", "val'ue"))
            .await
            .expect("search");
        assert_eq!(r.total, 1);
        assert_eq!(
            engine.count().await.expect("count"),
            common::corpus().len() as u64 + 1
        );
    })
    .await;
}
