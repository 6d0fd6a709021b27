//! The quality score over HTTP, on whichever backend the suite runs: a
//! dataset is scored by the jobs as soon as it changes, every point lost is
//! explained in Spanish with what to do, fixing something wins the points
//! back, and the dashboards of the body and of the state rank and chart it.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::{multipart, spawn_app, write_token, TestApp};
use serde_json::{json, Value};

const BODY: &str = "secretaria-de-finanzas";

async fn action(app: &TestApp, token: &str, name: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/action/{name}")))
        .header("authorization", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{name}");
    r.json().await.unwrap()
}

async fn quality(app: &TestApp, slug: &str) -> Value {
    let r = app.get(&format!("/datos/{slug}/calidad.json")).await;
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

fn loss_keys(q: &Value) -> Vec<String> {
    q["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["losses"].as_array().unwrap().iter())
        .map(|l| l["key"].as_str().unwrap().to_string())
        .collect()
}

/// Every point lost is explained, with advice, in Spanish.
fn every_point_explained(q: &Value) {
    let score = q["score"].as_i64().unwrap();
    let criteria = q["criteria"].as_array().unwrap();
    assert_eq!(criteria.len(), 8);
    let mut lost = 0;
    for c in criteria {
        let losses = c["losses"].as_array().unwrap();
        let here: i64 = losses.iter().map(|l| l["points"].as_i64().unwrap()).sum();
        assert_eq!(
            c["points"].as_i64().unwrap() + here,
            c["max"].as_i64().unwrap(),
            "{c}"
        );
        for l in losses {
            let text = l["explanation"].as_str().unwrap();
            assert!(text.len() > 10 && !text.contains("quality-"), "{l}");
            assert!(!text.contains('{'), "an argument was left out: {text}");
            assert!(l["fix"].as_str().unwrap().len() > 10, "{l}");
        }
        lost += here;
    }
    assert_eq!(score + lost, 100, "{q}");
}

#[tokio::test]
async fn a_dataset_is_scored_every_point_lost_explained_and_won_back_when_fixed() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    action(
        &app,
        &token,
        "package_create",
        json!({"name": "ingresos-2025", "title": "Ingresos del estado 2025", "owner_org": BODY,
               "notes": "Ingresos por mes."}),
    )
    .await;
    let (ct, body) = multipart(
        &[("package_id", "ingresos-2025"), ("name", "Ingresos")],
        &[(
            "upload",
            "ingresos.csv",
            "text/csv",
            "mes,concepto,monto\n2025-01,Impuestos,1500\n2025-02,Derechos,800\n".as_bytes(),
        )],
    );
    let r = reqwest::Client::new()
        .post(app.url("/api/action/resource_create"))
        .header("authorization", &token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let resource: Value = r.json().await.unwrap();
    let resource_id = resource["result"]["id"].as_str().unwrap().to_string();
    app.settle().await;

    let q = quality(&app, "ingresos-2025").await;
    every_point_explained(&q);
    let keys = loss_keys(&q);
    for expected in [
        "no-frequency",
        "dictionary-incomplete",
        "short-description",
        "readability-too-short",
        "unused",
        "no-themes",
        "no-keywords",
    ] {
        assert!(keys.iter().any(|k| k == expected), "{expected} in {keys:?}");
    }
    // A CSV under CC BY: format and licence are full.
    let criterion = |q: &Value, code: &str| {
        q["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .cloned()
            .unwrap()
    };
    assert_eq!(criterion(&q, "format")["points"], 20);
    assert_eq!(criterion(&q, "licence")["points"], 10);
    assert_eq!(q["stars"], 3);
    let before = q["score"].as_i64().unwrap();

    // The page says it in Spanish, and the dataset's page shows the card.
    let (status, html) = app.get_text("/datos/ingresos-2025/calidad").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("No declara cada cuánto se actualiza"),
        "{html}"
    );
    assert!(html.contains("Declare cada cuánto se actualiza el conjunto."));
    assert!(html.contains("Solo 0 de 3 columnas tienen descripción"));
    let (_, page) = app.get_text("/datos/ingresos-2025").await;
    assert!(page.contains("Calidad de los datos"));
    assert!(page.contains("/datos/ingresos-2025/calidad"));

    // Using it through the API and declaring a frequency win points back.
    let r = app
        .get(&format!(
            "/api/3/action/datastore_search?resource_id={resource_id}"
        ))
        .await;
    assert_eq!(r.status(), 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    action(
        &app,
        &token,
        "package_patch",
        json!({"id": "ingresos-2025", "frequency": "MONTHLY",
               "tags": [{"name": "ingresos"}, {"name": "finanzas públicas"}]}),
    )
    .await;
    app.settle().await;
    let q = quality(&app, "ingresos-2025").await;
    every_point_explained(&q);
    let keys = loss_keys(&q);
    assert!(!keys.iter().any(|k| k == "no-frequency"), "{keys:?}");
    assert!(!keys.iter().any(|k| k == "no-keywords"), "{keys:?}");
    assert!(keys.iter().any(|k| k == "little-use"), "{keys:?}");
    assert_eq!(q["score"].as_i64().unwrap(), before + 15 + 2 + 3, "{q}");

    // The body's dashboard lists what to fix first; the state ranks it.
    let (status, html) = app
        .get_text(&format!("/sujetos-obligados/{BODY}/calidad"))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Qué corregir primero"));
    assert!(html.contains("Complete el diccionario de datos"));
    assert!(html.contains("/datos/ingresos-2025/calidad"));
    let (status, html) = app.get_text("/calidad").await;
    assert_eq!(status, 200);
    assert!(
        html.contains(&format!("/sujetos-obligados/{BODY}/calidad")),
        "{html}"
    );
    assert!(html.contains("<meter"));
    let (_, profile) = app.get_text(&format!("/sujetos-obligados/{BODY}")).await;
    assert!(profile.contains("Calidad de sus datos"));
}

#[tokio::test]
async fn drafts_are_scored_for_their_body_only_and_the_trend_is_drawn() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    action(
        &app,
        &token,
        "package_create",
        json!({"name": "borrador-deuda", "title": "Deuda pública (borrador)", "owner_org": BODY,
               "state": "draft"}),
    )
    .await;
    app.settle().await;
    // Nobody outside sees a draft, nor its score.
    assert_eq!(app.get("/datos/borrador-deuda/calidad").await.status(), 404);
    assert_eq!(
        app.get("/datos/borrador-deuda/calidad.json").await.status(),
        404
    );
    let (_, public) = app
        .get_text(&format!("/sujetos-obligados/{BODY}/calidad"))
        .await;
    assert!(!public.contains("borrador-deuda"));
    // Its body sees it, with what it lacks.
    let member = app
        .sign_in("enlace.finanzas@apertura.example", DEMO_PASSWORD)
        .await;
    let html = member
        .get(app.url(&format!("/sujetos-obligados/{BODY}/calidad")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("/datos/borrador-deuda/calidad"), "{html}");
    assert!(html.contains("Suba el archivo con los datos"));
    let q: Value = member
        .get(app.url("/datos/borrador-deuda/calidad.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    every_point_explained(&q);
    assert!(loss_keys(&q).iter().any(|k| k == "not-public"));

    // Two days of history draw the trend, with its data as a table.
    for (day, sum) in [("2026-01-01", 100), ("2026-01-02", 160)] {
        sqlx::query(
            "INSERT INTO quality_history (day, body_id, datasets, score_sum, overdue) VALUES ($1, 0, 2, $2, 1)",
        )
        .bind(day)
        .bind(sum as i64)
        .execute(app.app_state.db.pool())
        .await
        .unwrap();
    }
    let (_, html) = app.get_text("/calidad").await;
    assert!(html.contains("<svg class=\"trend\""), "{html}");
    assert!(
        html.contains("<td>2026-01-02</td><td>2</td><td>80.0</td>"),
        "{html}"
    );
}

#[tokio::test]
async fn only_the_institute_recomputes_everything() {
    let app = spawn_app().await;
    let citizen = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    let token = app.form_token(&citizen, "/calidad").await;
    let r = citizen
        .post(app.url("/calidad/recalcular"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let html = reviewer
        .get(app.url("/calidad"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Recalcular todos los puntajes ahora"));
    let token = app.form_token(&reviewer, "/calidad").await;
    let r = reviewer
        .post(app.url("/calidad/recalcular"))
        .form(&[("_csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/calidad?recalculando=1");
    app.settle().await;
}
