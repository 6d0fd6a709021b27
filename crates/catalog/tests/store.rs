//! Catalog storage on SQLite and PostgreSQL: datasets and their audit trail,
//! the public listing, and resource versions that can never change.

#![allow(clippy::unwrap_used)]

use catalog::domain::workflow::Status;
use catalog::store::{self, Metadata, NewVersion};
use kernel::authz::Actor;
use kernel::files::StoredBlob;
use kernel::testing::test_db;

async fn setup() -> (kernel::testing::TestDb, i64) {
    let t = test_db(&[
        kernel::MIGRATIONS,
        directory::MIGRATIONS,
        catalog::MIGRATIONS,
    ])
    .await;
    let mut tx = t.db.begin().await.unwrap();
    sqlx::query("INSERT INTO body_kinds (code, sort_order) VALUES ('ayuntamiento', 1)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let body = directory::store::insert_body(
        &mut tx,
        &Actor::system(),
        &directory::store::NewBody {
            slug: "ayuntamiento-de-prueba",
            name: "Ayuntamiento de Prueba",
            kind: "ayuntamiento",
            municipality: None,
            hosted: true,
            is_demo: false,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (t, body)
}

fn meta(title: &str) -> Metadata {
    Metadata {
        title: title.into(),
        description: "Presupuesto **ejercido** por año.".into(),
        themes: vec!["ECON".into(), "GOVE".into()],
        keywords: vec!["presupuesto".into(), "gasto público".into()],
        licence: "cc-by-4.0".into(),
        frequency: Some("ANNUAL".into()),
        language: "es".into(),
        ..Metadata::default()
    }
}

#[tokio::test]
async fn datasets_are_created_updated_published_and_audited() {
    let (t, body) = setup().await;
    let actor = Actor::user(7, kernel::authz::Role::Citizen);
    let mut tx = t.db.begin().await.unwrap();
    let id = store::create_dataset(
        &mut tx,
        &actor,
        "presupuesto-2024",
        body,
        &meta("Presupuesto 2024"),
        false,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let d = store::dataset_by_slug(&t.db, "presupuesto-2024")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(d.status(), Status::Draft);
    assert_eq!(d.meta.keywords, vec!["presupuesto", "gasto público"]);
    assert!(!d.is_public());
    let (public, total) = store::public_datasets(&t.db, 10, 0).await.unwrap();
    assert!(public.is_empty() && total == 0, "drafts are not public");

    let mut tx = t.db.begin().await.unwrap();
    store::update_metadata(&mut tx, &actor, id, &meta("Presupuesto de egresos 2024"))
        .await
        .unwrap();
    store::set_status(&mut tx, &actor, id, Status::Draft, Status::Published, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (public, total) = store::public_datasets(&t.db, 10, 0).await.unwrap();
    assert_eq!(total, 1);
    assert_eq!(public[0].meta.title, "Presupuesto de egresos 2024");
    assert!(public[0].published_at.is_some());

    let mut tx = t.db.begin().await.unwrap();
    store::set_deleted(&mut tx, &actor, id, true).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        store::public_datasets(&t.db, 10, 0).await.unwrap().1,
        0,
        "deleted datasets leave the listing"
    );
    assert_eq!(
        store::datasets_of_body(&t.db, body, false)
            .await
            .unwrap()
            .len(),
        1,
        "but are kept"
    );

    let actions: Vec<String> = kernel::audit::recent(&t.db, Some("dataset"), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["delete", "status", "update", "create"]);
}

#[tokio::test]
async fn versions_number_up_and_never_change() {
    let (t, body) = setup().await;
    let actor = Actor::user(7, kernel::authz::Role::Citizen);
    let mut tx = t.db.begin().await.unwrap();
    let ds = store::create_dataset(&mut tx, &actor, "padron", body, &meta("Padrón"), false)
        .await
        .unwrap();
    let res = store::create_resource(&mut tx, &actor, ds, "padron-csv", "Padrón (CSV)", "", None)
        .await
        .unwrap();
    let blob1 = StoredBlob {
        sha256: "a".repeat(64),
        size: 10,
    };
    let blob2 = StoredBlob {
        sha256: "b".repeat(64),
        size: 20,
    };
    let v1 = store::add_version(
        &mut tx,
        &actor,
        res,
        &NewVersion {
            blob: &blob1,
            media_type: "text/csv",
            format: "CSV",
            filename: "padron.csv",
            notes: None,
        },
    )
    .await
    .unwrap();
    let v2 = store::add_version(
        &mut tx,
        &actor,
        res,
        &NewVersion {
            blob: &blob2,
            media_type: "text/csv",
            format: "CSV",
            filename: "padron.csv",
            notes: Some("corrige acentos"),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert_eq!((v1.number, v2.number), (1, 2));
    let versions = store::versions_of(&t.db, res).await.unwrap();
    assert_eq!(
        versions.iter().map(|v| v.number).collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(
        store::version_by_number(&t.db, res, 1)
            .await
            .unwrap()
            .unwrap(),
        v1
    );

    let change = sqlx::query("UPDATE resource_versions SET sha256 = $1 WHERE id = $2")
        .bind("c".repeat(64))
        .bind(v1.id)
        .execute(t.db.pool())
        .await;
    assert!(
        change.is_err(),
        "a published version can never serve other bytes"
    );
    let delete = sqlx::query("DELETE FROM resource_versions WHERE id = $1")
        .bind(v1.id)
        .execute(t.db.pool())
        .await;
    assert!(delete.is_err());
    assert_eq!(
        store::version_by_number(&t.db, res, 1)
            .await
            .unwrap()
            .unwrap()
            .sha256,
        "a".repeat(64)
    );

    store::count_download(&t.db, v1.id).await.unwrap();
    store::count_download(&t.db, v1.id).await.unwrap();
    store::count_download(&t.db, v2.id).await.unwrap();
    assert_eq!(store::downloads_of_resource(&t.db, res).await.unwrap(), 3);
}
