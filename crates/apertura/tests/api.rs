//! The native JSON API (`/api/v1/`), its OpenAPI 3.1 description and its
//! documentation page, over HTTP on the real application with the demo data
//! (on whichever backend the suite runs): the shape of each answer, paging
//! and filters, what must never appear (drafts, datasets in review, private
//! ones), Spanish 400s and 404s for hostile input, and every answer checked
//! against the schema the description declares for it.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;

use catalog::domain::workflow::Status;
use common::{spawn_app, TestApp};
use kernel::authz::Actor;
use serde_json::Value;

async fn json(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}: {text}"));
    (status, value)
}

fn slugs(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["slug"].as_str().unwrap().to_string())
        .collect()
}

/// The demo's public datasets, newest first.
const PUBLIC: [&str; 4] = [
    "portal-datos-toluca",
    "limites-municipales-edomex",
    "obra-publica-zacazonapan-2025",
    "poblacion-municipios-2020",
];

#[tokio::test]
async fn datasets_are_listed_in_pages_and_filtered() {
    let app = spawn_app().await;
    let r = app.get("/api/v1/datasets").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        r.headers()["cache-control"].to_str().unwrap(),
        "public, max-age=60"
    );
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["count"], 4, "{v}");
    assert_eq!(
        (v["page"].as_i64(), v["per_page"].as_i64()),
        (Some(1), Some(20))
    );
    let mut all = slugs(&v);
    all.sort();
    let mut expected = PUBLIC.map(String::from).to_vec();
    expected.sort();
    assert_eq!(all, expected);
    assert_eq!(v["links"]["next"], Value::Null);
    assert_eq!(v["links"]["prev"], Value::Null);

    // A dataset as listed: the key fields, values as published.
    let obra = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["slug"] == "obra-publica-zacazonapan-2025")
        .unwrap();
    assert_eq!(obra["title"], "Obra pública de Zacazonapan, 2025");
    assert_eq!(obra["publisher"]["slug"], "ayuntamiento-de-zacazonapan");
    assert_eq!(obra["themes"], serde_json::json!(["GOVE", "ECON"]));
    assert_eq!(obra["license"]["code"], "cc-by-4.0");
    assert_eq!(
        obra["license"]["url"],
        "https://creativecommons.org/licenses/by/4.0/"
    );
    assert_eq!(obra["frequency"], "QUARTERLY");
    assert_eq!(obra["temporal_start"], "2025-01-01");
    assert_eq!(obra["spatial"], "15116");
    assert_eq!(obra["resource_count"], 1);
    assert_eq!(obra["formats"], serde_json::json!(["CSV"]));
    assert_eq!(
        obra["page_url"],
        app.url("/datos/obra-publica-zacazonapan-2025")
    );
    assert_eq!(
        obra["api_url"],
        app.url("/api/v1/datasets/obra-publica-zacazonapan-2025")
    );

    // Pages: two of two, then the second, then past the end.
    let (_, p1) = json(&app, "/api/v1/datasets?per_page=2").await;
    assert_eq!(p1["count"], 4);
    assert_eq!(slugs(&p1).len(), 2);
    assert_eq!(
        p1["links"]["next"],
        app.url("/api/v1/datasets?page=2&per_page=2")
    );
    assert_eq!(p1["links"]["prev"], Value::Null);
    let (_, p2) = json(&app, "/api/v1/datasets?page=2&per_page=2").await;
    assert_eq!(p2["links"]["next"], Value::Null);
    assert_eq!(
        p2["links"]["prev"],
        app.url("/api/v1/datasets?page=1&per_page=2")
    );
    let mut both = slugs(&p1);
    both.extend(slugs(&p2));
    assert_eq!(both.iter().collect::<BTreeSet<_>>().len(), 4, "{both:?}");
    let (status, past) = json(&app, "/api/v1/datasets?page=9&per_page=2").await;
    assert_eq!(status, 200);
    assert_eq!(past["items"], serde_json::json!([]));
    assert_eq!(past["count"], 4);
    assert_eq!(
        past["links"]["prev"],
        app.url("/api/v1/datasets?page=2&per_page=2")
    );

    // Filters, alone and together; the links keep them.
    let cases: [(&str, &[&str]); 8] = [
        ("theme=SOCI", &["poblacion-municipios-2020"]),
        ("theme=econ", &["obra-publica-zacazonapan-2025"]),
        (
            "body=secretaria-de-finanzas",
            &["limites-municipales-edomex", "poblacion-municipios-2020"],
        ),
        // The body's dataset in review does not count.
        (
            "body=ayuntamiento-de-zacazonapan",
            &["obra-publica-zacazonapan-2025"],
        ),
        ("body=nadie", &[]),
        // Its bodies' datasets and those that cover it.
        ("municipality=15106", &["portal-datos-toluca"]),
        (
            "municipality=15116&theme=GOVE",
            &["obra-publica-zacazonapan-2025"],
        ),
        ("municipality=15116&theme=SOCI", &[]),
    ];
    for (query, expected) in cases {
        let (status, v) = json(&app, &format!("/api/v1/datasets?{query}")).await;
        assert_eq!(status, 200, "{query}: {v}");
        let mut got = slugs(&v);
        got.sort();
        assert_eq!(got, expected.to_vec(), "{query}");
        assert_eq!(v["count"], expected.len(), "{query}");
    }
    let (_, v) = json(
        &app,
        "/api/v1/datasets?body=secretaria-de-finanzas&per_page=1&theme=REGI",
    )
    .await;
    assert_eq!(
        v["links"]["next"],
        app.url("/api/v1/datasets?page=2&per_page=1&body=secretaria-de-finanzas&theme=REGI")
    );
}

