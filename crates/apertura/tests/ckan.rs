//! CKAN's Action API over HTTP, on whichever backend the suite runs: the
//! envelope and error shapes clients rely on, values sent as strings, what
//! the public may read, and the writes a body's API token may make — through
//! the catalog's own rules (workflow, uploads, versions, soft deletion).

#![allow(clippy::unwrap_used)]

mod common;

use common::{multipart, spawn_app, write_token, TestApp};
use serde_json::{json, Value};

async fn get(app: &TestApp, path: &str) -> (u16, Value) {
    let r = app.get(path).await;
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

async fn post(app: &TestApp, token: Option<&str>, action: &str, body: Value) -> (u16, Value) {
    let mut req = reqwest::Client::new()
        .post(app.url(&format!("/api/action/{action}")))
        .json(&body);
    if let Some(t) = token {
        req = req.header("authorization", t);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn reads_have_ckans_envelope_and_take_strings() {
    let app = spawn_app().await;
    app.settle().await;
    let (s, v) = get(&app, "/api/3/action/status_show").await;
    assert_eq!(s, 200);
    assert_eq!(v["success"], true);
    assert!(v["help"]
        .as_str()
        .unwrap()
        .ends_with("/api/3/action/help_show?name=status_show"));
    assert!(v["result"]["ckan_version"]
        .as_str()
        .unwrap()
        .starts_with("2."));

    let (_, v) = get(&app, "/api/action/package_list").await;
    let names: Vec<&str> = v["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(names.contains(&"poblacion-municipios-2020"), "{v}");
    // The demo's budget is in review: not public, not listed.
    assert!(!names.contains(&"presupuesto-egresos-zacazonapan-2026"));

    let (s, v) = get(
        &app,
        "/api/3/action/package_show?id=poblacion-municipios-2020",
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let p = &v["result"];
    assert_eq!(p["name"], "poblacion-municipios-2020");
    assert_eq!(p["state"], "active");
    assert_eq!(p["type"], "dataset");
    assert!(
        p["title"].as_str().unwrap().contains("Población"),
        "accents kept: {p}"
    );
    assert!(p["license_id"].is_string());
    assert!(p["organization"]["name"].is_string());
    let res = &p["resources"][0];
    assert!(res["url"].as_str().unwrap().starts_with("http"), "{res}");
    assert_eq!(res["format"], "CSV");
    assert_eq!(res["datastore_active"], true, "{res}");
    assert!(res["hash"].as_str().unwrap().starts_with("sha256:"));
    // The same by numeric id, and resource_show of its resource.
    let id = p["id"].as_str().unwrap().to_string();
    let (s, v2) = get(&app, &format!("/api/action/package_show?id={id}")).await;
    assert_eq!(s, 200);
    assert_eq!(v2["result"]["name"], "poblacion-municipios-2020");
    let rid = res["id"].as_str().unwrap();
    let (s, r) = get(&app, &format!("/api/3/action/resource_show?id={rid}")).await;
    assert_eq!(s, 200);
    assert_eq!(r["result"]["package_id"], id.as_str());

    // package_search gives whole package dicts.
    let (_, v) = get(&app, "/api/3/action/package_search?q=poblacion&rows=5").await;
    let first = &v["result"]["results"][0];
    assert_eq!(first["name"], "poblacion-municipios-2020", "{v}");
    assert!(!first["resources"].as_array().unwrap().is_empty());
    assert!(first["organization"]["title"].is_string());

    // Organizations (bodies) and groups (themes), with values as strings.
    let (_, v) = get(
        &app,
        "/api/3/action/organization_list?all_fields=true&limit=500",
    )
    .await;
    let orgs = v["result"].as_array().unwrap();
    let zaca = orgs
        .iter()
        .find(|o| o["name"] == "ayuntamiento-de-zacazonapan")
        .unwrap();
    assert!(zaca["package_count"].as_i64().unwrap() >= 1, "{zaca}");
    let (_, v) = post(
        &app,
        None,
        "organization_list",
        json!({"limit": "2", "offset": "1"}),
    )
    .await;
    assert_eq!(v["result"].as_array().unwrap().len(), 2);
    assert!(v["result"][0].is_string());
    let (s, v) = get(
        &app,
        "/api/3/action/organization_show?id=ayuntamiento-de-zacazonapan&include_datasets=True",
    )
    .await;
    assert_eq!(s, 200);
    assert!(!v["result"]["packages"].as_array().unwrap().is_empty());
    let (_, v) = get(&app, "/api/3/action/group_list").await;
    assert!(v["result"].as_array().unwrap().contains(&json!("econ")));
    let (s, v) = get(&app, "/api/3/action/group_show?id=ECON").await;
    assert_eq!(s, 200);
    assert_eq!(v["result"]["name"], "econ");
    let (_, v) = get(&app, "/api/3/action/license_list").await;
    assert!(v["result"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == "cc-by"));
    let (s, v) = get(&app, "/api/3/action/tag_list").await;
    assert_eq!(s, 200);
    assert!(v["result"].is_array());
    let (_, v) = get(&app, "/api/3/action/site_read").await;
    assert_eq!(v["result"], true);
}

#[tokio::test]
async fn refusals_have_ckans_shape_in_spanish() {
    let app = spawn_app().await;
    // Missing parameter: a Validation Error naming the field.
    let (s, v) = get(&app, "/api/3/action/package_show").await;
    assert_eq!(s, 409);
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["__type"], "Validation Error");
    assert!(v["error"]["id"][0].as_str().unwrap().starts_with("Falta"));
    // Unknown, and not public (a draft in review): Not Found, same answer.
    for id in ["no-existe", "presupuesto-egresos-zacazonapan-2026"] {
        let (s, v) = get(&app, &format!("/api/3/action/package_show?id={id}")).await;
        assert_eq!(s, 404, "{id}");
        assert_eq!(v["error"]["__type"], "Not Found Error");
        assert!(v["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("No encontrado"));
    }
    // Bad numbers and booleans.
    for bad in ["limit=-1", "limit=muchos", "offset=x", "all_fields=quiza"] {
        let (s, v) = get(&app, &format!("/api/3/action/organization_list?{bad}")).await;
        assert_eq!(s, 409, "{bad}: {v}");
        assert_eq!(v["error"]["__type"], "Validation Error");
    }
    // A body that is not JSON.
    let r = reqwest::Client::new()
        .post(app.url("/api/action/package_show"))
        .header("content-type", "application/json")
        .body("{no es json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("JSON"));
    // An action that does not exist: CKAN's bare string.
    let (s, v) = get(&app, "/api/3/action/vocabulary_list").await;
    assert_eq!(s, 400);
    assert!(v.as_str().unwrap().contains("vocabulary_list"));
    // Writing without a token: CKAN's Authorization Error.
    let (s, v) = post(
        &app,
        None,
        "package_create",
        json!({"name": "x1", "title": "Intento"}),
    )
    .await;
    assert!(s == 401 || s == 403, "{s}: {v}");
    assert_eq!(v["success"], false);
    assert_eq!(v["error"]["__type"], "Authorization Error");
    assert!(v["help"].as_str().unwrap().contains("package_create"));
}

#[tokio::test]
async fn a_bodys_token_creates_uploads_edits_and_deletes() {
    let app = spawn_app().await;
    // The Secretaría de Finanzas is not hosted: it publishes without review.
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let t = Some(token.as_str());

    // Create: no resource yet, so it waits as a draft to be published.
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({
            "name": "padron-de-proveedores",
            "title": "Padrón de proveedores",
            "notes": "Proveedores del municipio.",
            "owner_org": "secretaria-de-finanzas",
            "license_id": "cc-by",
            "tags": [{"name": "compras"}, {"name": "proveedores"}],
            "groups": [{"name": "gove"}],
            "extras": [{"key": "frequency", "value": "ANNUAL"}],
        }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    let p = &v["result"];
    assert_eq!(p["name"], "padron-de-proveedores");
    assert_eq!(p["state"], "draft");
    assert_eq!(p["groups"][0]["name"], "gove");
    assert_eq!(p["license_id"], "cc-by");
    let id = p["id"].as_str().unwrap().to_string();
    // Drafts are not public.
    let (s, _) = get(&app, "/api/3/action/package_show?id=padron-de-proveedores").await;
    assert_eq!(s, 404);

    // The same name again, and fields the catalog refuses.
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({"name": "padron-de-proveedores", "title": "Otro", "owner_org": "secretaria-de-finanzas"}),
    )
    .await;
    assert_eq!(s, 409);
    assert!(v["error"]["name"][0].as_str().unwrap().contains("en uso"));
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({"name": "Mal Nombre", "title": "x", "license_id": "inventada", "groups": ["nada"],
               "owner_org": "secretaria-de-finanzas"}),
    )
    .await;
    assert_eq!(s, 409);
    for field in ["name", "title", "license_id", "groups"] {
        assert!(v["error"][field].is_array(), "{field}: {v}");
    }
    // Another body's name: not this token's to write.
    let (s, _) = post(
        &app,
        t,
        "package_create",
        json!({"name": "ajeno", "title": "Ajeno", "owner_org": "ayuntamiento-de-zacazonapan"}),
    )
    .await;
    assert!(s == 403 || s == 409, "{s}");

    // Upload a CSV as ckanapi does (multipart, the file in `upload`):
    // the dataset asked to be public, so now it is.
    let csv = "municipio,proveedores\nZacazonapan,12\nToluca,340\n";
    let (ct, body) = multipart(
        &[
            ("package_id", "padron-de-proveedores"),
            ("name", "Proveedores 2025"),
        ],
        &[("upload", "proveedores.csv", "text/csv", csv.as_bytes())],
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
    let v: Value = r.json().await.unwrap();
    let rid = v["result"]["id"].as_str().unwrap().to_string();
    assert_eq!(v["result"]["format"], "CSV");
    assert_eq!(v["result"]["package_id"], id.as_str());
    app.settle().await;
    let (s, v) = get(&app, "/api/3/action/package_show?id=padron-de-proveedores").await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"]["state"], "active");
    assert_eq!(v["result"]["resources"][0]["datastore_active"], true);
    let (_, v) = get(
        &app,
        &format!("/api/action/datastore_search?resource_id={rid}"),
    )
    .await;
    assert_eq!(v["result"]["total"], 2, "{v}");
    let (_, v) = get(&app, "/api/3/action/package_search?q=proveedores").await;
    assert_eq!(
        v["result"]["results"][0]["name"], "padron-de-proveedores",
        "{v}"
    );

    // Patch one field; the rest stays.
    let (s, v) = post(
        &app,
        t,
        "package_patch",
        json!({"id": "padron-de-proveedores", "title": "Padrón de proveedores 2025"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"]["title"], "Padrón de proveedores 2025");
    assert_eq!(v["result"]["notes"], "Proveedores del municipio.");
    assert_eq!(v["result"]["num_resources"], 1);
    // Update with what package_show gave (the round trip CKAN recommends).
    let mut whole = v["result"].clone();
    whole["notes"] = json!("Proveedores registrados en el municipio.");
    let (s, v) = post(&app, t, "package_update", whole).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        v["result"]["notes"],
        "Proveedores registrados en el municipio."
    );
    assert_eq!(v["result"]["num_resources"], 1);
    assert_eq!(v["result"]["tags"].as_array().unwrap().len(), 2);
    // A permanent address does not change.
    let (s, v) = post(
        &app,
        t,
        "package_patch",
        json!({"id": "padron-de-proveedores", "name": "otro-nombre"}),
    )
    .await;
    assert_eq!(s, 409);
    assert!(v["error"]["name"][0]
        .as_str()
        .unwrap()
        .contains("permanente"));

    // A new version of the file: version 2, the first still served.
    let (ct, body) = multipart(
        &[("id", &rid)],
        &[(
            "upload",
            "proveedores.csv",
            "text/csv",
            b"municipio,proveedores\nZacazonapan,13\n",
        )],
    );
    let r = reqwest::Client::new()
        .post(app.url("/api/3/action/resource_update"))
        .header("authorization", &token)
        .header("content-type", ct)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["result"]["version"], 2, "{v}");
    let first = app
        .get("/datos/padron-de-proveedores/recursos/proveedores-2025/v/1/proveedores.csv")
        .await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.text().await.unwrap(), csv);
    // Rename the resource with JSON.
    let (s, v) = post(
        &app,
        t,
        "resource_update",
        json!({"id": rid, "name": "Proveedores"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"]["name"], "Proveedores");

    // Delete: soft, audited, and gone from public view.
    let (s, v) = post(
        &app,
        t,
        "package_delete",
        json!({"id": "padron-de-proveedores"}),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"], Value::Null);
    let (s, _) = get(&app, "/api/3/action/package_show?id=padron-de-proveedores").await;
    assert_eq!(s, 404);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM datasets WHERE slug = $1")
        .bind("padron-de-proveedores")
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 1, "deletion is soft");
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'dataset' AND entity_id = $1",
    )
    .bind(&id)
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert!(audited >= 5, "every write audited: {audited}");
}

#[tokio::test]
async fn links_given_inline_publish_at_once_and_private_stays_private() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.finanzas@apertura.example").await;
    let t = Some(token.as_str());
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({
            "name": "tramites-en-linea",
            "title": "Trámites en línea",
            "owner_org": "secretaria-de-finanzas",
            "resources": [{"name": "Portal", "url": "https://zacazonapan.gob.mx/tramites"}],
        }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"]["state"], "active");
    assert_eq!(
        v["result"]["resources"][0]["url"],
        "https://zacazonapan.gob.mx/tramites"
    );
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({
            "name": "borrador-interno",
            "title": "Borrador interno",
            "owner_org": "secretaria-de-finanzas",
            "private": "true",
            "resources": [{"name": "Portal", "url": "https://zacazonapan.gob.mx/"}],
        }),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["result"]["private"], true);
    // The body sees it with its token; the public does not.
    let r = reqwest::Client::new()
        .get(app.url("/api/3/action/package_show?id=borrador-interno"))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, _) = get(&app, "/api/3/action/package_show?id=borrador-interno").await;
    assert_eq!(s, 404);
    // A link that is not http(s).
    let (s, v) = post(
        &app,
        t,
        "resource_create",
        json!({"package_id": "tramites-en-linea", "name": "x", "url": "javascript:alert(1)"}),
    )
    .await;
    assert_eq!(s, 409, "{v}");
    assert!(v["error"]["url"].is_array());
}

#[tokio::test]
async fn a_hosted_bodys_dataset_goes_to_review_when_it_has_a_file() {
    let app = spawn_app().await;
    let token = write_token(&app, "enlace.zacazonapan@apertura.example").await;
    let t = Some(token.as_str());
    let (s, v) = post(
        &app,
        t,
        "package_create",
        json!({"name": "agua-potable", "title": "Tomas de agua potable"}),
    )
    .await;
    assert_eq!(s, 200, "the token's only body is the owner: {v}");
    assert_eq!(
        v["result"]["organization"]["name"],
        "ayuntamiento-de-zacazonapan"
    );
    let (ct, body) = multipart(
        &[("package_id", "agua-potable")],
        &[(
            "upload",
            "tomas.csv",
            "text/csv",
            b"colonia,tomas\nCentro,120\n",
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
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["result"]["name"], "tomas.csv", "named after its file");
    let r = reqwest::Client::new()
        .get(app.url("/api/3/action/package_show?id=agua-potable"))
        .header("authorization", &token)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["result"]["state"], "draft");
    let status = v["result"]["extras"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "workflow_status")
        .unwrap()["value"]
        .clone();
    assert_eq!(status, "review");
    // An editor's token may not delete (administrators only).
    let (s, _) = post(&app, t, "package_delete", json!({"id": "agua-potable"})).await;
    assert_eq!(s, 200, "the body's administrator may");
}
