//! Consumer side: download an artifact, verify its sha256 digest, unpack it safely.

use std::path::Path;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use futures::StreamExt;

use super::digest::sha256_of;
use super::untar::{UntarError, unpack_tar_gz};

/// Default cap on a downloaded artifact and on its unpacked content (100 MiB, as Flux's consumers).
pub const DEFAULT_MAX_SIZE: u64 = 100 << 20;

/// Why fetching an artifact failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server answered 404: the artifact is not (yet) there; requeue and try later.
    #[error("artifact not found at {url}")]
    NotFound {
        /// The URL.
        url: String,
    },
    /// The server answered another non-success status.
    #[error("downloading artifact from {url}: HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// The connection failed (after retries).
    #[error("downloading artifact from {url}: {message}")]
    Download {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// The download is larger than allowed.
    #[error("artifact from {url} exceeds the size limit of {limit} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        limit: u64,
    },
    /// The digest is not `sha256:<hex>`.
    #[error("unsupported digest '{0}': only sha256 is supported")]
    UnsupportedDigest(String),
    /// The content does not match the expected digest.
    #[error("artifact digest mismatch: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The digest from the source's status.
        expected: String,
        /// The digest of what was downloaded.
        actual: String,
    },
    /// The archive is unsafe or broken.
    #[error(transparent)]
    Unpack(#[from] UntarError),
}

impl FetchError {
    fn is_transient(&self) -> bool {
        matches!(self, FetchError::Download { .. })
            || matches!(self, FetchError::Status { status, .. } if *status >= 500)
    }
}

/// Downloads, verifies and unpacks artifacts for a consumer controller.
#[derive(Clone)]
pub struct ArtifactFetcher {
    http: reqwest::Client,
    max_size: u64,
    retries: usize,
}

impl ArtifactFetcher {
    /// A fetcher with the given size cap (download and unpacked content), retrying transient
    /// failures (connection errors, 5xx) up to `retries` times with exponential backoff.
    pub fn new(max_size: u64, retries: usize) -> Self {
        crate::tls::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap_or_default();
        Self {
            http,
            max_size,
            retries,
        }
    }

    /// Downloads `url` and checks it against `digest` (`sha256:<hex>`); returns the bytes.
    pub async fn download_verified(&self, url: &str, digest: &str) -> Result<Vec<u8>, FetchError> {
        if !digest.starts_with("sha256:") {
            return Err(FetchError::UnsupportedDigest(digest.to_string()));
        }
        let backoff = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_times(self.retries);
        let bytes = (|| self.download(url))
            .retry(backoff)
            .when(FetchError::is_transient)
            .await?;
        let actual = sha256_of(&bytes);
        if actual != digest {
            return Err(FetchError::DigestMismatch {
                expected: digest.to_string(),
                actual,
            });
        }
        Ok(bytes)
    }

    /// Downloads, verifies and unpacks the artifact into `dest`.
    pub async fn fetch_into(&self, url: &str, digest: &str, dest: &Path) -> Result<(), FetchError> {
        let bytes = self.download_verified(url, digest).await?;
        let dest = dest.to_path_buf();
        let max = self.max_size;
        tokio::task::spawn_blocking(move || unpack_tar_gz(bytes.as_slice(), &dest, max))
            .await
            .map_err(|e| UntarError::Io(std::io::Error::other(e)))??;
        Ok(())
    }

    async fn download(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let failed = |e: reqwest::Error| FetchError::Download {
            url: url.to_string(),
            message: e.without_url().to_string(),
        };
        let resp = self.http.get(url).send().await.map_err(failed)?;
        match resp.status().as_u16() {
            200..=299 => {}
            404 => return Err(FetchError::NotFound { url: url.into() }),
            status => {
                return Err(FetchError::Status {
                    url: url.into(),
                    status,
                });
            }
        }
        let too_large = || FetchError::TooLarge {
            url: url.into(),
            limit: self.max_size,
        };
        if resp.content_length().is_some_and(|l| l > self.max_size) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(failed)?;
            if body.len() as u64 + chunk.len() as u64 > self.max_size {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}
