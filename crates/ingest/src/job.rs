//! The ingest job: for one resource version, read the file twice with the
//! `tabular` engine (pass 1: dialect, types from every row, validation;
//! pass 2: typed rows) and load the rows into the datastore. The parsing runs
//! on a blocking thread and hands rows over a bounded channel, so memory stays
//! flat whatever the file's size. The version becomes queryable only when the
//! load has committed; any failure leaves the previous version serving and
//! says why.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use kernel::db::Db;
use kernel::files::FileStore;
use kernel::jobs::{JobContext, JobError, JobHandler};
use serde_json::json;

use crate::datastore::{Column, Datastore, Kind, Loader};
use crate::store::{self, Findings, Status};

pub const INGEST_VERSION: &str = "ingest.version";

/// Rows handed from the parser to the loader at a time.
const BATCH: usize = 4_096;

/// The tabular format of a stored version, if it has one.
pub fn tabular_format(format: &str, filename: &str) -> Option<tabular::Format> {
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    match format.to_ascii_uppercase().as_str() {
        "CSV" => Some(tabular::Format::Csv),
        "TSV" => Some(tabular::Format::Tsv),
        "XLSX" => Some(tabular::Format::Xlsx),
        "XLS" => Some(tabular::Format::Xls),
        _ => match ext.as_deref() {
            Some("csv") => Some(tabular::Format::Csv),
            Some("tsv") | Some("tab") => Some(tabular::Format::Tsv),
            _ => None,
        },
    }
}

/// The columns of the datastore table for an analysis, kept in the stored
/// schema under `x-apertura-columns`.
pub fn columns_of(schema: &tabular::Schema) -> Vec<Column> {
    schema
        .fields
        .iter()
        .map(|f| Column {
            name: f.name.clone(),
            kind: Kind::of(&f.field_type),
        })
        .collect()
}

pub struct IngestVersion {
    pub db: Db,
    /// To announce a finished load (what the public sees of the resource
    /// changed: its table, its validation).
    pub events: kernel::events::Events,
    pub jobs: kernel::jobs::JobQueue,
    pub files: FileStore,
    pub datastore: Datastore,
    pub tmp_dir: PathBuf,
}

/// A file to read: the blob itself on a local store, or a temporary copy
/// (removed when dropped).
pub(crate) struct Local {
    pub(crate) path: PathBuf,
    temporary: bool,
}

/// The bytes of a blob as a local file: the blob itself on a local store,
/// else a temporary copy in `tmp_dir`.
pub(crate) async fn local_copy(
    files: &FileStore,
    tmp_dir: &std::path::Path,
    sha256: &str,
) -> Result<Local, Stop> {
    let files_error = |e: kernel::files::FileError| Stop::Retry(e.to_string());
    if let Some(path) = files.local_path(sha256).map_err(files_error)? {
        return Ok(Local {
            path,
            temporary: false,
        });
    }
    tokio::fs::create_dir_all(tmp_dir)
        .await
        .map_err(|e| Stop::Retry(e.to_string()))?;
    // Unique per process and call: two jobs may copy the same blob at once.
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let path = tmp_dir.join(format!(
        "ingest-{sha256}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let local = Local {
        path,
        temporary: true,
    };
    files
        .download_to(sha256, &local.path)
        .await
        .map_err(files_error)?;
    Ok(local)
}

impl Drop for Local {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Why an ingest stopped.
#[derive(Debug)]
pub enum Stop {
    Cancelled,
    /// A message for the publisher.
    Failed(String),
    /// Worth another try (database or storage unavailable).
    Retry(String),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Cancelled => f.write_str("la carga se canceló"),
            Stop::Failed(m) | Stop::Retry(m) => f.write_str(m),
        }
    }
}

impl From<sqlx::Error> for Stop {
    fn from(e: sqlx::Error) -> Stop {
        Stop::Retry(e.to_string())
    }
}

impl From<crate::datastore::DatastoreError> for Stop {
    fn from(e: crate::datastore::DatastoreError) -> Stop {
        Stop::Retry(e.to_string())
    }
}

fn engine_stop(e: tabular::Error) -> Stop {
    match e {
        tabular::Error::Cancelled => Stop::Cancelled,
        other => Stop::Failed(other.to_string()),
    }
}

