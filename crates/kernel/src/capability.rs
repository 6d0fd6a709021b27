//! The manifest each capability crate exports (`pub fn capability() -> Capability`),
//! and the [`Platform`] that puts them together: migrations, catalogs,
//! templates, assets, navigation, routes, jobs and seeds.
//!
//! The `apertura` binary lists the capabilities in dependency order; nothing
//! else needs to know them.

use std::sync::Arc;

use crate::audit::{self, Change};
use crate::authz::Actor;
use crate::config::Config;
use crate::db::{is_unique_violation, AnyConnection, Db, MigrationSet};
use crate::housekeeping::{Periodic, SweepFiles, SWEEP_FILES};
use crate::i18n::Catalog;
use crate::jobs::JobHandler;
use crate::time;
use crate::web::{AppState, Asset, NavItem, Routes};

/// What a seed may read.
#[derive(Debug, Clone)]
pub struct SeedContext {
    pub config: Config,
    pub actor: Actor,
    /// Where seeds put files (the configured store).
    pub files: crate::files::FileStore,
    /// To announce what seeds create, as the routes do.
    pub events: crate::events::Events,
    pub jobs: crate::jobs::JobQueue,
}

impl SeedContext {
    fn new(
        config: &Config,
        db: &Db,
        events: crate::events::Events,
    ) -> Result<SeedContext, sqlx::Error> {
        let target = config
            .storage()
            .map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
        let files = crate::files::FileStore::open(&target)
            .map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
        Ok(SeedContext {
            config: config.clone(),
            actor: Actor::system(),
            files,
            events,
            jobs: crate::jobs::JobQueue::new(db.clone()),
        })
    }
}

/// Data a capability puts in the database.
#[async_trait::async_trait]
pub trait Seeds: Send + Sync {
    /// Reference data every installation needs. Applied once per
    /// [`Capability::reference_version`].
    async fn reference(
        &self,
        _conn: &mut AnyConnection,
        _ctx: &SeedContext,
    ) -> Result<(), sqlx::Error> {
        Ok(())
    }
    /// Demo data for `serve --demo`, always marked as demo. Applied once.
    async fn demo(&self, _conn: &mut AnyConnection, _ctx: &SeedContext) -> Result<(), sqlx::Error> {
        Ok(())
    }
}

/// One capability of the platform.
pub struct Capability {
    pub name: &'static str,
    pub migrations: Option<MigrationSet>,
    pub catalogs: Vec<Catalog>,
    pub templates: Vec<(&'static str, &'static str)>,
    pub assets: Vec<Asset>,
    pub nav: Vec<NavItem>,
    pub routes: fn() -> Routes,
    pub jobs: fn(&AppState) -> Vec<Arc<dyn JobHandler>>,
    pub seeds: Option<Arc<dyn Seeds>>,
    /// Bump to apply a changed reference seed again.
    pub reference_version: &'static str,
    /// Who is asking (one capability provides it: accounts).
    pub actor_resolver: Option<Arc<dyn crate::web::ActorResolver>>,
    /// Pieces this capability contributes to other capabilities' pages.
    pub fragments: Vec<Arc<dyn crate::web::Fragment>>,
    /// Queries returning the SHA-256 of every blob this capability keeps
    /// (`SELECT sha256 FROM …`): blobs no query returns are swept.
    pub file_refs: Vec<&'static str>,
    /// Jobs to run every so often.
    pub periodic: Vec<Periodic>,
    /// Jobs to run when another capability announces an event.
    pub subscriptions: Vec<crate::events::Subscription>,
    /// Long-lived things of its own (a connection pool, a cache), made once
    /// per application and found again with [`crate::web::Shared::service`].
    /// Must not block: pools connect lazily.
    pub services: fn(&Config) -> Result<Vec<Service>, String>,
    /// Kinds of documents this capability gives the search index.
    pub search_sources: Vec<Arc<dyn crate::search::SearchSource>>,
    /// Jobs queued whenever a process starts serving (once per kind however
    /// many processes start): checks that bring derived data up to date.
    pub at_start: Vec<&'static str>,
    /// Work done once when a process starts serving, before it answers
    /// (opening what must be held from the start, e.g. the embedded search
    /// index). Failures are the capability's to log.
    pub warm_up: Option<fn(AppState) -> WarmUp>,
}

/// What [`Capability::warm_up`] returns.
pub type WarmUp = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

/// A capability's long-lived object, looked up by type.
pub type Service = Arc<dyn std::any::Any + Send + Sync>;

impl std::fmt::Debug for Capability {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capability")
            .field("name", &self.name)
            .finish()
    }
}

