//! Proactive transparency (work plan: "transparencia proactiva"; state law
//! art. 70, policies "considerando la demanda de la sociedad"; particular
//! objective 6, better ways to evaluate proactive information): the
//! practices public bodies register beyond the legal minimum, and the
//! institute's evaluation of them against a rubric that cites the law.

pub mod demand;
pub mod demand_store;
pub mod domain;
pub mod http;
pub mod search;
pub mod seeds;
pub mod store;

use kernel::db::MigrationSet;
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
        catalogs: kernel::catalogs!("proactive"),
        templates: vec![
            (
                "proactive/list.html",
                include_str!("../templates/list.html"),
            ),
            (
                "proactive/form.html",
                include_str!("../templates/form.html"),
            ),
            (
                "proactive/practice.html",
                include_str!("../templates/practice.html"),
            ),
            (
                "proactive/evaluate.html",
                include_str!("../templates/evaluate.html"),
            ),
            (
                "proactive/rubric.html",
                include_str!("../templates/rubric.html"),
            ),
            (
                "proactive/demand_list.html",
                include_str!("../templates/demand_list.html"),
            ),
            (
                "proactive/demand_request.html",
                include_str!("../templates/demand_request.html"),
            ),
            (
                "proactive/demand_admin.html",
                include_str!("../templates/demand_admin.html"),
            ),
        ],
        routes,
        seeds: Some(std::sync::Arc::new(seeds::ProactiveSeeds)),
        search_sources: vec![std::sync::Arc::new(search::Practices)],
        ..Capability::new("proactive")
    }
}

/// The practices' routes and the citizen demand's.
fn routes() -> kernel::web::Routes {
    http::routes().merge(demand::routes())
}
