//! `ferroflux helm template <release> <chart>`: a drop-in for `helm template`.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use ferroflux_helm::values::ValueFlags;
use ferroflux_helm::{Chart, PrintOptions, RenderOptions};

#[derive(Args, Debug)]
pub struct HelmArgs {
    #[command(subcommand)]
    command: HelmCommand,
}

#[derive(Subcommand, Debug)]
enum HelmCommand {
    /// Render a chart locally and print the manifests, as `helm template` does.
    ///
    /// The namespace comes from the global `-n/--namespace` when given on the command line,
    /// else `default` (as Helm; the Flux system namespace default does not apply here).
    Template(TemplateArgs),
}

#[derive(Args, Debug)]
struct TemplateArgs {
    /// Release name.
    release: String,
    /// Chart directory or packaged chart (.tgz).
    chart: PathBuf,
    /// Values files, merged in order (later files win).
    #[arg(short = 'f', long = "values", value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Set values: `a.b=c,list={x,y},items[0].name=z` (`true`, `null` and integers are typed).
    #[arg(long = "set", value_name = "EXPR")]
    set: Vec<String>,
    /// Set values as strings: `a.b=1` sets the string "1".
    #[arg(long = "set-string", value_name = "EXPR")]
    set_string: Vec<String>,
    /// Set JSON values: `a.b={"c":[1,2]},d="x"`, or one JSON object merged in whole:
    /// `{"a": {"b": 1}}`.
    #[arg(long = "set-json", value_name = "EXPR")]
    set_json: Vec<String>,
    /// Set values from files: `a.b=path/to/file` sets the file's content as a string (`-` reads
    /// standard input). Local files only.
    #[arg(long = "set-file", value_name = "EXPR")]
    set_file: Vec<String>,
    /// Kubernetes version for `.Capabilities.KubeVersion` and the chart's `kubeVersion` check.
    #[arg(long = "kube-version", value_name = "VERSION")]
    kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, comma-separated).
    #[arg(
        short = 'a',
        long = "api-versions",
        value_name = "VERSION",
        value_delimiter = ','
    )]
    api_versions: Vec<String>,
    /// Print the CRDs of `crds/` directories first.
    #[arg(long = "include-crds")]
    include_crds: bool,
    /// Print only the manifests of these templates (e.g. `templates/service.yaml`).
    #[arg(short = 's', long = "show-only", value_name = "TEMPLATE")]
    show_only: Vec<String>,
    /// Leave out test hooks.
    #[arg(long = "skip-tests")]
    skip_tests: bool,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long = "is-upgrade")]
    is_upgrade: bool,
    /// Do not validate values against `values.schema.json`.
    #[arg(long = "skip-schema-validation")]
    skip_schema_validation: bool,
}

pub fn run(args: HelmArgs) -> anyhow::Result<()> {
    let argv: Vec<String> = std::env::args().collect();
    match args.command {
        HelmCommand::Template(t) => {
            let text = template(t, &argv)?;
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
            Ok(())
        }
    }
}

/// The namespace given explicitly with the global `-n/--namespace` in `argv`, if any.
fn explicit_namespace(argv: &[String]) -> Option<String> {
    let mut found = None;
    for (i, arg) in argv.iter().enumerate() {
        if arg == "-n" || arg == "--namespace" {
            found = argv.get(i + 1).cloned();
        } else if let Some(v) = arg.strip_prefix("--namespace=") {
            found = Some(v.to_string());
        } else if let Some(v) = arg
            .strip_prefix("-n")
            .filter(|v| !v.is_empty() && !arg.starts_with("--"))
        {
            found = Some(v.trim_start_matches('=').to_string());
        }
    }
    found
}

/// Renders and returns what `helm template` would print.
fn template(args: TemplateArgs, argv: &[String]) -> anyhow::Result<String> {
    let TemplateArgs {
        release,
        chart,
        values,
        set,
        set_string,
        set_json,
        set_file,
        kube_version,
        api_versions,
        include_crds,
        show_only,
        skip_tests,
        is_upgrade,
        skip_schema_validation,
    } = args;
    let loaded = Chart::load_parallel(&chart)
        .with_context(|| format!("loading chart {}", chart.display()))?;
    // Helm's order: -f files, then --set-json, --set, --set-string, --set-file.
    let user_values = ferroflux_helm::values::user_values(&ValueFlags {
        files: values,
        set_json,
        set,
        set_string,
        set_file,
    })?;
    let options = RenderOptions {
        release_name: release,
        namespace: explicit_namespace(argv).unwrap_or_else(|| "default".into()),
        values: user_values,
        kube_version,
        api_versions,
        is_upgrade,
        include_crds,
        skip_schema_validation,
        // One render and exit: keys for genCA & co. are made on the free cores meanwhile.
        pregenerate_keys: true,
        parallel: true,
        ..RenderOptions::default()
    };
    let rendered = ferroflux_helm::render(&loaded, &options)?;
    let text = ferroflux_helm::print(
        &rendered,
        &PrintOptions {
            show_only,
            skip_tests,
        },
    )?;
    // The process ends after printing: freeing the chart and the render, thousands of small
    // allocations, would only delay that.
    std::mem::forget((loaded, options, rendered));
    Ok(text)
}

