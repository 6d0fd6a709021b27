//! One harvest run: read the source's whole listing (nothing is written if it
//! cannot be read), then, one transaction per dataset, create what is new
//! (published at once under the source's body, with a link to its page at
//! the source and links to its files), update what changed, leave the rest,
//! and unpublish — never delete — what the source no longer lists. A run
//! that fails half way keeps what it did; the source records why, in
//! Spanish.

use std::collections::{HashMap, HashSet};

use catalog::domain::workflow::{self, Status, Step, Who};
use catalog::store::{self as catalog_store, BodyRef};
use kernel::authz::Actor;
use kernel::i18n::Locale;
use kernel::jobs::JobContext;
use kernel::web::Shared;
use serde::Serialize;

use crate::domain::{self, Kind, RemoteDataset};
use crate::error::HarvestError;
use crate::fetch::{self, Fetcher, Limits};
use crate::store::{self, Record, Source};

/// The remote key of the link to the dataset's page at its source.
const ORIGIN_KEY: &str = "__origen";

/// How often a new source runs by default.
pub const DEFAULT_INTERVAL_HOURS: i64 = 24;

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub retired: usize,
    /// Entries of the listing that were not datasets we could take.
    pub skipped: usize,
    /// The listing was read whole (else nothing was retired).
    pub complete: bool,
}

impl Summary {
    /// One line, as the command line prints it and the source keeps it.
    pub fn line(&self, i18n: &kernel::i18n::I18n, locale: Locale) -> String {
        let n = |v: usize| i64::try_from(v).unwrap_or(i64::MAX);
        let args = kernel::i18n::args([
            ("created", n(self.created)),
            ("updated", n(self.updated)),
            ("unchanged", n(self.unchanged)),
            ("retired", n(self.retired)),
        ]);
        let mut line = i18n.t_args(locale, "harvest-summary", &args);
        if !self.complete {
            line.push_str(&i18n.t(locale, "harvest-summary-partial"));
        }
        line
    }

    fn status(&self) -> &'static str {
        if self.complete {
            "ok"
        } else {
            "partial"
        }
    }
}

enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// Registers `raw_url` for the body `body_slug` (or finds it registered):
/// the source and whether it is new.
pub async fn register(
    state: &Shared,
    actor: &Actor,
    raw_url: &str,
    body_slug: &str,
    kind: Option<Kind>,
) -> Result<(Source, bool), HarvestError> {
    let url = domain::source_url(raw_url)
        .ok_or_else(|| HarvestError::new("harvest-error-url").arg("url", raw_url.trim()))?;
    let kind = kind.unwrap_or_else(|| Kind::guess(&url));
    // One portal, one source, however its address was written.
    let key = match kind {
        Kind::Ckan => domain::ckan_site(&url),
        _ => url.to_string(),
    };
    let mut tx = state.db.begin().await?;
    let body = directory::store::body_by_slug(&mut tx, body_slug.trim())
        .await?
        .ok_or_else(|| HarvestError::new("harvest-error-body").arg("body", body_slug.trim()))?;
    if let Some(existing) = store::source_by_url(&mut tx, &key).await? {
        if existing.body_id != body.id {
            return Err(HarvestError::new("harvest-error-other-body").arg("url", &key));
        }
        if existing.kind != kind.code() {
            return Err(HarvestError::new("harvest-error-other-kind")
                .arg("url", &key)
                .arg("kind", &existing.kind));
        }
        return Ok((existing, false));
    }
    let id = store::insert_source(
        &mut tx,
        actor,
        &key,
        kind.code(),
        body.id,
        DEFAULT_INTERVAL_HOURS,
    )
    .await?;
    tx.commit().await?;
    let source = store::source_by_id(&state.db, id)
        .await?
        .ok_or_else(|| HarvestError::new("harvest-error-database"))?;
    Ok((source, true))
}

