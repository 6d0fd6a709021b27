//! The `apertura` binary's library: it lists the capabilities and wires them to
//! the kernel. `main.rs` is the command line; tests use [`Application`] too.

pub mod backup;
pub mod validate;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use kernel::config::Config;
use kernel::db::Db;
use kernel::files::FileStore;
use kernel::i18n::I18n;
use kernel::jobs::{JobQueue, Worker};
use kernel::security::Secret;
use kernel::web::{build_router, template_env, AppState, Assets, Shared};
use kernel::Platform;

/// Every capability, in dependency order (a capability only builds on those
/// listed before it).
pub fn platform() -> Platform {
    Platform::new(vec![
        kernel::capability::kernel(),
        directory::capability(),
        accounts::capability(),
        catalog::capability(),
        ingest::capability(),
        harvest::capability(),
        search::capability(),
        interop::capability(),
        proactive::capability(),
        quality::capability(),
        portal::capability(),
    ])
}

/// Opens the database and the file store, applies migrations and reference data.
pub async fn open_storage(config: &Config, platform: &Platform) -> anyhow::Result<(Db, FileStore)> {
    config.prepare_directories()?;
    let db = Db::connect(&config.database()?, config.database_max_connections).await?;
    db.migrate(&platform.migrations()).await?;
    platform
        .seed_reference(&db, config)
        .await
        .context("no se pudieron cargar los datos de referencia")?;
    let files = FileStore::open(&config.storage()?)?;
    Ok((db, files))
}

/// A built application, ready to serve.
pub struct Application {
    pub state: AppState,
    pub router: axum::Router,
    pub platform: Platform,
}

impl Application {
    /// Builds the application on storage that is already open.
    pub fn build(
        config: Config,
        db: Db,
        files: FileStore,
        secret: Secret,
        platform: Platform,
    ) -> anyhow::Result<Application> {
        let i18n = Arc::new(I18n::new(&platform.catalogs())?);
        let assets = Assets::new(&platform.assets());
        let templates = template_env(&platform.templates(), i18n.clone(), &assets)
            .map_err(|e| anyhow::anyhow!("plantilla no válida: {e}"))?;
        let (routes, route_info) = platform.routes().into_parts();
        let resolver = platform.actor_resolver();
        let services = platform
            .services(&config)
            .map_err(|e| anyhow::anyhow!("no se pudo preparar un servicio: {e}"))?;
        let state = AppState(Arc::new(Shared {
            config,
            jobs: JobQueue::new(db.clone()),
            db,
            files,
            i18n,
            templates,
            nav: platform.nav(),
            assets,
            routes: route_info,
            secret,
            resolver,
            fragments: platform.fragments(),
            events: platform.events(),
            services,
            search_sources: platform.search_sources(),
        }));
        let router = build_router(state.clone(), routes);
        Ok(Application {
            state,
            router,
            platform,
        })
    }

    /// Opens storage and builds.
    pub async fn open(config: Config) -> anyhow::Result<Application> {
        let platform = platform();
        let (db, files) = open_storage(&config, &platform).await?;
        let secret = Secret::load_or_create(&db)
            .await
            .context("no se pudo leer el secreto del servidor")?;
        Application::build(config, db, files, secret, platform)
    }

    /// A worker with every capability's job handlers.
    pub fn worker(&self) -> Worker {
        Worker::new(self.state.jobs.clone(), self.platform.jobs(&self.state))
            .with_periodic(self.platform.periodic())
    }

    /// Serves on `listener` until `shutdown` resolves, with the configured
    /// number of in-process workers.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        self.platform.warm_up(&self.state).await;
        // Derived data catches up (an index missing or damaged at start is
        // rebuilt); not fatal: the periodic run will do it later.
        if let Err(e) = self.platform.queue_start_jobs(&self.state.jobs).await {
            tracing::warn!(error = %e, "could not queue the start-up jobs");
        }
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let mut workers = vec![];
        for _ in 0..self.state.config.workers {
            let worker = self.worker();
            let mut rx = stop_rx.clone();
            workers.push(tokio::spawn(async move {
                worker
                    .run(async move {
                        let _ = rx.wait_for(|stop| *stop).await;
                    })
                    .await;
            }));
        }
        let app = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop_tx.send(true);
        for w in workers {
            let _ = w.await;
        }
        self.state.db.close().await;
        result.context("el servidor se detuvo con un error")
    }
}

/// Binds the configured address, with a Spanish answer when it cannot.
pub async fn bind(config: &Config) -> anyhow::Result<tokio::net::TcpListener> {
    let addr = config.bind_addr()?;
    tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        anyhow::anyhow!(
            "no se puede escuchar en {addr}: {}",
            kernel::config::io_reason(&e)
        )
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}
