//! The generated CRDs against a real apiserver: they install and become Established, every Flux
//! object of the fixtures and of the api samples is accepted (dry-run), and invalid objects are
//! refused with a message that says what is wrong.

use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::api::{ApiResource, DynamicObject, Patch, PatchParams, PostParams};
use kube::{Api, Client};
use serde_json::{Value, json};

use ferroflux_e2e::{
    ensure_cluster, flux_example_documents, install_crds, with_temp_namespace, workspace_root,
    yaml_documents, yaml_files,
};

/// The API resource for a Flux object's apiVersion and kind, from our CRDs.
fn api_resource(object: &Value) -> Option<ApiResource> {
    let api_version = object["apiVersion"].as_str()?;
    let kind = object["kind"].as_str()?;
    ferroflux_api::crds::all()
        .into_iter()
        .find_map(|generated| {
            let spec = generated.crd.spec;
            let version = &spec.versions[0].name;
            (format!("{}/{}", spec.group, version) == api_version && spec.names.kind == kind).then(
                || ApiResource {
                    group: spec.group.clone(),
                    version: version.clone(),
                    api_version: api_version.to_string(),
                    kind: kind.to_string(),
                    plural: spec.names.plural.clone(),
                },
            )
        })
}

/// Dry-run creates `object` in `namespace`; the apiserver's answer (object or error).
async fn dry_run_create(
    client: &Client,
    namespace: &str,
    mut object: Value,
) -> Result<DynamicObject, kube::Error> {
    let resource = api_resource(&object).expect("object is a Flux kind");
    let metadata = object["metadata"]
        .as_object_mut()
        .expect("object has metadata");
    metadata.insert("namespace".into(), json!(namespace));
    for server_owned in ["generation", "creationTimestamp", "resourceVersion", "uid"] {
        metadata.remove(server_owned);
    }
    object.as_object_mut().unwrap().remove("status");
    let typed: DynamicObject = serde_json::from_value(object).expect("valid object");
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), namespace, &resource);
    let params = PostParams {
        dry_run: true,
        field_manager: Some("ferroflux-api-tests".into()),
    };
    api.create(&params, &typed).await
}

/// Complete Flux objects of the flux2 example (kustomize patches excluded) and of the api samples.
fn flux_objects() -> Vec<(String, Value)> {
    let samples = yaml_files(&workspace_root().join("shared/api/tests/data"));
    let sample_documents = samples
        .into_iter()
        .flat_map(|f| yaml_documents(&f).into_iter().map(move |d| (f.clone(), d)));
    let mut objects = Vec::new();
    for (path, document) in flux_example_documents().into_iter().chain(sample_documents) {
        if api_resource(&document).is_some() {
            let name = format!(
                "{} {} in {}",
                document["kind"].as_str().unwrap_or_default(),
                document["metadata"]["name"].as_str().unwrap_or_default(),
                path.display()
            );
            objects.push((name, document));
        }
    }
    objects
}

#[tokio::test]
async fn crds_install_and_become_established() {
    install_crds().await;
    let client = ensure_cluster().client().await;
    let crds: Api<CustomResourceDefinition> = Api::all(client);
    let gitrepo = crds
        .get("gitrepositories.source.toolkit.fluxcd.io")
        .await
        .unwrap();
    assert_eq!(
        gitrepo.spec.names.short_names,
        Some(vec!["gitrepo".to_string()])
    );
}

#[tokio::test]
async fn every_fixture_and_sample_object_is_accepted() {
    install_crds().await;
    let objects = flux_objects();
    assert!(
        objects.len() >= 20,
        "found only {} Flux objects",
        objects.len()
    );
    with_temp_namespace(|client, namespace| async move {
        let mut kinds = std::collections::BTreeSet::new();
        for (name, object) in objects {
            kinds.insert(object["kind"].as_str().unwrap().to_string());
            if let Err(error) = dry_run_create(&client, &namespace, object).await {
                panic!("{name} refused: {error}");
            }
        }
        assert_eq!(kinds.len(), 15, "every kind exercised: {kinds:?}");
    })
    .await;
}