/// Runs one source now. The outcome (summary or Spanish reason) is kept on
/// the source either way.
pub async fn run_source(
    state: &Shared,
    actor: &Actor,
    source_id: i64,
    limits: Limits,
    progress: Option<&JobContext>,
) -> Result<Summary, HarvestError> {
    let source = store::source_by_id(&state.db, source_id)
        .await?
        .ok_or_else(|| HarvestError::new("harvest-error-no-source"))?;
    if !store::claim(&state.db, source.id).await? {
        return Err(HarvestError::new("harvest-error-busy").arg("url", &source.url));
    }
    let result = harvest(state, actor, &source, limits, progress).await;
    let (status, message) = match &result {
        Ok(summary) => (summary.status(), summary.line(&state.i18n, Locale::Es)),
        Err(e) => ("failed", e.message(&state.i18n, Locale::Es)),
    };
    if let Err(e) = store::finish(&state.db, actor, source.id, status, &message).await {
        tracing::error!(error = %e, source = source.id, "harvest: could not record the run");
    }
    match &result {
        Ok(_) => tracing::info!(source = %source.url, %message, "harvest run"),
        Err(_) => tracing::warn!(source = %source.url, %message, "harvest run failed"),
    }
    result
}

/// Runs every enabled source whose interval has passed; how many ran and
/// how many failed.
pub async fn run_due(
    state: &Shared,
    actor: &Actor,
    progress: Option<&JobContext>,
) -> Result<(usize, usize), HarvestError> {
    let now = chrono::Utc::now();
    let (mut ran, mut failed) = (0, 0);
    for s in store::sources(&state.db).await? {
        let due = s.enabled
            && s.last_run_at
                .as_deref()
                .and_then(kernel::time::parse)
                .is_none_or(|last| now - last >= chrono::Duration::hours(s.interval_hours.max(1)));
        if !due {
            continue;
        }
        match run_source(state, actor, s.id, Limits::default(), progress).await {
            Ok(_) => ran += 1,
            // Another process is running it right now: it is not ours to count.
            Err(e) if e.key == "harvest-error-busy" => {}
            Err(e) if e.key == "harvest-error-stopped" => return Err(e),
            Err(_) => {
                ran += 1;
                failed += 1;
            }
        }
    }
    Ok((ran, failed))
}

async fn harvest(
    state: &Shared,
    actor: &Actor,
    source: &Source,
    limits: Limits,
    progress: Option<&JobContext>,
) -> Result<Summary, HarvestError> {
    let body = catalog_store::body_ref(&state.db, source.body_id)
        .await?
        .ok_or_else(|| HarvestError::new("harvest-error-body-gone"))?;
    let kind = Kind::from_code(&source.kind)
        .ok_or_else(|| HarvestError::new("harvest-error-no-source"))?;
    let url = domain::source_url(&source.url)
        .ok_or_else(|| HarvestError::new("harvest-error-url").arg("url", &source.url))?;
    let host = url.host_str().unwrap_or_default().to_string();
    let listing = Fetcher::new(limits)?.list(kind, &url, progress).await?;
    let mut records: HashMap<String, Record> = store::records_of(&state.db, source.id)
        .await?
        .into_iter()
        .map(|r| (r.remote_id.clone(), r))
        .collect();
    let mut summary = Summary {
        skipped: listing.skipped,
        complete: listing.complete,
        ..Summary::default()
    };
    let mut seen = HashSet::new();
    for (i, remote) in listing.datasets.iter().enumerate() {
        seen.insert(remote.remote_id.clone());
        let outcome = match records.remove(&remote.remote_id) {
            Some(record) => update(state, actor, &record, remote, &host).await?,
            None => create(state, actor, source, &body, remote, &host).await?,
        };
        match outcome {
            Outcome::Created => summary.created += 1,
            Outcome::Updated => summary.updated += 1,
            Outcome::Unchanged => summary.unchanged += 1,
        }
        if i % 50 == 49 {
            fetch::report(progress, i + 1, "copiando").await?;
        }
    }
    // Gone upstream: only a listing read whole says so.
    if listing.complete {
        for record in records.into_values() {
            if record.retired_at.is_none() && retire(state, actor, &record).await? {
                summary.retired += 1;
            }
        }
    }
    Ok(summary)
}

