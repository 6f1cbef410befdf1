//! The HTTP file server for artifacts (`--storage-addr`): `GET /<kind>/<ns>/<name>/<file>`.

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::extract::{Path as UrlPath, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// A router serving the files under `root` read-only.
pub fn file_server(root: PathBuf) -> Router {
    Router::new()
        .route("/{*path}", get(serve_file))
        .with_state(root)
}

async fn serve_file(State(root): State<PathBuf>, UrlPath(path): UrlPath<String>) -> Response {
    let Some(local) = safe_join(&root, &path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let file = match tokio::fs::File::open(&local).await {
        Ok(f) => f,
        Err(_) => return StatusCode::NOT_FOUND.into_response(),
    };
    let len = match file.metadata().await {
        Ok(m) if m.is_file() => m.len(),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(file));
    (
        [
            (header::CONTENT_TYPE, "application/x-gzip".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        body,
    )
        .into_response()
}

/// Joins a URL path under `root`, refusing anything that is not a plain relative path.
fn safe_join(root: &Path, path: &str) -> Option<PathBuf> {
    let rel = super::path::safe_relative(path)?;
    if rel.file_name()?.to_string_lossy().starts_with(".tmp-") {
        return None;
    }
    Some(root.join(rel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_leaving_the_root_are_refused() {
        let root = Path::new("/data");
        assert!(safe_join(root, "../etc/passwd").is_none());
        assert!(safe_join(root, "a/../../b").is_none());
        assert!(safe_join(root, "/etc/passwd").is_none());
        assert!(safe_join(root, "gitrepository/ns/n/.tmp-x").is_none());
        assert_eq!(
            safe_join(root, "gitrepository/ns/n/x.tar.gz").unwrap(),
            PathBuf::from("/data/gitrepository/ns/n/x.tar.gz")
        );
    }
}
