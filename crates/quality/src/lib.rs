//! The quality of published data (work plan, particular objective 6: better
//! ways to evaluate the quality of proactive information): every dataset gets
//! a score from 0 to 100 with each point lost explained in Spanish and what
//! to do about it ([`domain`]), recomputed by jobs whenever the dataset, its
//! files or their loads change and every few hours for what time alone
//! changes (freshness, use) ([`job`]). Dashboards per body and for the state
//! rank, chart the trend and list what to fix next ([`http`]).

pub mod domain;
pub mod http;
pub mod job;
pub mod readability;
pub mod store;

use std::sync::Arc;

use kernel::db::MigrationSet;
use kernel::events::{Subscription, DOCUMENT_CHANGED};
use kernel::housekeeping::Periodic;
use kernel::Capability;

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

/// How often every score is recomputed (and the day's history written).
const EVERY: std::time::Duration = std::time::Duration::from_secs(6 * 3600);

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        catalogs: kernel::catalogs!("quality"),
        templates: vec![
            (
                "quality/dataset.html",
                include_str!("../templates/dataset.html"),
            ),
            (
                "quality/state.html",
                include_str!("../templates/state.html"),
            ),
            ("quality/body.html", include_str!("../templates/body.html")),
            (
                "quality/macros.html",
                include_str!("../templates/macros.html"),
            ),
            (
                "quality/fragment_dataset.html",
                include_str!("../templates/fragment_dataset.html"),
            ),
            (
                "quality/fragment_body.html",
                include_str!("../templates/fragment_body.html"),
            ),
        ],
        routes: http::routes,
        fragments: vec![Arc::new(http::DatasetCard), Arc::new(http::BodyCard)],
        jobs: |state| {
            vec![
                Arc::new(job::ScoreDataset {
                    db: state.db.clone(),
                }),
                Arc::new(job::ScoreAll {
                    db: state.db.clone(),
                }),
            ]
        },
        subscriptions: vec![Subscription {
            event: DOCUMENT_CHANGED,
            job: job::DATASET,
        }],
        periodic: vec![Periodic {
            kind: job::ALL,
            every: EVERY,
        }],
        at_start: vec![job::ALL],
        ..Capability::new("quality")
    }
}
