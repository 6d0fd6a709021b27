//! A durable job queue in the database, for both backends and any number of
//! worker processes.
//!
//! A worker *claims* a job by taking a lease (a random token and an expiry). While
//! it works it reports progress, which also renews the lease. If the worker dies,
//! the lease expires and another worker claims the job again, so handlers must be
//! idempotent. Failures are retried with exponential backoff up to
//! `max_attempts`; a permanent failure stops at once. Only the holder of the
//! current lease can report progress or finish a job.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use sqlx::Row;
use tracing::Instrument;

use crate::db::{AnyConnection, Backend, Db};
use crate::time;

/// What a handler may answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// Worth trying again later (network, lock, temporary unavailability).
    #[error("{0}")]
    Retry(String),
    /// Trying again will not help (bad input); the job fails now.
    #[error("{0}")]
    Permanent(String),
    /// Another worker holds the job now; stop quietly.
    #[error("el trabajo pasó a otro proceso")]
    LeaseLost,
    /// Somebody asked to cancel the job.
    #[error("el trabajo fue cancelado")]
    Cancelled,
    #[error("error de base de datos: {0}")]
    Db(#[from] sqlx::Error),
}

/// A job to put on the queue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub priority: i64,
    pub max_attempts: i64,
    pub delay: Duration,
    /// At most one pending or running job per key; enqueueing again returns it.
    pub dedup_key: Option<String>,
    /// The key is given up when the job starts: then enqueueing again while
    /// it runs queues another (see [`NewJob::coalesce`]).
    pub release_on_claim: bool,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> NewJob {
        NewJob {
            kind,
            payload,
            priority: 0,
            max_attempts: 5,
            delay: Duration::ZERO,
            dedup_key: None,
            release_on_claim: false,
        }
    }
    /// At most one pending or running job with this key.
    pub fn dedup(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self.release_on_claim = false;
        self
    }
    /// At most one *pending* job with this key: requests made while one waits
    /// are absorbed by it, but one made while it runs queues another, since
    /// the running job may have read its subject before the change that asked.
    /// For jobs that bring something up to date (an index entry).
    pub fn coalesce(mut self, key: impl Into<String>) -> Self {
        self.dedup_key = Some(key.into());
        self.release_on_claim = true;
        self
    }
    pub fn max_attempts(mut self, n: i64) -> Self {
        self.max_attempts = n.max(1);
        self
    }
    pub fn delay(mut self, d: Duration) -> Self {
        self.delay = d;
        self
    }
}

/// Where a job stands, for progress bars and admin pages.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JobStatus {
    pub id: i64,
    pub kind: String,
    pub status: String,
    pub attempts: i64,
    pub max_attempts: i64,
    pub progress_done: i64,
    pub progress_total: Option<i64>,
    pub progress_note: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

impl JobStatus {
    /// Percentage done, when the total is known.
    pub fn percent(&self) -> Option<u8> {
        let total = self.progress_total.filter(|t| *t > 0)?;
        let pct = (self.progress_done.clamp(0, total) * 100) / total;
        u8::try_from(pct).ok()
    }
}

/// A job a worker holds.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempt: i64,
    pub max_attempts: i64,
    token: String,
}

/// The queue itself: a handle on the `jobs` table.
#[derive(Debug, Clone)]
pub struct JobQueue {
    db: Db,
    wake: Arc<tokio::sync::Notify>,
}

/// Retry delay after the `attempt`-th failure: 5 s, 10 s, 20 s … capped at 1 h.
pub fn backoff(attempt: i64) -> Duration {
    let exp = u32::try_from(attempt.clamp(1, 20) - 1).unwrap_or(0);
    let secs = 5u64.saturating_mul(2u64.saturating_pow(exp));
    Duration::from_secs(secs.min(3600))
}

const STATUS_COLUMNS: &str =
    "id, kind, status, attempts, max_attempts, progress_done, progress_total, \
     progress_note, last_error, created_at, updated_at, finished_at";

