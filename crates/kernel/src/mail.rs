//! The e-mail outbox. Messages are written to the `outbox` table in the
//! caller's transaction (so a mail exists exactly when the change that caused
//! it is committed) and delivered by the `mail.deliver` job: through SMTP when
//! `APERTURA_SMTP_URL` is set, otherwise as `.eml` files under
//! `DATA_DIR/outbox/`, which administrators see listed in the admin area. The
//! platform therefore works on the embedded default with no mail server.

use std::sync::Arc;

use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Serialize;
use sqlx::Row;

use crate::config::Config;
use crate::db::{AnyConnection, Db};
use crate::jobs::{JobContext, JobError, JobHandler, JobQueue, NewJob};
use crate::time;

pub const DELIVER: &str = "mail.deliver";

/// A message to send (plain text, Spanish first).
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Puts a message in the outbox and schedules its delivery, in the caller's
/// transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    jobs: &JobQueue,
    mail: &Mail,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("INSERT INTO outbox (to_addr, subject, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(&mail.to)
        .bind(&mail.subject)
        .bind(&mail.body)
        .bind(time::now())
        .fetch_one(&mut *conn)
        .await?;
    let id: i64 = row.try_get("id")?;
    jobs.enqueue_in(
        conn,
        NewJob::new(DELIVER, serde_json::json!({ "outbox_id": id })).dedup(format!("mail:{id}")),
    )
    .await?;
    Ok(id)
}

/// An outbox entry, for the admin page (and for tests that follow a link).
#[derive(Debug, Clone, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub transport: Option<String>,
    pub location: Option<String>,
    pub last_error: Option<String>,
}

pub async fn recent(db: &Db, limit: i64) -> Result<Vec<OutboxEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, to_addr, subject, body, created_at, sent_at, transport, location, last_error \
         FROM outbox ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OutboxEntry {
                id: r.try_get("id")?,
                to_addr: r.try_get("to_addr")?,
                subject: r.try_get("subject")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
                sent_at: r.try_get("sent_at")?,
                transport: r.try_get("transport")?,
                location: r.try_get("location")?,
                last_error: r.try_get("last_error")?,
            })
        })
        .collect()
}

/// Delivers one outbox entry.
pub struct Deliver {
    pub db: Db,
    pub config: Config,
}

impl Deliver {
    fn build(&self, to: &str, subject: &str, body: &str) -> Result<Message, JobError> {
        let from = self
            .config
            .mail_from
            .parse()
            .map_err(|e| JobError::Permanent(format!("remitente no válido: {e}")))?;
        let to = to
            .parse()
            .map_err(|e| JobError::Permanent(format!("destinatario no válido: {e}")))?;
        Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| JobError::Permanent(format!("mensaje no válido: {e}")))
    }
}

#[async_trait::async_trait]
impl JobHandler for Deliver {
    fn kind(&self) -> &'static str {
        DELIVER
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let id = ctx.payload()["outbox_id"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("trabajo sin outbox_id".into()))?;
        let row = sqlx::query("SELECT to_addr, subject, body, sent_at FROM outbox WHERE id = $1")
            .bind(id)
            .fetch_optional(self.db.pool())
            .await?;
        let Some(row) = row else { return Ok(()) };
        if row.try_get::<Option<String>, _>("sent_at")?.is_some() {
            return Ok(()); // already delivered (the job ran twice)
        }
        let to: String = row.try_get("to_addr")?;
        let subject: String = row.try_get("subject")?;
        let body: String = row.try_get("body")?;
        let message = self.build(&to, &subject, &body)?;
        let (transport, location) = match &self.config.smtp_url {
            Some(url) => {
                let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| JobError::Permanent(format!("APERTURA_SMTP_URL no válida: {e}")))?
                    .build();
                mailer.send(message).await.map_err(|e| {
                    JobError::Retry(format!("el servidor de correo no aceptó el mensaje: {e}"))
                })?;
                ("smtp", None)
            }
            None => {
                let dir = self.config.data_dir.join("outbox");
                tokio::fs::create_dir_all(&dir)
                    .await
                    .map_err(|e| JobError::Retry(e.to_string()))?;
                let path = dir.join(format!("{id:08}.eml"));
                let tmp = dir.join(format!(".{id:08}.eml.tmp"));
                tokio::fs::write(&tmp, message.formatted())
                    .await
                    .map_err(|e| JobError::Retry(e.to_string()))?;
                tokio::fs::rename(&tmp, &path)
                    .await
                    .map_err(|e| JobError::Retry(e.to_string()))?;
                ("archivo", Some(path.display().to_string()))
            }
        };
        sqlx::query("UPDATE outbox SET sent_at = $1, transport = $2, location = $3, last_error = NULL WHERE id = $4")
            .bind(time::now())
            .bind(transport)
            .bind(location)
            .bind(id)
            .execute(self.db.pool())
            .await?;
        Ok(())
    }
}

/// The kernel's job handlers.
pub fn handlers(db: &Db, config: &Config) -> Vec<Arc<dyn JobHandler>> {
    vec![Arc::new(Deliver {
        db: db.clone(),
        config: config.clone(),
    })]
}
