//! File-store tests on a local directory by default, and on S3-compatible
//! storage when `APERTURA_TEST_STORAGE_URL` is set (CI starts a local `moto`
//! server for that): content addressing, streaming, limits, failures.

#![allow(clippy::unwrap_used)]

use bytes::Bytes;
use kernel::files::FileError;
use kernel::testing::test_files;
use sha2::{Digest, Sha256};

#[tokio::test]
async fn round_trip_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let fs = test_files(dir.path());
    fs.check().await.unwrap();
    let data = Bytes::from(
        "clave,municipio\n15001,Acambay de Ruíz Castañeda\n"
            .as_bytes()
            .to_vec(),
    );
    let blob = fs.put_bytes(data.clone()).await.unwrap();
    assert_eq!(blob.sha256, hex::encode(Sha256::digest(&data)));
    assert!(fs.exists(&blob.sha256).await.unwrap());
    assert_eq!(fs.read_all(&blob.sha256).await.unwrap(), data);
    assert_eq!(
        fs.put_bytes(data).await.unwrap(),
        blob,
        "same bytes, same blob"
    );
    assert_eq!(fs.list_blobs().await.unwrap(), vec![blob]);
    assert!(matches!(
        fs.get(&"0".repeat(64)).await,
        Err(FileError::NotFound)
    ));
}

#[tokio::test]
async fn large_stream_in_parts_and_limits() {
    let dir = tempfile::tempdir().unwrap();
    let fs = test_files(dir.path());
    // 20 MiB in 1 MiB chunks: several multipart parts.
    let chunk = Bytes::from(
        (0..1024 * 1024)
            .map(|i| (i % 251) as u8)
            .collect::<Vec<u8>>(),
    );
    let chunks = || futures::stream::iter((0..20).map(|_| Ok::<_, std::io::Error>(chunk.clone())));
    let mut hasher = Sha256::new();
    for _ in 0..20 {
        hasher.update(&chunk);
    }
    let blob = fs.put_stream(chunks(), 1 << 30).await.unwrap();
    assert_eq!(blob.size, 20 * 1024 * 1024);
    assert_eq!(blob.sha256, hex::encode(hasher.finalize()));
    let got = fs.get(&blob.sha256).await.unwrap();
    assert_eq!(got.size, blob.size);
    let err = fs.put_stream(chunks(), 3 * 1024 * 1024).await.unwrap_err();
    assert!(matches!(err, FileError::TooLarge { .. }));
    assert_eq!(
        fs.list_blobs().await.unwrap().len(),
        1,
        "the refused upload is not visible"
    );
}

#[tokio::test]
async fn a_broken_upload_leaves_nothing_under_a_real_name() {
    let dir = tempfile::tempdir().unwrap();
    let fs = test_files(dir.path());
    let items: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from(vec![1u8; 6 * 1024 * 1024])),
        Err(std::io::Error::other("se cortó la conexión")),
    ];
    assert!(fs
        .put_stream(futures::stream::iter(items), 1 << 30)
        .await
        .is_err());
    assert!(fs.list_blobs().await.unwrap().is_empty());
}

#[tokio::test]
async fn only_old_unreferenced_blobs_are_swept() {
    use std::collections::HashSet;
    use std::time::Duration;
    let dir = tempfile::tempdir().unwrap();
    let fs = test_files(dir.path());
    let kept = fs.put_bytes(Bytes::from_static(b"en uso")).await.unwrap();
    let orphan = fs.put_bytes(Bytes::from_static(b"huerfano")).await.unwrap();
    let referenced: HashSet<String> = [kept.sha256.clone()].into();
    // Young blobs stay, referenced or not: an upload may be about to commit.
    assert!(fs
        .sweep_unreferenced(&referenced, Duration::from_secs(3600))
        .await
        .unwrap()
        .is_empty());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let removed = fs
        .sweep_unreferenced(&referenced, Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(removed, vec![orphan.sha256.clone()]);
    assert!(fs.exists(&kept.sha256).await.unwrap());
    assert!(!fs.exists(&orphan.sha256).await.unwrap());
    // Storing the same bytes again makes the blob young again.
    fs.put_bytes(Bytes::from_static(b"huerfano")).await.unwrap();
    assert!(fs
        .sweep_unreferenced(&referenced, Duration::from_secs(1))
        .await
        .unwrap()
        .is_empty());
}
