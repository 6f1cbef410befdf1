//! End to end: `ferroflux kustomize build <dir>` prints exactly what `kubectl kustomize <dir>`
//! (kustomize v5.5) prints, byte for byte, on the fixture overlays; and refuses bad input with a
//! message naming the file and field.

use std::process::Command;

fn ferroflux(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_ferroflux"))
        .args(args)
        .output()
        .expect("run ferroflux")
}

#[test]
fn kustomize_build_prints_what_kustomize_prints() {
    for rel in [
        "podinfo/deploy/overlays/production",
        "podinfo/kustomize",
        "flux2-kustomize-helm-example/clusters/production/flux-system",
        "flux2-kustomize-helm-example/apps/staging",
    ] {
        let dir = ferroflux_e2e::fixture(rel);
        let ours = ferroflux(&["kustomize", "build", dir.to_str().unwrap()]);
        assert!(
            ours.status.success(),
            "{rel}: {}",
            String::from_utf8_lossy(&ours.stderr)
        );
        let theirs = Command::new("kubectl")
            .arg("kustomize")
            .arg(&dir)
            .output()
            .expect("kubectl");
        assert!(theirs.status.success(), "{rel}: kubectl failed");
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&theirs.stdout),
            "{rel}: output differs from kubectl kustomize"
        );
    }
}

#[test]
fn kustomize_build_refuses_a_missing_resource_naming_the_field() {
    let dir = std::env::temp_dir().join(format!("ferroflux-kbuild-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("kustomization.yaml"),
        "resources:\n- missing.yaml\n",
    )
    .unwrap();
    let out = ferroflux(&["kustomize", "build", dir.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).ok();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("kustomization.yaml") && err.contains("resources[0]"),
        "{err}"
    );
}
