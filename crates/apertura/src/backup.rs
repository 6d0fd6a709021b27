//! `apertura backup --to DIR` and `apertura restore --from DIR`.
//!
//! A backup is a directory with a consistent copy of the database and every
//! stored file, taken while the platform keeps serving:
//! - SQLite: `VACUUM INTO`, a transactionally consistent snapshot;
//!   PostgreSQL: `pg_dump --format=custom` (a consistent snapshot too);
//! - files: blobs are immutable and written before any row refers to them, so
//!   copying them *after* the database snapshot always covers it. Each copy is
//!   checked against its SHA-256.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use futures::StreamExt;
use kernel::config::{Config, DatabaseTarget};
use kernel::db::{Backend, Db};
use kernel::files::FileStore;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

const MANIFEST: &str = "apertura-respaldo.json";
const SQLITE_FILE: &str = "apertura.db";
const PG_FILE: &str = "apertura.pgdump";

/// What a backup holds.
#[derive(Debug)]
pub struct Summary {
    pub backend: Backend,
    pub files: usize,
    pub bytes: u64,
}

pub async fn backup(
    config: &Config,
    db: &Db,
    files: &FileStore,
    dir: &Path,
) -> anyhow::Result<Summary> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        bail!(
            "el directorio {} ya existe y no está vacío: elija uno nuevo",
            dir.display()
        );
    }
    kernel::config::ensure_writable_dir(dir)?;
    match config.database()? {
        DatabaseTarget::Sqlite(_) => {
            let out = dir.join(SQLITE_FILE);
            sqlx::query("VACUUM INTO $1")
                .bind(out.to_string_lossy().to_string())
                .execute(db.pool())
                .await
                .context("no se pudo copiar la base de datos SQLite")?;
        }
        DatabaseTarget::Postgres(url) => {
            let out = dir.join(PG_FILE);
            let mut cmd = tokio::process::Command::new("pg_dump");
            cmd.arg("--format=custom").arg("--file").arg(&out);
            // A database shared by several installations (or by the tests)
            // keeps each one in its own schema: dump only ours.
            if let Some(schema) = search_path_schema(&url) {
                cmd.arg("--schema").arg(schema);
            }
            let status = cmd
                .arg(&url)
                .status()
                .await
                .context("no se pudo ejecutar pg_dump (instale el cliente de PostgreSQL)")?;
            if !status.success() {
                bail!("pg_dump terminó con error ({status})");
            }
        }
    }
    // Files after the database: everything the snapshot refers to exists already.
    let blobs = files.list_blobs().await?;
    let mut bytes = 0;
    for blob in &blobs {
        let path = blob_path(dir, &blob.sha256);
        copy_blob_out(files, &blob.sha256, &path).await?;
        bytes += blob.size;
    }
    let summary = Summary {
        backend: db.backend(),
        files: blobs.len(),
        bytes,
    };
    let manifest = serde_json::json!({
        "formato": 1,
        "creado": kernel::time::now(),
        "version": env!("CARGO_PKG_VERSION"),
        "base_de_datos": db.backend().name(),
        "archivos": summary.files,
        "bytes": summary.bytes,
    });
    tokio::fs::write(dir.join(MANIFEST), serde_json::to_vec_pretty(&manifest)?).await?;
    Ok(summary)
}

/// The schema named by `options=-c search_path=NAME` in a PostgreSQL URL.
fn search_path_schema(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let options = parsed
        .query_pairs()
        .find(|(k, _)| k == "options")?
        .1
        .into_owned();
    let value = options.split("search_path=").nth(1)?;
    let schema: String = value
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!schema.is_empty()).then_some(schema)
}

fn blob_path(dir: &Path, sha: &str) -> PathBuf {
    dir.join("files").join(&sha[..2]).join(sha)
}

async fn copy_blob_out(files: &FileStore, sha: &str, path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        tokio::fs::create_dir_all(parent).await?;
    }
    let mut src = files.get(sha).await?;
    let mut out = tokio::fs::File::create(path).await?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = src.stream.next().await {
        let chunk = chunk?;
        hasher.update(&chunk);
        out.write_all(&chunk).await?;
    }
    out.sync_all().await?;
    if hex::encode(hasher.finalize()) != sha {
        bail!("el archivo {sha} no coincide con su huella SHA-256: el almacenamiento está dañado");
    }
    Ok(())
}

/// Restores a backup into the configured database and file store.
pub async fn restore(config: &Config, dir: &Path, force: bool) -> anyhow::Result<Summary> {
    if !dir.join(MANIFEST).is_file() {
        bail!(
            "{} no es un respaldo de Apertura (falta {MANIFEST})",
            dir.display()
        );
    }
    let target = config.database()?;
    let backend = match &target {
        DatabaseTarget::Sqlite(path) => {
            let src = dir.join(SQLITE_FILE);
            if !src.is_file() {
                bail!("el respaldo no contiene una base de datos SQLite ({SQLITE_FILE})");
            }
            if path.exists() && !force {
                bail!(
                    "ya existe una base de datos en {}: use --force para reemplazarla",
                    path.display()
                );
            }
            config.prepare_directories()?;
            for suffix in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
            std::fs::copy(&src, path)
                .with_context(|| format!("no se pudo copiar a {}", path.display()))?;
            Backend::Sqlite
        }
        DatabaseTarget::Postgres(url) => {
            let src = dir.join(PG_FILE);
            if !src.is_file() {
                bail!("el respaldo no contiene un volcado de PostgreSQL ({PG_FILE})");
            }
            let mut cmd = tokio::process::Command::new("pg_restore");
            cmd.arg("--no-owner").arg("--dbname").arg(url);
            if force {
                cmd.arg("--clean").arg("--if-exists");
            }
            let status = cmd
                .arg(&src)
                .status()
                .await
                .context("no se pudo ejecutar pg_restore (instale el cliente de PostgreSQL)")?;
            if !status.success() {
                bail!("pg_restore terminó con error ({status})");
            }
            Backend::Postgres
        }
    };
    let files = FileStore::open(&config.storage()?)?;
    let mut count = 0;
    let mut bytes = 0;
    let root = dir.join("files");
    if root.is_dir() {
        for prefix in std::fs::read_dir(&root)? {
            for entry in std::fs::read_dir(prefix?.path())? {
                let path = entry?.path();
                let expected = path
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                let file = tokio::fs::File::open(&path).await?;
                let stream = tokio_util::io::ReaderStream::new(file);
                let stored = files.put_stream(stream, u64::MAX).await?;
                if stored.sha256 != expected {
                    bail!(
                        "el archivo {} del respaldo está dañado (su huella no coincide)",
                        path.display()
                    );
                }
                count += 1;
                bytes += stored.size;
            }
        }
    }
    Ok(Summary {
        backend,
        files: count,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn schema_from_the_url() {
        assert_eq!(
            super::search_path_schema("postgres://u@h/test?options=-c%20search_path%3Dt123_abc")
                .as_deref(),
            Some("t123_abc")
        );
        assert_eq!(super::search_path_schema("postgres://u@h/apertura"), None);
    }
}