#[tokio::test]
async fn drafts_datasets_in_review_and_private_ones_never_appear() {
    let app = spawn_app().await;
    let db = &app.app_state.db;
    let zaca: i64 =
        sqlx::query_scalar("SELECT id FROM bodies WHERE slug = 'ayuntamiento-de-zacazonapan'")
            .fetch_one(db.pool())
            .await
            .unwrap();
    let meta = catalog::store::Metadata {
        title: "Borrador de la API".into(),
        licence: "cc-by-4.0".into(),
        language: "es".into(),
        themes: vec!["GOVE".into()],
        ..Default::default()
    };
    let system = Actor::system();
    let mut tx = db.begin().await.unwrap();
    let draft =
        catalog::store::create_dataset(&mut tx, &system, "borrador-api", zaca, &meta, false)
            .await
            .unwrap();
    let private =
        catalog::store::create_dataset(&mut tx, &system, "privado-api", zaca, &meta, true)
            .await
            .unwrap();
    catalog::store::set_status(
        &mut tx,
        &system,
        private,
        Status::Draft,
        Status::Published,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let in_review: i64 = sqlx::query_scalar(
        "SELECT id FROM datasets WHERE slug = 'presupuesto-egresos-zacazonapan-2026'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    for query in [
        "",
        "?per_page=100",
        "?body=ayuntamiento-de-zacazonapan",
        "?theme=GOVE",
        "?municipality=15116",
    ] {
        let (_, v) = json(&app, &format!("/api/v1/datasets{query}")).await;
        let got = slugs(&v);
        for hidden in [
            "presupuesto-egresos-zacazonapan-2026",
            "borrador-api",
            "privado-api",
        ] {
            assert!(!got.iter().any(|s| s == hidden), "{query}: {got:?}");
        }
    }
    for key in [
        "presupuesto-egresos-zacazonapan-2026".to_string(),
        "borrador-api".into(),
        "privado-api".into(),
        in_review.to_string(),
        draft.to_string(),
        private.to_string(),
    ] {
        let (status, v) = json(&app, &format!("/api/v1/datasets/{key}")).await;
        assert_eq!(status, 404, "{key}: {v}");
        assert_eq!(v["error"]["code"], "api-error-dataset");
    }
    // Nor in the body's count.
    let (_, b) = json(&app, "/api/v1/bodies/ayuntamiento-de-zacazonapan").await;
    assert_eq!(b["dataset_count"], 1, "{b}");
}

#[tokio::test]
async fn one_dataset_comes_with_its_resources() {
    let app = spawn_app().await;
    app.settle().await;
    let (status, d) = json(&app, "/api/v1/datasets/obra-publica-zacazonapan-2025").await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["slug"], "obra-publica-zacazonapan-2025");
    assert_eq!(
        d["version_notes"],
        "Se agregaron las obras iniciadas en el segundo semestre."
    );
    assert!(d["contact"].is_object());
    let r = &d["resources"][0];
    assert_eq!(r["slug"], "obras-2025");
    assert_eq!(r["name"], "Obras 2025");
    assert_eq!(r["kind"], "file");
    assert_eq!(r["format"], "CSV");
    assert_eq!(r["media_type"], "text/csv");
    assert_eq!(r["version"], 2);
    assert!(r["size"].as_i64().unwrap() > 100);
    let base = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    assert_eq!(r["page_url"], app.url(base));
    assert_eq!(r["download_url"], app.url(&format!("{base}/descargar")));
    assert_eq!(
        r["version_url"],
        app.url(&format!("{base}/v/2/obras-2025.csv"))
    );
    assert_eq!(r["datastore"]["queryable"], true, "{r}");
    let id = r["id"].as_i64().unwrap();
    assert_eq!(
        r["datastore"]["search_url"],
        app.url(&format!("/api/3/action/datastore_search?resource_id={id}"))
    );
    // The addresses it gives answer.
    let search = r["datastore"]["search_url"].as_str().unwrap();
    let answer: Value = app
        .client
        .get(search)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["success"], true, "{answer}");
    let schema = app
        .client
        .get(r["datastore"]["schema_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(schema.status(), 200);
    let bytes = app
        .client
        .get(r["version_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(bytes.status(), 200);

    // By numeric id too; a link has no format, version or datastore.
    let (_, toluca) = json(&app, "/api/v1/datasets/portal-datos-toluca").await;
    let by_id = toluca["id"].as_i64().unwrap();
    let (status, same) = json(&app, &format!("/api/v1/datasets/{by_id}")).await;
    assert_eq!(status, 200);
    assert_eq!(same["slug"], "portal-datos-toluca");
    let link = &toluca["resources"][0];
    assert_eq!(link["kind"], "link");
    assert_eq!(link["download_url"], "https://www.toluca.gob.mx/");
    assert_eq!(link["format"], Value::Null);
    assert_eq!(link["version"], Value::Null);
    assert_eq!(link["version_url"], Value::Null);
    assert_eq!(link["datastore"]["queryable"], false);
    assert_eq!(link["datastore"]["search_url"], Value::Null);
}

#[tokio::test]
async fn bodies_and_municipalities_come_from_the_directory() {
    let app = spawn_app().await;
    let (status, v) = json(&app, "/api/v1/bodies").await;
    assert_eq!(status, 200);
    let items = v["items"].as_array().unwrap();
    assert_eq!(v["count"], items.len());
    let in_db: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bodies WHERE deleted_at IS NULL")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(items.len() as i64, in_db);
    let find = |slug: &str| items.iter().find(|b| b["slug"] == slug).unwrap().clone();
    let finanzas = find("secretaria-de-finanzas");
    assert_eq!(finanzas["dataset_count"], 2);
    assert_eq!(finanzas["municipality"], Value::Null);
    let zaca = find("ayuntamiento-de-zacazonapan");
    assert_eq!(zaca["dataset_count"], 1);
    assert_eq!(zaca["kind"], "ayuntamiento");
    assert_eq!(zaca["municipality"], "15116");
    assert_eq!(zaca["municipality_name"], "Zacazonapan");
    assert_eq!(
        zaca["datasets_url"],
        app.url("/api/v1/datasets?body=ayuntamiento-de-zacazonapan")
    );
    // In Spanish order.
    let names: Vec<String> = items
        .iter()
        .map(|b| kernel::text::spanish_sort_key(b["name"].as_str().unwrap()))
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);

    let (status, b) = json(&app, "/api/v1/bodies/ayuntamiento-de-zacazonapan").await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(b["name"], "Ayuntamiento de Zacazonapan");
    assert!(b["contact"].is_object());
    assert!(b.get("website").is_some() && b.get("logo_url").is_some());

    let (status, m) = json(&app, "/api/v1/municipalities").await;
    assert_eq!(status, 200);
    assert_eq!(m["count"], 125);
    let list = m["items"].as_array().unwrap();
    assert_eq!(list.len(), 125);
    assert!(list
        .iter()
        .all(|x| x["cvegeo"].as_str().unwrap().starts_with("15")));
    let toluca = list.iter().find(|x| x["cvegeo"] == "15106").unwrap();
    assert_eq!(toluca["name"], "Toluca");
    assert!(toluca["population_2020"].as_i64().unwrap() > 900_000);
    assert_eq!(toluca["small"], false);
    let (status, z) = json(&app, "/api/v1/municipalities/15116").await;
    assert_eq!(status, 200);
    assert_eq!(z["name"], "Zacazonapan");
    assert_eq!(z["small"], true);
    assert_eq!(z["small_threshold"], 70_000);
    assert_eq!(z["page_url"], app.url("/municipios/zacazonapan"));
    assert!(z["bodies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["slug"] == "ayuntamiento-de-zacazonapan"));
}

#[tokio::test]
async fn hostile_parameters_get_a_spanish_400_and_missing_things_a_spanish_404() {
    let app = spawn_app().await;
    let long = format!("body={}", "x".repeat(201));
    let bad: [(&str, &str, &str); 14] = [
        (
            "page=0",
            "api-error-integer",
            "«page» debe ser un número entero entre 1 y",
        ),
        ("page=-1", "api-error-integer", "«page»"),
        (
            "page=1000000000000000000000000000000",
            "api-error-integer",
            "«page»",
        ),
        ("page=dos", "api-error-integer", "«page»"),
        ("page=1e3", "api-error-integer", "«page»"),
        ("per_page=1000", "api-error-integer", "entre 1 y 100"),
        ("per_page=0", "api-error-integer", "«per_page»"),
        ("per_page=%00", "api-error-integer", "«per_page»"),
        ("page=1&page=2", "api-error-repeated", "más de una vez"),
        (
            "theme=POLITICA",
            "api-error-theme",
            "No existe el tema «POLITICA»",
        ),
        (
            "theme=%27%3B--",
            "api-error-theme",
            "Use uno de estos códigos",
        ),
        (
            "municipality=toluca",
            "api-error-municipality",
            "clave INEGI",
        ),
        (
            "municipality=09010",
            "api-error-municipality",
            "empieza con 15",
        ),
        (&long, "api-error-too-long", "demasiado largo"),
    ];
    for (query, code, words) in bad {
        let (status, v) = json(&app, &format!("/api/v1/datasets?{query}")).await;
        assert_eq!(status, 400, "{query}: {v}");
        assert_eq!(v["error"]["code"], code, "{query}: {v}");
        let message = v["error"]["message"].as_str().unwrap();
        assert!(message.contains(words), "{query}: {message}");
        assert!(v["error"]["request_id"].is_string());
    }
    // Odd but harmless: ignored or answered.
    for query in [
        "lang=es",
        "otro=1",
        "page=&per_page=",
        "body=%27%20OR%201%3D1--",
        "page=%201%20",
    ] {
        let (status, v) = json(&app, &format!("/api/v1/datasets?{query}")).await;
        assert_eq!(status, 200, "{query}: {v}");
    }
    let missing = [
        (
            "/api/v1/datasets/no-existe",
            "api-error-dataset",
            "No hay un conjunto de datos público",
        ),
        (
            "/api/v1/datasets/99999999999999999999",
            "api-error-dataset",
            "No hay un conjunto",
        ),
        (
            "/api/v1/bodies/no-existe",
            "api-error-body",
            "No hay un sujeto obligado",
        ),
        (
            "/api/v1/municipalities/15999",
            "api-error-municipality-unknown",
            "No hay un municipio",
        ),
        (
            "/api/v1/municipalities/toluca",
            "api-error-municipality-unknown",
            "No hay un municipio",
        ),
        ("/api/v1/nada", "error-not-found", ""),
    ];
    for (path, code, words) in missing {
        let (status, v) = json(&app, path).await;
        assert_eq!(status, 404, "{path}: {v}");
        assert_eq!(v["error"]["code"], code, "{path}");
        assert!(
            v["error"]["message"].as_str().unwrap().contains(words),
            "{path}: {v}"
        );
    }
    // Bytes that are not UTF-8 in the path: the kernel's 400, same shape.
    let (status, v) = json(&app, "/api/v1/datasets/%FF").await;
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["error"]["code"], "error-bad-request");
    // In English when asked.
    let (_, v) = json(&app, "/api/v1/datasets?page=0&lang=en").await;
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("must be a whole number"),
        "{v}"
    );
}

// ------------------------------------------------------------- the description

/// Follows a local `$ref` (`#/components/schemas/X`).
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => resolve(doc, doc.pointer(r.trim_start_matches('#')).unwrap()),
        None => schema,
    }
}

