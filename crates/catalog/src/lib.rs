//! The open-data catalog (work plan line 3; TP 2 c): datasets published by
//! public bodies, their resources, and every version of every file, kept
//! forever at its own permanent address.

pub mod domain;
pub mod http;
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
        catalogs: kernel::catalogs!("catalog"),
        templates: vec![
            ("catalog/list.html", include_str!("../templates/list.html")),
            (
                "catalog/dataset.html",
                include_str!("../templates/dataset.html"),
            ),
            ("catalog/form.html", include_str!("../templates/form.html")),
        ],
        routes: http::routes,
        ..Capability::new("catalog")
    }
}
