//! Harvesting from other portals (issue 8): another CKAN (its
//! `package_search`, page by page), a DCAT-AP catalog in JSON-LD or a
//! Project Open Data `data.json` is copied into the catalog as datasets of a
//! local body — published, with links to the source's page and files (the
//! bytes stay there) — and kept in step: `apertura harvest URL --body SLUG`
//! registers a source and runs it; the hourly `harvest.run` job runs every
//! enabled source whose interval has passed. What changed upstream is
//! updated, what vanished is unpublished (never deleted), and a source that
//! fails leaves everything harvested before as it was.

pub mod domain;
pub mod error;
pub mod fetch;
pub mod run;
pub mod store;

use std::sync::Arc;

use kernel::authz::Actor;
use kernel::db::MigrationSet;
use kernel::housekeeping::Periodic;
use kernel::jobs::{JobContext, JobError, JobHandler};
use kernel::web::AppState;
use kernel::Capability;

pub use domain::Kind;
pub use error::HarvestError;
pub use fetch::Limits;
pub use run::{register, run_due, run_source, Summary};

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

/// The job that runs the sources that are due.
pub const RUN: &str = "harvest.run";

/// How often the job looks for sources that are due (each source has its
/// own interval, a day by default).
const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// `harvest.run`: every enabled source whose interval has passed.
pub struct RunDue {
    pub state: AppState,
}

#[async_trait::async_trait]
impl JobHandler for RunDue {
    fn kind(&self) -> &'static str {
        RUN
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        // A source that fails records why and waits for its next turn; the
        // job itself only fails when it was stopped.
        match run::run_due(&self.state, &Actor::system(), Some(ctx)).await {
            Ok((ran, failed)) => {
                if ran > 0 {
                    tracing::info!(ran, failed, "harvest: sources run");
                }
                Ok(())
            }
            Err(e) => Err(JobError::Retry(
                e.message(&self.state.i18n, kernel::i18n::Locale::Es),
            )),
        }
    }
}

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        catalogs: kernel::catalogs!("harvest"),
        jobs: |state| {
            vec![Arc::new(RunDue {
                state: state.clone(),
            })]
        },
        periodic: vec![Periodic {
            kind: RUN,
            every: LOOK_EVERY,
        }],
        ..Capability::new("harvest")
    }
}