/// Checks `value` against `schema` as far as the description's schemas go
/// (types, nullable types, required and declared properties, arrays, `allOf`,
/// enums, patterns are left to Schemathesis): every miss is reported with its
/// path.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(all) = schema["allOf"].as_array() {
        // Properties are declared across the parts: check each part's types
        // and requirements, then that nothing undeclared is sent.
        let mut declared = BTreeSet::new();
        for part in all {
            let part = resolve(doc, part);
            check_object(doc, part, value, at, errors, false);
            if let Some(p) = part["properties"].as_object() {
                declared.extend(p.keys().cloned());
            }
        }
        if let Some(obj) = value.as_object() {
            for k in obj.keys().filter(|k| !declared.contains(*k)) {
                errors.push(format!("{at}.{k}: not declared"));
            }
        }
        return;
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let ok = one.iter().any(|s| {
            let mut e = vec![];
            check(doc, s, value, at, &mut e);
            e.is_empty()
        });
        if !ok {
            errors.push(format!("{at}: matches no oneOf branch: {value}"));
        }
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let ok = types.is_empty()
        || types.iter().any(|t| match *t {
            "null" => value.is_null(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        });
    if !ok {
        errors.push(format!("{at}: {value} is not {types:?}"));
        return;
    }
    if let Some(values) = schema["enum"].as_array() {
        if !values.contains(value) {
            errors.push(format!("{at}: {value} not in {values:?}"));
        }
    }
    if let (Some(items), Some(list)) = (schema.get("items"), value.as_array()) {
        for (i, v) in list.iter().enumerate() {
            check(doc, items, v, &format!("{at}[{i}]"), errors);
        }
    }
    check_object(doc, schema, value, at, errors, true);
}

