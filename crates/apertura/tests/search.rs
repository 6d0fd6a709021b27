//! Search over HTTP, on whichever backend the suite runs (tantivy beside
//! SQLite; PostgreSQL full-text search with `APERTURA_TEST_DATABASE_URL`):
//! Spanish behaviour, the index kept in step with publication, drift and
//! damage repaired, the page's states, autocomplete, CKAN's `package_search`
//! and hostile input.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use accounts::DEMO_PASSWORD;
use common::{spawn_app, TestApp};
use search::index::SearchIndex;
use serde_json::Value;

async fn titles(app: &TestApp, path: &str) -> (u16, String) {
    app.get_text(path).await
}

/// The JSON of CKAN's package_search for `query` (a query string).
async fn package_search(app: &TestApp, query: &str) -> (u16, Value) {
    let r = app
        .get(&format!("/api/3/action/package_search?{query}"))
        .await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

fn names(v: &Value) -> Vec<String> {
    v["result"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect()
}

fn index(app: &TestApp) -> Arc<SearchIndex> {
    app.app_state
        .service::<Arc<SearchIndex>>()
        .expect("search installed")
        .clone()
}

#[tokio::test]
async fn the_demo_is_found_the_way_people_type() {
    let app = spawn_app().await;
    app.settle().await;
    // Accents folded, either way round.
    let (status, html) = titles(&app, "/buscar?q=texcaltitlan").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Ayuntamiento de <mark>Texcaltitlán</mark>"),
        "{html}"
    );
    let (_, html) = titles(&app, "/buscar?q=P%C3%9ABLICA").await;
    assert!(
        html.contains("Obra <mark>pública</mark> de Zacazonapan"),
        "{html}"
    );
    // Stems: the plural finds the singular.
    let (_, v) = package_search(&app, "q=obras+publicas").await;
    assert!(
        names(&v).contains(&"obra-publica-zacazonapan-2025".to_string()),
        "{v}"
    );
    // A word half typed.
    let (_, v) = package_search(&app, "q=zacazo").await;
    assert!(v["result"]["count"].as_u64().unwrap() >= 1, "{v}");
    // A typo: the results of the corrected word, and the question.
    let (_, html) = titles(&app, "/buscar?q=zacazonpan").await;
    assert!(html.contains("Quizás quiso decir"), "{html}");
    assert!(html.contains("<strong>zacazonapan</strong>"), "{html}");
    assert!(
        html.contains("Obra pública de <mark>Zacazonapan</mark>"),
        "{html}"
    );
}

#[tokio::test]
async fn the_page_has_facets_as_links_counts_and_helpful_empty_states() {
    let app = spawn_app().await;
    app.settle().await;
    // With nothing typed: everything published, with counts per kind.
    let (_, html) = titles(&app, "/buscar").await;
    assert!(html.contains("resultados publicados"), "{html}");
    assert!(
        html.contains("href=\"&#x2f;buscar?tipo=conjuntos\""),
        "{html}"
    );
    // Facet links narrow (no JavaScript needed), chips undo.
    let (_, html) = titles(&app, "/buscar?sujeto=ayuntamiento-de-zacazonapan").await;
    assert!(
        html.contains("Sujeto obligado: Ayuntamiento de Zacazonapan"),
        "{html}"
    );
    assert!(html.contains("Quitar todos los filtros"), "{html}");
    assert!(
        !html.contains("Secretaría de Finanzas</a> <span class=\"count\">"),
        "only Zacazonapan's results are counted"
    );
    let (_, html) = titles(&app, "/buscar?tipo=sujetos&tipo_sujeto=ayuntamiento").await;
    assert!(html.contains("Ayuntamiento de Toluca"), "{html}");
    assert!(!html.contains("Secretaría de Finanzas</a></h2>"), "{html}");
    // Nothing found: ideas, and a way out.
    let (status, html) = titles(&app, "/buscar?q=xilofonoqwerty&tema=econ").await;
    assert_eq!(status, 200);
    assert!(html.contains("No encontramos resultados."), "{html}");
    assert!(html.contains("Quite uno o más filtros."), "{html}");
    assert!(
        html.contains("href=\"&#x2f;buscar?q=xilofonoqwerty\""),
        "{html}"
    );
    // Every page has the search box; the results page has its own.
    let (_, home) = titles(&app, "/").await;
    assert!(
        home.contains("role=\"search\" method=\"get\" action=\"/buscar\""),
        "{home}"
    );
    assert!(home.contains("search.js"));
    // English, too.
    let r = app
        .client
        .get(app.url("/buscar?q=zacazonapan"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap();
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Public bodies") || html.contains("Buscar"),
        "{html}"
    );
}

#[tokio::test]
async fn publishing_editing_and_unpublishing_reach_the_index() {
    let app = spawn_app().await;
    app.settle().await;
    let admin = app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
    let toluca: i64 =
        sqlx::query_scalar("SELECT id FROM bodies WHERE slug = 'ayuntamiento-de-toluca'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    let r = app
        .post_form(
            &admin,
            "/datos/nuevo",
            "/datos/nuevo",
            &[
                ("body", &toluca.to_string()),
                ("title", "Recolección de residuos sólidos"),
                ("description", "Toneladas recogidas por colonia y día."),
                ("keywords", "basura, limpia"),
                ("licence", "cc-by-4.0"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = "/datos/recoleccion-de-residuos-solidos";
    app.settle().await;
    let (_, v) = package_search(&app, "q=residuos").await;
    assert_eq!(v["result"]["count"], 0, "a draft is not found: {v}");

    // Published: found, with its facets.
    common::add_link(
        &app,
        "recoleccion-de-residuos-solidos",
        "toneladas",
        "Toneladas por colonia",
        "https://example.org/toneladas.csv",
    )
    .await;
    let r = app
        .post_form(&admin, page, &format!("{page}/publicar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    app.settle().await;
    let (_, v) = package_search(
        &app,
        "q=residuo&fq=organization:ayuntamiento-de-toluca&facet.field=%5B%22res_format%22,%22tags%22%5D",
    )
    .await;
    assert_eq!(names(&v), ["recoleccion-de-residuos-solidos"], "{v}");
    assert_eq!(v["result"]["facets"]["res_format"]["CSV"], 1, "{v}");
    assert_eq!(v["result"]["facets"]["tags"]["basura"], 1, "{v}");
    // Its resource is found too, by the dataset's words.
    let (_, html) = titles(&app, "/buscar?q=toneladas&tipo=recursos").await;
    assert!(html.contains("&#x2f;recursos&#x2f;toneladas"), "{html}");

    // Edited: the new title is found, the old words are not.
    let r = app
        .post_form(
            &admin,
            &format!("{page}/editar"),
            &format!("{page}/editar"),
            &[
                ("title", "Limpia municipal por colonia"),
                ("licence", "cc-by-4.0"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.settle().await;
    let (_, v) = package_search(&app, "q=limpia+municipal").await;
    assert_eq!(names(&v), ["recoleccion-de-residuos-solidos"], "{v}");
    let (_, v) = package_search(&app, "q=solidos").await;
    assert_eq!(v["result"]["count"], 0, "{v}");

    // Unpublished, then deleted: gone, with its resource.
    let r = app
        .post_form(&admin, page, &format!("{page}/despublicar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    app.settle().await;
    let (_, v) = package_search(&app, "q=limpia").await;
    assert_eq!(v["result"]["count"], 0, "{v}");
    let (_, html) = titles(&app, "/buscar?q=toneladas").await;
    assert!(!html.contains("&#x2f;recursos&#x2f;toneladas"), "{html}");
}

#[tokio::test]
async fn a_body_renamed_renames_its_datasets_in_the_index() {
    let app = spawn_app().await;
    app.settle().await;
    let admin = app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
    let edit = "/admin/sujetos-obligados/ayuntamiento-de-zacazonapan/editar";
    let r = app
        .post_form(
            &admin,
            edit,
            edit,
            &[
                ("name", "H. Ayuntamiento Constitucional de Zacazonapan"),
                ("kind", "ayuntamiento"),
                ("municipality", "15116"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.settle().await;
    let (_, v) = package_search(
        &app,
        "q=constitucional&facet.field=%5B%22organization%22%5D",
    )
    .await;
    assert_eq!(names(&v), ["obra-publica-zacazonapan-2025"], "{v}");
    assert_eq!(
        v["result"]["search_facets"]["organization"]["items"][0]["display_name"],
        "H. Ayuntamiento Constitucional de Zacazonapan"
    );
    let (_, html) = titles(&app, "/buscar?q=constitucional&tipo=sujetos").await;
    assert!(
        html.contains("H. Ayuntamiento <mark>Constitucional</mark>"),
        "{html}"
    );
}

#[tokio::test]
async fn the_check_repairs_drift_and_reindex_rebuilds() {
    let app = spawn_app().await;
    app.settle().await;
    let index = index(&app);
    let total = index.count().await.unwrap();
    assert!(total >= 10, "the demo is indexed at start: {total}");
    // A dataset vanishes from the index (CKAN's classic), a ghost appears.
    let id: i64 =
        sqlx::query_scalar("SELECT id FROM datasets WHERE slug = 'obra-publica-zacazonapan-2025'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    index.delete("dataset", &id.to_string()).await.unwrap();
    index
        .upsert(&[search::SearchDoc {
            kind: "dataset".into(),
            id: "999999".into(),
            url: "/datos/fantasma".into(),
            title: "Fantasma".into(),
            ..search::SearchDoc::default()
        }])
        .await
        .unwrap();
    let (_, v) = package_search(&app, "q=zacazonapan").await;
    assert!(!names(&v).contains(&"obra-publica-zacazonapan-2025".to_string()));
    app.app_state
        .jobs
        .enqueue(kernel::jobs::NewJob::new(
            search::sync::CHECK,
            serde_json::json!({}),
        ))
        .await
        .unwrap();
    app.settle().await;
    let (_, v) = package_search(&app, "q=zacazonapan").await;
    assert!(
        names(&v).contains(&"obra-publica-zacazonapan-2025".to_string()),
        "{v}"
    );
    let (_, v) = package_search(&app, "q=fantasma").await;
    assert_eq!(v["result"]["count"], 0, "{v}");
    assert_eq!(index.count().await.unwrap(), total);
}

#[tokio::test]
async fn package_search_takes_what_ckan_clients_send() {
    let app = spawn_app().await;
    app.settle().await;
    let (status, v) = package_search(&app, "q=*:*&rows=2&start=1&sort=title_string+asc").await;
    assert_eq!(status, 200);
    assert_eq!(v["success"], true);
    assert_eq!(v["result"]["results"].as_array().unwrap().len(), 2);
    let all = v["result"]["count"].as_u64().unwrap();
    assert!(all >= 3, "{v}");
    // Every result is a dataset.
    assert!(v["result"]["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["type"] == "dataset"));
    // POST with values as strings, as ckanapi sends them.
    let r = app
        .client
        .post(app.url("/api/action/package_search"))
        .json(&serde_json::json!({"q": "zacazonapan", "rows": "1", "facet.field": "[\"organization\"]"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["result"]["results"].as_array().unwrap().len(), 1, "{v}");
    assert!(
        v["result"]["search_facets"]["organization"]["items"][0]["display_name"]
            .as_str()
            .unwrap()
            .contains("Zacazonapan")
    );
    // Refusals in Spanish, with CKAN's shape.
    for bad in [
        "rows=-1",
        "rows=muchas",
        "sort=nada+asc",
        "fq=organization:(",
        "start=x",
    ] {
        let (status, v) = package_search(&app, bad).await;
        assert_eq!(status, 409, "{bad}: {v}");
        assert_eq!(v["success"], false);
        assert_eq!(v["error"]["__type"], "Validation Error");
        assert!(
            v["error"]["message"].as_str().unwrap().starts_with("El "),
            "{v}"
        );
    }
    let r = app
        .client
        .post(app.url("/api/3/action/package_search"))
        .body("{no es json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let v: Value = r.json().await.unwrap();
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no es JSON válido"),
        "{v}"
    );
}

#[tokio::test]
async fn autocomplete_completes_words_and_titles() {
    let app = spawn_app().await;
    app.settle().await;
    let r = app.get("/buscar/sugerencias?q=zacaz").await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    let s = v["suggestions"].as_array().unwrap();
    assert!(
        s.iter()
            .any(|x| x["type"] == "term" && x["text"] == "zacazonapan"),
        "{v}"
    );
    assert!(
        s.iter()
            .any(|x| x["type"] == "document" && x["url"] == "/datos/obra-publica-zacazonapan-2025"),
        "{v}"
    );
    let v: Value = app
        .get("/buscar/sugerencias?q=")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(v["suggestions"], serde_json::json!([]));
    // A repeated parameter is no reason to refuse: the last one counts.
    let r = app.get("/buscar/sugerencias?q=nada&q=zacaz&otro=1").await;
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["q"], "zacaz", "{v}");
}

#[tokio::test]
async fn hostile_searches_get_an_answer() {
    let app = spawn_app().await;
    app.settle().await;
    let long = "presupuesto ".repeat(2_000);
    let nasty = [
        format!("q={}", urlencode(&long)),
        "q=%27%3B+DROP+TABLE+datasets%3B--".into(),
        "q=%22%29%28%2A%3A%5C".into(),
        "q=%F0%9F%92%A9%E2%80%AE%00".into(),
        "q=a+AND+OR+NOT+*".into(),
        "pagina=99999999999999999999999".into(),
        "pagina=400&q=zacazonapan".into(),
        "orden=%3Cscript%3E&tipo=%3Cscript%3E".into(),
        format!("sujeto={}", "x".repeat(5_000)),
    ];
    for q in &nasty {
        let (status, html) = titles(&app, &format!("/buscar?{q}")).await;
        assert_eq!(status, 200, "{q}");
        assert!(!html.contains("<script>"), "{q}");
        let (status, _) = package_search(&app, q).await;
        assert!(status == 200 || status == 409, "{q}: {status}");
        let r = app.get(&format!("/buscar/sugerencias?{q}")).await;
        assert_eq!(r.status(), 200, "{q}");
    }
    // The database survived.
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert!(n > 0);
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A damaged embedded index is set aside and rebuilt at the next start,
/// without losing anything (on PostgreSQL: the shared index's rows lost).
#[tokio::test]
async fn a_damaged_or_lost_index_is_rebuilt_at_start() {
    let app = spawn_app().await;
    app.settle().await;
    let before = index(&app).count().await.unwrap();
    assert!(before > 0);
    let config = app.config.clone();
    let index_dir = config.index_dir();
    let postgres = index(&app).backend() == "postgres";
    let dir = app.stop().await;
    if postgres {
        let db = kernel::db::Db::connect(&config.database().unwrap(), 1)
            .await
            .unwrap();
        sqlx::query("DELETE FROM search_documents")
            .execute(db.pool())
            .await
            .unwrap();
        db.close().await;
    } else {
        std::fs::write(index_dir.join("meta.json"), b"{ roto").unwrap();
    }
    let app = common::restart(config, dir).await;
    app.settle().await;
    assert_eq!(index(&app).count().await.unwrap(), before);
    let (_, v) = package_search(&app, "q=zacazonapan").await;
    assert!(v["result"]["count"].as_u64().unwrap() >= 1, "{v}");
    if !postgres {
        let aside = std::fs::read_dir(index_dir.parent().unwrap())
            .unwrap()
            .filter_map(|e| e.ok())
            .any(|e| e.file_name().to_string_lossy().contains(".danado-"));
        assert!(aside, "the damaged index is kept aside");
    }
}