/// A slug for a new dataset: the remote name if free, else suffixed.
async fn free_dataset_slug(
    conn: &mut kernel::db::AnyConnection,
    remote: &RemoteDataset,
) -> Result<String, sqlx::Error> {
    let from = remote.name.as_deref().unwrap_or(&remote.meta.title);
    let mut base: String = kernel::text::slugify(from).chars().take(80).collect();
    base = base.trim_end_matches('-').to_string();
    if base.is_empty() {
        base = kernel::text::slugify(&remote.meta.title)
            .chars()
            .take(80)
            .collect();
    }
    if base.is_empty() {
        base = "conjunto-de-datos".into();
    }
    catalog_store::free_dataset_slug(conn, &base).await
}

/// The links a remote dataset should have: its page at the source first,
/// then its files.
fn wanted_links(
    state: &Shared,
    remote: &RemoteDataset,
    host: &str,
) -> Vec<(String, String, String, String)> {
    let mut out = vec![];
    if let Some(landing) = &remote.landing {
        let args = kernel::i18n::args([("host", host.to_string())]);
        out.push((
            ORIGIN_KEY.to_string(),
            state.i18n.t(Locale::Es, "harvest-origin-name"),
            state
                .i18n
                .t_args(Locale::Es, "harvest-origin-description", &args),
            landing.clone(),
        ));
    }
    for r in &remote.resources {
        out.push((
            r.key.clone(),
            r.name.clone(),
            r.description.clone(),
            r.url.clone(),
        ));
    }
    out
}

async fn create(
    state: &Shared,
    actor: &Actor,
    source: &Source,
    body: &BodyRef,
    remote: &RemoteDataset,
    host: &str,
) -> Result<Outcome, HarvestError> {
    let mut tx = state.db.begin().await?;
    let slug = free_dataset_slug(&mut tx, remote).await?;
    let id =
        catalog_store::create_dataset(&mut tx, actor, &slug, body.id, &remote.meta, false).await?;
    let record = match store::insert_record(
        &mut tx,
        actor,
        source.id,
        &remote.remote_id,
        id,
        remote.modified.as_deref(),
        &remote.content_hash(),
    )
    .await
    {
        Ok(r) => r,
        // Another run took it meanwhile: it is that run's.
        Err(e) if kernel::db::is_unique_violation(&e) => return Ok(Outcome::Unchanged),
        Err(e) => return Err(e.into()),
    };
    let links = wanted_links(state, remote, host);
    for (key, name, description, url) in &links {
        let rslug = catalog::http::resources::free_resource_slug(&mut tx, id, name).await?;
        let rid = catalog_store::create_resource(
            &mut tx,
            actor,
            id,
            &rslug,
            name,
            description,
            Some(url),
        )
        .await?;
        store::insert_link(&mut tx, record, key, rid).await?;
    }
    // Public at the source, so public here: published at once, as the
    // institute would (hosted bodies' review is for what they write).
    let who = Who {
        body_member: false,
        institute: true,
    };
    if let Ok(to) = workflow::transition(
        Status::Draft,
        Step::Publish,
        who,
        body.hosted,
        !links.is_empty(),
    ) {
        catalog_store::set_status(&mut tx, actor, id, Status::Draft, to, None).await?;
    }
    catalog::search::changed_with_resources(&mut tx, state, id).await?;
    tx.commit().await?;
    Ok(Outcome::Created)
}

