//! The parity harness: runs `helm template` and our renderer on one case and compares.

mod compare;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use ferroflux_helm::values::ValueFlags;
use ferroflux_helm::{Chart, PrintOptions, RenderOptions};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The repository's test data (`testdata/`), or the directory `FERROFLUX_FIXTURES` names.
pub fn fixtures() -> PathBuf {
    match std::env::var_os("FERROFLUX_FIXTURES") {
        Some(dir) => dir.into(),
        None => repo_root().join("testdata"),
    }
}

/// The reference `helm` binary (built on first use by `hack/gotool`).
pub fn helm_binary() -> PathBuf {
    static HELM: OnceLock<PathBuf> = OnceLock::new();
    HELM.get_or_init(|| {
        let out = Command::new(repo_root().join("hack/gotool"))
            .arg("helm")
            .current_dir(repo_root())
            .output()
            .expect("run hack/gotool helm");
        assert!(
            out.status.success(),
            "hack/gotool helm failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        PathBuf::from(String::from_utf8(out.stdout).expect("utf-8 path").trim())
    })
    .clone()
}

/// Packages a chart directory as `helm package` lays it out (`<name>/...` in a `.tgz`).
pub fn package(chart_dir: &Path, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ferroflux-helm-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let archive = dir.join(format!("{name}.tgz"));
    let base = chart_dir
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let status = Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(chart_dir.parent().expect("parent"))
        .arg("--transform")
        .arg(format!("s,^{base},{name},"))
        .arg(&base)
        .status()
        .expect("run tar");
    assert!(status.success(), "tar failed");
    archive
}

/// Writes the `spec.values` of a HelmRelease fixture to a temporary values file.
pub fn helmrelease_values(fixture: &str) -> PathBuf {
    let text = std::fs::read_to_string(fixtures().join(fixture)).expect("read HelmRelease");
    let release: serde_json::Value = serde_saphyr::from_str(&text).expect("parse HelmRelease");
    let values = release["spec"]["values"].clone();
    let dir = std::env::temp_dir().join(format!("ferroflux-helm-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(fixture.replace('/', "_"));
    std::fs::write(&path, serde_json::to_string_pretty(&values).expect("json"))
        .expect("write values");
    path
}

/// One `helm template` invocation.
#[derive(Clone, Debug, Default)]
pub struct Case {
    chart: PathBuf,
    values: Vec<PathBuf>,
    set: Vec<String>,
    set_string: Vec<String>,
    set_json: Vec<String>,
    set_file: Vec<String>,
    namespace: Option<String>,
    kube_version: Option<String>,
    api_versions: Vec<String>,
    include_crds: bool,
    show_only: Vec<String>,
    skip_tests: bool,
    skip_schema_validation: bool,
}

impl Case {
    /// A chart under the fixtures directory, default values.
    pub fn new(chart: &str) -> Case {
        Case {
            chart: fixtures().join(chart),
            ..Default::default()
        }
    }
    /// A chart under tests/charts/.
    pub fn local(chart: &str) -> Case {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/charts")
            .join(chart);
        Case {
            chart: dir,
            ..Default::default()
        }
    }
    /// A chart at any path (e.g. a packaged `.tgz`).
    pub fn path(chart: &Path) -> Case {
        Case {
            chart: chart.to_path_buf(),
            ..Default::default()
        }
    }
    /// A values file from tests/values/.
    pub fn values(mut self, name: &str) -> Case {
        self.values.push(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/values")
                .join(name),
        );
        self
    }
    /// A values file from the fixtures.
    pub fn fixture_values(mut self, path: &str) -> Case {
        self.values.push(fixtures().join(path));
        self
    }
    /// A values file anywhere.
    pub fn values_path(mut self, path: &Path) -> Case {
        self.values.push(path.to_path_buf());
        self
    }
    /// `--set`.
    pub fn set(mut self, expr: &str) -> Case {
        self.set.push(expr.to_string());
        self
    }
    /// `--set-string`.
    pub fn set_string(mut self, expr: &str) -> Case {
        self.set_string.push(expr.to_string());
        self
    }
    /// `--set-json`.
    pub fn set_json(mut self, expr: &str) -> Case {
        self.set_json.push(expr.to_string());
        self
    }
    /// `--set-file`.
    pub fn set_file(mut self, expr: &str) -> Case {
        self.set_file.push(expr.to_string());
        self
    }
    /// `-n`.
    pub fn namespace(mut self, ns: &str) -> Case {
        self.namespace = Some(ns.to_string());
        self
    }
    /// `--kube-version`.
    pub fn kube_version(mut self, v: &str) -> Case {
        self.kube_version = Some(v.to_string());
        self
    }
    /// `--api-versions`.
    pub fn api_versions(mut self, v: &str) -> Case {
        self.api_versions.push(v.to_string());
        self
    }
    /// `--include-crds`.
    pub fn include_crds(mut self) -> Case {
        self.include_crds = true;
        self
    }
    /// `--show-only`.
    pub fn show_only(mut self, t: &str) -> Case {
        self.show_only.push(t.to_string());
        self
    }
    /// `--skip-tests`.
    pub fn skip_tests(mut self) -> Case {
        self.skip_tests = true;
        self
    }

    /// `--skip-schema-validation`.
    pub fn skip_schema_validation(mut self) -> Case {
        self.skip_schema_validation = true;
        self
    }

    fn describe(&self) -> String {
        let chart = self.chart.display().to_string();
        let chart = chart
            .rsplit("fixtures/")
            .next()
            .unwrap_or(&chart)
            .to_string();
        format!("helm template rel {chart} {}", self.helm_flags().join(" "))
    }

    fn helm_flags(&self) -> Vec<String> {
        let mut args = Vec::new();
        for v in &self.values {
            args.push("-f".to_string());
            args.push(v.display().to_string());
        }
        for s in &self.set {
            args.extend(["--set".to_string(), s.clone()]);
        }
        for s in &self.set_string {
            args.extend(["--set-string".to_string(), s.clone()]);
        }
        for s in &self.set_json {
            args.extend(["--set-json".to_string(), s.clone()]);
        }
        for s in &self.set_file {
            args.extend(["--set-file".to_string(), s.clone()]);
        }
        if let Some(ns) = &self.namespace {
            args.extend(["-n".to_string(), ns.clone()]);
        }
        if let Some(k) = &self.kube_version {
            args.extend(["--kube-version".to_string(), k.clone()]);
        }
        for a in &self.api_versions {
            args.extend(["--api-versions".to_string(), a.clone()]);
        }
        if self.include_crds {
            args.push("--include-crds".to_string());
        }
        for s in &self.show_only {
            args.extend(["--show-only".to_string(), s.clone()]);
        }
        if self.skip_tests {
            args.push("--skip-tests".to_string());
        }
        if self.skip_schema_validation {
            args.push("--skip-schema-validation".to_string());
        }
        args
    }

    /// Runs the reference helm: stdout, or the error text.
    pub fn run_helm(&self) -> Result<String, String> {
        let out = Command::new(helm_binary())
            .args(["template", "rel"])
            .arg(&self.chart)
            .args(self.helm_flags())
            .output()
            .expect("run helm");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    /// Runs our renderer: stdout as `helm template` would print it, or the error text.
    pub fn run_ours(&self) -> Result<String, String> {
        let chart = Chart::load(&self.chart).map_err(|e| e.to_string())?;
        let flags = ValueFlags {
            files: self.values.clone(),
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
        };
        let values = ferroflux_helm::values::user_values(&flags).map_err(|e| e.to_string())?;
        let options = RenderOptions {
            release_name: "rel".into(),
            namespace: self.namespace.clone().unwrap_or_else(|| "default".into()),
            values,
            kube_version: self.kube_version.clone(),
            api_versions: self.api_versions.clone(),
            include_crds: self.include_crds,
            skip_schema_validation: self.skip_schema_validation,
            // As `ferroflux helm template` renders.
            pregenerate_keys: true,
            ..RenderOptions::default()
        };
        let rendered = ferroflux_helm::render(&chart, &options).map_err(|e| e.to_string())?;
        let print = PrintOptions {
            show_only: self.show_only.clone(),
            skip_tests: self.skip_tests,
        };
        ferroflux_helm::print(&rendered, &print).map_err(|e| e.to_string())
    }
}

/// Runs every case, prints a line per case, and fails listing the cases that differ.
pub fn run_cases(cases: &[Case]) {
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let (helm, ours) = (case.run_helm(), case.run_ours());
        // PARITY_DUMP=<dir> keeps both outputs for a closer look.
        if let Ok(dir) = std::env::var("PARITY_DUMP") {
            let name = case
                .chart
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            let stem = format!("{dir}/{}-{i}", name.unwrap_or_default());
            let text = |r: &Result<String, String>| r.clone().unwrap_or_else(|e| e);
            std::fs::write(format!("{stem}.helm.yaml"), text(&helm)).expect("dump");
            std::fs::write(format!("{stem}.ours.yaml"), text(&ours)).expect("dump");
        }
        let outcome = compare::compare(&helm, &ours);
        match &outcome {
            Ok(note) => eprintln!("PASS {} {note}", case.describe()),
            Err(diff) => {
                eprintln!("FAIL {}\n{diff}", case.describe());
                failures.push(case.describe());
            }
        }
    }
    eprintln!(
        "cases: {} same as helm, {} differ",
        cases.len() - failures.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "cases differing from helm:\n{}",
        failures.join("\n")
    );
}
