//! Content-addressed file storage on a local directory or S3-compatible storage,
//! through `object_store`.
//!
//! A file is stored once under its SHA-256 (`blobs/sha256/ab/abcdef…`). Bytes are
//! streamed to a staging name first (`staging/<uuid>`) while the hash is computed,
//! then renamed to the final name: a crash never leaves a partial file under a
//! real name, and leftover staging objects are swept by [`FileStore::sweep_staging`].
//! Blobs are immutable: the same name always serves the same bytes.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path as StorePath;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, WriteMultipart};
use sha2::{Digest, Sha256};

use crate::config::StorageTarget;

/// Errors of the file store; `Display` is one Spanish line.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no se pudo abrir el almacenamiento de archivos {target}: {reason}")]
    Open { target: String, reason: String },
    #[error("el archivo supera el límite de {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("el archivo no existe")]
    NotFound,
    #[error("la clave de archivo no es válida")]
    BadKey,
    #[error("error del almacenamiento de archivos: {0}")]
    Store(#[from] object_store::Error),
    #[error("error al leer el archivo enviado: {0}")]
    Source(String),
}

/// What was stored: enough to find and verify it again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    pub sha256: String,
    pub size: u64,
}

/// A downloadable blob: its size and a stream of its bytes.
pub struct BlobStream {
    pub size: u64,
    pub stream: futures::stream::BoxStream<'static, Result<Bytes, FileError>>,
}

impl std::fmt::Debug for BlobStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlobStream")
            .field("size", &self.size)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    target: StorageTarget,
}

const STAGING: &str = "staging";
const BLOBS: &str = "blobs/sha256";
/// Upload part size; memory per upload is a small multiple of this.
const CHUNK: usize = 8 * 1024 * 1024;

