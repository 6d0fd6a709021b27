//! Tabular ingest (work plan line 3): every CSV/TSV/XLSX version is read,
//! validated and loaded into the datastore, where citizens preview it and
//! developers query it through CKAN's `datastore_search`.

pub mod chart;
pub mod datastore;
pub mod geo;
pub mod http;
pub mod job;
pub mod privacy;
pub mod query;
pub mod sql;
pub mod store;
pub mod usage;

use std::sync::Arc;

use kernel::db::MigrationSet;
use kernel::events::{Subscription, RESOURCE_VERSION_CREATED};
use kernel::web::Asset;
use kernel::Capability;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

/// Answers kept per process (a version's answers never change).
const CACHED_ANSWERS: usize = 4_096;
/// GeoJSON maps kept per process.
const CACHED_MAPS: usize = 64;

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        catalogs: kernel::catalogs!("ingest"),
        templates: vec![
            (
                "ingest/fragment_resource.html",
                include_str!("../templates/fragment_resource.html"),
            ),
            ("ingest/table.html", include_str!("../templates/table.html")),
            (
                "ingest/fragment_map.html",
                include_str!("../templates/fragment_map.html"),
            ),
        ],
        assets: vec![Asset {
            name: "ingest.js",
            content_type: "text/javascript; charset=utf-8",
            bytes: include_bytes!("../assets/ingest.js"),
        }],
        routes: http::routes,
        fragments: vec![Arc::new(http::ResourceTable), Arc::new(geo::GeoMap)],
        services: |config| {
            Ok(vec![
                Arc::new(datastore::Datastore::open(config)?),
                Arc::new(http::AnswerCache::new(CACHED_ANSWERS)),
                Arc::new(geo::MapCache::new(CACHED_MAPS)),
                Arc::new(usage::ApiCalls::default()),
            ])
        },
        jobs: |state| {
            let Some(ds) = state.service::<datastore::Datastore>() else {
                return vec![];
            };
            vec![
                Arc::new(job::IngestVersion {
                    db: state.db.clone(),
                    events: state.events.clone(),
                    jobs: state.jobs.clone(),
                    files: state.files.clone(),
                    datastore: ds.clone(),
                    tmp_dir: state.config.data_dir.join("tmp"),
                }),
                Arc::new(privacy::PrivacyScan {
                    db: state.db.clone(),
                    files: state.files.clone(),
                    tmp_dir: state.config.data_dir.join("tmp"),
                    state: state.clone(),
                }),
                Arc::new(privacy::PrivacyBackfill {
                    db: state.db.clone(),
                    jobs: state.jobs.clone(),
                }),
            ]
        },
        subscriptions: vec![
            Subscription {
                event: RESOURCE_VERSION_CREATED,
                job: job::INGEST_VERSION,
            },
            Subscription {
                event: RESOURCE_VERSION_CREATED,
                job: privacy::PRIVACY_SCAN,
            },
        ],
        at_start: vec![privacy::PRIVACY_BACKFILL],
        ..Capability::new("ingest")
    }
}
