//! Every Flux object in the flux2-kustomize-helm-example fixture parses into our types and
//! serializes back to exactly the input (so an unknown or misspelled field would show up).

mod common;

use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Files a kustomization.yaml uses as patches: partial objects, not complete Flux objects.
fn patch_files(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut patches = Vec::new();
    for file in files.iter().filter(|f| f.ends_with("kustomization.yaml")) {
        let dir = file.parent().expect("kustomization.yaml has a directory");
        for document in common::load_documents(file) {
            if document["apiVersion"].as_str() != Some("kustomize.config.k8s.io/v1beta1") {
                continue;
            }
            let listed = document["patches"].as_array().cloned().unwrap_or_default();
            let strategic = document["patchesStrategicMerge"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            for entry in listed.iter().map(|p| &p["path"]).chain(strategic.iter()) {
                if let Some(path) = entry.as_str() {
                    patches.push(dir.join(path));
                }
            }
        }
    }
    patches
}

#[test]
fn flux_example_objects_round_trip_unchanged() {
    let root = common::fixtures_dir().join("flux2-kustomize-helm-example");
    assert!(
        root.is_dir(),
        "fixture {} not found (set FERROFLUX_FIXTURES to the fixtures directory)",
        root.display()
    );
    let mut files = Vec::new();
    yaml_files(&root, &mut files);
    files.sort();
    let patches = patch_files(&files);
    files.retain(|f| !patches.contains(f));
    let mut kinds = std::collections::BTreeSet::new();
    for path in files {
        for input in common::load_documents(&path) {
            let Some(result) = common::round_trip_flux_object(&input) else {
                continue;
            };
            let name = format!("{} in {}", common::describe(&input), path.display());
            let output = result.unwrap_or_else(|e| panic!("{name} does not deserialize: {e}"));
            assert_eq!(input, output, "{name} changed in a round trip");
            kinds.insert(input["kind"].as_str().unwrap_or_default().to_string());
        }
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