impl JobQueue {
    pub fn new(db: Db) -> JobQueue {
        JobQueue {
            db,
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// Enqueues inside the caller's transaction, so the job exists exactly when
    /// the change that asked for it is committed.
    pub async fn enqueue_in(
        &self,
        conn: &mut AnyConnection,
        job: NewJob,
    ) -> Result<i64, sqlx::Error> {
        let now = time::now();
        let run_at = time::in_future(job.delay);
        let payload = job.payload.to_string();
        // ON CONFLICT rather than catching the error: on PostgreSQL a failed
        // statement would abort the caller's whole transaction.
        let inserted = sqlx::query(
            "INSERT INTO jobs (kind, payload, priority, max_attempts, run_at, dedup_key, release_on_claim, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $8, $7, $7) \
             ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING \
             RETURNING id",
        )
        .bind(job.kind)
        .bind(&payload)
        .bind(job.priority)
        .bind(job.max_attempts)
        .bind(&run_at)
        .bind(job.dedup_key.as_deref())
        .bind(&now)
        .bind(i64::from(job.release_on_claim))
        .fetch_optional(&mut *conn)
        .await?;
        let id: i64 =
            match inserted {
                Some(row) => row.try_get("id")?,
                None => sqlx::query_scalar(
                    "SELECT id FROM jobs WHERE dedup_key = $1 AND status IN ('pending', 'running')",
                )
                .bind(job.dedup_key.as_deref())
                .fetch_one(&mut *conn)
                .await?,
            };
        self.wake.notify_waiters();
        Ok(id)
    }

    /// Enqueues in a transaction of its own.
    pub async fn enqueue(&self, job: NewJob) -> Result<i64, sqlx::Error> {
        let mut tx = self.db.begin().await?;
        let id = self.enqueue_in(&mut tx, job).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes the most urgent ready job (or one whose lease expired), if any.
    pub async fn claim(
        &self,
        worker: &str,
        lease: Duration,
    ) -> Result<Option<ClaimedJob>, sqlx::Error> {
        let now = time::now();
        let until = time::in_future(lease);
        let token = uuid::Uuid::new_v4().to_string();
        let skip_locked = match self.db.backend() {
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_token = $1, \
             leased_by = $2, lease_until = $3, updated_at = $4, \
             dedup_key = CASE WHEN release_on_claim = 1 THEN NULL ELSE dedup_key END \
             WHERE id = (SELECT id FROM jobs WHERE \
               ((status = 'pending' AND run_at <= $4) OR (status = 'running' AND lease_until < $4)) \
               ORDER BY priority DESC, run_at, id LIMIT 1{skip_locked}) \
             RETURNING id, kind, payload, attempts, max_attempts, cancel_requested"
        );
        let mut tx = self.db.begin().await?;
        let row = sqlx::query(&sql)
            .bind(&token)
            .bind(worker)
            .bind(&until)
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            tx.commit().await?;
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let attempt: i64 = row.try_get("attempts")?;
        let max_attempts: i64 = row.try_get("max_attempts")?;
        let cancel: i64 = row.try_get("cancel_requested")?;
        // A job whose worker died on every attempt, or that was cancelled while
        // held by a dead worker, ends here instead of looping forever.
        if attempt > max_attempts || cancel != 0 {
            let (status, error) = if cancel != 0 {
                ("cancelled", "el trabajo fue cancelado")
            } else {
                (
                    "failed",
                    "se agotaron los intentos: el proceso que lo ejecutaba se detuvo",
                )
            };
            sqlx::query(
                "UPDATE jobs SET status = $1, last_error = $2, lease_token = NULL, lease_until = NULL, \
                 finished_at = $3, updated_at = $3 WHERE id = $4",
            )
            .bind(status)
            .bind(error)
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Box::pin(self.claim(worker, lease)).await;
        }
        tx.commit().await?;
        let payload: String = row.try_get("payload")?;
        Ok(Some(ClaimedJob {
            id,
            kind: row.try_get("kind")?,
            payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::Null),
            attempt,
            max_attempts,
            token,
        }))
    }

    /// Records progress and renews the lease. Fails with `LeaseLost` when another
    /// worker took the job, and with `Cancelled` when cancellation was asked.
    pub async fn progress(
        &self,
        job: &ClaimedJob,
        lease: Duration,
        done: i64,
        total: Option<i64>,
        note: Option<&str>,
    ) -> Result<(), JobError> {
        let now = time::now();
        let row = sqlx::query(
            "UPDATE jobs SET progress_done = $1, progress_total = $2, progress_note = $3, \
             lease_until = $4, updated_at = $5 WHERE id = $6 AND lease_token = $7 \
             RETURNING cancel_requested",
        )
        .bind(done)
        .bind(total)
        .bind(note)
        .bind(time::in_future(lease))
        .bind(&now)
        .bind(job.id)
        .bind(&job.token)
        .fetch_optional(self.db.pool())
        .await?;
        match row {
            None => Err(JobError::LeaseLost),
            Some(r) if r.try_get::<i64, _>("cancel_requested")? != 0 => Err(JobError::Cancelled),
            Some(_) => Ok(()),
        }
    }

    /// Renews the lease without touching progress.
    pub async fn heartbeat(&self, job: &ClaimedJob, lease: Duration) -> Result<(), JobError> {
        let done =
            sqlx::query("UPDATE jobs SET lease_until = $1 WHERE id = $2 AND lease_token = $3")
                .bind(time::in_future(lease))
                .bind(job.id)
                .bind(&job.token)
                .execute(self.db.pool())
                .await?;
        if done.rows_affected() == 0 {
            return Err(JobError::LeaseLost);
        }
        Ok(())
    }

    /// Marks the job done. Returns false when the lease had been lost.
    pub async fn complete(&self, job: &ClaimedJob) -> Result<bool, sqlx::Error> {
        let now = time::now();
        let done = sqlx::query(
            "UPDATE jobs SET status = 'succeeded', lease_token = NULL, lease_until = NULL, \
             last_error = NULL, finished_at = $1, updated_at = $1 WHERE id = $2 AND lease_token = $3",
        )
        .bind(&now)
        .bind(job.id)
        .bind(&job.token)
        .execute(self.db.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Records a failure: retried later with backoff, or failed for good.
    pub async fn fail(&self, job: &ClaimedJob, error: &JobError) -> Result<(), sqlx::Error> {
        let now = time::now();
        let message = error.to_string();
        let (status, run_at, finished) = match error {
            JobError::Cancelled => ("cancelled", now.clone(), Some(now.clone())),
            JobError::Permanent(_) => ("failed", now.clone(), Some(now.clone())),
            _ if job.attempt >= job.max_attempts => ("failed", now.clone(), Some(now.clone())),
            _ => ("pending", time::in_future(backoff(job.attempt)), None),
        };
        sqlx::query(
            "UPDATE jobs SET status = $1, run_at = $2, last_error = $3, finished_at = $4, \
             lease_token = NULL, lease_until = NULL, updated_at = $5 WHERE id = $6 AND lease_token = $7",
        )
        .bind(status)
        .bind(&run_at)
        .bind(&message)
        .bind(finished.as_deref())
        .bind(&now)
        .bind(job.id)
        .bind(&job.token)
        .execute(self.db.pool())
        .await?;
        Ok(())
    }

    /// Asks for cancellation: a pending job is cancelled now, a running one at
    /// its next progress report.
    pub async fn cancel(&self, id: i64) -> Result<(), sqlx::Error> {
        let now = time::now();
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "UPDATE jobs SET status = 'cancelled', finished_at = $1, updated_at = $1, \
             last_error = 'el trabajo fue cancelado' WHERE id = $2 AND status = 'pending'",
        )
        .bind(&now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE jobs SET cancel_requested = 1, updated_at = $1 WHERE id = $2 AND status = 'running'")
            .bind(&now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    pub async fn status(&self, id: i64) -> Result<Option<JobStatus>, sqlx::Error> {
        let sql = format!("SELECT {STATUS_COLUMNS} FROM jobs WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        row.map(|r| status_from_row(&r)).transpose()
    }

    /// Most recent jobs first.
    pub async fn recent(&self, limit: i64) -> Result<Vec<JobStatus>, sqlx::Error> {
        let sql = format!("SELECT {STATUS_COLUMNS} FROM jobs ORDER BY id DESC LIMIT $1");
        let rows = sqlx::query(&sql)
            .bind(limit)
            .fetch_all(self.db.pool())
            .await?;
        rows.iter().map(status_from_row).collect()
    }

    /// Waits until something is enqueued in this process, or `max` passes.
    pub async fn wait(&self, max: Duration) {
        let _ = tokio::time::timeout(max, self.wake.notified()).await;
    }
}

fn status_from_row(r: &crate::db::AnyRow) -> Result<JobStatus, sqlx::Error> {
    Ok(JobStatus {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        max_attempts: r.try_get("max_attempts")?,
        progress_done: r.try_get("progress_done")?,
        progress_total: r.try_get("progress_total")?,
        progress_note: r.try_get("progress_note")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// What a handler gets: the job and a way to report progress.
#[derive(Debug, Clone)]
pub struct JobContext {
    pub job: ClaimedJob,
    queue: JobQueue,
    lease: Duration,
}

impl JobContext {
    pub fn payload(&self) -> &serde_json::Value {
        &self.job.payload
    }

    /// Reports progress (renewing the lease); stop when it returns an error.
    pub async fn progress(
        &self,
        done: i64,
        total: Option<i64>,
        note: Option<&str>,
    ) -> Result<(), JobError> {
        self.queue
            .progress(&self.job, self.lease, done, total, note)
            .await
    }
}

/// One kind of background work.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync {
    /// The `kind` this handler runs, e.g. `"ingest.resource_version"`.
    fn kind(&self) -> &'static str;
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError>;
}

/// Runs jobs from the queue with the handlers it knows.
#[derive(Clone)]
pub struct Worker {
    queue: JobQueue,
    handlers: Arc<HashMap<&'static str, Arc<dyn JobHandler>>>,
    periodic: Arc<Vec<crate::housekeeping::Periodic>>,
    id: String,
    pub lease: Duration,
    pub poll: Duration,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker").field("id", &self.id).finish()
    }
}

impl Worker {
    pub fn new(queue: JobQueue, handlers: Vec<Arc<dyn JobHandler>>) -> Worker {
        let handlers = handlers.into_iter().map(|h| (h.kind(), h)).collect();
        Worker {
            queue,
            handlers: Arc::new(handlers),
            periodic: Arc::new(vec![]),
            id: format!(
                "{}-{}",
                std::process::id(),
                &uuid::Uuid::new_v4().to_string()[..8]
            ),
            lease: Duration::from_secs(60),
            poll: Duration::from_secs(2),
        }
    }

    /// Jobs this worker keeps scheduled, each every so often.
    pub fn with_periodic(mut self, periodic: Vec<crate::housekeeping::Periodic>) -> Worker {
        self.periodic = Arc::new(periodic);
        self
    }

    /// Makes sure the next run of each periodic job is on the queue (the dedup
    /// key keeps one per kind, however many workers ask).
    pub async fn schedule_periodic(&self) -> Result<(), sqlx::Error> {
        for p in self.periodic.iter() {
            self.queue.enqueue(p.next()).await?;
        }
        Ok(())
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// Claims and runs one job. Returns false when the queue had nothing ready.
    pub async fn run_once(&self) -> Result<bool, sqlx::Error> {
        let Some(job) = self.queue.claim(&self.id, self.lease).await? else {
            return Ok(false);
        };
        let Some(handler) = self.handlers.get(job.kind.as_str()).cloned() else {
            let err = JobError::Permanent(format!("tipo de trabajo desconocido: {}", job.kind));
            self.queue.fail(&job, &err).await?;
            return Ok(true);
        };
        let ctx = JobContext {
            job: job.clone(),
            queue: self.queue.clone(),
            lease: self.lease,
        };
        let span = tracing::info_span!("job", id = job.id, kind = %job.kind, attempt = job.attempt);
        self.execute(handler, ctx, job).instrument(span).await?;
        Ok(true)
    }

    async fn execute(
        &self,
        handler: Arc<dyn JobHandler>,
        ctx: JobContext,
        job: ClaimedJob,
    ) -> Result<(), sqlx::Error> {
        // Renew the lease while the handler works, even if it reports no progress.
        let beat_every = self.lease / 3;
        let run = handler.run(&ctx);
        tokio::pin!(run);
        let outcome = loop {
            tokio::select! {
                r = &mut run => break r,
                _ = tokio::time::sleep(beat_every) => {
                    if let Err(e) = self.queue.heartbeat(&job, self.lease).await {
                        break Err(e);
                    }
                }
            }
        };
        match outcome {
            Ok(()) => {
                if !self.queue.complete(&job).await? {
                    tracing::warn!("job finished after its lease was lost");
                }
            }
            Err(JobError::LeaseLost) => tracing::warn!("job lease lost; another worker has it"),
            Err(e) => {
                tracing::warn!(error = %e, "job failed");
                self.queue.fail(&job, &e).await?;
            }
        }
        Ok(())
    }

    /// Runs until `shutdown` resolves.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        tracing::info!(worker = %self.id, kinds = self.handlers.len(), "worker started");
        let mut next_schedule = std::time::Instant::now();
        loop {
            if !self.periodic.is_empty() && std::time::Instant::now() >= next_schedule {
                if let Err(e) = self.schedule_periodic().await {
                    tracing::warn!(error = %e, "could not schedule periodic jobs");
                }
                next_schedule = std::time::Instant::now() + Duration::from_secs(60);
            }
            let idle = match self.run_once().await {
                Ok(true) => false,
                Ok(false) => true,
                Err(e) => {
                    tracing::error!(error = %e, "worker could not reach the queue");
                    true
                }
            };
            if idle {
                tokio::select! {
                    _ = &mut shutdown => break,
                    _ = self.queue.wait(self.poll) => {}
                }
            }
        }
        tracing::info!(worker = %self.id, "worker stopped");
    }

    /// Runs jobs until none is ready (for tests and the command line).
    pub async fn drain(&self) -> Result<usize, sqlx::Error> {
        let mut n = 0;
        while self.run_once().await? {
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1), Duration::from_secs(5));
        assert_eq!(backoff(2), Duration::from_secs(10));
        assert_eq!(backoff(4), Duration::from_secs(40));
        assert_eq!(backoff(50), Duration::from_secs(3600));
        assert_eq!(backoff(0), Duration::from_secs(5));
    }

    #[test]
    fn percent_is_bounded() {
        let mut s = JobStatus {
            id: 1,
            kind: "k".into(),
            status: "running".into(),
            attempts: 1,
            max_attempts: 5,
            progress_done: 50,
            progress_total: Some(200),
            progress_note: None,
            last_error: None,
            created_at: String::new(),
            updated_at: String::new(),
            finished_at: None,
        };
        assert_eq!(s.percent(), Some(25));
        s.progress_done = 500;
        assert_eq!(s.percent(), Some(100));
        s.progress_total = None;
        assert_eq!(s.percent(), None);
    }
}
