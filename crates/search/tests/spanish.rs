//! One set of behaviour tests, run on both backends (tantivy in memory,
//! PostgreSQL in a private schema), on the corpus of `common`.

mod common;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use search::{FacetCount, SearchDoc, SearchEngine, SearchQuery, SearchResults, Sort, Suggestion};

type Engine = Arc<dyn SearchEngine>;

async fn run(e: &Engine, q: SearchQuery) -> SearchResults {
    e.search(&q)
        .await
        .unwrap_or_else(|err| panic!("{} failed on {q:?}: {err}", e.backend()))
}

async fn find(e: &Engine, q: &str) -> SearchResults {
    run(e, SearchQuery::new(q).page(0, 100)).await
}

fn ids(r: &SearchResults) -> Vec<&str> {
    r.hits.iter().map(|h| h.id.as_str()).collect()
}

#[track_caller]
fn assert_has(r: &SearchResults, id: &str, what: &str) {
    assert!(ids(r).contains(&id), "{what}: {id} not in {:?}", ids(r));
}

#[track_caller]
fn assert_lacks(r: &SearchResults, id: &str, what: &str) {
    assert!(
        !ids(r).contains(&id),
        "{what}: {id} unexpectedly in {:?}",
        ids(r)
    );
}

fn corpus_doc(id: &str) -> SearchDoc {
    common::corpus()
        .into_iter()
        .find(|d| d.id == id)
        .unwrap_or_else(|| panic!("no {id} in corpus"))
}

/// Expected facet counts over some documents, sorted like the engine sorts them.
fn expected_facets(docs: &[SearchDoc], key: &str) -> Vec<FacetCount> {
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for d in docs {
        if let Some(values) = d.facets.get(key) {
            for v in values {
                *counts.entry(v.clone()).or_default() += 1;
            }
        }
    }
    let mut out: Vec<FacetCount> = counts
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

/// What `Sort::Title` orders by: words lower-cased, accents removed.
fn title_key(title: &str) -> String {
    let folded: String = title
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'á' => 'a',
            'é' => 'e',
            'í' => 'i',
            'ó' => 'o',
            'ú' | 'ü' => 'u',
            'ñ' => 'n',
            c => c,
        })
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- behaviours

async fn accent_folding(e: Engine) {
    for q in ["gestion", "gestión", "GESTIÓN", "Gestion"] {
        assert_has(&find(&e, q).await, "gestion-de-residuos-solidos", q);
    }
    for q in [
        "informacion publica",
        "Información Pública",
        "INFORMACION PUBLICA",
    ] {
        let r = find(&e, q).await;
        assert_has(&r, "informacion-publica-de-oficio", q);
        assert_has(&r, "infoem", q);
    }
    // Folding applies to the documents too: "solidos" finds "sólidos".
    assert_has(
        &find(&e, "residuos solidos").await,
        "gestion-de-residuos-solidos",
        "solidos",
    );
}

async fn enie(e: Engine) {
    // ñ is folded to n (see analysis.rs): "año" finds "año", and so does "ano".
    assert_has(&find(&e, "año").await, "accidentes-de-transito", "año");
    assert_has(
        &find(&e, "accidentes por año").await,
        "accidentes-de-transito",
        "frase",
    );
    assert_has(&find(&e, "ano").await, "accidentes-de-transito", "ano");
    assert_has(
        &find(&e, "nomina").await,
        "nomina-servidores-publicos",
        "nomina",
    );
}

async fn stemming(e: Engine) {
    let r = find(&e, "presupuestos").await;
    assert_has(&r, "presupuesto-egresos-2026-zacazonapan", "presupuestos");
    assert_has(&r, "presupuesto-egresos-2025-toluca", "presupuestos");
    assert_has(&r, "presupuestos-participativos", "presupuestos");
    let r = find(&e, "municipales").await;
    assert_has(&r, "deuda-publica-municipal", "municipales → municipal");
    assert_has(&r, "obra-publica-ejecutada", "municipales");
    assert_has(
        &find(&e, "obras").await,
        "obra-publica-ejecutada",
        "obras → obra",
    );
    assert_has(
        &find(&e, "licencia").await,
        "licencias-de-construccion",
        "licencia",
    );
    assert_has(
        &find(&e, "accidente vial").await,
        "accidentes-de-transito",
        "vial/viales",
    );
}

