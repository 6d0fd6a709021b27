//! Tabular ingest end to end: a version uploaded (or seeded) becomes a typed,
//! queryable table through the job queue; CKAN's `datastore_search` answers
//! over it; a version that cannot be loaded says why and leaves the previous
//! one serving.

#![allow(clippy::unwrap_used)]

mod common;

use std::time::{Duration, Instant};

use common::{spawn_app, TestApp};
use serde_json::{json, Value};

const EDITOR: &str = "editor.zacazonapan@apertura.example";

/// Waits until the newest load of a resource has finished; returns its state.
async fn loaded(app: &TestApp, client: &reqwest::Client, page: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = client
            .get(app.url(&format!("{page}/carga.json")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{page}");
        let s: Value = r.json().await.unwrap();
        if ["ready", "failed", "cancelled"].contains(&s["status"].as_str().unwrap_or_default()) {
            return s;
        }
        assert!(Instant::now() < deadline, "the load never finished: {s}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn resource_id(app: &TestApp, dataset: &str, resource: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT r.id FROM resources r JOIN datasets d ON d.id = r.dataset_id WHERE d.slug = $1 AND r.slug = $2",
    )
    .bind(dataset)
    .bind(resource)
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap()
}

async fn search(app: &TestApp, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/3/action/datastore_search"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

/// Posts a `datastore_search_sql` statement anonymously.
async fn sql(app: &TestApp, statement: String) -> (u16, Value) {
    let r = app
        .client
        .post(app.url("/api/3/action/datastore_search_sql"))
        .json(&json!({ "sql": statement }))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

#[tokio::test]
async fn the_demo_census_table_is_queryable_like_ckan() {
    let app = spawn_app().await;
    let page = "/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio";
    let state = loaded(&app, &app.client, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    assert_eq!(state["rows"], 125);
    let id = resource_id(&app, "poblacion-municipios-2020", "poblacion-por-municipio").await;

    // Filters by name with accents in the value, types from the file.
    let (status, body) = search(
        &app,
        json!({"resource_id": id.to_string(), "filters": {"municipio": "Zacazonapan"}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["success"], true);
    let result = &body["result"];
    assert_eq!(result["total"], 1);
    assert_eq!(result["records"][0]["municipio"], "Zacazonapan");
    assert_eq!(result["records"][0]["poblacion_2020"], 5109);
    let fields: Vec<(String, String)> = result["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().into(),
                f["type"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(fields[0], ("_id".into(), "int".into()));
    assert!(
        fields.contains(&("poblacion_2020".into(), "int".into())),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("municipio".into(), "text".into())),
        "{fields:?}"
    );

    // Sorting, paging and totals; the biggest municipality first.
    let (_, body) = search(
        &app,
        json!({"resource_id": id, "sort": "poblacion_2020 desc", "limit": 2, "fields": "municipio,poblacion_2020"}),
    )
    .await;
    let result = &body["result"];
    assert_eq!(result["total"], 125);
    assert_eq!(result["records"][0]["municipio"], "Ecatepec de Morelos");
    assert_eq!(result["records"].as_array().unwrap().len(), 2);
    assert!(result["records"][0].get("cabecera").is_none());
    assert!(result["_links"]["next"]
        .as_str()
        .unwrap()
        .ends_with("offset=2"));

    // The same through GET, as lists; and free text over the text columns.
    let r = app
        .get(&format!(
            "/api/3/action/datastore_search?resource_id={id}&q=zacazo&records_format=lists"
        ))
        .await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["result"]["total"], 1);
    assert_eq!(body["result"]["records"][0][2], "Zacazonapan");

    // Mistakes get CKAN's envelope with a Spanish message naming the parameter.
    let (status, body) = search(&app, json!({"resource_id": id, "fields": "habitantes"})).await;
    assert_eq!(status, 409);
    assert_eq!(body["success"], false);
    assert_eq!(body["error"]["__type"], "Validation Error");
    assert!(body["error"]["fields"][0]
        .as_str()
        .unwrap()
        .contains("«habitantes» no existe"));
    let (status, body) = search(&app, json!({"resource_id": id, "limit": 1_000_000})).await;
    assert_eq!(status, 409);
    assert!(body["error"]["limit"][0]
        .as_str()
        .unwrap()
        .contains("32000"));
    let (status, body) = search(&app, json!({"resource_id": "999999"})).await;
    assert_eq!(status, 404);
    assert_eq!(body["error"]["__type"], "Not Found Error");

    // The resource page shows the table with its types.
    let (_, html) = app.get_text(page).await;
    assert!(html.contains("Tabla de datos"));
    assert!(html.contains("125 filas y 4 columnas"), "{html}");
    assert!(html.contains("Número entero"));
    assert!(html.contains("Acambay"));
    assert!(html.contains("datastore_search?resource_id="));

    // The whole table, without JavaScript: sorted, filtered, a page at a time.
    let (status, html) = app
        .get_text(&format!("{page}/tabla?orden=poblacion_2020&dir=desc"))
        .await;
    assert_eq!(status, 200);
    let ecatepec = html.find("Ecatepec de Morelos").unwrap();
    let neza = html.find("Nezahualcóyotl").unwrap();
    assert!(ecatepec < neza, "sorted by population, largest first");
    assert!(html.contains("aria-sort=\"descending\""));
    let (_, html) = app
        .get_text(&format!("{page}/tabla?columna=municipio&valor=Toluca"))
        .await;
    assert!(html.contains("1 filas encontradas"), "{html}");
    let (_, html) = app.get_text(&format!("{page}/tabla?pagina=3")).await;
    assert!(html.contains("de la 101 a la 125"), "{html}");
    assert!(html.contains("rel=\"prev\""));
    assert!(!html.contains("rel=\"next\""));
    let (status, html) = app
        .get_text(&format!("{page}/tabla?columna=poblacion_2020&valor=mucha"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("«mucha» no es un valor válido"), "{html}");

    // The whole filtered, sorted result as a download, streamed.
    let r = app
        .get(&format!(
            "{page}/exportar.csv?orden=poblacion_2020&dir=desc"
        ))
        .await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 126, "header and 125 rows");
    assert_eq!(lines[0], "clave_inegi,municipio,cabecera,poblacion_2020");
    assert!(lines[1].contains("Ecatepec de Morelos"));
    let r = app.get(&format!("{page}/exportar.json?q=tlal")).await;
    let rows: Vec<Value> = r.json().await.unwrap();
    assert!(rows.len() >= 2, "Tlalmanalco, Tlalnepantla…");
    assert!(rows.iter().all(|r| r["municipio"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("tlal")
        || r["cabecera"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("tlal")));
}

#[tokio::test]
async fn a_draft_tables_rows_are_not_public() {
    let app = spawn_app().await;
    let page = "/datos/presupuesto-egresos-zacazonapan-2026/recursos/egresos-por-capitulo";
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    let state = loaded(&app, &editor, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    let id = resource_id(
        &app,
        "presupuesto-egresos-zacazonapan-2026",
        "egresos-por-capitulo",
    )
    .await;
    let (status, _) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(status, 404, "a dataset in review is not public");
    let r = editor
        .get(app.url(&format!("/api/3/action/datastore_search?resource_id={id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "its editors query it");
    let body: Value = r.json().await.unwrap();
    // "38,412,000.00" is a number, not text.
    assert_eq!(body["result"]["records"][0]["monto"], 38_412_000.0);
    let (status, _) = app.get_text(&format!("{page}/carga.json")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_version_that_cannot_load_leaves_the_previous_one_serving() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    let page = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    let state = loaded(&app, &editor, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    let id = resource_id(&app, "obra-publica-zacazonapan-2025", "obras-2025").await;
    // Coordinates make a map; every column gets a summary.
    let (_, html) = app.get_text(page).await;
    let svg = &html[html.find("<svg class=\"point-map\"").expect("a map")..];
    assert_eq!(
        svg[..svg.find("</svg>").unwrap()]
            .matches("<circle")
            .count(),
        5
    );
    assert!(html.contains("aria-label=\"Mapa de 5 puntos de la tabla\""));
    assert!(html.contains("Resumen de cada columna"));
    assert!(
        html.contains("5 celdas con dato, 0 vacías, 5 valores distintos"),
        "{html}"
    );
    let (_, before) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(
        before["result"]["total"], 5,
        "version 2 of the demo has five works"
    );

    // Version 3: one cell of 2 MB, past the engine's limit.
    let huge = format!("obra,monto\n\"{}\",1\n", "x".repeat(2 * 1024 * 1024));
    post_version(&app, &editor, "Con una celda enorme", huge.as_bytes()).await;
    let state = loaded(&app, &editor, page).await;
    assert_eq!(state["status"], "failed", "{state}");
    assert!(!state["error"].as_str().unwrap_or_default().is_empty());

    // The API still answers with version 2, and the page says what happened.
    let (_, after) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(after["result"]["total"], 5);
    assert_eq!(after["result"]["records"], before["result"]["records"]);
    let (_, html) = app.get_text(page).await;
    assert!(
        html.contains("No se pudo convertir la versión 3 en tabla"),
        "{html}"
    );
    assert!(html.contains("se sigue consultando la versión 2"));
    // The file itself is kept, byte for byte, as every version is.
    let versions: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM resource_versions WHERE resource_id = $1")
            .bind(id)
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    assert_eq!(versions, 3);
}

#[tokio::test]
async fn csv_records_defuse_formulas() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    let page = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    loaded(&app, &editor, page).await;
    let csv = "obra,monto\n\"=HYPERLINK(\"\"http://x\"\")\",1\n-12.5 ok,2\n";
    post_version(&app, &editor, "Fórmulas", csv.as_bytes()).await;
    let state = loaded(&app, &editor, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    let id = resource_id(&app, "obra-publica-zacazonapan-2025", "obras-2025").await;
    let (_, body) = search(&app, json!({"resource_id": id, "records_format": "csv"})).await;
    let text = body["result"]["records"].as_str().unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    // In JSON the cell is the publisher's, as written.
    let (_, body) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(
        body["result"]["records"][0]["obra"],
        "=HYPERLINK(\"http://x\")"
    );
}

#[tokio::test]
async fn sql_reads_resources_only_within_limits() {
    let app = spawn_app().await;
    let page = "/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio";
    loaded(&app, &app.client, page).await;
    let id = resource_id(&app, "poblacion-municipios-2020", "poblacion-por-municipio").await;
    let sql = |text: String| sql(&app, text);
    let (status, body) = sql(format!(
        "SELECT municipio, poblacion_2020 FROM \"{id}\" WHERE poblacion_2020 > 1000000 ORDER BY poblacion_2020 DESC"
    ))
    .await;
    assert_eq!(status, 200, "{body}");
    let records = body["result"]["records"].as_array().unwrap();
    assert_eq!(records[0]["municipio"], "Ecatepec de Morelos");
    assert_eq!(records[0]["poblacion_2020"], 1_645_352);
    assert_eq!(body["result"]["fields"][1]["type"], "int");
    let (_, body) = sql(format!(
        "SELECT count(*) AS n, sum(poblacion_2020) AS total FROM \"{id}\""
    ))
    .await;
    assert_eq!(body["result"]["records"][0]["n"], 125);
    assert!(body["result"]["records"][0]["total"].as_i64().unwrap() > 16_000_000);

    // Anything but one SELECT over resources is refused, saying why.
    for (statement, says) in [
        (format!("DELETE FROM \"{id}\""), "una sola consulta SELECT"),
        (
            "SELECT email, password_hash FROM users".to_string(),
            "no es un recurso",
        ),
        (
            format!("SELECT * FROM \"{id}\"; DROP TABLE users"),
            "una sola consulta SELECT",
        ),
        (
            format!("SELECT load_extension('x') FROM \"{id}\""),
            "no está permitida",
        ),
        ("SELECT * FROM ds_v1".to_string(), "no es un recurso"),
        (
            format!("SELECT no_hay FROM \"{id}\""),
            "no existe la columna «no_hay»",
        ),
    ] {
        let (status, body) = sql(statement.clone()).await;
        assert_eq!(status, 409, "{statement}: {body}");
        assert!(
            body["error"]["sql"][0].as_str().unwrap().contains(says),
            "{statement}: {body}"
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert!(users > 0, "nothing was dropped");

    // A draft's table is not readable by anonymous SQL either.
    let draft = resource_id(
        &app,
        "presupuesto-egresos-zacazonapan-2026",
        "egresos-por-capitulo",
    )
    .await;
    let (status, _) = sql(format!("SELECT * FROM \"{draft}\"")).await;
    assert_eq!(status, 404);

    // A runaway query stops at the time limit with a clear answer.
    let started = Instant::now();
    let (status, body) = sql(format!(
        "SELECT count(*) FROM \"{id}\" a, \"{id}\" b, \"{id}\" c, \"{id}\" d, \"{id}\" e"
    ))
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body["error"]["sql"][0]
        .as_str()
        .unwrap()
        .contains("5 segundos"));
    assert!(started.elapsed() < Duration::from_secs(15));
    // The server still answers.
    let (status, _) = sql(format!("SELECT count(*) FROM \"{id}\"")).await;
    assert_eq!(status, 200);
}

/// The demo works table, which the version tests add to.
const WORKS: &str = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";

/// Uploads `csv` as a new version of the demo works table, as its editor does.
async fn post_version(app: &TestApp, editor: &reqwest::Client, notes: &str, csv: &[u8]) {
    let token = app.form_token(editor, WORKS).await;
    let (content_type, body) = common::multipart(
        &[("notes", notes), ("_csrf", &token)],
        &[("file", "obras.csv", "text/csv", csv)],
    );
    let r = editor
        .post(app.url(&format!("{WORKS}/versiones?_csrf={token}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
}

/// Uploads `csv` as a new version of the demo works table and waits for its
/// load and its personal-data check (until both, the public is served the
/// previous version).
async fn new_version(app: &TestApp, editor: &reqwest::Client, csv: &[u8]) -> Value {
    loaded(app, editor, WORKS).await;
    post_version(app, editor, "Nueva versión", csv).await;
    let state = loaded(app, editor, WORKS).await;
    app.settle().await;
    state
}

#[tokio::test]
async fn what_breaks_datapusher_does_not_break_here() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    // Types from every row: an "N/A" in the last row is one finding, the
    // load goes on; keys with leading zeros stay text.
    let mut csv = String::from("clave,municipio,obras\n");
    for i in 1..=3_000 {
        csv.push_str(&format!("{:05},Municipio {i},{}\n", (i % 125) + 1, i % 17));
    }
    csv.push_str("00125,Último,N/A\n");
    let state = new_version(&app, &editor, csv.as_bytes()).await;
    assert_eq!(state["status"], "ready", "{state}");
    assert_eq!(state["rows"], 3_001);
    let id = resource_id(&app, "obra-publica-zacazonapan-2025", "obras-2025").await;
    let (_, body) = search(
        &app,
        json!({"resource_id": id, "sort": "_id desc", "limit": 1}),
    )
    .await;
    let types: Vec<&str> = body["result"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        ["int", "text", "text", "int"],
        "_id, clave, municipio, obras"
    );
    let (_, body) = search(
        &app,
        json!({"resource_id": id, "filters": {"municipio": "Último"}}),
    )
    .await;
    assert_eq!(
        body["result"]["records"][0]["obras"],
        Value::Null,
        "the bad cell is empty"
    );
    let (_, body) = search(&app, json!({"resource_id": id, "limit": 1})).await;
    assert_eq!(body["result"]["records"][0]["clave"], "00002");
    let page = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    let report: Value = editor
        .get(app.url(&format!("{page}/validacion.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["valid"], false);
    let errors = report["tasks"][0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["type"], "type-error");
    assert_eq!(errors[0]["rowNumber"], 3_002);
    let (_, html) = app.get_text(page).await;
    assert!(html.contains("Se encontraron 1 observaciones"), "{html}");
    assert!(html.contains("Valores que no corresponden al tipo de la columna: 1"));

    // Leading zeros: a key column where every code has them stays text.
    let state = new_version(
        &app,
        &editor,
        b"cve,nombre\n01001,Aguascalientes\n02002,Mexicali\n",
    )
    .await;
    assert_eq!(state["status"], "ready");
    let (_, body) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(body["result"]["records"][0]["cve"], "01001");
}

#[tokio::test]
async fn a_cancelled_load_says_so_and_the_previous_version_keeps_serving() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    let page = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    loaded(&app, &editor, page).await;
    let id = resource_id(&app, "obra-publica-zacazonapan-2025", "obras-2025").await;
    let mut csv = String::from("obra,monto\n");
    for i in 0..400_000 {
        csv.push_str(&format!("Obra número {i},{}.50\n", i * 3));
    }
    post_version(&app, &editor, "Grande", csv.as_bytes()).await;
    // Cancel the job as soon as it exists (an administrator would, from /admin/trabajos).
    let deadline = Instant::now() + Duration::from_secs(30);
    let job: i64 = loop {
        let job: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM jobs WHERE kind = 'ingest.version' AND status IN ('pending', 'running') ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(app.app_state.db.pool())
        .await
        .unwrap();
        if let Some(j) = job {
            break j;
        }
        assert!(Instant::now() < deadline, "no ingest job");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    app.app_state.jobs.cancel(job).await.unwrap();
    let state = loaded(&app, &editor, page).await;
    assert_eq!(state["status"], "cancelled", "{state}");
    let (_, body) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(body["result"]["total"], 5, "version 2 still answers");
    let (_, html) = app.get_text(page).await;
    assert!(html.contains("La carga se canceló."), "{html}");
    assert!(html.contains("se sigue consultando la versión 2"));
}

#[tokio::test]
async fn the_data_dictionary_is_the_schema_the_file_is_checked_against() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    // The demo dictionary says `avance` is a whole number; this file writes "80%".
    let csv = "obra,localidad,monto,fecha_inicio,avance,latitud,longitud\n\
               Bacheo,Zacazonapan,\"10,000.00\",01/10/2025,80%,19.07,-100.25\n\
               Banquetas,San Miguel,\"5,500.00\",15/10/2025,100,19.06,-100.27\n";
    let state = new_version(&app, &editor, csv.as_bytes()).await;
    assert_eq!(state["status"], "ready", "{state}");
    let page = "/datos/obra-publica-zacazonapan-2025/recursos/obras-2025";
    let report: Value = editor
        .get(app.url(&format!("{page}/validacion.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let errors = report["tasks"][0]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report}");
    assert_eq!(errors[0]["type"], "type-error");
    assert_eq!(errors[0]["fieldName"], "avance");
    let id = resource_id(&app, "obra-publica-zacazonapan-2025", "obras-2025").await;
    let (_, body) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(body["result"]["records"][1]["avance"], 100);
    assert_eq!(body["result"]["records"][0]["monto"], 10_000.0);
    // The census dictionary says the INEGI key is text, though it looks like a number.
    let id = resource_id(&app, "poblacion-municipios-2020", "poblacion-por-municipio").await;
    loaded(
        &app,
        &app.client,
        "/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio",
    )
    .await;
    let (_, body) = search(&app, json!({"resource_id": id, "limit": 1})).await;
    assert_eq!(body["result"]["records"][0]["clave_inegi"], "15001");
}

#[tokio::test]
async fn a_lost_table_is_loaded_again_instead_of_failing() {
    let app = spawn_app().await;
    let page = "/datos/poblacion-municipios-2020/recursos/poblacion-por-municipio";
    let state = loaded(&app, &app.client, page).await;
    let version = state["version_id"].as_i64().unwrap();
    let id = resource_id(&app, "poblacion-municipios-2020", "poblacion-por-municipio").await;
    app.settle().await;
    // As after restoring a backup without the datastore, or losing its file.
    let ds = app
        .app_state
        .service::<ingest::datastore::Datastore>()
        .unwrap();
    ds.drop_table(version).await.unwrap();
    let (status, body) = search(&app, json!({"resource_id": id})).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("se está preparando otra vez"));
    let state = loaded(&app, &app.client, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    let (status, body) = search(&app, json!({"resource_id": id, "limit": 1})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["total"], 125);

    // The same through SQL.
    app.settle().await;
    let version = loaded(&app, &app.client, page).await["version_id"]
        .as_i64()
        .unwrap();
    ds.drop_table(version).await.unwrap();
    let sql = |text: String| sql(&app, text);
    let (status, body) = sql(format!("SELECT count(*) AS n FROM \"{id}\"")).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("se está preparando otra vez"));
    let state = loaded(&app, &app.client, page).await;
    assert_eq!(state["status"], "ready", "{state}");
    let (status, body) = sql(format!("SELECT count(*) AS n FROM \"{id}\"")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["result"]["records"][0]["n"], 125);
}

#[tokio::test]
async fn an_uploaded_table_schema_checks_the_rules_of_every_new_version() {
    let app = spawn_app().await;
    let editor = app.sign_in(EDITOR, accounts::DEMO_PASSWORD).await;
    let dictionary = format!("{WORKS}/diccionario");
    let upload = |text: &'static str| {
        let (app, editor, dictionary) = (&app, &editor, dictionary.clone());
        async move {
            let token = app.form_token(editor, &dictionary).await;
            let (content_type, body) = common::multipart(
                &[("schema_text", "")],
                &[(
                    "schema_file",
                    "esquema.json",
                    "application/json",
                    text.as_bytes(),
                )],
            );
            let r = editor
                .post(app.url(&format!("{WORKS}/esquema?_csrf={token}")))
                .header("content-type", content_type)
                .body(body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    // A broken schema is refused, saying why, and nothing changes.
    let (status, html) = upload(r#"{"fields": [{"name": "obra", "type": "texto"}]}"#).await;
    assert_eq!(status, 422);
    assert!(html.contains("tipo que Table Schema no define"), "{html}");
    let (status, html) = upload("{ no es json").await;
    assert_eq!(status, 422);
    assert!(html.contains("no es JSON válido"), "{html}");

    let schema = r#"{
      "fields": [
        {"name": "obra", "type": "string", "description": "Nombre de la obra", "constraints": {"required": true}},
        {"name": "localidad", "type": "string", "constraints": {"enum": ["Zacazonapan", "San Miguel"]}},
        {"name": "monto", "type": "number", "groupChar": ",", "constraints": {"minimum": 0}},
        {"name": "avance", "type": "integer", "constraints": {"minimum": 0, "maximum": 100}}
      ]
    }"#;
    let (status, _) = upload(schema).await;
    assert_eq!(status, 303);
    // The schema fills the dictionary everyone sees, and is published as JSON.
    let (_, page) = app.get_text(WORKS).await;
    assert!(
        page.contains("Nombre de la obra"),
        "the dictionary shows it"
    );
    let published: Value = app
        .get(&format!("{WORKS}/esquema.json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(published["fields"][3]["constraints"]["maximum"], 100);

    let csv = "obra,localidad,monto,avance\n\
               Bacheo,Zacazonapan,\"10,000.00\",80\n\
               ,Toluca,-5,120\n";
    let state = new_version(&app, &editor, csv.as_bytes()).await;
    assert_eq!(state["status"], "ready", "{state}");
    let report: Value = editor
        .get(app.url(&format!("{WORKS}/validacion.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut found: Vec<(String, String)> = report["tasks"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_string(),
                e["fieldName"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            ("constraint-error".to_string(), "avance".to_string()),
            ("constraint-error".to_string(), "localidad".to_string()),
            ("constraint-error".to_string(), "monto".to_string()),
            ("constraint-error".to_string(), "obra".to_string()),
        ],
        "{report}"
    );

    // Removing it leaves the dictionary; what is published then is the
    // schema the current version was read with.
    let r = app
        .post_form(
            &editor,
            &dictionary,
            &format!("{WORKS}/esquema/quitar"),
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let html = editor
        .get(app.url(&dictionary))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!html.contains("usa un Table Schema subido"));
    assert!(html.contains("value=\"obra\""), "the dictionary stays");
    let read_with: Value = app
        .get(&format!("{WORKS}/esquema.json"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        read_with["fields"].as_array().unwrap().len(),
        4,
        "{read_with}"
    );
    assert!(read_with.get("x-apertura-columns").is_none());
    app.settle().await;
    let changes: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = 'table_schema'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    assert_eq!(changes, 2, "upload and removal are audited");
}

#[tokio::test]
async fn a_geojson_resource_shows_its_map() {
    let app = spawn_app().await;
    let page = "/datos/limites-municipales-edomex/recursos/municipios-geojson";
    let (status, html) = app.get_text(page).await;
    assert_eq!(status, 200);
    assert!(html.contains("class=\"point-map shape-map\""), "{html}");
    assert!(html.contains("Las 125 figuras del archivo"));
    assert!(
        !html.contains(&format!("{page}/tabla")),
        "GeoJSON is not loaded as a table"
    );
    // Drawn once per version: the second page view uses the same picture.
    let (_, again) = app.get_text(page).await;
    assert_eq!(
        html.split("<svg").nth(1).map(str::len),
        again.split("<svg").nth(1).map(str::len)
    );
}