fn check_object(
    doc: &Value,
    schema: &Value,
    value: &Value,
    at: &str,
    errors: &mut Vec<String>,
    closed: bool,
) {
    let (Some(props), Some(obj)) = (schema["properties"].as_object(), value.as_object()) else {
        return;
    };
    for req in schema["required"].as_array().into_iter().flatten() {
        let req = req.as_str().unwrap();
        if !obj.contains_key(req) {
            errors.push(format!("{at}.{req}: required, missing"));
        }
    }
    for (k, v) in obj {
        match props.get(k) {
            Some(s) => check(doc, s, v, &format!("{at}.{k}"), errors),
            None if closed => errors.push(format!("{at}.{k}: not declared")),
            None => {}
        }
    }
}

/// The schema the description declares for `GET path`'s `status` answer.
fn declared<'a>(doc: &'a Value, path: &str, status: u16) -> &'a Value {
    let pointer = format!(
        "/paths/{}/get/responses/{status}/content/application~1json/schema",
        path.replace('~', "~0").replace('/', "~1")
    );
    doc.pointer(&pointer)
        .unwrap_or_else(|| panic!("{path} declares no {status} JSON answer"))
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_every_answer_fits_it() {
    let app = spawn_app().await;
    app.settle().await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], app.base_url);
    assert!(doc["info"]["title"]
        .as_str()
        .unwrap()
        .contains("API de datos abiertos"));
    // Every native route the router has is described, and nothing else.
    let routed: BTreeSet<String> = app
        .app_state
        .routes
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| {
            assert_eq!(r.method, axum::http::Method::GET, "{}", r.path);
            r.path.to_string()
        })
        .collect();
    let described: BTreeSet<String> = doc["paths"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(routed, described);
    assert_eq!(routed.len(), 6);
    for path in &described {
        let op = &doc["paths"][path]["get"];
        assert!(op["summary"].is_string() && op["tags"].is_array(), "{path}");
        assert!(
            op["responses"]["200"]["headers"]["Cache-Control"].is_object(),
            "{path}"
        );
    }
    let theme = doc["paths"]["/api/v1/datasets"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "theme")
        .unwrap();
    assert!(theme["schema"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"ECON".into()));

    // Real answers against their declared schemas.
    let answers: [(&str, &str, u16); 15] = [
        ("/api/v1/datasets", "/api/v1/datasets", 200),
        (
            "/api/v1/datasets",
            "/api/v1/datasets?per_page=1&page=2&theme=GOVE",
            200,
        ),
        ("/api/v1/datasets", "/api/v1/datasets?page=0", 400),
        (
            "/api/v1/datasets/{slug}",
            "/api/v1/datasets/obra-publica-zacazonapan-2025",
            200,
        ),
        (
            "/api/v1/datasets/{slug}",
            "/api/v1/datasets/poblacion-municipios-2020",
            200,
        ),
        (
            "/api/v1/datasets/{slug}",
            "/api/v1/datasets/portal-datos-toluca",
            200,
        ),
        (
            "/api/v1/datasets/{slug}",
            "/api/v1/datasets/limites-municipales-edomex",
            200,
        ),
        ("/api/v1/datasets/{slug}", "/api/v1/datasets/no-existe", 404),
        ("/api/v1/datasets/{slug}", "/api/v1/datasets/%FF", 400),
        ("/api/v1/bodies", "/api/v1/bodies", 200),
        (
            "/api/v1/bodies/{slug}",
            "/api/v1/bodies/secretaria-de-finanzas",
            200,
        ),
        ("/api/v1/bodies/{slug}", "/api/v1/bodies/no-existe", 404),
        ("/api/v1/municipalities", "/api/v1/municipalities", 200),
        (
            "/api/v1/municipalities/{cvegeo}",
            "/api/v1/municipalities/15106",
            200,
        ),
        (
            "/api/v1/municipalities/{cvegeo}",
            "/api/v1/municipalities/00000",
            404,
        ),
    ];
    for (path, url, status) in answers {
        let (got, value) = json(&app, url).await;
        assert_eq!(got, status, "{url}: {value}");
        let mut errors = vec![];
        check(&doc, declared(&doc, path, status), &value, "$", &mut errors);
        assert!(errors.is_empty(), "{url}: {errors:#?}");
    }
    // The checker does catch a drift.
    let mut errors = vec![];
    let bad = serde_json::json!({"count": "4", "page": 1, "per_page": 20, "items": [], "links": {"next": null}, "extra": 1});
    check(
        &doc,
        declared(&doc, "/api/v1/datasets", 200),
        &bad,
        "$",
        &mut errors,
    );
    assert_eq!(errors.len(), 2, "{errors:#?}");
}

