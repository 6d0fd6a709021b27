//! The directory of the state: the 125 municipalities of the Estado de México
//! (INEGI keys and 2020 census population, reference data), the kinds of public
//! bodies, and the public bodies (sujetos obligados) themselves.
//!
//! Pages: `/municipios`, `/municipios/{slug}`, `/sujetos-obligados`,
//! `/sujetos-obligados/{slug}` (with its logo), and the administration of
//! bodies under `/admin/sujetos-obligados`.

pub mod admin;
pub mod bodies;
pub mod domain;
pub mod http;
pub mod search;
pub mod seeds;
pub mod store;

use std::sync::Arc;

use kernel::db::MigrationSet;
use kernel::i18n::{Catalog, Locale};
use kernel::web::NavItem;
use kernel::Capability;

/// The seed file, copied from `shared/data/edomex/` (see `seed/SOURCES.md`).
pub const MUNICIPALITIES_CSV: &str = include_str!("../seed/municipios.csv");

static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

pub const MIGRATIONS: MigrationSet = MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};

pub fn capability() -> Capability {
    Capability {
        migrations: Some(MIGRATIONS),
        catalogs: vec![
            Catalog {
                locale: Locale::Es,
                name: "directory/es.ftl",
                source: include_str!("../locales/es/directory.ftl"),
            },
            Catalog {
                locale: Locale::En,
                name: "directory/en.ftl",
                source: include_str!("../locales/en/directory.ftl"),
            },
        ],
        templates: vec![
            (
                "directory/municipalities.html",
                include_str!("../templates/municipalities.html"),
            ),
            (
                "directory/municipality.html",
                include_str!("../templates/municipality.html"),
            ),
            (
                "directory/bodies.html",
                include_str!("../templates/bodies.html"),
            ),
            (
                "directory/body.html",
                include_str!("../templates/body.html"),
            ),
            (
                "directory/admin_bodies.html",
                include_str!("../templates/admin_bodies.html"),
            ),
            (
                "directory/admin_body_form.html",
                include_str!("../templates/admin_body_form.html"),
            ),
        ],
        nav: vec![NavItem {
            href: "/municipios",
            label_key: "nav-municipalities",
            order: 50,
        }],
        routes: http::routes,
        seeds: Some(Arc::new(seeds::DirectorySeeds)),
        search_sources: vec![Arc::new(search::Bodies)],
        reference_version: "2020-census-1",
        file_refs: vec!["SELECT logo_sha256 FROM bodies WHERE logo_sha256 IS NOT NULL"],
        ..Capability::new("directory")
    }
}
