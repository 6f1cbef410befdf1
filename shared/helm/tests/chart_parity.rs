//! Chart parity: the real `helm template` (v4.3.1, built by `hack/gotool helm`) and our renderer
//! run on the same chart and values in the same test; their outputs are compared document by
//! document (`# Source:` path and parsed object). Generated secrets and certificates are compared
//! by shape. Nothing expected is stored.

mod parity;

use parity::{Case, run_cases};

const PODINFO: &str = "podinfo/charts/podinfo";

#[test]
fn podinfo() {
    let release =
        parity::helmrelease_values("flux2-kustomize-helm-example/apps/base/podinfo/release.yaml");
    let production = parity::helmrelease_values(
        "flux2-kustomize-helm-example/apps/production/podinfo-values.yaml",
    );
    let staging =
        parity::helmrelease_values("flux2-kustomize-helm-example/apps/staging/podinfo-values.yaml");
    run_cases(&[
        Case::new(PODINFO),
        Case::new(PODINFO).fixture_values("podinfo/charts/podinfo/values-prod.yaml"),
        Case::new(PODINFO)
            .values_path(&release)
            .values_path(&production)
            .namespace("podinfo"),
        Case::new(PODINFO)
            .values_path(&release)
            .values_path(&staging)
            .namespace("podinfo"),
        Case::new(PODINFO).values("podinfo-all-features.yaml"),
        Case::new(PODINFO)
            .values("podinfo-all-features.yaml")
            .set("hpa.enabled=false,ingress.hosts[0].host=a.example.com")
            .set_string("replicaCount=2"),
        Case::new(PODINFO)
            .values("podinfo-minimal.yaml")
            .set("image.tag=null"),
        Case::new(PODINFO)
            .values("podinfo-all-features.yaml")
            .kube_version("1.28.3")
            .api_versions("monitoring.coreos.com/v1"),
        Case::new(PODINFO)
            .values("podinfo-all-features.yaml")
            .show_only("templates/service.yaml")
            .skip_tests(),
        // Refused by both: a value that makes a template dereference nil.
        Case::new(PODINFO).set("probes=null"),
    ]);
}

/// A chart written for these tests: aliases (one subchart twice), conditions, tags, import-values
/// (both forms), globals, a library chart, a packed `.tgz` subchart, `.helmignore`, `crds/`,
/// `.Files`, hooks (known, test and unknown), comment-only and empty documents, kind ordering.
#[test]
fn feature_chart() {
    run_cases(&[
        Case::local("features"),
        Case::local("features").include_crds().namespace("team-a"),
        Case::local("features")
            .set("second.enabled=true,tags.optional=true,global.domain=top.example"),
        Case::local("features").set("first.enabled=false,nested.remove=null,replicas=5"),
        Case::local("features")
            .set_string("replicas=007")
            .set("list={x,y}"),
        Case::local("features")
            .show_only("templates/zz-roles.yaml")
            .show_only("charts/first/templates/*.yaml"),
        Case::local("features").skip_tests().kube_version("v1.30.2"),
        // Refused by both: the kubeVersion constraint, a missing --show-only template, bad --set.
        Case::local("features").kube_version("1.19.0"),
        Case::local("features").show_only("templates/missing.yaml"),
        Case::local("features").set("a[=1"),
    ]);
}

/// A Helm 2 style chart: no apiVersion, dependencies in requirements.yaml.
#[test]
fn legacy_v1_chart() {
    run_cases(&[
        Case::local("legacy-v1"),
        Case::local("legacy-v1").set("child.enabled=false"),
        Case::local("legacy-v1").set("imported.mode=null,child.replicas=9"),
    ]);
}

/// Packaged charts (`.tgz`) load like directories.
#[test]
fn packaged_charts() {
    let local = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts");
    let features = parity::package(&local.join("features"), "features");
    let podinfo = parity::package(&parity::fixtures().join(PODINFO), "podinfo");
    run_cases(&[
        Case::path(&features).include_crds(),
        Case::path(&podinfo).values("podinfo-all-features.yaml"),
    ]);
}

/// With several failures at once, the one Helm reports: values (schema) before template parsing,
/// parsing before execution, execution before YAML errors in the output (the first file by path).
#[test]
fn error_precedence() {
    run_cases(&[
        Case::local("error-order"),
        Case::local("error-order").set("broken.enabled=true,replicas=x,fail=true,badYaml=true"),
        Case::local("error-order").set("broken.enabled=true,fail=true,badYaml=true"),
        Case::local("error-order").set("fail=true,badYaml=true"),
        Case::local("error-order").set("badYaml=true"),
    ]);
}

