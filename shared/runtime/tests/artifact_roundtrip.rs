//! Producer and consumer sides of artifacts together: archive into storage, serve over HTTP,
//! fetch + verify + unpack; a tampered artifact and a missing one give distinct errors.

use ferroflux_runtime::artifact::archive::KeepAll;
use ferroflux_runtime::artifact::fetch::{ArtifactFetcher, FetchError};
use ferroflux_runtime::artifact::server::file_server;
use ferroflux_runtime::artifact::storage::Storage;

async fn serve(root: std::path::PathBuf) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, file_server(root)).await });
    addr.to_string()
}

#[tokio::test]
async fn artifact_round_trip_and_tamper_detection() {
    let storage_root = tempfile::tempdir().unwrap();
    let addr = serve(storage_root.path().to_path_buf()).await;
    let storage = Storage::new(storage_root.path(), &addr);
    let src = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(src.path().join("deploy")).unwrap();
    std::fs::write(src.path().join("deploy/app.yaml"), "kind: ConfigMap\n").unwrap();

    let stored = storage
        .archive_dir("GitRepository", "ns", "app", src.path(), &KeepAll)
        .unwrap();
    assert!(stored.path.starts_with("gitrepository/ns/app/"));
    assert!(stored.path.ends_with(".tar.gz"));
    assert_eq!(
        stored.path,
        format!("gitrepository/ns/app/{}.tar.gz", &stored.digest[7..])
    );
    // same content, same digest, same file
    let again = storage
        .archive_dir("GitRepository", "ns", "app", src.path(), &KeepAll)
        .unwrap();
    assert_eq!(again, stored);

    let fetcher = ArtifactFetcher::new(1 << 20, 2);
    let dest = tempfile::tempdir().unwrap();
    fetcher
        .fetch_into(&stored.url, &stored.digest, dest.path())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(dest.path().join("deploy/app.yaml")).unwrap(),
        "kind: ConfigMap\n"
    );

    // tamper with the stored file: the digest no longer matches
    let local = storage.local_path(&stored.path);
    let mut bytes = std::fs::read(&local).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&local, bytes).unwrap();
    let err = fetcher
        .fetch_into(&stored.url, &stored.digest, dest.path())
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::DigestMismatch { .. }), "{err}");

    let err = fetcher
        .download_verified(
            &storage.url_for("gitrepository/ns/app/missing.tar.gz"),
            &stored.digest,
        )
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::NotFound { .. }), "{err}");
}

#[tokio::test]
async fn connection_errors_are_retried_then_reported() {
    let fetcher = ArtifactFetcher::new(1 << 20, 1);
    // nothing listens on port 9 of localhost (discard service is not running)
    let err = fetcher
        .download_verified("http://127.0.0.1:9/x.tar.gz", "sha256:00")
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::Download { .. }), "{err}");
}

#[test]
fn garbage_collection_keeps_the_newest() {
    let root = tempfile::tempdir().unwrap();
    let storage = Storage::new(root.path(), "localhost:9090");
    let mut paths = Vec::new();
    for i in 0..4 {
        let src = tempfile::tempdir().unwrap();
        std::fs::write(src.path().join("f"), format!("{i}")).unwrap();
        paths.push(
            storage
                .archive_dir("GitRepository", "ns", "gc", src.path(), &KeepAll)
                .unwrap()
                .path,
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let removed = storage
        .garbage_collect("GitRepository", "ns", "gc", &paths[3], 2)
        .unwrap();
    assert_eq!(removed.len(), 2);
    assert!(storage.exists(&paths[3]) && storage.exists(&paths[2]));
    assert!(!storage.exists(&paths[0]) && !storage.exists(&paths[1]));
    storage.remove_all("GitRepository", "ns", "gc").unwrap();
    assert!(!storage.exists(&paths[3]));
}
