//! Every sample object (full spec and status) and every Flux object of the
//! flux2-kustomize-helm-example fixture survives deserialize + serialize unchanged: nothing lost
//! (a missing or misspelled field) and nothing added (a default that leaks out).

use std::path::{Path, PathBuf};

use ferroflux_e2e::{flux_example_documents, yaml_documents};
use pretty_assertions::assert_eq;
use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// The directory of hand-written sample objects.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

#[test]
fn sample_objects_round_trip_unchanged() {
    let mut seen = 0;
    let mut kinds = std::collections::BTreeSet::new();
    let mut entries: Vec<_> = std::fs::read_dir(data_dir())
        .expect("read tests/data")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for path in entries {
        for input in yaml_documents(&path) {
            let name = format!("{} in {}", describe(&input), path.display());
            let output = round_trip_flux_object(&input)
                .unwrap_or_else(|| panic!("{name} is not a Flux object"))
                .unwrap_or_else(|e| panic!("{name} does not deserialize: {e}"));
            assert_eq!(input, output, "{name} changed in a round trip");
            seen += 1;
            kinds.insert(input["kind"].as_str().unwrap_or_default().to_string());
        }
    }
    assert!(
        seen >= 10,
        "expected the sample files to hold at least 10 objects, found {seen}"
    );
}

#[test]
fn a_misspelled_field_is_detected_as_lost() {
    let input = serde_json::json!({
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": {"name": "typo", "namespace": "default"},
        "spec": {"url": "https://example.com/repo", "interval": "1m", "refs": {"branch": "main"}}
    });
    let output = round_trip_flux_object(&input).unwrap().unwrap();
    assert!(output["spec"].get("refs").is_none());
    assert_ne!(input, output);
}

#[test]
fn a_missing_required_field_is_refused() {
    let input = serde_json::json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": {"name": "no-prune", "namespace": "default"},
        "spec": {"interval": "1m", "sourceRef": {"kind": "GitRepository", "name": "repo"}}
    });
    let error = round_trip_flux_object(&input).unwrap().unwrap_err();
    assert!(error.contains("prune"), "{error}");
}

#[test]
fn flux_example_objects_round_trip_unchanged() {
    let mut kinds = std::collections::BTreeSet::new();
    for (path, input) in flux_example_documents() {
        let Some(result) = round_trip_flux_object(&input) else {
            continue;
        };
        let name = format!("{} in {}", describe(&input), path.display());
        let output = result.unwrap_or_else(|e| panic!("{name} does not deserialize: {e}"));
        assert_eq!(input, output, "{name} changed in a round trip");
        kinds.insert(input["kind"].as_str().unwrap_or_default().to_string());
    }
    for expected in [
        "ArtifactGenerator",
        "HelmRelease",
        "HelmRepository",
        "Kustomization",
        "OCIRepository",
    ] {
        assert!(
            kinds.contains(expected),
            "no {expected} found in the fixture; saw {kinds:?}"
        );
    }
}

/// Deserializes `input` into `T` and serializes it back.
fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// Round-trips a Flux object through the type its apiVersion and kind name.
/// `None` when the object is not a Flux kind.
fn round_trip_flux_object(input: &Value) -> Option<Result<Value, String>> {
    use ferroflux_api::helm::v2 as helm;
    use ferroflux_api::kustomize::v1 as kustomize;
    use ferroflux_api::source::v1 as source;
    let api_version = input.get("apiVersion")?.as_str()?;
    let kind = input.get("kind")?.as_str()?;
    macro_rules! dispatch {
        ($($kind:ty),* $(,)?) => {
            $(
                if api_version == <$kind as kube_core::Resource>::api_version(&())
                    && kind == <$kind as kube_core::Resource>::kind(&())
                {
                    return Some(round_trip::<$kind>(input));
                }
            )*
        };
    }
    dispatch!(
        source::GitRepository,
        source::OCIRepository,
        source::HelmRepository,
        source::HelmChart,
        source::Bucket,
        source::ExternalArtifact,
        kustomize::Kustomization,
        helm::HelmRelease,
        ferroflux_api::source_extensions::v1beta1::ArtifactGenerator,
        ferroflux_api::notification::v1beta3::Provider,
        ferroflux_api::notification::v1beta3::Alert,
        ferroflux_api::notification::v1::Receiver,
        ferroflux_api::image::v1::ImageRepository,
        ferroflux_api::image::v1::ImagePolicy,
        ferroflux_api::image::v1::ImageUpdateAutomation,
    );
    if api_version.contains("fluxcd.io/") {
        return Some(Err(format!("no type for {api_version} {kind}")));
    }
    None
}

/// A readable name for an object in failure messages.
fn describe(object: &Value) -> String {
    format!(
        "{} {}/{}",
        object["kind"].as_str().unwrap_or("?"),
        object["metadata"]["namespace"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or("?")
    )
}
