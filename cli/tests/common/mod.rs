//! Helpers for running the built `ferroflux` binary against the test cluster.
#![allow(dead_code)] // each test file uses a different subset

use std::path::{Path, PathBuf};
use std::time::Duration;

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Client;
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};

/// What one run of the binary did.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn success(&self) -> bool {
        self.code == 0
    }

    /// Panics with both streams unless the run succeeded.
    pub fn expect_ok(self) -> Self {
        assert!(
            self.success(),
            "ferroflux failed ({}):\n{}\n{}",
            self.code,
            self.stdout,
            self.stderr
        );
        self
    }

    /// Panics unless the run failed with `needle` in stderr.
    pub fn expect_err(self, needle: &str) -> Self {
        assert!(
            !self.success(),
            "ferroflux should fail:\n{}\n{}",
            self.stdout,
            self.stderr
        );
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr
        );
        self
    }
}

/// Runs the binary with `args` (no kubeconfig added).
pub async fn ferroflux_raw(args: &[&str]) -> Run {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_ferroflux"))
        .args(args)
        .env_remove("KUBECONFIG")
        .env_remove("FLUX_SYSTEM_NAMESPACE")
        .stdin(std::process::Stdio::null())
        .output()
        .await
        .expect("run ferroflux");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs the binary against the test cluster.
pub async fn ferroflux(args: &[&str]) -> Run {
    let kubeconfig = kubeconfig();
    let mut all = vec!["--kubeconfig", kubeconfig.to_str().unwrap()];
    all.extend_from_slice(args);
    ferroflux_raw(&all).await
}

pub fn kubeconfig() -> PathBuf {
    ferroflux_e2e::ensure_cluster().kubeconfig().to_path_buf()
}

/// The CRD for `plural.group`: the generated one from config/crd/bases when present, otherwise a
/// minimal schemaless CRD with a status subresource (the API types may not be generated yet).
pub fn crd_manifest(group: &str, plural: &str, kind: &str, version: &str) -> Value {
    let bases = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config/crd/bases");
    let generated = bases.join(format!("{group}_{plural}.yaml"));
    if let Ok(text) = std::fs::read_to_string(&generated) {
        let docs: Vec<Value> = serde_saphyr::from_str_multiple(&text).expect("CRD YAML");
        if let Some(crd) = docs
            .into_iter()
            .find(|d| d["kind"] == "CustomResourceDefinition")
        {
            return crd;
        }
    }
    json!({
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": { "name": format!("{plural}.{group}") },
        "spec": {
            "group": group,
            "names": { "kind": kind, "plural": plural, "singular": kind.to_lowercase(),
                       "listKind": format!("{kind}List") },
            "scope": "Namespaced",
            "versions": [{
                "name": version, "served": true, "storage": true,
                "subresources": { "status": {} },
                "schema": { "openAPIV3Schema": {
                    "type": "object", "x-kubernetes-preserve-unknown-fields": true } }
            }]
        }
    })
}

/// Makes sure a CRD exists and is Established. Leaves an existing one alone (other tests share it).
pub async fn ensure_crd(client: &Client, group: &str, plural: &str, kind: &str, version: &str) {
    let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
    let name = format!("{plural}.{group}");
    if crds.get_opt(&name).await.expect("read CRD").is_none() {
        let manifest = crd_manifest(group, plural, kind, version);
        crds.patch(
            &name,
            &PatchParams::apply("ferroflux-cli-tests"),
            &Patch::Apply(&manifest),
        )
        .await
        .unwrap_or_else(|e| panic!("apply CRD {name}: {e}"));
    }
    ferroflux_e2e::eventually(
        &format!("CRD {name} Established"),
        Duration::from_secs(30),
        || {
            let crds = crds.clone();
            let name = name.clone();
            async move {
                let crd = crds.get(&name).await.ok()?;
                let conditions = crd.status?.conditions?;
                conditions
                    .iter()
                    .any(|c| c.type_ == "Established" && c.status == "True")
                    .then_some(())
            }
        },
    )
    .await;
}

pub fn resource(group: &str, version: &str, kind: &str, plural: &str) -> ApiResource {
    ApiResource {
        group: group.into(),
        version: version.into(),
        api_version: format!("{group}/{version}"),
        kind: kind.into(),
        plural: plural.into(),
    }
}

pub fn gitrepository() -> ApiResource {
    resource(
        "source.toolkit.fluxcd.io",
        "v1",
        "GitRepository",
        "gitrepositories",
    )
}

pub fn kustomization() -> ApiResource {
    resource(
        "kustomize.toolkit.fluxcd.io",
        "v1",
        "Kustomization",
        "kustomizations",
    )
}

pub async fn ensure_flux_crds(client: &Client) {
    ensure_crd(
        client,
        "source.toolkit.fluxcd.io",
        "gitrepositories",
        "GitRepository",
        "v1",
    )
    .await;
    ensure_crd(
        client,
        "kustomize.toolkit.fluxcd.io",
        "kustomizations",
        "Kustomization",
        "v1",
    )
    .await;
}

/// Creates (server-side applies) an object in `ns`.
pub async fn create(
    client: &Client,
    ns: &str,
    resource: &ApiResource,
    obj: Value,
) -> DynamicObject {
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, resource);
    let name = obj["metadata"]["name"].as_str().unwrap().to_string();
    api.patch(
        &name,
        &PatchParams::apply("ferroflux-cli-tests"),
        &Patch::Apply(&obj),
    )
    .await
    .unwrap_or_else(|e| panic!("create {} {name}: {e}", resource.kind))
}

/// Writes `status` of an object (merge patch on the status subresource).
pub async fn set_status(
    client: &Client,
    ns: &str,
    resource: &ApiResource,
    name: &str,
    status: Value,
) {
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, resource);
    api.patch_status(
        name,
        &PatchParams::default(),
        &Patch::Merge(&json!({ "status": status })),
    )
    .await
    .unwrap_or_else(|e| panic!("status of {} {name}: {e}", resource.kind));
}

/// A Ready condition as controllers write it.
pub fn ready(status: &str, reason: &str, message: &str) -> Value {
    json!({
        "type": "Ready", "status": status, "reason": reason, "message": message,
        "lastTransitionTime": "2026-01-01T00:00:00Z", "observedGeneration": 1
    })
}