#[tokio::test]
async fn defaults_are_applied_like_flux() {
    install_crds().await;
    with_temp_namespace(|client, namespace| async move {
        let repo = json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {"name": "defaults"},
            "spec": {"url": "https://example.com/repo.git", "interval": "1m",
                     "verify": {"secretRef": {"name": "keys"}}}
        });
        let created = dry_run_create(&client, &namespace, repo)
            .await
            .expect("accepted");
        assert_eq!(created.data["spec"]["timeout"], "60s");
        assert_eq!(created.data["spec"]["verify"]["mode"], "HEAD");
        assert_eq!(created.data["status"]["observedGeneration"], -1);
    })
    .await;
}

/// Dry-run creates `object` and returns the apiserver's refusal message; panics if accepted.
async fn refusal(client: &Client, namespace: &str, object: Value) -> String {
    match dry_run_create(client, namespace, object).await {
        Ok(_) => panic!("the apiserver accepted an invalid object"),
        Err(kube::Error::Api(status)) => {
            assert_eq!(status.code, 422, "expected 422 Invalid, got {status:?}");
            status.message
        }
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[tokio::test]
async fn invalid_objects_are_refused_with_a_clear_message() {
    install_crds().await;
    with_temp_namespace(|client, namespace| async move {
        let cases = [
            (
                json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                       "metadata": {"name": "no-url"}, "spec": {"interval": "1m"}}),
                "spec.url: Required value",
            ),
            (
                json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                       "metadata": {"name": "no-prune"},
                       "spec": {"interval": "1m", "sourceRef": {"kind": "GitRepository", "name": "repo"}}}),
                "spec.prune: Required value",
            ),
            (
                json!({"apiVersion": "helm.toolkit.fluxcd.io/v2", "kind": "HelmRelease",
                       "metadata": {"name": "both"},
                       "spec": {"interval": "1m",
                                "chart": {"spec": {"chart": "podinfo",
                                                   "sourceRef": {"kind": "HelmRepository", "name": "podinfo"}}},
                                "chartRef": {"kind": "OCIRepository", "name": "podinfo"}}}),
                "either chart or chartRef must be set",
            ),
            (
                json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                       "metadata": {"name": "bad-interval"},
                       "spec": {"url": "https://example.com/repo.git", "interval": "5 minutes"}}),
                "spec.interval: Invalid value: \"5 minutes\"",
            ),
            (
                json!({"apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
                       "metadata": {"name": "bad-kind"},
                       "spec": {"interval": "1m", "prune": true,
                                "sourceRef": {"kind": "HelmRepository", "name": "repo"}}}),
                "spec.sourceRef.kind: Unsupported value: \"HelmRepository\"",
            ),
            (
                json!({"apiVersion": "source.toolkit.fluxcd.io/v1", "kind": "GitRepository",
                       "metadata": {"name": "bad-url"},
                       "spec": {"url": "ftp://example.com/repo", "interval": "1m"}}),
                "spec.url in body should match '^(http|https|ssh)://.*$'",
            ),
        ];
        for (object, expected) in cases {
            let name = object["metadata"]["name"].as_str().unwrap().to_string();
            let message = refusal(&client, &namespace, object).await;
            assert!(message.contains(expected), "{name}: expected {expected:?} in {message:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_status_with_an_invalid_condition_is_refused() {
    use ferroflux_api::source::v1::{GitRepository, GitRepositorySpec};
    install_crds().await;
    with_temp_namespace(|client, namespace| async move {
        let repos: Api<GitRepository> = Api::namespaced(client, &namespace);
        let spec = GitRepositorySpec {
            url: "https://example.com/repo.git".into(),
            interval: "1m".into(),
            ..GitRepositorySpec::default()
        };
        let created = repos
            .create(&PostParams::default(), &GitRepository::new("status", spec))
            .await
            .expect("valid GitRepository");
        let status = json!({"status": {"conditions": [{
            "type": "Ready", "status": "Maybe", "reason": "Succeeded", "message": "",
            "lastTransitionTime": "2025-06-01T12:00:00Z"
        }]}});
        let patched = repos
            .patch_status(
                created.metadata.name.as_deref().unwrap(),
                &PatchParams::default(),
                &Patch::Merge(&status),
            )
            .await;
        match patched {
            Err(kube::Error::Api(status)) => assert!(
                status.message.contains("Unsupported value: \"Maybe\""),
                "{}",
                status.message
            ),
            other => panic!("an invalid condition status was accepted: {other:?}"),
        }
    })
    .await;
}
