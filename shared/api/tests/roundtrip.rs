//! Every sample object (full spec and status) survives deserialize + serialize unchanged:
//! nothing lost (a missing or misspelled field) and nothing added (a default that leaks out).

mod common;

use pretty_assertions::assert_eq;

#[test]
fn sample_objects_round_trip_unchanged() {
    let mut seen = 0;
    let mut kinds = std::collections::BTreeSet::new();
    let mut entries: Vec<_> = std::fs::read_dir(common::data_dir())
        .expect("read tests/data")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for path in entries {
        for input in common::load_documents(&path) {
            let name = format!("{} in {}", common::describe(&input), path.display());
            let output = common::round_trip_flux_object(&input)
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
    let output = common::round_trip_flux_object(&input).unwrap().unwrap();
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
    let error = common::round_trip_flux_object(&input).unwrap().unwrap_err();
    assert!(error.contains("prune"), "{error}");
}
