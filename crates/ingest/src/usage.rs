//! Use of the tables through the API: every `datastore_search`,
//! `datastore_search_sql` and export counts a call for each resource it
//! reads. Counted in memory and written behind the answer: one writer at a
//! time per process, which takes everything counted while the previous write
//! was under way, so a busy table costs one write per round trip to the
//! database instead of one per query (the datastore answers thousands of
//! queries a second; a row update each would serialise them). Counts not yet
//! written when a process dies are lost: this is a measure of use, not a
//! record.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kernel::db::Db;

#[derive(Debug, Default)]
struct Pending {
    calls: HashMap<i64, i64>,
    writing: bool,
}

/// The process's counter (a service: `state.service::<ApiCalls>()`).
#[derive(Debug, Default, Clone)]
pub struct ApiCalls {
    pending: Arc<Mutex<Pending>>,
}

impl ApiCalls {
    /// Counts one call of each of these resources.
    pub fn record(&self, db: &Db, resource_ids: &[i64]) {
        let start = {
            let Ok(mut p) = self.pending.lock() else {
                return;
            };
            for id in resource_ids {
                *p.calls.entry(*id).or_insert(0) += 1;
            }
            !std::mem::replace(&mut p.writing, true)
        };
        if start {
            let pending = self.pending.clone();
            let db = db.clone();
            tokio::spawn(async move {
                loop {
                    let batch = {
                        let Ok(mut p) = pending.lock() else {
                            return;
                        };
                        if p.calls.is_empty() {
                            p.writing = false;
                            return;
                        }
                        std::mem::take(&mut p.calls)
                    };
                    if let Err(e) = add(&db, &batch).await {
                        tracing::warn!(error = %e, resources = batch.len(), "API calls not counted");
                    }
                }
            });
        }
    }
}

async fn add(db: &Db, calls: &HashMap<i64, i64>) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for (resource_id, n) in calls {
        sqlx::query(
            "INSERT INTO resource_api_calls (resource_id, count) VALUES ($1, $2) \
             ON CONFLICT (resource_id) DO UPDATE SET count = resource_api_calls.count + excluded.count",
        )
        .bind(resource_id)
        .bind(n)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await
}

/// The API calls of each of these resources (those with any).
pub async fn api_calls_of(db: &Db, resource_ids: &[i64]) -> Result<HashMap<i64, i64>, sqlx::Error> {
    use sqlx::Row;
    let rows = db
        .fetch_all_in(resource_ids, |list| {
            format!(
                "SELECT resource_id, count FROM resource_api_calls WHERE resource_id IN ({list})"
            )
        })
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("resource_id")?, r.try_get("count")?)))
        .collect()
}
