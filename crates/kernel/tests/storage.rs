//! Storage tests of the kernel, run on SQLite by default and on PostgreSQL when
//! `APERTURA_TEST_DATABASE_URL` is set: the job queue, the audit log, seeds.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use kernel::audit::{self, Change};
use kernel::authz::Actor;
use kernel::jobs::{JobContext, JobError, JobHandler, JobQueue, NewJob, Worker};
use kernel::testing::test_db;

async fn queue() -> (kernel::testing::TestDb, JobQueue) {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    let q = JobQueue::new(t.db.clone());
    (t, q)
}

#[tokio::test]
async fn enqueue_claim_progress_complete() {
    let (_t, q) = queue().await;
    let id = q
        .enqueue(NewJob::new("prueba", serde_json::json!({"n": 1})))
        .await
        .unwrap();
    let job = q
        .claim("w1", Duration::from_secs(30))
        .await
        .unwrap()
        .expect("a job");
    assert_eq!(job.id, id);
    assert_eq!(job.payload["n"], 1);
    assert_eq!(job.attempt, 1);
    assert!(
        q.claim("w2", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none(),
        "held jobs are not claimed twice"
    );
    q.progress(&job, Duration::from_secs(30), 50, Some(200), Some("filas"))
        .await
        .unwrap();
    let s = q.status(id).await.unwrap().unwrap();
    assert_eq!((s.status.as_str(), s.percent()), ("running", Some(25)));
    assert!(q.complete(&job).await.unwrap());
    let s = q.status(id).await.unwrap().unwrap();
    assert_eq!(s.status, "succeeded");
    assert!(s.finished_at.is_some());
}

#[tokio::test]
async fn expired_lease_is_claimed_again_and_the_old_holder_is_locked_out() {
    let (_t, q) = queue().await;
    let id = q
        .enqueue(NewJob::new("prueba", serde_json::json!({})))
        .await
        .unwrap();
    let first = q
        .claim("muerto", Duration::from_millis(1))
        .await
        .unwrap()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let second = q
        .claim("vivo", Duration::from_secs(30))
        .await
        .unwrap()
        .expect("expired lease is reclaimed");
    assert_eq!(second.id, id);
    assert_eq!(second.attempt, 2);
    assert!(matches!(
        q.progress(&first, Duration::from_secs(30), 1, None, None)
            .await,
        Err(JobError::LeaseLost)
    ));
    assert!(
        !q.complete(&first).await.unwrap(),
        "the old holder cannot finish it"
    );
    assert!(q.complete(&second).await.unwrap());
}

#[tokio::test]
async fn failures_retry_with_backoff_then_fail() {
    let (_t, q) = queue().await;
    let id = q
        .enqueue(NewJob::new("prueba", serde_json::json!({})).max_attempts(2))
        .await
        .unwrap();
    let job = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    q.fail(&job, &JobError::Retry("red caída".into()))
        .await
        .unwrap();
    let s = q.status(id).await.unwrap().unwrap();
    assert_eq!(s.status, "pending");
    assert_eq!(s.last_error.as_deref(), Some("red caída"));
    assert!(
        q.claim("w", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none(),
        "backoff delays the retry"
    );
    // Make it due now, as if the backoff had passed.
    sqlx::query("UPDATE jobs SET run_at = $1 WHERE id = $2")
        .bind(kernel::time::now())
        .bind(id)
        .execute(_t.db.pool())
        .await
        .unwrap();
    let job = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.attempt, 2);
    q.fail(&job, &JobError::Retry("otra vez".into()))
        .await
        .unwrap();
    assert_eq!(q.status(id).await.unwrap().unwrap().status, "failed");
}

#[tokio::test]
async fn permanent_failure_and_cancellation() {
    let (_t, q) = queue().await;
    let a = q
        .enqueue(NewJob::new("prueba", serde_json::json!({})))
        .await
        .unwrap();
    let job = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    q.fail(&job, &JobError::Permanent("archivo ilegible".into()))
        .await
        .unwrap();
    assert_eq!(q.status(a).await.unwrap().unwrap().status, "failed");

    let b = q
        .enqueue(NewJob::new("prueba", serde_json::json!({})))
        .await
        .unwrap();
    q.cancel(b).await.unwrap();
    assert_eq!(q.status(b).await.unwrap().unwrap().status, "cancelled");

    let c = q
        .enqueue(NewJob::new("prueba", serde_json::json!({})))
        .await
        .unwrap();
    let job = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(job.id, c);
    q.cancel(c).await.unwrap();
    assert!(matches!(
        q.progress(&job, Duration::from_secs(30), 1, None, None)
            .await,
        Err(JobError::Cancelled)
    ));
}

#[tokio::test]
async fn dedup_key_keeps_one_pending_job() {
    let (_t, q) = queue().await;
    let a = q
        .enqueue(NewJob::new("indexar", serde_json::json!({})).dedup("conjunto:7"))
        .await
        .unwrap();
    let b = q
        .enqueue(NewJob::new("indexar", serde_json::json!({})).dedup("conjunto:7"))
        .await
        .unwrap();
    assert_eq!(a, b);
    let job = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    q.complete(&job).await.unwrap();
    let c = q
        .enqueue(NewJob::new("indexar", serde_json::json!({})).dedup("conjunto:7"))
        .await
        .unwrap();
    assert_ne!(a, c, "a finished job does not block a new one");
}

#[tokio::test]
async fn coalescing_jobs_absorb_waiting_requests_but_not_running_ones() {
    let (_t, q) = queue().await;
    let job = || NewJob::new("indexar", serde_json::json!({})).coalesce("conjunto:8");
    let a = q.enqueue(job()).await.unwrap();
    assert_eq!(q.enqueue(job()).await.unwrap(), a, "waiting: absorbed");
    let running = q
        .claim("w", Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(running.id, a);
    let b = q.enqueue(job()).await.unwrap();
    assert_ne!(b, a, "a change while the job runs queues another run");
    assert_eq!(
        q.enqueue(job()).await.unwrap(),
        b,
        "which absorbs the next ones"
    );
    q.complete(&running).await.unwrap();
}

struct Counting(Arc<AtomicUsize>);

#[async_trait::async_trait]
impl JobHandler for Counting {
    fn kind(&self) -> &'static str {
        "contar"
    }
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        ctx.progress(1, Some(1), None).await?;
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn concurrent_workers_run_each_job_exactly_once() {
    let (_t, q) = queue().await;
    for i in 0..40 {
        q.enqueue(NewJob::new("contar", serde_json::json!({ "i": i })))
            .await
            .unwrap();
    }
    q.enqueue(NewJob::new("desconocido", serde_json::json!({})))
        .await
        .unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let mut handles = vec![];
    for _ in 0..4 {
        let w = Worker::new(q.clone(), vec![Arc::new(Counting(count.clone()))]);
        handles.push(tokio::spawn(async move { w.drain().await.unwrap() }));
    }
    let mut ran = 0;
    for h in handles {
        ran += h.await.unwrap();
    }
    assert_eq!(count.load(Ordering::SeqCst), 40);
    assert_eq!(ran, 41);
    let recent = q.recent(100).await.unwrap();
    assert_eq!(
        recent.iter().filter(|s| s.status == "succeeded").count(),
        40
    );
    let unknown = recent.iter().find(|s| s.kind == "desconocido").unwrap();
    assert_eq!(unknown.status, "failed");
    assert!(unknown
        .last_error
        .as_deref()
        .unwrap()
        .contains("desconocido"));
}

#[tokio::test]
async fn audit_log_is_append_only() {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    let mut tx = t.db.begin().await.unwrap();
    let id = audit::record(
        &mut tx,
        &Actor::cli(),
        Change::new("prueba", 1, "create").after(serde_json::json!({"nombre": "Ñandú"})),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let entries = audit::recent(&t.db, Some("prueba"), 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].id, id);
    assert_eq!(entries[0].actor_kind, "cli");
    assert!(entries[0].after_json.as_deref().unwrap().contains("Ñandú"));

    let update = sqlx::query("UPDATE audit_log SET action = 'otra' WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await;
    assert!(update.is_err(), "UPDATE on the audit log must be refused");
    let delete = sqlx::query("DELETE FROM audit_log WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await;
    assert!(delete.is_err(), "DELETE on the audit log must be refused");
    assert_eq!(audit::recent(&t.db, None, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn only_ip_erasure_is_allowed_on_the_audit_log() {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    let actor = Actor {
        ip: Some("203.0.113.7".into()),
        ..Actor::user(42, kernel::authz::Role::Citizen)
    };
    let mut tx = t.db.begin().await.unwrap();
    let id = audit::record(&mut tx, &actor, Change::new("prueba", 1, "create"))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Erasing the IP and changing something else at once is refused.
    let sneaky = sqlx::query("UPDATE audit_log SET ip = NULL, action = 'otra' WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await;
    assert!(sneaky.is_err());
    let mut tx = t.db.begin().await.unwrap();
    assert_eq!(audit::erase_ips_of(&mut tx, 42).await.unwrap(), 1);
    tx.commit().await.unwrap();
    let e = &audit::recent(&t.db, Some("prueba"), 1).await.unwrap()[0];
    assert_eq!(e.ip, None);
    assert_eq!(
        (e.action.as_str(), e.actor_user_id),
        ("create", Some(42)),
        "nothing else changed"
    );
    // Setting an IP back is refused too.
    let back = sqlx::query("UPDATE audit_log SET ip = '198.51.100.1' WHERE id = $1")
        .bind(id)
        .execute(t.db.pool())
        .await;
    assert!(back.is_err());
}

#[tokio::test]
async fn a_rolled_back_write_leaves_no_audit_entry() {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    {
        let mut tx = t.db.begin().await.unwrap();
        audit::record(&mut tx, &Actor::cli(), Change::new("prueba", 2, "create"))
            .await
            .unwrap();
        // dropped without commit
    }
    assert!(audit::recent(&t.db, Some("prueba"), 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn concurrent_writers_queue_instead_of_failing() {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    let mut handles = vec![];
    for i in 0..20 {
        let db = t.db.clone();
        handles.push(tokio::spawn(async move {
            let mut tx = db.begin().await?;
            audit::record(
                &mut tx,
                &Actor::system(),
                Change::new("carrera", i, "create"),
            )
            .await?;
            tokio::time::sleep(Duration::from_millis(2)).await;
            tx.commit().await
        }));
    }
    for h in handles {
        h.await.unwrap().unwrap();
    }
    assert_eq!(
        audit::recent(&t.db, Some("carrera"), 100)
            .await
            .unwrap()
            .len(),
        20
    );
}

#[tokio::test]
async fn migrations_are_idempotent() {
    let t = test_db(&[kernel::MIGRATIONS]).await;
    t.db.migrate(&[kernel::MIGRATIONS]).await.unwrap();
}

#[tokio::test]
async fn periodic_jobs_stay_scheduled_once_however_many_workers_ask() {
    use kernel::housekeeping::Periodic;
    let (t, q) = queue().await;
    let every = Periodic {
        kind: "limpieza",
        every: Duration::from_secs(3600),
    };
    let a = Worker::new(q.clone(), vec![]).with_periodic(vec![every]);
    let b = Worker::new(q.clone(), vec![]).with_periodic(vec![every]);
    a.schedule_periodic().await.unwrap();
    b.schedule_periodic().await.unwrap();
    a.schedule_periodic().await.unwrap();
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM jobs WHERE kind = 'limpieza' AND status = 'pending'",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert_eq!(pending, 1);
    assert!(
        q.claim("w", Duration::from_secs(30))
            .await
            .unwrap()
            .is_none(),
        "the next run waits its hour"
    );
}

#[tokio::test]
async fn the_file_sweep_keeps_what_the_database_references_and_audits_the_rest() {
    use kernel::housekeeping::sweep_files;
    let t = test_db(&[kernel::MIGRATIONS]).await;
    let dir = tempfile::tempdir().unwrap();
    let files = kernel::testing::test_files(dir.path());
    let kept = files
        .put_bytes(bytes::Bytes::from_static(b"versi\xc3\xb3n 1"))
        .await
        .unwrap();
    let orphan = files
        .put_bytes(bytes::Bytes::from_static(b"sin registro"))
        .await
        .unwrap();
    let refs = format!("SELECT '{}' AS sha256", kept.sha256);
    let report = sweep_files(
        &t.db,
        &files,
        &[refs.as_str()],
        Duration::ZERO,
        Duration::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(report.blobs, vec![orphan.sha256.clone()]);
    assert!(files.exists(&kept.sha256).await.unwrap());
    let entries = audit::recent(&t.db, Some("file"), 10).await.unwrap();
    assert_eq!(entries.len(), 1);
    assert!(format!("{:?}", entries[0]).contains(&orphan.sha256));
    // A reference query that fails deletes nothing.
    let other = files
        .put_bytes(bytes::Bytes::from_static(b"otro"))
        .await
        .unwrap();
    assert!(sweep_files(
        &t.db,
        &files,
        &["SELECT sha256 FROM tabla_que_no_existe"],
        Duration::ZERO,
        Duration::ZERO
    )
    .await
    .is_err());
    assert!(files.exists(&other.sha256).await.unwrap());
}