async fn prefix_as_you_type(e: Engine) {
    let r = find(&e, "presup").await;
    assert_has(&r, "presupuesto-egresos-2026-zacazonapan", "presup");
    assert_has(&r, "presupuestos-participativos", "presup");
    let r = find(&e, "obra pub").await;
    assert_has(&r, "obra-publica-ejecutada", "obra pub");
    assert_lacks(&r, "mapa-de-obras", "obra pub");
    assert_has(
        &find(&e, "informaci").await,
        "informacion-publica-de-oficio",
        "informaci",
    );
    assert_has(
        &find(&e, "zacazo").await,
        "presupuesto-egresos-2026-zacazonapan",
        "zacazo",
    );
    assert_has(
        &find(&e, "egresos zac").await,
        "presupuesto-egresos-2026-zacazonapan",
        "egresos zac",
    );
    // Only the last word is a prefix.
    assert!(find(&e, "presup egresos").await.hits.is_empty());
}

async fn typo_tolerance(e: Engine) {
    let r = find(&e, "presupesto").await;
    assert_has(&r, "presupuesto-egresos-2026-zacazonapan", "presupesto");
    assert_eq!(r.did_you_mean.as_deref(), Some("presupuesto"));
    let r = find(&e, "trasparencia").await;
    assert_has(&r, "programa-de-transparencia-proactiva", "trasparencia");
    assert_has(&r, "informacion-publica-de-oficio", "trasparencia");
    assert_eq!(r.did_you_mean.as_deref(), Some("transparencia"));
    // Distance 2 for long words.
    let r = find(&e, "munisipallll").await;
    assert!(r.did_you_mean.is_none(), "{r:?}");
    let r = find(&e, "poblasion").await;
    assert_has(&r, "poblacion-por-municipio-2020", "poblasion");
    // A typo among good words: the rest of the query is kept as typed.
    let r = find(&e, "Presupesto de egresos").await;
    assert_has(&r, "presupuesto-egresos-2025-toluca", "frase con error");
    assert_eq!(r.did_you_mean.as_deref(), Some("presupuesto de egresos"));
    // The corrected form keeps accents when the documents have them.
    let r = find(&e, "gestoin").await;
    assert_has(&r, "gestion-de-residuos-solidos", "gestoin");
    assert_eq!(r.did_you_mean.as_deref(), Some("gestión"));
}

async fn no_correction_when_found(e: Engine) {
    let r = find(&e, "presupuesto").await;
    assert!(r.did_you_mean.is_none());
    assert!(r.total >= 3);
    // Short words are not corrected; nonsense finds nothing and suggests nothing.
    let r = find(&e, "obrz").await;
    assert_eq!((r.total, r.did_you_mean), (0, None));
    let r = find(&e, "qwxzkjvbn").await;
    assert_eq!((r.total, r.did_you_mean), (0, None));
    // Numbers are never "corrected".
    let r = find(&e, "2027").await;
    assert_eq!((r.total, r.did_you_mean), (0, None));
}

async fn ranking_by_field(e: Engine) {
    // title > keywords > description > body_text.
    let r = find(&e, "acuiferos").await;
    assert_eq!(
        ids(&r),
        [
            "recarga-de-acuiferos",
            "calidad-del-agua",
            "consumo-de-agua",
            "extraccion-pozos-csv"
        ],
        "{r:?}"
    );
    let r = find(&e, "presupuesto").await;
    let pos = |id: &str| ids(&r).iter().position(|x| *x == id);
    let body = pos("secretaria-de-finanzas").expect("description match found");
    for title_match in [
        "presupuesto-egresos-2026-zacazonapan",
        "presupuesto-egresos-2025-toluca",
    ] {
        assert!(
            pos(title_match).expect("title match") < body,
            "{:?}",
            ids(&r)
        );
    }
    assert!(r.hits.windows(2).all(|w| w[0].score >= w[1].score));
}

