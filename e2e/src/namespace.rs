//! Temporary namespaces that are always cleaned up.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::FutureExt;
use k8s_openapi::api::core::v1::{Namespace, ServiceAccount};
use kube::Api;
use kube::api::{DeleteParams, ObjectMeta, PostParams};

use crate::{ensure_cluster, eventually};

/// Label put on every namespace made by [`with_temp_namespace`], to find leftovers.
pub const TEMP_NAMESPACE_LABEL: &str = "ferroflux.dev/e2e";

/// A name unique across processes and calls: `<prefix>-<pid>-<counter>-<time>`, lowercase hex,
/// a valid DNS label for prefixes up to 30 characters.
pub fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!(
        "{prefix}-{:x}-{:x}-{:x}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        nanos & 0xff_ffff
    )
}

/// Create a uniquely named Namespace, run `f(client, namespace)`, then delete the namespace,
/// also when `f` panics (the panic is resumed after the cleanup). Returns what `f` returned.
///
/// The namespace's `default` ServiceAccount exists before `f` runs, so Pods can be created at once.
pub async fn with_temp_namespace<F, Fut, T>(f: F) -> T
where
    F: FnOnce(kube::Client, String) -> Fut,
    Fut: Future<Output = T>,
{
    let client = ensure_cluster().client().await;
    let name = unique_name("e2e");
    let namespaces: Api<Namespace> = Api::all(client.clone());
    let namespace = Namespace {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            labels: Some([(TEMP_NAMESPACE_LABEL.to_string(), "true".to_string())].into()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    };
    namespaces
        .create(&PostParams::default(), &namespace)
        .await
        .unwrap_or_else(|err| panic!("cannot create namespace {name}: {err}"));

    let accounts: Api<ServiceAccount> = Api::namespaced(client.clone(), &name);
    eventually(
        "the namespace's default ServiceAccount",
        Duration::from_secs(30),
        || async { accounts.get_opt("default").await.ok().flatten() },
    )
    .await;

    let outcome = AssertUnwindSafe(f(client, name.clone()))
        .catch_unwind()
        .await;
    if let Err(err) = namespaces.delete(&name, &DeleteParams::background()).await {
        // Do not hide the test's own outcome behind a cleanup failure; just report it.
        eprintln!("warning: cannot delete namespace {name}: {err}");
    }
    match outcome {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

#[cfg(test)]
mod tests {
    use super::unique_name;

    #[test]
    fn unique_names_are_distinct_dns_labels() {
        let a = unique_name("e2e");
        let b = unique_name("e2e");
        assert_ne!(a, b);
        for name in [a, b] {
            assert!(name.len() <= 63, "{name} too long");
            assert!(name.starts_with("e2e-"));
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not a DNS label"
            );
        }
    }
}
