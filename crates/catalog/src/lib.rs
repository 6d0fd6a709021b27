//! The open-data catalog (work plan line 3; TP 2 c): datasets published by
//! public bodies, their resources, and every version of every file, kept
//! forever at its own permanent address.

pub mod domain;
pub mod http;
pub mod privacy;
pub mod search;
pub mod seeds;
pub mod store;

use kernel::db::MigrationSet;
use kernel::web::Asset;
use kernel::Capability;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        catalogs: [kernel::catalogs!("catalog"), kernel::catalogs!("resources")].concat(),
        templates: vec![
            ("catalog/list.html", include_str!("../templates/list.html")),
            (
                "catalog/dataset.html",
                include_str!("../templates/dataset.html"),
            ),
            ("catalog/form.html", include_str!("../templates/form.html")),
            (
                "catalog/resource_new.html",
                include_str!("../templates/resource_new.html"),
            ),
            (
                "catalog/resource_page.html",
                include_str!("../templates/resource_page.html"),
            ),
            (
                "catalog/fragment_body.html",
                include_str!("../templates/fragment_body.html"),
            ),
            (
                "catalog/dictionary.html",
                include_str!("../templates/dictionary.html"),
            ),
        ],
        assets: vec![Asset {
            name: "upload.js",
            content_type: "text/javascript; charset=utf-8",
            bytes: include_bytes!("../assets/upload.js"),
        }],
        routes: http::routes,
        fragments: vec![std::sync::Arc::new(http::fragments::BodyDatasets)],
        // Every version's bytes are kept forever.
        file_refs: vec!["SELECT sha256 FROM resource_versions"],
        seeds: Some(std::sync::Arc::new(seeds::CatalogSeeds)),
        jobs: |state| {
            vec![std::sync::Arc::new(search::BodyDatasets {
                db: state.db.clone(),
                events: state.events.clone(),
                jobs: state.jobs.clone(),
            })]
        },
        subscriptions: vec![kernel::events::Subscription {
            event: kernel::events::BODY_CHANGED,
            job: search::BODY_DATASETS,
        }],
        search_sources: vec![
            std::sync::Arc::new(search::Datasets),
            std::sync::Arc::new(search::Resources),
        ],
        ..Capability::new("catalog")
    }
}