async fn highlighting(e: Engine) {
    let r = find(&e, "residuos").await;
    let hit = &r.hits[0];
    assert_eq!(hit.id, "gestion-de-residuos-solidos");
    assert_eq!(hit.title_html, "Gestión de <mark>residuos</mark> sólidos");
    assert!(
        hit.snippet_html.contains("<mark>residuos</mark>"),
        "{}",
        hit.snippet_html
    );
    let r = find(&e, "gestion").await;
    assert_eq!(
        r.hits[0].title_html,
        "<mark>Gestión</mark> de residuos sólidos"
    );
    let r = find(&e, "presupuestos").await;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == "presupuesto-egresos-2026-zacazonapan")
        .expect("hit");
    assert!(
        hit.title_html.starts_with("<mark>Presupuesto</mark> de"),
        "{}",
        hit.title_html
    );
    let r = find(&e, "obra pub").await;
    assert_eq!(
        r.hits[0].title_html,
        "<mark>Obra</mark> <mark>pública</mark> ejecutada"
    );
    // Off on request.
    let r = run(&e, SearchQuery::new("residuos").highlight(false)).await;
    assert!(!r.hits[0].title_html.contains("<mark>"));
    assert!(!r.hits[0].snippet_html.contains("<mark>"));
    // The snippet comes from the description.
    let r = find(&e, "toluca").await;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == "ayuntamiento-de-toluca")
        .expect("hit");
    assert!(
        hit.snippet_html.contains("<mark>Toluca</mark>"),
        "{}",
        hit.snippet_html
    );
}

