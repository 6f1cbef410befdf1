//! The generic traits give the same answers as the typed fields, for every kind.

use ferroflux_api::meta::{ObjectWithArtifact, ObjectWithConditions};
use serde::de::DeserializeOwned;

fn load<T: DeserializeOwned>(file: &str, kind: &str) -> Vec<T> {
    ferroflux_e2e::yaml_documents(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(file),
    )
    .into_iter()
    .filter(|d| d["kind"] == kind)
    .map(|d| serde_json::from_value(d).expect("sample deserializes"))
    .collect()
}

#[test]
fn conditions_and_reconcile_request_are_read_generically() {
    let repo: ferroflux_api::source::v1::GitRepository =
        load("gitrepository.yaml", "GitRepository").remove(0);
    let ready = repo.conditions().iter().find(|c| c.type_ == "Ready");
    assert_eq!(ready.map(|c| c.status.as_str()), Some("True"));
    assert_eq!(repo.observed_generation(), Some(3));
    assert_eq!(
        repo.last_handled_reconcile_at(),
        Some("2025-06-01T12:00:00.123456789Z")
    );
    assert!(!repo.is_suspended());

    let token_auth: ferroflux_api::source::v1::OCIRepository =
        load("ocirepository.yaml", "OCIRepository").remove(1);
    assert!(token_auth.is_suspended());
    assert!(token_auth.conditions().is_empty());
    assert_eq!(token_auth.observed_generation(), None);
}

#[test]
fn conditions_mut_creates_a_status_when_missing() {
    let mut policy: ferroflux_api::image::v1::ImagePolicy =
        load("image.yaml", "ImagePolicy").remove(1);
    assert!(policy.status.is_none());
    policy
        .conditions_mut()
        .push(ferroflux_api::meta::Condition {
            type_: "Ready".into(),
            status: "False".into(),
            reason: "Progressing".into(),
            message: "working".into(),
            observed_generation: None,
            last_transition_time: k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
                k8s_openapi::jiff::Timestamp::UNIX_EPOCH,
            ),
        });
    assert_eq!(policy.status.unwrap().conditions.len(), 1);
}

#[test]
fn every_source_kind_exposes_its_artifact() {
    use ferroflux_api::source::v1 as source;
    fn revision(object: &impl ObjectWithArtifact) -> Option<String> {
        object.artifact().and_then(|a| a.revision.clone())
    }
    let git: source::GitRepository = load("gitrepository.yaml", "GitRepository").remove(0);
    assert_eq!(
        revision(&git).as_deref(),
        Some("master@sha1:132f4e719209eb10b9485302f8593fc0e680f4fc")
    );
    let chart: source::HelmChart = load("helmchart.yaml", "HelmChart").remove(0);
    assert_eq!(revision(&chart).as_deref(), Some("6.7.1"));
    let external: source::ExternalArtifact =
        load("externalartifact.yaml", "ExternalArtifact").remove(0);
    assert!(revision(&external).unwrap().starts_with("latest@sha256:"));
    let oci_without_status: source::OCIRepository =
        load("ocirepository.yaml", "OCIRepository").remove(1);
    assert_eq!(revision(&oci_without_status), None);
}

#[test]
fn helm_release_names_follow_flux_defaults() {
    let releases: Vec<ferroflux_api::helm::v2::HelmRelease> =
        load("helmrelease.yaml", "HelmRelease");
    assert_eq!(releases[0].release_name(), "podinfo");
    assert_eq!(releases[0].release_namespace(), "podinfo");
    assert_eq!(releases[0].storage_namespace(), "apps");
    assert_eq!(releases[0].helm_chart_name(), "apps-podinfo");
    assert_eq!(releases[0].max_history(), 3);
    assert_eq!(releases[1].release_name(), "cert-manager");
    assert_eq!(releases[1].max_history(), 5);
    let mut targeted = releases[1].clone();
    targeted.spec.target_namespace = Some("infra".into());
    assert_eq!(targeted.release_name(), "infra-cert-manager");
}
