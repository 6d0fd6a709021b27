//! The personal-data guard over HTTP, on whichever backend the suite runs:
//! a file with CURPs keeps its dataset from being published until a
//! reviewer records why the data is lawfully public (the justification is
//! in the audit log), and a new file with personal data takes an already
//! public dataset out of public view.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::{multipart, spawn_app, write_token, TestApp};
use serde_json::{json, Value};

/// A valid CURP (its check digit computed) from its first 17 characters.
fn curp(first17: &str) -> String {
    format!(
        "{first17}{}",
        privacy::check::curp_check_digit(first17).unwrap()
    )
}

async fn upload(
    app: &TestApp,
    token: &str,
    action: &str,
    fields: &[(&str, &str)],
    csv: &str,
) -> Value {
    let (ct, body) = multipart(
        fields,
        &[("upload", "beneficiarios.csv", "text/csv", csv.as_bytes())],
    );
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/action/{action}")))
        .header("authorization", token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

#[tokio::test]
async fn curps_block_publication_until_a_reviewer_justifies_them() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_create"))
        .header("authorization", &token)
        .json(&json!({"name": "beneficiarios-becas", "title": "Beneficiarios de becas", "state": "draft",
                      "owner_org": "secretaria-de-finanzas"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (a, b) = (curp("GOMC850101HDFRRR0"), curp("LOPA920315MMCPRN0"));
    let csv = format!("nombre,curp,monto\nCarlos Gómez,{a},1500\nAna López,{b},1500\n");
    let v = upload(
        &app,
        &token,
        "resource_create",
        &[("package_id", "beneficiarios-becas")],
        &csv,
    )
    .await;
    let rid = v["result"]["id"].as_str().unwrap().to_string();
    app.settle().await;

    // The body sees where, masked; the full CURP is nowhere on the page.
    let body = app
        .sign_in("enlace.finanzas@apertura.example", DEMO_PASSWORD)
        .await;
    let html = body
        .get(app.url("/datos/beneficiarios-becas"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Datos personales encontrados"), "{html}");
    assert!(html.contains("fila 2, columna curp"));
    assert!(
        !html.contains(&a) && !html.contains(&b),
        "never the whole value"
    );
    assert!(html.contains("GOMC"));
    // Publishing is refused, in Spanish.
    let r = app
        .post_form(
            &body,
            "/datos/beneficiarios-becas",
            "/datos/beneficiarios-becas/publicar",
            &[],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("contiene datos personales"));
    // Only the institute may justify it, with a real justification.
    let version: i64 =
        sqlx::query_scalar("SELECT version_id FROM privacy_scans WHERE status = 'found'")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    let action = format!("/datos/beneficiarios-becas/datos-personales/{version}");
    let r = app
        .post_form(
            &body,
            "/datos/beneficiarios-becas",
            &action,
            &[("justificacion", "Son públicos por ley, art. 92.")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &reviewer,
            "/datos/beneficiarios-becas",
            &action,
            &[("justificacion", "corta")],
        )
        .await;
    assert_eq!(r.status(), 400);
    let why = "Padrón de beneficiarios de programas sociales: público por la Ley de Transparencia del Estado de México, art. 92, fr. XV.";
    let r = app
        .post_form(
            &reviewer,
            "/datos/beneficiarios-becas",
            &action,
            &[("justificacion", why)],
        )
        .await;
    assert_eq!(r.status(), 303);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'personal_data_justified' AND after_json LIKE $1",
    )
    .bind(format!("%{}%", "art. 92, fr. XV"))
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(audited, 1, "the justification is in the audit log");
    // Now it may be published.
    let r = app
        .post_form(
            &body,
            "/datos/beneficiarios-becas",
            "/datos/beneficiarios-becas/publicar",
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (s, _) = app.get_text("/datos/beneficiarios-becas").await;
    assert_eq!(s, 200);

    // A new file with an e-mail and a phone takes it out of public view.
    let csv = "nombre,correo,telefono\nCarlos Gómez,carlos.gomez@correo.mx,55 1234 5678\n";
    upload(&app, &token, "resource_update", &[("id", &rid)], csv).await;
    app.settle().await;
    let (s, _) = app.get_text("/datos/beneficiarios-becas").await;
    assert_eq!(s, 404, "withdrawn from public view");
    let reason: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'dataset' AND action = 'status' AND after_json LIKE '%datos personales%'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(reason, 1);
}

#[tokio::test]
async fn files_without_personal_data_publish_as_before() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_create"))
        .header("authorization", &token)
        .json(
            &json!({"name": "presupuesto-por-capitulo", "title": "Presupuesto por capítulo",
                      "owner_org": "secretaria-de-finanzas"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // A company's RFC is not personal data.
    let csv = "capitulo,proveedor_rfc,monto\n1000,ABC010101AB1,1500000\n2000,XYZ991231ZZ9,98000\n";
    upload(
        &app,
        &token,
        "resource_create",
        &[("package_id", "presupuesto-por-capitulo")],
        csv,
    )
    .await;
    app.settle().await;
    let (s, _) = app.get_text("/datos/presupuesto-por-capitulo").await;
    assert_eq!(s, 200);
    // Publishing from the page right after an upload: published once the
    // new file is checked (at once, if it already is).
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_create"))
        .header("authorization", &token)
        .json(
            &json!({"name": "plazas-vacantes", "title": "Plazas vacantes", "state": "draft",
                      "owner_org": "secretaria-de-finanzas"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    upload(
        &app,
        &token,
        "resource_create",
        &[("package_id", "plazas-vacantes")],
        "plaza,nivel\nAnalista,21\n",
    )
    .await;
    let body = app
        .sign_in("enlace.finanzas@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &body,
            "/datos/plazas-vacantes",
            "/datos/plazas-vacantes/publicar",
            &[],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.settle().await;
    let (s, _) = app.get_text("/datos/plazas-vacantes").await;
    assert_eq!(s, 200, "published once checked");
    let status: String =
        sqlx::query_scalar("SELECT status FROM privacy_scans ORDER BY version_id LIMIT 1")
            .fetch_one(app.app_state.db.pool())
            .await
            .unwrap();
    assert_eq!(status, "clean");
}

#[tokio::test]
async fn a_new_version_waits_for_its_check_while_the_previous_one_serves() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_create"))
        .header("authorization", &token)
        .json(
            &json!({"name": "nomina-resumen", "title": "Nómina por nivel",
                      "owner_org": "secretaria-de-finanzas"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v = upload(
        &app,
        &token,
        "resource_create",
        &[("package_id", "nomina-resumen")],
        "nivel,plazas\n21,4\n",
    )
    .await;
    let rid = v["result"]["id"].as_str().unwrap().to_string();
    app.settle().await;
    upload(
        &app,
        &token,
        "resource_update",
        &[("id", &rid)],
        "nivel,plazas\n21,4\n22,9\n",
    )
    .await;
    app.settle().await;
    // As if its check had not run yet (a second after the upload).
    let (version, slug): (i64, String) = {
        let row: (i64, String) = sqlx::query_as(
            "SELECT v.id, r.slug FROM resource_versions v JOIN resources r ON r.id = v.resource_id \
             WHERE r.id = $1 AND v.number = 2",
        )
        .bind(rid.parse::<i64>().unwrap())
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
        row
    };
    sqlx::query("DELETE FROM privacy_scans WHERE version_id = $1")
        .bind(version)
        .execute(app.app_state.db.pool())
        .await
        .unwrap();
    let file = format!("/datos/nomina-resumen/recursos/{slug}/v/2/beneficiarios.csv");
    let (s, html) = app.get_text(&file).await;
    assert_eq!(s, 503);
    assert!(
        html.contains("se está revisando en busca de datos personales"),
        "{html}"
    );
    // The table served to the public is still the first, checked one.
    let r: Value = app
        .get(&format!("/api/3/action/datastore_search?resource_id={rid}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"]["total"], 1, "{r}");
    // Its body reads the new one at once.
    let r = reqwest::Client::new()
        .get(app.url(&file))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r: Value = reqwest::Client::new()
        .get(app.url(&format!("/api/3/action/datastore_search?resource_id={rid}")))
        .header("authorization", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["result"]["total"], 2);
    // What was never checked is checked when a process starts.
    app.app_state
        .jobs
        .enqueue(kernel::jobs::NewJob::new(
            "ingest.privacy_backfill",
            json!({}),
        ))
        .await
        .unwrap();
    app.settle().await;
    let (s, _) = app.get_text(&file).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn personal_identifiers_in_a_description_are_refused() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_create"))
        .header("authorization", &token)
        .json(&json!({"name": "apoyos", "title": "Apoyos entregados",
                      "notes": format!("Ejemplo de beneficiario: {}.", curp("GOMC850101HDFRRR0")),
                      "owner_org": "secretaria-de-finanzas"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["__type"], "Validation Error", "{v}");
    assert!(v.to_string().contains("datos personales"), "{v}");
    let (s, _) = app.get_text("/datos/apoyos").await;
    assert_eq!(s, 404, "nothing was stored");
}
