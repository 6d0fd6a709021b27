//! The catalog's datasets over HTTP: an editor creates a draft (errors beside
//! the fields), drafts stay hidden, the workflow publishes directly or through
//! the institute's review, deletion is soft and reversible, every step audited.

#![allow(clippy::unwrap_used)]

mod common;

use accounts::DEMO_PASSWORD;
use common::spawn_app;

async fn body_id(app: &common::TestApp, slug: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM bodies WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.app_state.db.pool())
        .await
        .unwrap()
}

/// Adds a link resource directly (uploads are tested in resources.rs).
async fn add_link(app: &common::TestApp, slug: &str) {
    common::add_link(
        app,
        slug,
        "portal",
        "Portal",
        "https://example.org/datos.csv",
    )
    .await;
}

#[tokio::test]
async fn an_editor_creates_a_draft_and_publishes_it() {
    let app = spawn_app().await;
    // Toluca is not hosted: its datasets publish without review. Make the
    // Zacazonapan editor also an editor of Toluca for this test.
    let toluca = body_id(&app, "ayuntamiento-de-toluca").await;
    let editor: i64 = sqlx::query_scalar(
        "SELECT id FROM users WHERE email = 'editor.zacazonapan@apertura.example'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    let mut tx = app.app_state.db.begin().await.unwrap();
    accounts::store::add_membership(
        &mut tx,
        &kernel::authz::Actor::system(),
        editor,
        toluca,
        kernel::authz::Role::BodyEditor,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let client = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;

    // Errors beside the fields, values kept.
    let r = app
        .post_form(
            &client,
            "/datos/nuevo",
            "/datos/nuevo",
            &[
                ("body", &toluca.to_string()),
                ("title", "ab"),
                ("contact_email", "mal"),
                ("temporal_start", "2024-02-30"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("Escriba un título de 3 a 200 caracteres."));
    assert!(html.contains("Escriba un correo electrónico válido."));
    assert!(html.contains("año-mes-día"));

    let toluca_s = toluca.to_string();
    let r = app
        .post_form(
            &client,
            "/datos/nuevo",
            "/datos/nuevo",
            &[
                ("body", toluca_s.as_str()),
                ("title", "Presupuesto de egresos 2024"),
                (
                    "description",
                    "Montos **aprobados** por dependencia.\n\n<script>alert(1)</script>",
                ),
                ("themes", "ECON"),
                ("themes", "GOVE"),
                ("keywords", "presupuesto, gasto público"),
                ("licence", "cc-by-4.0"),
                ("frequency", "ANNUAL"),
                ("spatial", "15106"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(location, "/datos/presupuesto-de-egresos-2024");

    // A draft: invisible to the public, visible to its editor.
    let (status, _) = app.get_text(&location).await;
    assert_eq!(status, 404);
    let html = client
        .get(app.url(&location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Borrador"));
    assert!(
        html.contains("<strong>aprobados</strong>"),
        "Markdown rendered"
    );
    assert!(!html.contains("<script>alert(1)</script>"), "and sanitised");
    let (_, list) = app.get_text("/datos").await;
    assert!(!list.contains("Presupuesto de egresos 2024"));

    // Nothing empty is published.
    let r = app
        .post_form(&client, &location, &format!("{location}/publicar"), &[])
        .await;
    assert_eq!(r.status(), 409);
    add_link(&app, "presupuesto-de-egresos-2024").await;
    let r = app
        .post_form(&client, &location, &format!("{location}/publicar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let (status, html) = app.get_text(&location).await;
    assert_eq!(status, 200);
    assert!(html.contains("Presupuesto de egresos 2024"));
    let (_, list) = app.get_text("/datos").await;
    assert!(list.contains("Presupuesto de egresos 2024"));
    let published: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM datasets WHERE status = 'published' AND deleted_at IS NULL",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert!(list.contains(&format!("{published} conjuntos de datos publicados.")));

    // Edit keeps history in the audit log.
    let r = app
        .post_form(
            &client,
            &format!("{location}/editar"),
            &format!("{location}/editar"),
            &[
                ("title", "Presupuesto de egresos 2024 (aprobado)"),
                ("licence", "cc-by-4.0"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'dataset' AND actor_kind = 'user' ORDER BY id",
    )
    .fetch_all(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(actions, ["create", "status", "update"]);
}

#[tokio::test]
async fn hosted_bodies_publish_through_the_institutes_review() {
    let app = spawn_app().await;
    let zaca = body_id(&app, "ayuntamiento-de-zacazonapan").await;
    let client = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &client,
            "/datos/nuevo",
            "/datos/nuevo",
            &[
                ("body", &zaca.to_string()),
                ("title", "Obras públicas 2025"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    add_link(&app, "obras-publicas-2025").await;
    let page = "/datos/obras-publicas-2025";
    let r = app
        .post_form(&client, page, &format!("{page}/publicar"), &[])
        .await;
    assert_eq!(r.status(), 409, "hosted bodies cannot publish directly");
    assert!(r.text().await.unwrap().contains("revisión del Infoem"));
    let r = app
        .post_form(&client, page, &format!("{page}/enviar-a-revision"), &[])
        .await;
    assert_eq!(r.status(), 303);
    // The editor cannot approve; a reviewer can.
    let r = app
        .post_form(&client, page, &format!("{page}/aprobar"), &[])
        .await;
    assert_eq!(r.status(), 403);
    let reviewer = app
        .sign_in("revision@apertura.example", DEMO_PASSWORD)
        .await;
    let html = reviewer
        .get(app.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Aprobar y publicar"));
    let r = app
        .post_form(&reviewer, page, &format!("{page}/aprobar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let (status, _) = app.get_text(page).await;
    assert_eq!(status, 200, "public after approval");
    // The body's profile and its municipality's hosted site list it.
    let (_, profile) = app
        .get_text("/sujetos-obligados/ayuntamiento-de-zacazonapan")
        .await;
    assert!(profile.contains("Datos abiertos publicados"));
    assert!(
        profile.contains("href=\"/datos/obras-publicas-2025\""),
        "{profile}"
    );
    let (_, site) = app.get_text("/municipios/zacazonapan").await;
    assert!(site.contains("publica su información en la plataforma del Infoem"));
    assert!(site.contains("Obras públicas 2025"));
    // A draft stays off the public pages; its editors see how many wait.
    let r = app
        .post_form(
            &client,
            "/datos/nuevo",
            "/datos/nuevo",
            &[("body", &zaca.to_string()), ("title", "Borrador interno")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, site) = app.get_text("/municipios/zacazonapan").await;
    assert!(!site.contains("Borrador interno"));
    let html = client
        .get(app.url("/sujetos-obligados/ayuntamiento-de-zacazonapan"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM datasets d JOIN bodies b ON b.id = d.body_id \
         WHERE b.slug = 'ayuntamiento-de-zacazonapan' AND d.status <> 'published' AND d.deleted_at IS NULL",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert!(waiting >= 1);
    assert!(html.contains(&format!(
        "Conjuntos de datos sin publicar (borradores, en revisión o retirados): {waiting}."
    )));
}

#[tokio::test]
async fn editors_cannot_touch_other_bodies_and_deletion_is_soft() {
    let app = spawn_app().await;
    let toluca = body_id(&app, "ayuntamiento-de-toluca").await;
    let client = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &client,
            "/datos/nuevo",
            "/datos/nuevo",
            &[("body", &toluca.to_string()), ("title", "Ajeno")],
        )
        .await;
    assert_eq!(
        r.status(),
        422,
        "a body they do not belong to is not offered"
    );
    // A Toluca dataset made by an administrator.
    let admin = app.sign_in("admin@apertura.example", DEMO_PASSWORD).await;
    let r = app
        .post_form(
            &admin,
            "/datos/nuevo",
            "/datos/nuevo",
            &[("body", &toluca.to_string()), ("title", "Padrón de Toluca")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let page = "/datos/padron-de-toluca";
    let r = client
        .get(app.url(&format!("{page}/editar")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "another body's draft is not even revealed");
    add_link(&app, "padron-de-toluca").await;
    let r = app
        .post_form(&admin, page, &format!("{page}/publicar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let r = client
        .get(app.url(&format!("{page}/editar")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "published, but not theirs to edit");
    // Soft deletion, reversible by an administrator.
    let r = app
        .post_form(&admin, page, &format!("{page}/eliminar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get_text(page).await.0, 404);
    let r = app
        .post_form(&admin, page, &format!("{page}/restaurar"), &[])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.get_text(page).await.0, 200);
}

#[tokio::test]
async fn the_data_dictionary_is_edited_by_the_body_and_shown_to_all() {
    let app = spawn_app().await;
    let zaca = body_id(&app, "ayuntamiento-de-zacazonapan").await;
    let system = kernel::authz::Actor::system();
    let blob = app
        .app_state
        .files
        .put_bytes(bytes::Bytes::from_static(
            "clave,monto\n15116,100.5\n".as_bytes(),
        ))
        .await
        .unwrap();
    let mut tx = app.app_state.db.begin().await.unwrap();
    let meta = catalog::store::Metadata {
        title: "Pagos".into(),
        licence: "cc-by-4.0".into(),
        language: "es".into(),
        ..Default::default()
    };
    let ds = catalog::store::create_dataset(&mut tx, &system, "pagos", zaca, &meta, false)
        .await
        .unwrap();
    let res =
        catalog::store::create_resource(&mut tx, &system, ds, "pagos-csv", "Pagos (CSV)", "", None)
            .await
            .unwrap();
    catalog::store::add_version(
        &mut tx,
        &system,
        res,
        &catalog::store::NewVersion {
            blob: &blob,
            media_type: "text/csv",
            format: "CSV",
            filename: "pagos.csv",
            notes: None,
        },
    )
    .await
    .unwrap();
    catalog::store::set_status(
        &mut tx,
        &system,
        ds,
        catalog::domain::workflow::Status::Draft,
        catalog::domain::workflow::Status::Published,
        None,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let form = "/datos/pagos/recursos/pagos-csv/diccionario";
    assert_eq!(app.get(form).await.status(), 401);
    let citizen = app
        .sign_in("ciudadana@apertura.example", DEMO_PASSWORD)
        .await;
    assert_eq!(
        citizen.get(app.url(form)).send().await.unwrap().status(),
        403
    );

    let editor = app
        .sign_in("editor.zacazonapan@apertura.example", DEMO_PASSWORD)
        .await;
    let r = app
        .post_form(
            &editor,
            form,
            form,
            &[
                ("name_0", "clave"),
                ("type_0", "string"),
                ("name_1", "clave"),
                ("type_1", "number"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Esta columna ya está en el diccionario."));
    let r = app
        .post_form(
            &editor,
            form,
            form,
            &[
                ("name_0", "clave"),
                ("type_0", "string"),
                (
                    "description_0",
                    "Clave INEGI del municipio, con ceros a la izquierda",
                ),
                ("name_1", "monto"),
                ("type_1", "number"),
                ("unit_1", "pesos (MXN)"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, page) = app.get_text("/datos/pagos/recursos/pagos-csv").await;
    assert!(page.contains("Diccionario de datos"));
    assert!(page.contains("Clave INEGI del municipio, con ceros a la izquierda"));
    assert!(page.contains("Número con decimales"));
    assert!(page.contains("pesos (MXN)"));
    assert!(
        !page.contains("Editar el diccionario de datos"),
        "only editors get the link"
    );
    let entries: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'dictionary' AND actor_kind = 'user'",
    )
    .fetch_one(app.app_state.db.pool())
    .await
    .unwrap();
    assert_eq!(entries, 1);
}
