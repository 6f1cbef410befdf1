//! The source step: read credentials, fetch the reference, write the tree to a directory.
//! The driver sets `FetchFailed=True` from its error and removes `FetchFailed` on success.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ferroflux_api::meta;
use ferroflux_api::source::v1::GitRepository;
use ferroflux_runtime::conditions::{ErrorKind, StepError};
use k8s_openapi::api::core::v1::Secret;
use kube::Api;

use super::auth::GitAuth;
use super::checkout::{self, CheckoutError, FetchRequest, Fetched};
use super::refs::Checkout;

/// Why the source could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The Secret named by `spec.secretRef` could not be read.
    #[error("failed to get secret '{name}': {message}")]
    ReadSecret {
        /// Secret name.
        name: String,
        /// What failed.
        message: String,
    },
    /// An ssh URL without `known_hosts` in its Secret.
    #[error("ssh URL requires a secretRef with 'known_hosts' (and usually 'identity')")]
    MissingKnownHosts,
    /// The fetch did not finish within `spec.timeout`.
    #[error("failed to checkout and determine revision: timed out after {0:?}")]
    Timeout(Duration),
    /// The Git operation failed.
    #[error(transparent)]
    Checkout(#[from] CheckoutError),
}

impl StepError for SourceError {
    fn reason(&self) -> &'static str {
        match self {
            SourceError::ReadSecret { .. } | SourceError::MissingKnownHosts => {
                meta::AUTHENTICATION_FAILED_REASON
            }
            SourceError::Checkout(CheckoutError::InvalidUrl { .. }) => meta::INVALID_URL_REASON,
            _ => meta::GIT_OPERATION_FAILED_REASON,
        }
    }
    fn kind(&self) -> ErrorKind {
        match self {
            SourceError::MissingKnownHosts
            | SourceError::Checkout(CheckoutError::InvalidUrl { .. })
            | SourceError::Checkout(CheckoutError::InvalidSemverRange { .. }) => {
                ErrorKind::Stalling
            }
            _ => ErrorKind::Generic,
        }
    }
}

/// Reads the credentials named by `spec.secretRef` (none when unset).
pub async fn read_auth(secrets: &Api<Secret>, obj: &GitRepository) -> Result<GitAuth, SourceError> {
    let mut auth = match &obj.spec.secret_ref {
        None => GitAuth::default(),
        Some(r) => {
            let secret = secrets
                .get(&r.name)
                .await
                .map_err(|e| SourceError::ReadSecret {
                    name: r.name.clone(),
                    message: match e {
                        kube::Error::Api(s) => s.message,
                        other => other.to_string(),
                    },
                })?;
            GitAuth::from_secret_data(&secret.data.unwrap_or_default())
        }
    };
    if obj.spec.url.starts_with("ssh://") && auth.known_hosts.is_none() {
        return Err(SourceError::MissingKnownHosts);
    }
    if !obj.spec.url.starts_with("https://") {
        // A CA means nothing without TLS.
        auth.ca_pem = None;
    }
    Ok(auth)
}

/// Fetches the reference into `dest` (a fresh directory), skipping the download when the
/// remote still points at `known_revision`. Runs gix on a blocking thread, interrupted after
/// `timeout`.
pub async fn fetch_source(
    obj: &GitRepository,
    auth: GitAuth,
    known_revision: Option<String>,
    timeout: Duration,
    dest: &Path,
) -> Result<Fetched, SourceError> {
    let url = obj.spec.url.clone();
    let checkout = Checkout::from_spec(obj.spec.reference.as_ref());
    let dest = dest.to_path_buf();
    let interrupt = Arc::new(AtomicBool::new(false));
    let flag = interrupt.clone();
    let task = tokio::task::spawn_blocking(move || {
        let work = tempfile::tempdir().map_err(|e| CheckoutError::WriteCheckout(e.to_string()))?;
        let req = FetchRequest {
            url: &url,
            checkout: &checkout,
            auth: &auth,
            known_revision: known_revision.as_deref(),
            timeout_secs: timeout.as_secs(),
        };
        checkout::fetch(&req, work.path(), &dest, &flag)
    });
    match tokio::time::timeout(timeout, task).await {
        Ok(joined) => joined
            .map_err(|e| SourceError::Checkout(CheckoutError::WriteCheckout(e.to_string())))?
            .map_err(SourceError::from),
        Err(_) => {
            interrupt.store(true, Ordering::SeqCst);
            Err(SourceError::Timeout(timeout))
        }
    }
}