/// What a running load shares with whoever watches it: rows read so far in
/// the current pass, the rows of the whole file once pass 1 knows them, and a
/// flag to stop.
#[derive(Debug, Default)]
pub struct Watch {
    pub rows: AtomicU64,
    pub total: AtomicU64,
    pub cancel: AtomicBool,
}

/// What pass 1 found, as stored beside the ingest.
pub fn findings(analysis: &tabular::Analysis, version_id: i64) -> Findings {
    let columns = columns_of(&analysis.schema);
    let mut schema = serde_json::to_value(&analysis.schema).unwrap_or(json!({}));
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("x-apertura-columns".into(), json!(columns));
    }
    let mut report = analysis
        .report
        .to_frictionless_json(&format!("version-{version_id}"));
    if let Some(obj) = report.as_object_mut() {
        obj.insert("x-apertura-counts".into(), json!(analysis.report.counts));
    }
    Findings {
        rows: i64::try_from(analysis.rows).unwrap_or(i64::MAX),
        valid: analysis.report.valid,
        error_count: i64::try_from(analysis.report.stats.errors).unwrap_or(i64::MAX),
        schema,
        dialect: serde_json::to_value(&analysis.dialect).unwrap_or(json!({})),
        report,
        stats: serde_json::to_value(&analysis.columns).unwrap_or(json!([])),
        notices: analysis.notices.iter().map(|n| n.message.clone()).collect(),
        geo: analysis
            .geo
            .as_ref()
            .and_then(|g| serde_json::to_value(g).ok()),
    }
}

/// Columns worth an index: those people filter and sort by, not long free
/// text nor columns with a single value.
pub fn indexable(analysis: &tabular::Analysis) -> Vec<usize> {
    analysis
        .schema
        .fields
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            let stats = analysis.columns.get(*i);
            let long_text = f.field_type == tabular::FieldType::String
                && stats.is_some_and(|s| s.max_length > 120);
            let varied = stats.is_none_or(|s| s.distinct > 1);
            !long_text && varied
        })
        .map(|(i, _)| i)
        .collect()
}

/// Rows of the provisional analysis that guesses how to load while pass 1 reads.
const GUESS_ROWS: u64 = 2_000;

/// A guess from the first rows (see `load_path`), on a blocking thread.
async fn guess(
    path: &std::path::Path,
    options: &tabular::Options,
) -> Result<tabular::Analysis, Stop> {
    let (path, options) = (path.to_path_buf(), options.clone());
    tokio::task::spawn_blocking(move || tabular::analyze_prefix_path(&path, &options, GUESS_ROWS))
        .await
        .map_err(|e| Stop::Failed(format!("la lectura del archivo se interrumpió: {e}")))?
        .map_err(engine_stop)
}