async fn hostile_text_is_escaped(e: Engine) {
    let r = find(&e, "prueba").await;
    let hit = r
        .hits
        .iter()
        .find(|h| h.id == "hostil")
        .expect("hostile doc found");
    assert!(hit.title.contains("<script>"), "raw title kept");
    assert!(!hit.title_html.contains("<script>"), "{}", hit.title_html);
    assert!(hit
        .title_html
        .starts_with("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(hit.title_html.contains("<mark>prueba</mark>"));
    assert!(!hit.snippet_html.contains("<b>"), "{}", hit.snippet_html);
    assert!(hit
        .snippet_html
        .contains("&lt;b&gt;etiquetas&lt;/b&gt; &amp; símbolos &quot;raros&quot;"));
    // Searching the markup finds the words, and the markup stays escaped.
    let r = find(&e, "<script>alert").await;
    assert_has(&r, "hostil", "script");
    assert!(!r.hits[0].title_html.contains("<script>"));
}

async fn filters(e: Engine) {
    let q = |filters: &[(&str, &str)]| {
        let mut q = SearchQuery::new("").page(0, 100);
        for (k, v) in filters {
            q = q.filter(*k, *v);
        }
        q
    };
    let sorted = |r: &SearchResults| {
        let mut v: Vec<String> = ids(r).into_iter().map(String::from).collect();
        v.sort();
        v
    };
    let r = run(&e, q(&[("organization", "ayuntamiento-de-toluca")])).await;
    assert_eq!(
        sorted(&r),
        [
            "licencias-de-construccion",
            "presupuesto-egresos-2025-toluca",
            "presupuestos-participativos"
        ]
    );
    assert_eq!(r.total, 3);
    // Same key: OR.
    let r = run(
        &e,
        q(&[
            ("organization", "ayuntamiento-de-toluca"),
            ("organization", "igecem"),
        ]),
    )
    .await;
    assert_eq!(r.total, 4);
    // Different keys: AND.
    let r = run(
        &e,
        q(&[
            ("organization", "ayuntamiento-de-toluca"),
            ("format", "CSV"),
        ]),
    )
    .await;
    assert_eq!(
        sorted(&r),
        [
            "licencias-de-construccion",
            "presupuesto-egresos-2025-toluca"
        ]
    );
    // Any facet key works.
    let r = run(&e, q(&[("municipality", "toluca")])).await;
    assert_eq!(r.total, 4);
    let r = run(
        &e,
        q(&[("municipality", "toluca"), ("body_kind", "ayuntamiento")]),
    )
    .await;
    assert_eq!(ids(&r), ["ayuntamiento-de-toluca"]);
    // Text and filter.
    let r = run(
        &e,
        SearchQuery::new("presupuesto").filter("theme", "finanzas"),
    )
    .await;
    assert_eq!(
        sorted(&r),
        [
            "presupuesto-egresos-2025-toluca",
            "presupuesto-egresos-2026-zacazonapan"
        ]
    );
    // Unknown values and keys match nothing.
    assert_eq!(run(&e, q(&[("format", "DOCX")])).await.total, 0);
    assert_eq!(run(&e, q(&[("no-such-key", "x")])).await.total, 0);
    // Values are exact (facet values are identifiers).
    assert_eq!(run(&e, q(&[("format", "csv")])).await.total, 0);
    // Kinds.
    let r = run(&e, SearchQuery::new("").kind("body").page(0, 100)).await;
    assert_eq!(
        sorted(&r),
        ["ayuntamiento-de-toluca", "infoem", "secretaria-de-finanzas"]
    );
    let r = run(&e, SearchQuery::new("").kind("body").kind("resource")).await;
    assert_eq!(r.total, 4);
    let r = run(&e, SearchQuery::new("toluca").kind("dataset").page(0, 100)).await;
    assert_lacks(&r, "ayuntamiento-de-toluca", "kind filter");
    assert_has(&r, "presupuesto-egresos-2025-toluca", "kind filter");
}

async fn facet_counts(e: Engine) {
    let corpus = common::corpus();
    // Everything, counted.
    let r = run(
        &e,
        SearchQuery::new("")
            .facet("organization")
            .facet("format")
            .facet("municipality"),
    )
    .await;
    for key in ["organization", "format", "municipality"] {
        assert_eq!(r.facets[key], expected_facets(&corpus, key), "{key}");
    }
    // Over the filtered set (the filtered facet itself shows only what matches).
    let r = run(
        &e,
        SearchQuery::new("")
            .filter("format", "CSV")
            .facet("organization")
            .facet("format"),
    )
    .await;
    let csv: Vec<SearchDoc> = corpus
        .iter()
        .filter(|d| {
            d.facets
                .get("format")
                .is_some_and(|f| f.contains(&"CSV".to_string()))
        })
        .cloned()
        .collect();
    assert_eq!(r.total, csv.len() as u64);
    assert_eq!(
        r.facets["organization"],
        expected_facets(&csv, "organization")
    );
    assert_eq!(r.facets["format"], expected_facets(&csv, "format"));
    // Over a text query.
    let r = run(
        &e,
        SearchQuery::new("presupuesto").facet("theme").page(0, 100),
    )
    .await;
    let matched: Vec<SearchDoc> = ids(&r).iter().map(|id| corpus_doc(id)).collect();
    assert_eq!(r.facets["theme"], expected_facets(&matched, "theme"));
    // Sorted by count desc then value; limit applies.
    let mut q = SearchQuery::new("").facet("organization");
    q.facet_limit = 2;
    let r = run(&e, q).await;
    assert_eq!(
        r.facets["organization"],
        expected_facets(&corpus, "organization")[..2].to_vec()
    );
    // An unknown key is counted as empty; nothing matched, nothing counted.
    let r = run(&e, SearchQuery::new("").facet("nada")).await;
    assert_eq!(r.facets["nada"], []);
    let r = run(&e, SearchQuery::new("qwxzkjvbn").facet("organization")).await;
    assert!(r.facets.get("organization").is_none_or(|v| v.is_empty()));
}

async fn sorting(e: Engine) {
    let corpus = common::corpus();
    let all = |sort: Sort| SearchQuery::new("").sort(sort).page(0, 100);
    let recency = |id: &str| corpus_doc(id).recency();
    // Newest (also the default for an empty query).
    for q in [all(Sort::Newest), all(Sort::Relevance)] {
        let r = run(&e, q).await;
        assert_eq!(r.hits.len(), corpus.len());
        assert_eq!(r.hits[0].id, "presupuesto-egresos-2026-zacazonapan");
        let dates: Vec<_> = r.hits.iter().map(|h| recency(&h.id)).collect();
        let dated: Vec<_> = dates.iter().flatten().collect();
        assert!(dated.windows(2).all(|w| w[0] >= w[1]), "{:?}", ids(&r));
        assert_eq!(
            r.hits.last().map(|h| h.id.as_str()),
            Some("mapa-de-obras"),
            "undated last"
        );
    }
    // Most downloaded.
    let r = run(&e, all(Sort::MostDownloaded)).await;
    let downloads: Vec<i64> = r.hits.iter().map(|h| corpus_doc(&h.id).downloads).collect();
    assert!(downloads.windows(2).all(|w| w[0] >= w[1]), "{downloads:?}");
    assert_eq!(r.hits[0].id, "poblacion-por-municipio-2020");
    // Title, ignoring case and accents.
    let r = run(&e, all(Sort::Title)).await;
    let titles: Vec<String> = r.hits.iter().map(|h| title_key(&h.title)).collect();
    assert!(titles.windows(2).all(|w| w[0] <= w[1]), "{titles:?}");
    assert_eq!(r.hits[0].id, "accidentes-de-transito");
    // Sorting applies to a text query too.
    let r = run(
        &e,
        SearchQuery::new("presupuesto").sort(Sort::MostDownloaded),
    )
    .await;
    assert_eq!(r.hits[0].id, "presupuesto-egresos-2025-toluca");
}

async fn paging(e: Engine) {
    let n = common::corpus().len() as u64;
    let mut seen = HashSet::new();
    let mut offset = 0;
    loop {
        let r = run(&e, SearchQuery::new("").page(offset, 6)).await;
        assert_eq!(r.total, n);
        if r.hits.is_empty() {
            break;
        }
        assert!(r.hits.len() <= 6);
        for h in &r.hits {
            assert!(seen.insert(h.id.clone()), "{} twice", h.id);
        }
        offset += 6;
    }
    assert_eq!(seen.len() as u64, n);
    // Text query pages.
    let all = run(&e, SearchQuery::new("agua").page(0, 100)).await;
    assert!(all.total >= 3, "{:?}", ids(&all));
    let first = run(&e, SearchQuery::new("agua").page(0, 2)).await;
    let second = run(&e, SearchQuery::new("agua").page(2, 2)).await;
    assert_eq!(first.total, all.total);
    assert_eq!(second.total, all.total);
    assert_eq!(ids(&first), ids(&all)[..2]);
    assert_eq!(ids(&second), ids(&all)[2..all.hits.len().min(4)]);
    // Past the end, zero rows, huge offsets: totals stay right.
    for (offset, limit) in [(1_000, 10), (0, 0), (usize::MAX, 10), (5, usize::MAX)] {
        let r = run(&e, SearchQuery::new("").page(offset, limit)).await;
        assert_eq!(r.total, n, "offset {offset} limit {limit}");
        if limit == 0 || offset >= 1_000 {
            assert!(r.hits.is_empty());
        }
    }
    let r = run(&e, SearchQuery::new("").page(5, usize::MAX)).await;
    assert_eq!(r.hits.len() as u64, n - 5);
}

async fn delete(e: Engine) {
    let before = e.count().await.expect("count");
    e.delete("dataset", "gestion-de-residuos-solidos")
        .await
        .expect("delete");
    assert_eq!(e.count().await.expect("count"), before - 1);
    assert_eq!(find(&e, "residuos").await.total, 0);
    assert_eq!(find(&e, "").await.total, before - 1);
    let r = run(&e, SearchQuery::new("").kind("dataset").facet("license")).await;
    let odbl = r.facets["license"].iter().find(|f| f.value == "odbl");
    assert!(odbl.is_none(), "{:?}", r.facets);
    assert!(!e
        .ids("dataset")
        .await
        .expect("ids")
        .contains(&"gestion-de-residuos-solidos".to_string()));
    // Its words leave the vocabulary.
    let s = e.suggest("resid", 5).await.expect("suggest");
    assert!(s.is_empty(), "{s:?}");
    assert!(find(&e, "residuoss").await.did_you_mean.is_none());
    // Deleting what is not there is fine; same id of another kind is untouched.
    e.delete("dataset", "no-existe")
        .await
        .expect("delete missing");
    e.delete("dataset", "infoem").await.expect("other kind");
    assert!(e
        .ids("body")
        .await
        .expect("ids")
        .contains(&"infoem".to_string()));
    assert_eq!(e.count().await.expect("count"), before - 1);
}

async fn upsert_replaces(e: Engine) {
    let before = e.count().await.expect("count");
    let mut doc = corpus_doc("obra-publica-ejecutada");
    doc.title = "Obras de bacheo".into();
    doc.description = "Calles reparadas por colonia.".into();
    doc.keywords = vec!["bacheo".into()];
    doc.facets.insert("format".into(), vec!["ODS".into()]);
    e.upsert(&[doc.clone()]).await.expect("upsert");
    assert_eq!(e.count().await.expect("count"), before);
    let r = find(&e, "bacheo").await;
    assert_eq!(ids(&r), ["obra-publica-ejecutada"]);
    assert_eq!(r.hits[0].title, "Obras de bacheo");
    assert_lacks(
        &find(&e, "ejecutada").await,
        "obra-publica-ejecutada",
        "old title",
    );
    assert_eq!(find(&e, "contratista").await.total, 0);
    assert_eq!(
        run(&e, SearchQuery::new("").filter("format", "ODS"))
            .await
            .total,
        1
    );
    assert_eq!(
        run(&e, SearchQuery::new("").filter("format", "JSON"))
            .await
            .total,
        1
    );
    let s = e.suggest("contrat", 5).await.expect("suggest");
    assert!(s.is_empty(), "old words gone from the vocabulary: {s:?}");
    // Duplicates in one batch: the last wins.
    let mut a = doc.clone();
    a.title = "Primera versión".into();
    let mut b = doc;
    b.title = "Segunda versión".into();
    e.upsert(&[a, b]).await.expect("upsert");
    assert_eq!(e.count().await.expect("count"), before);
    assert_eq!(
        find(&e, "segunda").await.hits[0].id,
        "obra-publica-ejecutada"
    );
    assert_eq!(find(&e, "primera").await.total, 0);
    // A new document is visible as soon as upsert returns.
    let mut new = corpus_doc("consumo-de-agua");
    new.id = "consumo-de-agua-2024".into();
    new.title = "Consumo de agua 2024 en Ixtapan".into();
    e.upsert(&[new]).await.expect("upsert");
    assert_eq!(ids(&find(&e, "ixtapan").await), ["consumo-de-agua-2024"]);
    e.upsert(&[]).await.expect("empty batch");
}

async fn suggestions(e: Engine) {
    let s = e.suggest("presu", 6).await.expect("suggest");
    assert!(s.len() <= 6);
    assert!(
        s.iter()
            .any(|x| matches!(x, Suggestion::Term { text, .. } if text.starts_with("presupuesto"))),
        "{s:?}"
    );
    assert!(
        s.iter().any(
            |x| matches!(x, Suggestion::Document { text, .. } if text.starts_with("Presupuesto"))
        ),
        "{s:?}"
    );
    // Completions first, most frequent first.
    assert!(
        matches!(&s[0], Suggestion::Term { text, .. } if text == "presupuesto"),
        "{s:?}"
    );
    let s = e.suggest("obra pub", 6).await.expect("suggest");
    assert!(s.iter().any(|x| x.text() == "obra pública"), "{s:?}");
    assert!(
        s.iter().any(
            |x| matches!(x, Suggestion::Document { id, .. } if id == "obra-publica-ejecutada")
        ),
        "{s:?}"
    );
    let s = e.suggest("Secretaría de fin", 4).await.expect("suggest");
    assert!(
        s.iter().any(|x| x.text() == "Secretaría de Finanzas"),
        "{s:?}"
    );
    for (q, limit) in [("", 5), ("   ", 5), ("qwxzk", 5), ("presu", 0), ("🎉", 5)] {
        assert!(
            e.suggest(q, limit).await.expect("suggest").is_empty(),
            "{q:?}"
        );
    }
    assert!(e.suggest("a", 500).await.expect("suggest").len() <= search::MAX_SUGGESTIONS);
}

async fn ids_and_count(e: Engine) {
    let corpus = common::corpus();
    assert_eq!(e.count().await.expect("count"), corpus.len() as u64);
    let mut datasets: Vec<String> = corpus
        .iter()
        .filter(|d| d.kind == "dataset")
        .map(|d| d.id.clone())
        .collect();
    datasets.sort();
    assert_eq!(e.ids("dataset").await.expect("ids"), datasets);
    assert_eq!(
        e.ids("body").await.expect("ids"),
        ["ayuntamiento-de-toluca", "infoem", "secretaria-de-finanzas"]
    );
    assert!(e.ids("practice").await.expect("ids").is_empty());
}

async fn hostile_queries(e: Engine) {
    let n = common::corpus().len() as u64;
    let long_words: String = (0..2_000).map(|i| format!("w{i} ")).collect();
    let hostile = [
        "x".repeat(10_000),
        long_words,
        "presupuesto ".repeat(1_000),
        r#"AND OR ( ) : " * ~ ^ [ ] { } \ / - + ! ? && || NOT"#.to_string(),
        r#"title:presupuesto^10 AND (obra~2 OR "pública"~3) [a TO z] {x} /re.*/"#.to_string(),
        "presupuesto'; DROP TABLE search_documents; --".to_string(),
        "' OR '1'='1".to_string(),
        "%_\\%' $1 $$ E'\\x00'".to_string(),
        "presupuesto:* & !obra | 'a':A <-> b".to_string(),
        "🎉🔥 presupuesto 💰".to_string(),
        "\0\u{1f}\u{feff}\u{200b}".to_string(),
        "½ ⑴ ⒜ ﬁ".to_string(),
        "東京 Москва".to_string(),
        "9".repeat(500),
        "a".to_string(),
        " ".to_string(),
    ];
    for q in &hostile {
        let query = SearchQuery::new(q.clone())
            .facet("organization")
            .facet("")
            .facet("a/b");
        let r = e
            .search(&query)
            .await
            .unwrap_or_else(|err| panic!("{q:.40}: {err}"));
        assert!(r.total <= n);
        e.suggest(q, 10)
            .await
            .unwrap_or_else(|err| panic!("{q:.40}: {err}"));
        let filtered = SearchQuery::new(q.clone())
            .filter(q.clone(), q.clone())
            .filter("organization", "\0'; --")
            .kind(q.clone());
        e.search(&filtered)
            .await
            .unwrap_or_else(|err| panic!("{q:.40}: {err}"));
    }
    let r = find(&e, "🎉🔥 presupuesto 💰").await;
    assert_has(&r, "presupuesto-egresos-2026-zacazonapan", "emoji");
    let r = find(&e, "presupuesto'; DROP TABLE search_documents; --").await;
    assert!(r.total <= n);
    // Empty query: everything, newest first.
    let r = find(&e, "").await;
    assert_eq!(r.total, n);
    assert_eq!(r.hits[0].id, "presupuesto-egresos-2026-zacazonapan");
    // Only punctuation: same as empty.
    assert_eq!(find(&e, "() : *").await.total, n);
    // Still all there.
    assert_eq!(e.count().await.expect("count"), n);
}

async fn stop_words(e: Engine) {
    // Stop words do not have to match…
    assert_has(
        &find(&e, "el presupuesto de los egresos").await,
        "presupuesto-egresos-2025-toluca",
        "stop",
    );
    // …but a query of nothing else still searches them.
    let r = find(&e, "de la").await;
    assert!(
        r.total > 0 && r.total < common::corpus().len() as u64,
        "{}",
        r.total
    );
    // "estado" is no stop word here.
    assert_has(
        &find(&e, "estado de mexico").await,
        "poblacion-por-municipio-2020",
        "estado",
    );
}

async fn clear(e: Engine) {
    e.clear().await.expect("clear");
    assert_eq!(e.count().await.expect("count"), 0);
    assert_eq!(find(&e, "").await.total, 0);
    assert_eq!(find(&e, "presupuesto").await.total, 0);
    assert!(e.suggest("presu", 5).await.expect("suggest").is_empty());
    assert!(e.ids("dataset").await.expect("ids").is_empty());
    // Usable afterwards.
    e.upsert(&common::corpus()).await.expect("reindex");
    assert_eq!(
        e.count().await.expect("count"),
        common::corpus().len() as u64
    );
}

async fn concurrency(e: Engine) {
    let pozos = find(&e, "pozos").await.total;
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let e = e.clone();
        tasks.push(tokio::spawn(async move {
            for q in ["presupuesto", "obra pub", "trasparencia", "", "agua"] {
                let r = e.search(&SearchQuery::new(q).facet("organization")).await?;
                assert!(r.total > 0, "{q}");
                e.suggest(q, 5).await?;
            }
            Ok::<_, search::SearchError>(())
        }));
    }
    for i in 0..3 {
        let e = e.clone();
        tasks.push(tokio::spawn(async move {
            for j in 0..5 {
                let mut d = corpus_doc("calidad-del-agua");
                d.id = format!("agua-{i}-{j}");
                e.upsert(&[d]).await?;
            }
            Ok(())
        }));
    }
    for t in tasks {
        t.await.expect("task").expect("engine call");
    }
    assert_eq!(
        e.count().await.expect("count"),
        common::corpus().len() as u64 + 15
    );
    assert_eq!(find(&e, "pozos").await.total, pozos + 15);
}

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod tantivy_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::common::with_tantivy(super::$name).await;
                }
            )*
        }
        mod postgres_backend {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::common::with_postgres(super::$name).await;
                }
            )*
        }
    };
}

on_both_backends!(
    accent_folding,
    enie,
    stemming,
    prefix_as_you_type,
    typo_tolerance,
    no_correction_when_found,
    ranking_by_field,
    highlighting,
    hostile_text_is_escaped,
    filters,
    facet_counts,
    sorting,
    paging,
    delete,
    upsert_replaces,
    suggestions,
    ids_and_count,
    hostile_queries,
    stop_words,
    clear,
    concurrency,
);
