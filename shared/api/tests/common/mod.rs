//! Shared helpers for the api tests: YAML loading and typed round-trips.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use serde::{Serialize, de::DeserializeOwned};
use serde_json::Value;

/// The directory of hand-written sample objects.
pub fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

/// The fixture repositories (`testdata/`, or `$FERROFLUX_FIXTURES`).
pub fn fixtures_dir() -> PathBuf {
    ferroflux_e2e::fixtures_dir()
}

/// Every YAML document of a file, as JSON values (empty documents skipped).
pub fn load_documents(path: &Path) -> Vec<Value> {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text)
        .unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
    documents.into_iter().filter(|d| !d.is_null()).collect()
}

/// Deserializes `input` into `T` and serializes it back.
pub fn round_trip<T: DeserializeOwned + Serialize>(input: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(input.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

/// Round-trips a Flux object through the type its apiVersion and kind name.
/// `None` when the object is not a Flux kind.
pub fn round_trip_flux_object(input: &Value) -> Option<Result<Value, String>> {
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
pub fn describe(object: &Value) -> String {
    format!(
        "{} {}/{}",
        object["kind"].as_str().unwrap_or("?"),
        object["metadata"]["namespace"].as_str().unwrap_or(""),
        object["metadata"]["name"].as_str().unwrap_or("?")
    )
}
