//! Apertura's kernel: the shared ground every capability stands on.
//!
//! | module | what it owns |
//! |---|---|
//! | [`config`] | the one configuration struct |
//! | [`db`] | SQLite or PostgreSQL through one query layer, migrations |
//! | [`files`] | content-addressed file storage (local or S3) |
//! | [`jobs`] | the durable job queue and workers |
//! | [`housekeeping`] | periodic jobs; sweeping files nobody references |
//! | [`authz`] | roles, actions and the one permission check |
//! | [`audit`] | the append-only audit log |
//! | [`i18n`] | Fluent catalogs, Spanish first |
//! | [`web`] | the web shell: routes, layout, middleware, health |
//! | [`error`] | the web layer's error type |
//! | [`events`] | domain events: a capability announces, subscribers get jobs |
//! | [`search`] | what capabilities give the search index, and how they say it changed |
//! | [`capability`] | the manifest each capability exports |
//!
//! The kernel knows no capability; capabilities know the kernel.

pub mod admin;
pub mod audit;
pub mod authz;
pub mod capability;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod files;
pub mod housekeeping;
pub mod i18n;
pub mod jobs;
pub mod mail;
pub mod search;
pub mod security;
pub mod text;
pub mod time;
pub mod web;

#[cfg(feature = "testing")]
pub mod testing;

pub use capability::{Capability, Platform, SeedContext, Seeds};
pub use error::{Error, Result};

/// The kernel's own migrations.
pub const MIGRATIONS: db::MigrationSet = db::MigrationSet {
    sqlite: &SQLITE,
    postgres: &POSTGRES,
};
static SQLITE: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");
