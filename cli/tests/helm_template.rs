//! `ferroflux helm template` as a command line: its options, the global ones (`-n`), help and
//! mistakes. (What it prints for a chart is held to `helm template` in ferroflux-helm's parity
//! suite.)

use std::process::{Command, Output};

fn podinfo() -> String {
    ferroflux_e2e::fixture("podinfo/charts/podinfo")
        .display()
        .to_string()
}

fn ferroflux(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ferroflux"))
        .args(args)
        .output()
        .expect("run ferroflux")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn namespace_and_values_flags() {
    let chart = podinfo();
    for args in [
        vec!["helm", "template", "web", &chart, "-n", "team-a"],
        vec!["helm", "template", "-n", "team-a", "web", &chart],
        vec!["-n", "team-a", "helm", "template", "web", &chart],
        vec!["helm", "template", "web", &chart, "--namespace=team-a"],
    ] {
        let run = ferroflux(&args);
        let out = text(&run.stdout);
        assert!(run.status.success(), "{args:?}: {}", text(&run.stderr));
        assert!(out.contains("namespace: team-a"), "{args:?}: {out}");
        assert!(!out.contains("namespace: default"), "{args:?}: {out}");
    }
    let run = ferroflux(&["helm", "template", "web", &chart, "--set", "replicaCount=3"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let out = text(&run.stdout);
    assert!(out.contains("replicas: 3"), "{out}");
    assert!(out.contains("namespace: default"), "{out}");
}

#[test]
fn help_lists_the_command_and_global_options() {
    let run = ferroflux(&["helm", "template", "--help"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let help = text(&run.stdout);
    for expected in [
        "Usage: ferroflux helm template [OPTIONS] <RELEASE> <CHART>",
        "--set-json <EXPR>",
        "--kube-version <VERSION>",
        "--kubeconfig <PATH>",
        "-n, --namespace <NAMESPACE>",
    ] {
        assert!(
            help.contains(expected),
            "{expected:?} missing from:\n{help}"
        );
    }
}

#[test]
fn mistakes_are_explained_with_the_usage() {
    let run = ferroflux(&["helm", "template", "web"]);
    assert_eq!(run.status.code(), Some(2));
    let err = text(&run.stderr);
    assert!(err.contains("<CHART>"), "{err}");
    assert!(err.contains("Usage: ferroflux helm template"), "{err}");

    let chart = podinfo();
    let run = ferroflux(&["helm", "template", "web", &chart, "--bogus"]);
    assert_eq!(run.status.code(), Some(2));
    let err = text(&run.stderr);
    assert!(err.contains("unexpected argument '--bogus'"), "{err}");
    assert!(run.stdout.is_empty());
}