#[cfg(test)]
mod tests {
    //! End to end: the command line parsed by the real `ferroflux` parser, rendered, and compared
    //! byte for byte with the reference `helm template` run with the same arguments.

    use std::path::{Path, PathBuf};
    use std::process::Command;

    use clap::Parser as _;

    fn repo_root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
    }

    fn helm() -> PathBuf {
        let out = Command::new(repo_root().join("hack/gotool"))
            .arg("helm")
            .current_dir(repo_root())
            .output()
            .expect("hack/gotool helm");
        PathBuf::from(String::from_utf8(out.stdout).expect("utf-8").trim())
    }

    /// Runs `ferroflux helm template <args>` in-process.
    fn ours(args: &[&str]) -> anyhow::Result<String> {
        let argv: Vec<String> = ["ferroflux", "helm", "template"]
            .iter()
            .chain(args)
            .map(|s| s.to_string())
            .collect();
        let cli = crate::Cli::try_parse_from(&argv)?;
        match cli.command {
            crate::Command::Helm(super::HelmArgs {
                command: super::HelmCommand::Template(t),
            }) => super::template(t, &argv),
            _ => anyhow::bail!("not a helm template command"),
        }
    }

    fn reference(args: &[&str]) -> Result<String, String> {
        let out = Command::new(helm())
            .arg("template")
            .args(args)
            .output()
            .expect("run helm");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn fixture(path: &str) -> String {
        repo_root()
            .join("testdata")
            .join(path)
            .display()
            .to_string()
    }

    #[test]
    fn prints_exactly_what_helm_template_prints() {
        let chart = fixture("podinfo/charts/podinfo");
        let prod = fixture("podinfo/charts/podinfo/values-prod.yaml");
        let annotation_file = format!("podAnnotations.prod={prod}");
        let cases: Vec<Vec<&str>> = vec![
            vec!["demo", &chart, "--skip-tests"],
            vec!["demo", &chart, "-n", "apps", "-f", &prod, "--skip-tests"],
            vec![
                "demo",
                &chart,
                "--namespace=apps",
                "--set",
                "hpa.enabled=true,hpa.cpu=80",
                "--skip-tests",
            ],
            vec![
                "demo",
                &chart,
                "--set-string",
                "replicaCount=3",
                "--skip-tests",
            ],
            vec![
                "demo",
                &chart,
                "--kube-version",
                "1.29.0",
                "--api-versions",
                "monitoring.coreos.com/v1",
                "--set",
                "serviceMonitor.enabled=true",
                "--skip-tests",
            ],
            vec![
                "demo",
                &chart,
                "--set-json",
                r#"replicaCount=3,podAnnotations={"a":"b","n":1}"#,
                "--set-file",
                &annotation_file,
                "--skip-tests",
            ],
            vec!["demo", &chart, "--show-only", "templates/service.yaml"],
            vec!["demo", &chart, "--include-crds", "--skip-tests"],
        ];
        for args in cases {
            let expected = reference(&args).expect("helm renders");
            let got =
                ours(&args).unwrap_or_else(|e| panic!("ferroflux helm template {args:?}: {e:#}"));
            assert_eq!(got, expected, "ferroflux helm template {args:?}");
        }
    }

    #[test]
    fn refuses_what_helm_refuses() {
        let chart = fixture("podinfo/charts/podinfo");
        for args in [
            vec!["demo", "/nonexistent/chart"],
            vec!["demo", &chart, "--set", "probes=null"],
            vec!["demo", &chart, "--show-only", "templates/nope.yaml"],
            vec!["demo", &chart, "--set", "a"],
        ] {
            assert!(reference(&args).is_err(), "helm refuses {args:?}");
            let err = ours(&args).expect_err("we refuse");
            assert!(!format!("{err:#}").is_empty());
        }
    }
}