impl Capability {
    /// A manifest with nothing in it yet.
    pub fn new(name: &'static str) -> Capability {
        Capability {
            name,
            migrations: None,
            catalogs: vec![],
            templates: vec![],
            assets: vec![],
            nav: vec![],
            routes: Routes::new,
            jobs: |_| vec![],
            seeds: None,
            reference_version: "1",
            actor_resolver: None,
            fragments: vec![],
            file_refs: vec![],
            periodic: vec![],
            subscriptions: vec![],
            services: |_| Ok(vec![]),
            search_sources: vec![],
            at_start: vec![],
            warm_up: None,
        }
    }
}

/// All capabilities, in dependency order.
#[derive(Debug)]
pub struct Platform {
    pub capabilities: Vec<Capability>,
}

impl Platform {
    pub fn new(capabilities: Vec<Capability>) -> Platform {
        Platform { capabilities }
    }

    pub fn migrations(&self) -> Vec<MigrationSet> {
        self.capabilities
            .iter()
            .filter_map(|c| c.migrations)
            .collect()
    }

    pub fn catalogs(&self) -> Vec<Catalog> {
        self.capabilities
            .iter()
            .flat_map(|c| c.catalogs.iter().copied())
            .collect()
    }

    pub fn templates(&self) -> Vec<(&'static str, &'static str)> {
        self.capabilities
            .iter()
            .flat_map(|c| c.templates.iter().copied())
            .collect()
    }

    pub fn assets(&self) -> Vec<Asset> {
        self.capabilities
            .iter()
            .flat_map(|c| c.assets.iter().copied())
            .collect()
    }

    pub fn nav(&self) -> Vec<NavItem> {
        let mut nav: Vec<NavItem> = self
            .capabilities
            .iter()
            .flat_map(|c| c.nav.iter().copied())
            .collect();
        nav.sort_by_key(|n| n.order);
        nav
    }

    pub fn routes(&self) -> Routes {
        self.capabilities
            .iter()
            .fold(Routes::new(), |acc, c| acc.merge((c.routes)()))
    }

    pub fn fragments(&self) -> Vec<Arc<dyn crate::web::Fragment>> {
        self.capabilities
            .iter()
            .flat_map(|c| c.fragments.iter().cloned())
            .collect()
    }

    pub fn actor_resolver(&self) -> Option<Arc<dyn crate::web::ActorResolver>> {
        self.capabilities
            .iter()
            .find_map(|c| c.actor_resolver.clone())
    }

    /// Every capability's job handlers, and the kernel's sweep of files no
    /// capability references.
    pub fn jobs(&self, state: &AppState) -> Vec<Arc<dyn JobHandler>> {
        let mut handlers: Vec<Arc<dyn JobHandler>> = self
            .capabilities
            .iter()
            .flat_map(|c| (c.jobs)(state))
            .collect();
        handlers.push(Arc::new(SweepFiles {
            db: state.db.clone(),
            files: state.files.clone(),
            refs: self.file_refs(),
        }));
        handlers
    }

