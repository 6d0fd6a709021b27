//! The personal-data guard's scan of files: every cell of every sheet of a
//! table (all columns read as text), or every line of a text, through the
//! `privacy` detectors. Used by `apertura scan` and by the job that scans
//! each new version before its dataset may be published
//! (`catalog::store::privacy_blocking` reads what it found).

use std::path::Path;

use async_trait::async_trait;
use kernel::db::Db;
use kernel::files::FileStore;
use kernel::jobs::{JobContext, JobError, JobHandler};

/// One thing found: masked, never the whole value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub kind: privacy::Kind,
    /// Row as a person counts it in the file (or line, for texts).
    pub row: u64,
    /// The column's name (tables).
    pub column: Option<String>,
    /// The sheet, when a workbook has several.
    pub sheet: Option<String>,
    pub value: String,
}

/// Files the scan reads as plain text.
pub fn is_text(filename: &str) -> bool {
    let lower = filename.to_ascii_lowercase();
    [".txt", ".md", ".markdown", ".text"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Scans a file (a table, or a text when `text`), handing each hit to
/// `emit`. `Err` is a Spanish sentence.
pub fn scan_path(
    path: &Path,
    format: Option<tabular::Format>,
    text: bool,
    emit: &mut dyn FnMut(Hit),
) -> Result<(), String> {
    if text {
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        // UTF-8, or else Latin-1 (each byte one character).
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| e.into_bytes().iter().map(|&b| char::from(b)).collect());
        for (i, line) in text.trim_start_matches('\u{feff}').lines().enumerate() {
            for f in privacy::scan_text(line) {
                emit(Hit {
                    kind: f.kind,
                    row: i as u64 + 1,
                    column: None,
                    sheet: None,
                    value: f.masked,
                });
            }
        }
        return Ok(());
    }
    let Some(format) = format else {
        return Err(
            "no es una tabla ni un texto: se revisan archivos CSV, TSV, XLSX, XLS, TXT y MD".into(),
        );
    };
    let options = tabular::Options {
        format,
        ..tabular::Options::default()
    };
    let first = tabular::analyze_path(path, &options, &mut |_| true).map_err(|e| e.to_string())?;
    let several = format.is_spreadsheet() && first.dialect.sheets.len() > 1;
    let sheets: Vec<Option<String>> = if several {
        first.dialect.sheets.iter().cloned().map(Some).collect()
    } else {
        vec![None]
    };
    for sheet in sheets {
        let options = tabular::Options {
            sheet: sheet.clone(),
            ..options.clone()
        };
        let mut analysis = if sheet.is_none() || sheet == first.dialect.sheet {
            first.clone()
        } else {
            match tabular::analyze_path(path, &options, &mut |_| true) {
                Ok(a) => a,
                // An empty or unreadable sheet among others.
                Err(_) => continue,
            }
        };
        // Every column as text: an identifier typed as a number keeps its digits.
        for f in &mut analysis.schema.fields {
            f.field_type = tabular::FieldType::String;
            f.format = None;
        }
        let header: Vec<&str> = analysis
            .schema
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        let scanner = privacy::Scanner::new(&header);
        let rows = tabular::rows_path(path, &analysis, &options).map_err(|e| e.to_string())?;
        for row in rows {
            let row = row.map_err(|e| e.to_string())?;
            let cells: Vec<String> = row
                .values
                .into_iter()
                .map(|v| match v {
                    tabular::Value::Text(s) => s,
                    _ => String::new(),
                })
                .collect();
            for f in scanner.scan_row(row.number, &cells) {
                emit(Hit {
                    kind: f.finding.kind,
                    row: f.row,
                    column: Some(scanner.column_name(f.column)),
                    sheet: sheet.clone().filter(|_| several),
                    value: f.finding.masked,
                });
            }
        }
    }
    Ok(())
}

/// Hits kept per version to show where they are (the total is counted).
const SAMPLE: usize = 50;

pub const PRIVACY_SCAN: &str = "ingest.privacy_scan";

/// Scans each new version of a table or text. If it finds personal data in
/// the current file of a published dataset, the dataset is withdrawn from
/// public view at once (audited) until the file is replaced or a reviewer
/// justifies it; a dataset not yet public cannot be published meanwhile.
pub struct PrivacyScan {
    pub db: Db,
    pub files: FileStore,
    pub tmp_dir: std::path::PathBuf,
    pub state: kernel::web::AppState,
}

#[async_trait]
impl JobHandler for PrivacyScan {
    fn kind(&self) -> &'static str {
        PRIVACY_SCAN
    }

    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let version_id = ctx.payload()["version_id"]
            .as_i64()
            .ok_or_else(|| JobError::Permanent("trabajo sin version_id".into()))?;
        let Some(v) = catalog::store::version_by_id(&self.db, version_id).await? else {
            return Ok(());
        };
        let format = crate::job::tabular_format(&v.format, &v.filename);
        let text = is_text(&v.filename);
        if format.is_none() && !text {
            return Ok(()); // not a table nor a text: nothing to read
        }
        let local = crate::job::local_copy(&self.files, &self.tmp_dir, &v.sha256)
            .await
            .map_err(|e| JobError::Retry(e.to_string()))?;
        let path = local.path.clone();
        let scanned = tokio::task::spawn_blocking(move || {
            let mut total = 0i64;
            let mut sample: Vec<Hit> = vec![];
            let outcome = scan_path(&path, format, text, &mut |h| {
                total += 1;
                if sample.len() < SAMPLE {
                    sample.push(h);
                }
            });
            outcome.map(|()| (total, sample))
        })
        .await
        .map_err(|e| JobError::Retry(e.to_string()))?;
        drop(local);
        let (total, sample) = match scanned {
            Ok(x) => x,
            // What cannot be read as a table is refused by the load and
            // reported to the publisher there; there is nothing to find in it.
            Err(reason) => {
                tracing::info!(version_id, %reason, "privacy scan: unreadable");
                (0, vec![])
            }
        };
        let findings = serde_json::json!(sample
            .iter()
            .map(|h| serde_json::json!({
                "kind": h.kind.code(), "row": h.row, "column": h.column, "sheet": h.sheet, "value": h.value,
            }))
            .collect::<Vec<_>>());
        catalog::store::save_privacy_scan(&self.db, version_id, total, &findings).await?;
        if total > 0 {
            tracing::info!(version_id, total, "personal data found");
            catalog::privacy::withdraw_if_public(&self.state, version_id).await?;
        } else {
            catalog::privacy::publish_if_waiting(&self.state, version_id).await?;
        }
        Ok(())
    }
}