/// Charts Helm refuses to load are refused with the same message.
#[test]
fn refused_charts() {
    run_cases(&[Case::local("bad-chart-yaml"), Case::local("missing-dep")]);
}

/// A `values.schema.json` that is not JSON (here cut short) fails the values' validation, for the
/// chart and for a subchart, and is never read when validation is skipped.
#[test]
fn schema_that_is_not_json() {
    run_cases(&[
        Case::local("bad-schema"),
        Case::local("bad-schema").skip_schema_validation(),
    ]);
}

#[test]
fn bitnami_nginx() {
    let chart = "charts/bitnami-nginx";
    run_cases(&[
        Case::new(chart),
        Case::new(chart)
            .values("nginx-ingress-metrics.yaml")
            .namespace("web"),
        Case::new(chart).values("nginx-git-serverblock.yaml"),
        // Refused by both: schema violation.
        Case::new(chart).set("replicaCount=many"),
    ]);
}

#[test]
fn bitnami_postgresql() {
    let chart = "charts/bitnami-postgresql";
    run_cases(&[
        Case::new(chart),
        Case::new(chart).values("postgresql-replication.yaml"),
        Case::new(chart).values("postgresql-tls-random.yaml"),
    ]);
}

#[test]
fn bitnami_redis() {
    let chart = "charts/bitnami-redis";
    run_cases(&[
        Case::new(chart),
        Case::new(chart).values("redis-standalone.yaml"),
        Case::new(chart).values("redis-sentinel-tls.yaml"),
    ]);
}

#[test]
fn prometheus() {
    let chart = "charts/prometheus";
    run_cases(&[
        Case::new(chart),
        Case::new(chart).values("prometheus-minimal.yaml"),
        Case::new(chart)
            .values("prometheus-statefulset.yaml")
            .namespace("monitoring"),
    ]);
}

#[test]
fn traefik() {
    let chart = "charts/traefik";
    run_cases(&[
        Case::new(chart),
        Case::new(chart).include_crds(),
        Case::new(chart)
            .values("traefik-dashboard-metrics.yaml")
            .api_versions("monitoring.coreos.com/v1"),
        Case::new(chart).values("traefik-daemonset-gateway.yaml"),
        // Refused by both: the chart's kubeVersion constraint.
        Case::new(chart).kube_version("1.10.0"),
    ]);
}

/// `--set-json` and `--set-file`, alone and with the other value flags (Helm applies `-f`, then
/// `--set-json`, `--set`, `--set-string`, `--set-file`): the chart prints its values and their Go
/// types, so JSON numbers must come out as float64 and file contents as strings.
#[test]
fn set_json_and_set_file() {
    let files =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/charts/value-flags/files");
    let script = files.join("script.sh").display().to_string();
    let plain = files.join("plain.txt").display().to_string();
    let chart = || Case::local("value-flags");
    run_cases(&[
        chart().set_json(r#"obj.nested={"c":[1,2.5,"x",true,null],"d":{"e":1e3}}"#),
        chart().set_json(r#"list=[1,2], n=3 , s="a,b",empty=,nul=null,obj.keep=false"#),
        chart().set_json(r#"items[1]={"k":"v"},items[0]=0"#),
        chart().set_json(r#" {"replicas": 7, "obj": {"added": {"x": [1]}}, "list": null} "#),
        chart()
            .set_json("replicas=5")
            .set("replicas=6")
            .set_json(r#"obj={"fromJson":1}"#),
        chart()
            .set_json(r#"a.b="é\u00e9\n",c=-0.5"#)
            .set_string("c=str"),
        chart().set_file(&format!("script={script}")),
        chart().set_file(&format!("a.b={script},c={plain}")),
        chart().set_file(&format!("files={{{script},{plain}}},empty=")),
        chart()
            .set_string("replicas=x")
            .set_file(&format!("replicas={plain}"))
            .set_json("replicas=2"),
        // Refused by both.
        chart().set_json("a={bad"),
        chart().set_json(r#"{"a": 1"#),
        chart().set_json("a"),
        chart().set_file("a=/nonexistent/ferroflux-value-file"),
        chart().set_file("a"),
    ]);
}
