//! The manifests `install` embeds are exactly what `kubectl kustomize config/<component>` builds:
//! the kustomization.yaml files and the embedding (cli/build.rs) cannot drift apart.

use ferroflux_e2e::ferroflux_raw;
use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

/// The components `install` accepts in this build (the others are refused, see cli_offline.rs).
const COMPONENTS: &[&str] = &["source-controller", "kustomize-controller"];

fn identities(yaml: &str) -> BTreeSet<String> {
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(yaml).unwrap();
    docs.iter()
        .filter(|d| d.is_object())
        .filter(|d| d["kind"] != "Namespace" && d["kind"] != "CustomResourceDefinition")
        .map(|d| {
            let ns = d["metadata"]["namespace"].as_str().unwrap_or("");
            format!(
                "{}/{ns}/{}",
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

#[tokio::test]
async fn embedded_manifests_match_kustomize_build() {
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../config");
    if std::process::Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .output()
        .is_err()
    {
        eprintln!("skipped: kubectl (the reference kustomize) is not installed");
        return;
    }
    for component in COMPONENTS {
        let built = std::process::Command::new("kubectl")
            .arg("kustomize")
            .arg(config.join(component))
            .output()
            .unwrap();
        assert!(
            built.status.success(),
            "{}",
            String::from_utf8_lossy(&built.stderr)
        );
        let expected = identities(&String::from_utf8(built.stdout).unwrap());
        let run = ferroflux_raw(&[
            "install",
            "--export",
            "--network-policy=false",
            "--components",
            component,
        ])
        .await
        .expect_ok();
        assert_eq!(identities(&run.stdout), expected, "{component}");
    }
    // And the top-level kustomization builds what `install` installs by default.
    let all = std::process::Command::new("kubectl")
        .arg("kustomize")
        .arg(&config)
        .output()
        .unwrap();
    assert!(
        all.status.success(),
        "{}",
        String::from_utf8_lossy(&all.stderr)
    );
    // config/ holds no NetworkPolicies: `--network-policy` (on by default, as in Flux) adds them.
    let run = ferroflux_raw(&["install", "--export", "--network-policy=false"])
        .await
        .expect_ok();
    assert_eq!(
        identities(&run.stdout),
        identities(&String::from_utf8(all.stdout).unwrap())
    );
}