#[tokio::test]
async fn the_documentation_page_lists_every_endpoint_without_javascript() {
    let app = spawn_app().await;
    let (status, html) = app.get_text("/api").await;
    assert_eq!(status, 200);
    assert!(html.contains("<h1>API de datos abiertos</h1>"), "{html}");
    assert!(html.contains(r#"href="/api/openapi.json""#));
    assert!(html.contains("docs.ckan.org"));
    assert!(!html.contains("<script>"), "no inline script");
    // Every message found (no raw keys), every endpoint with its example.
    assert!(
        !html.contains("api-docs-") && !html.contains("api-param-"),
        "{html}"
    );
    let text = html
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&amp;", "&");
    for path in [
        "/api/v1/datasets",
        "/api/v1/datasets/{slug}",
        "/api/v1/bodies",
        "/api/v1/bodies/{slug}",
        "/api/v1/municipalities",
        "/api/v1/municipalities/{cvegeo}",
    ] {
        assert!(text.contains(&format!("GET {path}</code>")), "{path}");
    }
    assert!(text.contains(&format!(
        "curl -s '{}/api/v1/datasets?theme=GOVE&per_page=5'",
        app.base_url
    )));
    // The example dataset is a real one, with a file.
    assert!(text.contains(&format!("curl -s '{}/api/v1/datasets/", app.base_url)));
    assert!(
        !text.contains("/api/v1/datasets/portal-datos-toluca'"),
        "a link-only example"
    );
    for param in ["page", "per_page", "body", "theme", "municipality"] {
        assert!(text.contains(&format!("<code>{param}</code>")), "{param}");
    }
    assert!(text.contains("/api/3/action/datastore_search"));
    let (_, en) = app.get_text("/api?lang=en").await;
    assert!(en.contains("<h1>Open data API</h1>"));
}