    /// The queries that list referenced blobs.
    pub fn file_refs(&self) -> Vec<&'static str> {
        self.capabilities
            .iter()
            .flat_map(|c| c.file_refs.iter().copied())
            .collect()
    }

    /// Every capability's services, made now.
    pub fn services(&self, config: &Config) -> Result<Vec<Service>, String> {
        let mut all = vec![];
        for c in &self.capabilities {
            all.extend((c.services)(config)?);
        }
        Ok(all)
    }

    /// Every capability's search sources.
    pub fn search_sources(&self) -> Vec<Arc<dyn crate::search::SearchSource>> {
        self.capabilities
            .iter()
            .flat_map(|c| c.search_sources.iter().cloned())
            .collect()
    }

    /// Queues every capability's start-up jobs.
    pub async fn queue_start_jobs(&self, jobs: &crate::jobs::JobQueue) -> Result<(), sqlx::Error> {
        for kind in self.capabilities.iter().flat_map(|c| c.at_start.iter()) {
            jobs.enqueue(
                crate::jobs::NewJob::new(kind, serde_json::json!({}))
                    .dedup(format!("start:{kind}")),
            )
            .await?;
        }
        Ok(())
    }

    /// Runs every capability's warm-up.
    pub async fn warm_up(&self, state: &AppState) {
        for f in self.capabilities.iter().filter_map(|c| c.warm_up) {
            f(state.clone()).await;
        }
    }

    /// Every capability's subscriptions to events.
    pub fn events(&self) -> crate::events::Events {
        let subs: Vec<_> = self
            .capabilities
            .iter()
            .flat_map(|c| c.subscriptions.iter().copied())
            .collect();
        crate::events::Events::new(&subs)
    }

    /// Every capability's periodic jobs.
    pub fn periodic(&self) -> Vec<Periodic> {
        self.capabilities
            .iter()
            .flat_map(|c| c.periodic.iter().copied())
            .collect()
    }

    /// Applies each capability's reference seed once per version.
    pub async fn seed_reference(&self, db: &Db, config: &Config) -> Result<(), sqlx::Error> {
        let ctx = SeedContext::new(config, db, self.events())?;
        for cap in &self.capabilities {
            let Some(seeds) = &cap.seeds else { continue };
            let name = format!("reference:{}:{}", cap.name, cap.reference_version);
            let mut tx = db.begin().await?;
            if !claim_seed(&mut tx, &name).await? {
                continue;
            }
            seeds.reference(&mut tx, &ctx).await?;
            audit::record(&mut tx, &ctx.actor, Change::new("seed", &name, "apply")).await?;
            tx.commit().await?;
            tracing::info!(seed = %name, "reference data loaded");
        }
        Ok(())
    }

    /// Applies every capability's demo data, all in one transaction, unless it
    /// is already there. Returns whether it was applied now.
    pub async fn seed_demo(&self, db: &Db, config: &Config) -> Result<bool, sqlx::Error> {
        let ctx = SeedContext::new(config, db, self.events())?;
        let mut tx = db.begin().await?;
        if !claim_seed(&mut tx, "demo").await? {
            return Ok(false);
        }
        for cap in &self.capabilities {
            if let Some(seeds) = &cap.seeds {
                seeds.demo(&mut tx, &ctx).await?;
            }
        }
        audit::record(&mut tx, &ctx.actor, Change::new("seed", "demo", "apply")).await?;
        tx.commit().await?;
        tracing::info!("demo data loaded");
        Ok(true)
    }
}

/// Records a seed as applied; false if it already was.
async fn claim_seed(conn: &mut AnyConnection, name: &str) -> Result<bool, sqlx::Error> {
    let exists = sqlx::query("SELECT name FROM seed_log WHERE name = $1")
        .bind(name)
        .fetch_optional(&mut *conn)
        .await?;
    if exists.is_some() {
        return Ok(false);
    }
    match sqlx::query("INSERT INTO seed_log (name, applied_at) VALUES ($1, $2)")
        .bind(name)
        .bind(time::now())
        .execute(&mut *conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The kernel's own manifest: its tables, health routes, layout, assets and messages.
pub fn kernel() -> Capability {
    Capability {
        migrations: Some(crate::MIGRATIONS),
        catalogs: crate::catalogs!("kernel"),
        templates: vec![
            (
                "kernel/layout.html",
                include_str!("../templates/layout.html"),
            ),
            ("kernel/error.html", include_str!("../templates/error.html")),
            ("kernel/forms.html", include_str!("../templates/forms.html")),
            (
                "kernel/admin_nav.html",
                include_str!("../templates/admin_nav.html"),
            ),
            (
                "kernel/admin_dashboard.html",
                include_str!("../templates/admin_dashboard.html"),
            ),
            (
                "kernel/admin_audit.html",
                include_str!("../templates/admin_audit.html"),
            ),
            (
                "kernel/admin_outbox.html",
                include_str!("../templates/admin_outbox.html"),
            ),
            (
                "kernel/admin_outbox_message.html",
                include_str!("../templates/admin_outbox_message.html"),
            ),
            (
                "kernel/admin_jobs.html",
                include_str!("../templates/admin_jobs.html"),
            ),
        ],
        assets: vec![
            Asset {
                name: "apertura.css",
                content_type: "text/css; charset=utf-8",
                bytes: include_bytes!("../assets/apertura.css"),
            },
            Asset {
                name: "apertura.js",
                content_type: "text/javascript; charset=utf-8",
                bytes: include_bytes!("../assets/apertura.js"),
            },
            Asset {
                name: "favicon.svg",
                content_type: "image/svg+xml",
                bytes: include_bytes!("../assets/favicon.svg"),
            },
        ],
        // Health checks and assets, and the admin pages.
        routes: || crate::web::kernel_routes().merge(crate::admin::routes()),
        jobs: |state| crate::mail::handlers(&state.db, &state.config),
        periodic: vec![Periodic {
            kind: SWEEP_FILES,
            every: std::time::Duration::from_secs(3600),
        }],
        ..Capability::new("kernel")
    }
}