async fn update(
    state: &Shared,
    actor: &Actor,
    record: &Record,
    remote: &RemoteDataset,
    host: &str,
) -> Result<Outcome, HarvestError> {
    let hash = remote.content_hash();
    if hash == record.content_hash && record.retired_at.is_none() {
        return Ok(Outcome::Unchanged);
    }
    let mut tx = state.db.begin().await?;
    let Some(dataset) = catalog_store::dataset_by_id(&mut tx, record.dataset_id).await? else {
        return Ok(Outcome::Unchanged);
    };
    // Deleted here by someone: theirs to restore, not the harvest's.
    if dataset.deleted_at.is_some() {
        return Ok(Outcome::Unchanged);
    }
    if hash != record.content_hash {
        if dataset.meta != remote.meta {
            catalog_store::update_metadata(&mut tx, actor, dataset.id, &remote.meta).await?;
        }
        sync_links(&mut tx, state, actor, record, dataset.id, remote, host).await?;
    }
    // Back upstream after the harvest unpublished it: published again.
    if record.retired_at.is_some() && dataset.status() == Status::Unpublished {
        catalog_store::set_status(
            &mut tx,
            actor,
            dataset.id,
            Status::Unpublished,
            Status::Published,
            None,
        )
        .await?;
    }
    store::update_record(&mut tx, actor, record.id, remote.modified.as_deref(), &hash).await?;
    catalog::search::changed_with_resources(&mut tx, state, dataset.id).await?;
    tx.commit().await?;
    Ok(Outcome::Updated)
}

/// Makes the dataset's harvested links what the source lists now.
async fn sync_links(
    conn: &mut kernel::db::AnyConnection,
    state: &Shared,
    actor: &Actor,
    record: &Record,
    dataset_id: i64,
    remote: &RemoteDataset,
    host: &str,
) -> Result<(), HarvestError> {
    let existing: HashMap<String, i64> = store::links_of(conn, record.id)
        .await?
        .into_iter()
        .collect();
    let wanted = wanted_links(state, remote, host);
    for (key, name, description, url) in &wanted {
        match existing.get(key) {
            Some(rid) => {
                // Deleted here by someone: it stays deleted.
                let Some(now) = catalog_store::resource_by_id(&state.db, *rid).await? else {
                    continue;
                };
                if now.name != *name
                    || now.description != *description
                    || now.url.as_deref() != Some(url.as_str())
                {
                    catalog_store::update_resource(conn, actor, *rid, name, description, Some(url))
                        .await?;
                }
            }
            None => {
                let rslug =
                    catalog::http::resources::free_resource_slug(conn, dataset_id, name).await?;
                let rid = catalog_store::create_resource(
                    conn,
                    actor,
                    dataset_id,
                    &rslug,
                    name,
                    description,
                    Some(url),
                )
                .await?;
                store::insert_link(conn, record.id, key, rid).await?;
            }
        }
    }
    for (key, rid) in &existing {
        if !wanted.iter().any(|(k, ..)| k == key) {
            catalog_store::delete_resource(conn, actor, *rid).await?;
            store::delete_link(conn, record.id, key).await?;
        }
    }
    Ok(())
}

/// Unpublishes a dataset its source no longer lists; true if it was public.
async fn retire(state: &Shared, actor: &Actor, record: &Record) -> Result<bool, HarvestError> {
    let mut tx = state.db.begin().await?;
    let Some(dataset) = catalog_store::dataset_by_id(&mut tx, record.dataset_id).await? else {
        return Ok(false);
    };
    if dataset.status() != Status::Published || dataset.deleted_at.is_some() {
        return Ok(false);
    }
    let comment = state.i18n.t(Locale::Es, "harvest-retired-comment");
    catalog_store::set_status(
        &mut tx,
        actor,
        dataset.id,
        Status::Published,
        Status::Unpublished,
        Some(&comment),
    )
    .await?;
    store::retire_record(&mut tx, actor, record.id).await?;
    catalog::search::changed_with_resources(&mut tx, state, dataset.id).await?;
    tx.commit().await?;
    Ok(true)
}