/// Pass 1 on a blocking thread, reporting rows read through `watch` (and
/// the rows the whole file should have, from the bytes read so far). With
/// `load`, the rows typed as its provisional analysis says go into its
/// loader while the file is read; the caller decides whether they stand.
async fn read(
    path: &std::path::Path,
    options: &tabular::Options,
    watch: &Watch,
    load: Option<(&tabular::Analysis, &mut Loader)>,
) -> Result<tabular::Analysis, Stop> {
    let (path, options) = (path.to_path_buf(), options.clone());
    // The watch outlives neither pass; the thread gets a handle on it.
    let rows = std::sync::Arc::new(AtomicU64::new(0));
    let estimate = std::sync::Arc::new(AtomicU64::new(0));
    let cancel = std::sync::Arc::new(AtomicBool::new(false));
    // Three stages on their own threads: pass 1 hands out rows as read,
    // the typer types them as the provisional analysis says, the loader
    // writes them. Bounded channels keep memory flat.
    let (raw_tx, mut raw_rx) = tokio::sync::mpsc::channel::<Vec<tabular::RawRow>>(4);
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<tabular::Value>>>(4);
    let (loader, provisional) = match load {
        Some((provisional, loader)) => (Some(loader), Some(provisional.clone())),
        None => (None, None),
    };
    let typer = provisional.as_ref().map(|p| {
        let typer = tabular::Typer::new(&p.schema);
        tokio::task::spawn_blocking(move || {
            while let Some(raw) = raw_rx.blocking_recv() {
                let typed = raw.iter().map(|r| typer.row(r).values).collect();
                if tx.blocking_send(typed).is_err() {
                    return; // the loader stopped; it says why
                }
            }
        })
    });
    let mut pass = {
        let (r, e, c) = (rows.clone(), estimate.clone(), cancel.clone());
        tokio::task::spawn_blocking(move || {
            let mut progress = |p: tabular::Progress| {
                r.store(p.rows, Ordering::Relaxed);
                if let Some(total) = p.bytes_total.filter(|_| p.bytes_read > 0) {
                    let guess = u128::from(p.rows) * u128::from(total) / u128::from(p.bytes_read);
                    e.store(u64::try_from(guess).unwrap_or(u64::MAX), Ordering::Relaxed);
                }
                !c.load(Ordering::Relaxed)
            };
            let Some(provisional) = provisional else {
                return tabular::analyze_path(&path, &options, &mut progress);
            };
            let mut batch = Vec::with_capacity(BATCH);
            let mut emit = |row: tabular::RawRow| {
                batch.push(row);
                if batch.len() == BATCH {
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    // A closed channel: the loader stopped, and says why.
                    return raw_tx.blocking_send(full).is_ok();
                }
                true
            };
            let analysis = tabular::analyze_path_yielding(
                &path,
                &options,
                &provisional,
                &mut progress,
                &mut emit,
            )?;
            if !batch.is_empty() {
                let _ = raw_tx.blocking_send(batch);
            }
            Ok(analysis)
        })
    };
    let consume = async move {
        if let Some(loader) = loader {
            while let Some(batch) = rx.recv().await {
                loader.write(batch).await?;
            }
        }
        Ok::<_, Stop>(())
    };
    tokio::pin!(consume);
    let mut consumed = false;
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let done = loop {
        tokio::select! {
            written = &mut consume, if !consumed => {
                consumed = true;
                if let Err(e) = written {
                    cancel.store(true, Ordering::Relaxed);
                    let _ = pass.await;
                    return Err(e);
                }
            }
            done = &mut pass => break done,
            _ = tick.tick() => {
                watch.rows.store(rows.load(Ordering::Relaxed), Ordering::Relaxed);
                watch.total.store(estimate.load(Ordering::Relaxed), Ordering::Relaxed);
                cancel.store(watch.cancel.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        }
    };
    let analysis = done
        .map_err(|e| Stop::Failed(format!("la lectura del archivo se interrumpió: {e}")))?
        .map_err(engine_stop);
    // The last batches, sent before the pass ended.
    if !consumed {
        consume.await?;
    }
    if let Some(typer) = typer {
        let _ = typer.await;
    }
    analysis
}

/// The inferred schema with the dictionary's types where it names a column
/// and says otherwise (and its descriptions); `None` when nothing changes.
pub fn overlay(
    inferred: &tabular::Schema,
    dictionary: &[(String, String)],
) -> Option<tabular::Schema> {
    let mut schema = inferred.clone();
    let mut changed = false;
    for f in &mut schema.fields {
        let Some((_, code)) = dictionary.iter().find(|(name, _)| *name == f.name) else {
            continue;
        };
        let Ok(declared) = serde_json::from_value::<tabular::FieldType>(json!(code)) else {
            continue;
        };
        if declared != f.field_type {
            // Formats belong to the inferred type (a date pattern, say).
            if !matches!(
                declared,
                tabular::FieldType::Date | tabular::FieldType::Datetime
            ) {
                f.format = None;
            }
            f.field_type = declared;
            changed = true;
        }
    }
    changed.then_some(schema)
}

/// What `load_path` did.
#[derive(Debug)]
pub struct Loaded {
    pub analysis: tabular::Analysis,
    pub rows: u64,
    /// Whole reads of the file: 1 when the guess from the first rows held
    /// (nearly always), more when the whole file or the dictionary overturned it.
    pub reads: u32,
}

/// Loads a local file into the datastore as `version_id`: the whole ingest,
/// for the job and for `apertura load`. On any error the table is not left
/// behind.
///
/// Types are decided from every row, which takes a whole read (pass 1)
/// before anything can be typed for good. To avoid a second read, the first
/// rows give a guess (dialect and schema), the rows typed as the guess says
/// are loaded while pass 1 reads, and the load is kept only if pass 1 ends
/// reading the file the same way ([`tabular::Analysis::reads_like`]);
/// otherwise it is thrown away and pass 2 loads the rows with what pass 1
/// decided.
pub async fn load_path(
    datastore: &Datastore,
    version_id: i64,
    path: &std::path::Path,
    options: &tabular::Options,
    dictionary: &[(String, String)],
    watch: &Watch,
) -> Result<Loaded, Stop> {
    let guessed = guess(path, options).await?;
    // The dictionary's types, where it names a column, are part of the guess.
    let provisional = with_schema(&guessed, overlay(&guessed.schema, dictionary));
    let mut loader = datastore
        .begin_load(version_id, &columns_of(&provisional.schema))
        .await?;
    let mut reads = 1;
    let inferred = read(path, options, watch, Some((&provisional, &mut loader))).await?;
    let (analysis, held) = match overlay(&inferred.schema, dictionary) {
        None => {
            let held = inferred.reads_like(&provisional);
            (inferred, held)
        }
        Some(schema) => {
            // The publisher's data dictionary, where it names a column, says
            // what type the column must be: validate against it.
            let declared = tabular::Options {
                schema: Some(schema.clone()),
                ..options.clone()
            };
            let expected = with_schema(&inferred, Some(schema));
            reads += 1;
            if expected.reads_like(&provisional) {
                // The rows are loaded as they must be; only the findings change.
                let analysis = read(path, &declared, watch, None).await?;
                let held = analysis.reads_like(&provisional);
                (analysis, held)
            } else {
                drop(loader);
                loader = datastore
                    .begin_load(version_id, &columns_of(&expected.schema))
                    .await?;
                let analysis = read(path, &declared, watch, Some((&expected, &mut loader))).await?;
                let held = analysis.reads_like(&expected);
                (analysis, held)
            }
        }
    };
    watch.total.store(analysis.rows, Ordering::Relaxed);
    if held && loader.rows() == analysis.rows {
        let loaded = loader.finish().await?;
        watch.rows.store(loaded, Ordering::Relaxed);
        return Ok(Loaded {
            analysis,
            rows: loaded,
            reads,
        });
    }
    // The guess was wrong: pass 2, with what pass 1 decided.
    drop(loader);
    tracing::info!(
        version_id,
        "the first rows misled the load; reading the file again"
    );
    let rows = load_rows(datastore, version_id, path, &analysis, options, watch).await?;
    Ok(Loaded {
        analysis,
        rows,
        reads: reads + 1,
    })
}

/// An analysis with another schema (the same when `None`).
fn with_schema(analysis: &tabular::Analysis, schema: Option<tabular::Schema>) -> tabular::Analysis {
    match schema {
        Some(schema) => tabular::Analysis {
            schema,
            ..analysis.clone()
        },
        None => analysis.clone(),
    }
}

/// Pass 2: the parser fills a bounded channel, the loader empties it.
async fn load_rows(
    datastore: &Datastore,
    version_id: i64,
    path: &std::path::Path,
    analysis: &tabular::Analysis,
    options: &tabular::Options,
    watch: &Watch,
) -> Result<u64, Stop> {
    watch.rows.store(0, Ordering::Relaxed);
    let columns = columns_of(&analysis.schema);
    let mut loader = datastore.begin_load(version_id, &columns).await?;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Vec<tabular::Value>>>(4);
    let seen = std::sync::Arc::new(AtomicU64::new(0));
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let producer = {
        let path = path.to_path_buf();
        let analysis = analysis.clone();
        let options = options.clone();
        let (seen, stop) = (seen.clone(), stop.clone());
        tokio::task::spawn_blocking(move || -> Result<(), tabular::Error> {
            let reader = tabular::rows_path(&path, &analysis, &options)?;
            let mut batch = Vec::with_capacity(BATCH);
            let mut n = 0u64;
            for row in reader {
                batch.push(row?.values);
                n += 1;
                if batch.len() == BATCH {
                    seen.store(n, Ordering::Relaxed);
                    if stop.load(Ordering::Relaxed) {
                        return Err(tabular::Error::Cancelled);
                    }
                    let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    if tx.blocking_send(full).is_err() {
                        return Ok(()); // the loader stopped; it says why
                    }
                }
            }
            if !batch.is_empty() {
                let _ = tx.blocking_send(batch);
            }
            seen.store(n, Ordering::Relaxed);
            Ok(())
        })
    };
    let consume = async {
        while let Some(batch) = rx.recv().await {
            loader.write(batch).await?;
        }
        Ok::<_, Stop>(loader)
    };
    tokio::pin!(consume);
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    let consumed = loop {
        tokio::select! {
            done = &mut consume => break done,
            _ = tick.tick() => {
                watch.rows.store(seen.load(Ordering::Relaxed), Ordering::Relaxed);
                stop.store(watch.cancel.load(Ordering::Relaxed), Ordering::Relaxed);
            }
        }
    };
    let loader = match consumed {
        Ok(loader) => loader,
        Err(e) => {
            // The receiver is gone with `consume`: the parser stops at its next send.
            stop.store(true, Ordering::Relaxed);
            let _ = producer.await;
            return Err(e);
        }
    };
    producer
        .await
        .map_err(|e| Stop::Failed(format!("la lectura del archivo se interrumpió: {e}")))?
        .map_err(engine_stop)?;
    let loaded = loader.finish().await?;
    watch.rows.store(loaded, Ordering::Relaxed);
    Ok(loaded)
}

impl IngestVersion {
    async fn ingest(
        &self,
        ctx: &JobContext,
        version_id: i64,
        sha256: &str,
        format: tabular::Format,
        schema: Option<tabular::Schema>,
        dictionary: &[(String, String)],
    ) -> Result<(i64, Vec<usize>), Stop> {
        let local = local_copy(&self.files, &self.tmp_dir, sha256).await?;
        let options = tabular::Options {
            format,
            schema,
            ..tabular::Options::default()
        };
        let watch = Watch::default();
        let load = load_path(
            &self.datastore,
            version_id,
            &local.path,
            &options,
            dictionary,
            &watch,
        );
        tokio::pin!(load);
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        let Loaded { analysis, rows, .. } = loop {
            tokio::select! {
                done = &mut load => break done?,
                _ = tick.tick() => {
                    let total = watch.total.load(Ordering::Relaxed);
                    let total = (total > 0).then(|| i64::try_from(total).unwrap_or(i64::MAX));
                    if let Err(stop) = self.tell(ctx, version_id, &watch.rows, &watch.cancel, total).await {
                        watch.cancel.store(true, Ordering::Relaxed);
                        let _ = (&mut load).await;
                        return Err(stop);
                    }
                }
            }
        };
        store::save_findings(&self.db, version_id, &findings(&analysis, version_id)).await?;
        Ok((
            i64::try_from(rows).unwrap_or(i64::MAX),
            indexable(&analysis),
        ))
    }

    async fn tell(
        &self,
        ctx: &JobContext,
        version_id: i64,
        seen: &AtomicU64,
        cancel: &AtomicBool,
        total: Option<i64>,
    ) -> Result<(), Stop> {
        let rows = i64::try_from(seen.load(Ordering::Relaxed)).unwrap_or(i64::MAX);
        if let Err(e) = store::progress(&self.db, version_id, rows).await {
            tracing::warn!(error = %e, "ingest progress not saved");
        }
        match ctx.progress(rows, total, None).await {
            Ok(()) => Ok(()),
            Err(JobError::Cancelled) => {
                cancel.store(true, Ordering::Relaxed);
                Err(Stop::Cancelled)
            }
            Err(JobError::LeaseLost) => {
                cancel.store(true, Ordering::Relaxed);
                Err(Stop::Retry("el trabajo pasó a otro proceso".into()))
            }
            Err(_) => Ok(()),
        }
    }
}

impl IngestVersion {
    /// Tells whoever listens (search, quality) that a resource's load ended.
    /// Not fatal: the periodic checks catch up.
    async fn announce(&self, resource_id: i64) {
        let result = async {
            let mut tx = self.db.begin().await?;
            let dataset: Option<i64> =
                sqlx::query_scalar("SELECT dataset_id FROM resources WHERE id = $1")
                    .bind(resource_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if let Some(d) = dataset {
                catalog::search::announce(&mut tx, &self.events, &self.jobs, d, Some(resource_id))
                    .await?;
            }
            tx.commit().await
        }
        .await;
        if let Err(e) = result {
            tracing::warn!(error = %e, resource_id, "end of load not announced");
        }
    }
}

#[async_trait::async_trait]
impl JobHandler for IngestVersion {
    fn kind(&self) -> &'static str {
        INGEST_VERSION
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let version_id = ctx.payload()["version_id"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("trabajo sin version_id".into()))?;
        let Some(v) = catalog::store::version_by_id(&self.db, version_id).await? else {
            return Ok(());
        };
        let Some(format) = tabular_format(&v.format, &v.filename) else {
            return Ok(()); // not a table: nothing to load
        };
        store::start(
            &self.db,
            version_id,
            v.resource_id,
            ctx.job.id,
            Some(v.size),
        )
        .await?;
        // An uploaded Table Schema is the schema, rules and all; otherwise the
        // dictionary's types correct the inferred ones.
        let declared = match catalog::store::table_schema_of(&self.db, v.resource_id).await? {
            Some(text) => match tabular::Schema::from_json(&text) {
                Ok(schema) => Some(schema),
                Err(e) => {
                    tracing::warn!(error = %e, version_id, "stored table schema unreadable; ignored");
                    None
                }
            },
            None => None,
        };
        let dictionary: Vec<(String, String)> = if declared.is_some() {
            vec![]
        } else {
            catalog::store::dictionary_of(&self.db, v.resource_id)
                .await?
                .into_iter()
                .map(|f| (f.name, f.field_type))
                .collect()
        };
        match self
            .ingest(ctx, version_id, &v.sha256, format, declared, &dictionary)
            .await
        {
            Ok((rows, indexable)) => {
                store::finish(&self.db, version_id, Status::Ready, Some(rows), None).await?;
                self.announce(v.resource_id).await;
                tracing::info!(version_id, rows, "ingest ready");
                // Queryable now; fast for filters and sorts once indexed.
                match self.datastore.create_indexes(version_id, &indexable).await {
                    Ok(()) => store::mark_indexed(&self.db, version_id).await?,
                    Err(e) => tracing::warn!(error = %e, version_id, "indexes not built"),
                }
                Ok(())
            }
            Err(stop) => {
                // Nothing half-loaded stays behind (the load's transaction
                // rolled back), and the previous version keeps serving.
                let _ = self.datastore.drop_table(version_id).await;
                let (status, message, result) = match stop {
                    Stop::Cancelled => (
                        Status::Cancelled,
                        "La carga se canceló.".to_string(),
                        Err(JobError::Cancelled),
                    ),
                    Stop::Failed(m) => (Status::Failed, m.clone(), Err(JobError::Permanent(m))),
                    Stop::Retry(m) => {
                        let last = ctx.job.attempt >= ctx.job.max_attempts;
                        (
                            if last {
                                Status::Failed
                            } else {
                                Status::Pending
                            },
                            format!("No se pudo terminar la carga: {m}"),
                            Err(JobError::Retry(m)),
                        )
                    }
                };
                store::finish(&self.db, version_id, status, None, Some(&message)).await?;
                self.announce(v.resource_id).await;
                result
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dictionary_overrides_inferred_types_by_name() {
        let mut date = tabular::Field::new("fecha", tabular::FieldType::Date);
        date.format = Some("%d/%m/%Y".into());
        let inferred = tabular::Schema {
            fields: vec![
                tabular::Field::new("clave", tabular::FieldType::Integer),
                date,
                tabular::Field::new("nombre", tabular::FieldType::String),
            ],
            ..tabular::Schema::default()
        };
        let same = [("clave".to_string(), "integer".to_string())];
        assert!(overlay(&inferred, &same).is_none(), "nothing to change");
        let unknown = [
            ("otra".to_string(), "string".to_string()),
            ("clave".into(), "geopunto".into()),
        ];
        assert!(
            overlay(&inferred, &unknown).is_none(),
            "unknown names and types are ignored"
        );
        let declared = [
            ("clave".to_string(), "string".to_string()),
            ("fecha".into(), "string".into()),
        ];
        let s = overlay(&inferred, &declared).unwrap();
        assert_eq!(s.fields[0].field_type, tabular::FieldType::String);
        assert_eq!(s.fields[1].field_type, tabular::FieldType::String);
        assert_eq!(s.fields[1].format, None);
        assert_eq!(s.fields[2].field_type, tabular::FieldType::String);
    }

    #[test]
    fn which_versions_are_tables() {
        assert!(matches!(
            tabular_format("CSV", "a.csv"),
            Some(tabular::Format::Csv)
        ));
        assert!(matches!(
            tabular_format("XLSX", "a.xlsx"),
            Some(tabular::Format::Xlsx)
        ));
        assert!(matches!(
            tabular_format("TSV", "a.tsv"),
            Some(tabular::Format::Tsv)
        ));
        assert!(matches!(
            tabular_format("XLS", "a.xls"),
            Some(tabular::Format::Xls)
        ));
        assert!(tabular_format("PDF", "a.pdf").is_none());
        assert!(tabular_format("JSON", "a.json").is_none());
        assert!(tabular_format("GeoJSON", "a.geojson").is_none());
    }
}