/// The job that scans what was never scanned (files stored before the
/// guard existed, or whose scan job was lost): queued at every start.
pub const PRIVACY_BACKFILL: &str = "ingest.privacy_backfill";

/// `ingest.privacy_backfill`: a scan job for each current version the guard
/// reads that has no scan yet (outside readers wait for it).
pub struct PrivacyBackfill {
    pub db: Db,
    pub jobs: kernel::jobs::JobQueue,
}

#[async_trait]
impl JobHandler for PrivacyBackfill {
    fn kind(&self) -> &'static str {
        PRIVACY_BACKFILL
    }

    async fn run(&self, _ctx: &JobContext) -> Result<(), JobError> {
        use sqlx::Row;
        let rows = sqlx::query(
            "SELECT v.id, v.resource_id, r.dataset_id, v.format, v.filename FROM resource_versions v \
             JOIN resources r ON r.id = v.resource_id WHERE r.deleted_at IS NULL \
             AND v.number = (SELECT MAX(number) FROM resource_versions w WHERE w.resource_id = v.resource_id) \
             AND NOT EXISTS (SELECT 1 FROM privacy_scans p WHERE p.version_id = v.id)",
        )
        .fetch_all(self.db.pool())
        .await?;
        let mut queued = 0;
        for r in &rows {
            let (format, filename): (String, String) =
                (r.try_get("format")?, r.try_get("filename")?);
            if !catalog::privacy::is_guarded(&format, &filename) {
                continue;
            }
            let id: i64 = r.try_get("id")?;
            let payload = serde_json::json!({
                "version_id": id,
                "resource_id": r.try_get::<i64, _>("resource_id")?,
                "dataset_id": r.try_get::<i64, _>("dataset_id")?,
                "format": format,
            });
            self.jobs
                .enqueue(
                    kernel::jobs::NewJob::new(PRIVACY_SCAN, payload)
                        .coalesce(format!("{PRIVACY_SCAN}:{id}")),
                )
                .await?;
            queued += 1;
        }
        if queued > 0 {
            tracing::info!(
                queued,
                "personal-data scans queued for versions never scanned"
            );
        }
        Ok(())
    }
}