impl FileStore {
    pub fn open(target: &StorageTarget) -> Result<FileStore, FileError> {
        let fail = |reason: String| FileError::Open {
            target: target.redacted(),
            reason,
        };
        let store: Arc<dyn ObjectStore> = match target {
            StorageTarget::Local(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| fail(crate::config::io_reason(&e)))?;
                Arc::new(
                    LocalFileSystem::new_with_prefix(dir)
                        .map_err(|e| fail(e.to_string()))?
                        .with_automatic_cleanup(true),
                )
            }
            StorageTarget::S3(url) => {
                let s3 = AmazonS3Builder::from_env()
                    .with_url(url.clone())
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                // `s3://bucket/some/prefix` keeps everything under that prefix.
                let prefix = url::Url::parse(url)
                    .map(|u| u.path().trim_matches('/').to_string())
                    .unwrap_or_default();
                if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix.as_str()))
                }
            }
            StorageTarget::Memory => Arc::new(InMemory::new()),
        };
        Ok(FileStore {
            store,
            target: target.clone(),
        })
    }

    pub fn target(&self) -> &StorageTarget {
        &self.target
    }

    /// The object key of a blob; rejects anything that is not a SHA-256 in hex.
    pub fn blob_key(sha256: &str) -> Result<StorePath, FileError> {
        if sha256.len() != 64
            || !sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        {
            return Err(FileError::BadKey);
        }
        Ok(StorePath::from(format!(
            "{BLOBS}/{}/{sha256}",
            &sha256[..2]
        )))
    }

    /// Streams `source` into the store, refusing more than `limit` bytes.
    pub async fn put_stream<S, E>(&self, source: S, limit: u64) -> Result<StoredBlob, FileError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let staging = StorePath::from(format!("{STAGING}/{}", uuid::Uuid::new_v4()));
        let upload = self.store.put_multipart(&staging).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, CHUNK);
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        let mut source = source;
        let outcome: Result<(), FileError> = async {
            while let Some(chunk) = source.next().await {
                let chunk = chunk.map_err(|e| FileError::Source(e.to_string()))?;
                size += chunk.len() as u64;
                if size > limit {
                    return Err(FileError::TooLarge { limit });
                }
                hasher.update(&chunk);
                writer.wait_for_capacity(2).await?;
                writer.write(&chunk);
            }
            Ok(())
        }
        .await;
        if let Err(e) = outcome {
            let _ = writer.abort().await;
            return Err(e);
        }
        writer.finish().await?;
        let sha256 = hex::encode(hasher.finalize());
        let key = Self::blob_key(&sha256)?;
        // Renamed even when the same bytes are already stored: the blob's
        // modification time becomes "now", so a concurrent sweep of
        // unreferenced blobs (which spares young ones) cannot take it away
        // before the caller has recorded its reference.
        self.store.rename(&staging, &key).await?;
        Ok(StoredBlob { sha256, size })
    }

    /// Stores a small in-memory value.
    pub async fn put_bytes(&self, bytes: Bytes) -> Result<StoredBlob, FileError> {
        let limit = bytes.len() as u64;
        self.put_stream(
            futures::stream::iter([Ok::<_, std::convert::Infallible>(bytes)]),
            limit,
        )
        .await
    }

    pub async fn exists(&self, sha256: &str) -> Result<bool, FileError> {
        match self.store.head(&Self::blob_key(sha256)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Opens a blob for streaming.
    pub async fn get(&self, sha256: &str) -> Result<BlobStream, FileError> {
        let key = Self::blob_key(sha256)?;
        let result = match self.store.get(&key).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Err(FileError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let size = result.meta.size;
        let stream = result.into_stream().map_err(FileError::from).boxed();
        Ok(BlobStream { size, stream })
    }

    /// Opens the bytes `range` (inclusive) of a blob for streaming.
    pub async fn get_range(
        &self,
        sha256: &str,
        range: std::ops::RangeInclusive<u64>,
    ) -> Result<BlobStream, FileError> {
        let key = Self::blob_key(sha256)?;
        let (start, end) = (*range.start(), range.end().saturating_add(1));
        let options = object_store::GetOptions {
            range: Some(object_store::GetRange::Bounded(start..end)),
            ..Default::default()
        };
        let result = match self.store.get_opts(&key, options).await {
            Ok(r) => r,
            Err(object_store::Error::NotFound { .. }) => return Err(FileError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let size = result.range.end - result.range.start;
        let stream = result.into_stream().map_err(FileError::from).boxed();
        Ok(BlobStream { size, stream })
    }

    /// The blob's path on disk, when the store is a local directory (readers
    /// that need to seek, like spreadsheet parsers, use it directly).
    pub fn local_path(&self, sha256: &str) -> Result<Option<std::path::PathBuf>, FileError> {
        let key = Self::blob_key(sha256)?;
        Ok(match &self.target {
            StorageTarget::Local(root) => Some(root.join(key.as_ref())),
            _ => None,
        })
    }

    /// Copies a blob to a local file, streaming (for stores that are not a
    /// local directory).
    pub async fn download_to(
        &self,
        sha256: &str,
        dest: &std::path::Path,
    ) -> Result<u64, FileError> {
        use tokio::io::AsyncWriteExt;
        let mut blob = self.get(sha256).await?;
        let io = |e: std::io::Error| FileError::Source(e.to_string());
        let mut out = tokio::fs::File::create(dest).await.map_err(io)?;
        let mut written = 0u64;
        while let Some(chunk) = blob.stream.next().await {
            let chunk = chunk?;
            written += chunk.len() as u64;
            out.write_all(&chunk).await.map_err(io)?;
        }
        out.flush().await.map_err(io)?;
        Ok(written)
    }

    /// Reads a whole blob into memory (for small files only).
    pub async fn read_all(&self, sha256: &str) -> Result<Bytes, FileError> {
        let key = Self::blob_key(sha256)?;
        match self.store.get(&key).await {
            Ok(r) => Ok(r.bytes().await?),
            Err(object_store::Error::NotFound { .. }) => Err(FileError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Lists every stored blob (for backups and consistency checks).
    pub async fn list_blobs(&self) -> Result<Vec<StoredBlob>, FileError> {
        let prefix = StorePath::from(BLOBS);
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        Ok(metas
            .into_iter()
            .filter_map(|m| {
                let name = m.location.filename()?.to_string();
                Self::blob_key(&name).ok()?;
                Some(StoredBlob {
                    sha256: name,
                    size: m.size,
                })
            })
            .collect())
    }

    /// Removes staging objects older than `age`: what crashed uploads left.
    ///
    /// On S3 an interrupted multipart upload is not an object at all; its
    /// parts go with the bucket's `AbortIncompleteMultipartUpload` lifecycle
    /// rule (see the README).
    pub async fn sweep_staging(&self, age: Duration) -> Result<usize, FileError> {
        let prefix = StorePath::from(STAGING);
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(age).unwrap_or_default();
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        let mut removed = 0;
        for m in metas {
            if m.last_modified < cutoff {
                self.store.delete(&m.location).await?;
                removed += 1;
            }
        }
        if let StorageTarget::Local(root) = &self.target {
            removed += sweep_local_partials(&root.join(STAGING), age)
                .map_err(|e| FileError::Source(e.to_string()))?;
        }
        Ok(removed)
    }

    /// Removes blobs nobody references that were last written more than
    /// `age` ago: what a crash between storing an upload and committing its
    /// row left under a real name. Returns the hashes removed.
    ///
    /// Each candidate is looked at again just before it is deleted, so a blob
    /// that an upload rewrote meanwhile (see [`FileStore::put_stream`]) stays.
    pub async fn sweep_unreferenced(
        &self,
        referenced: &HashSet<String>,
        age: Duration,
    ) -> Result<Vec<String>, FileError> {
        let prefix = StorePath::from(BLOBS);
        let cutoff = chrono::Utc::now() - chrono::Duration::from_std(age).unwrap_or_default();
        let metas: Vec<_> = self.store.list(Some(&prefix)).try_collect().await?;
        let mut removed = vec![];
        for m in metas {
            let Some(name) = m.location.filename().map(str::to_string) else {
                continue;
            };
            if Self::blob_key(&name).is_err()
                || referenced.contains(&name)
                || m.last_modified >= cutoff
            {
                continue;
            }
            match self.store.head(&m.location).await {
                Ok(now) if now.last_modified < cutoff => {
                    self.store.delete(&m.location).await?;
                    removed.push(name);
                }
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(removed)
    }

    /// Readiness probe: the store answers a listing.
    pub async fn check(&self) -> Result<(), FileError> {
        let prefix = StorePath::from(BLOBS);
        let mut listing = self.store.list(Some(&prefix));
        match listing.next().await {
            None | Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(e.into()),
        }
    }
}

/// On a local disk, `object_store` writes a multipart upload to
/// `<name>#<n>` beside its final name and leaves such files out of listings,
/// so a upload cut off by `kill -9` is invisible to [`ObjectStore::list`]:
/// they are found and removed here, by modification time, directly on disk.
fn sweep_local_partials(dir: &std::path::Path, age: Duration) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let partial = entry
            .file_name()
            .to_str()
            .and_then(|n| n.split_once('#'))
            .is_some_and(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        let meta = entry.metadata()?;
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|elapsed| elapsed >= age);
        if partial && meta.is_file() && old {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(data: &[u8]) -> String {
        hex::encode(Sha256::digest(data))
    }

    #[tokio::test]
    async fn stores_by_hash_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::open(&StorageTarget::Local(dir.path().to_path_buf())).unwrap();
        let data = Bytes::from_static("datos abiertos: año, niño, Ñuñoa".as_bytes());
        let blob = fs.put_bytes(data.clone()).await.unwrap();
        assert_eq!(blob.sha256, sha(&data));
        assert_eq!(blob.size, data.len() as u64);
        assert!(fs.exists(&blob.sha256).await.unwrap());
        assert_eq!(fs.read_all(&blob.sha256).await.unwrap(), data);
        let on_disk = dir
            .path()
            .join("blobs/sha256")
            .join(&blob.sha256[..2])
            .join(&blob.sha256);
        assert_eq!(std::fs::read(on_disk).unwrap(), data.to_vec());
        // Storing the same bytes again is idempotent.
        assert_eq!(fs.put_bytes(data).await.unwrap(), blob);
        assert_eq!(fs.list_blobs().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn streams_many_chunks_and_enforces_the_limit() {
        let fs = FileStore::open(&StorageTarget::Memory).unwrap();
        let chunk = Bytes::from(vec![7u8; 1024 * 1024]);
        let chunks = || -> Vec<Result<Bytes, std::io::Error>> {
            (0..20).map(|_| Ok(chunk.clone())).collect()
        };
        let blob = fs
            .put_stream(futures::stream::iter(chunks()), 64 * 1024 * 1024)
            .await
            .unwrap();
        assert_eq!(blob.size, 20 * 1024 * 1024);
        let err = fs
            .put_stream(futures::stream::iter(chunks()), 5 * 1024 * 1024)
            .await
            .unwrap_err();
        assert!(matches!(err, FileError::TooLarge { .. }));
        // The refused upload left nothing behind under a real name.
        assert_eq!(fs.list_blobs().await.unwrap(), vec![blob]);
    }

    #[tokio::test]
    async fn a_failing_source_leaves_no_blob() {
        let dir = tempfile::tempdir().unwrap();
        let fs = FileStore::open(&StorageTarget::Local(dir.path().to_path_buf())).unwrap();
        let items: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"mitad")),
            Err(std::io::Error::other("conexión cortada")),
        ];
        assert!(fs
            .put_stream(futures::stream::iter(items), 1 << 20)
            .await
            .is_err());
        assert!(fs.list_blobs().await.unwrap().is_empty());
        fs.sweep_staging(Duration::ZERO).await.unwrap();
    }

    #[test]
    fn keys_must_be_hashes() {
        assert!(FileStore::blob_key("../../etc/passwd").is_err());
        assert!(FileStore::blob_key(&"A".repeat(64)).is_err());
        assert!(FileStore::blob_key(&"a".repeat(64)).is_ok());
    }
}
