//! Rendering a chart as `helm template` does: values, templates, notes, hooks, CRDs, ordering.

mod data;
pub mod objects;
mod output;
mod pipeline;
pub mod sort;

pub use output::{PrintOptions, print};
pub use sort::{Hook, Manifest};

use crate::chart::Chart;
use crate::error::Error;
use crate::template::TemplateError;
use crate::values::{Table, dependencies};

/// What to render a chart with (what `helm template`'s flags set).
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// `.Release.Name`.
    pub release_name: String,
    /// `.Release.Namespace` (`default` when empty).
    pub namespace: String,
    /// User values, already merged from `-f` files and `--set` flags. Numbers stored as floats
    /// are Go `float64` in templates (as Helm reads YAML/JSON values), integers are `int64` (as
    /// `--set` gives them): decode values YAML with [`crate::values::parse_values`].
    pub values: Table,
    /// `--kube-version` (Helm's default when `None`).
    pub kube_version: Option<String>,
    /// `--api-versions`, added to the default set.
    pub api_versions: Vec<String>,
    /// `.Release.IsUpgrade` (and not `IsInstall`).
    pub is_upgrade: bool,
    /// `.Release.Revision`.
    pub revision: i64,
    /// Also return the CRDs of `crds/` directories (`--include-crds`).
    pub include_crds: bool,
    /// Skip `values.schema.json` validation.
    pub skip_schema_validation: bool,
    /// When a `genCA`, `genSelfSignedCert` or `genSignedCert` call makes its RSA key, start the
    /// next one on another thread meanwhile, so that two keys are made side by side instead of
    /// one after the other. For a one-shot process with free cores (`helm template`); a key no
    /// later call takes is thrown away. Applies to the whole process once set.
    pub pregenerate_keys: bool,
    /// Render on helper threads: the template files are parsed and executed on other threads
    /// while this one merges and validates the values and splits the output. For a process
    /// that renders and exits (`helm template`); a controller embedding the renderer leaves it
    /// off, and a render then starts no thread but the one template execution runs on (a large
    /// stack the caller waits for: `include` may nest a thousand deep).
    pub parallel: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".into(),
            namespace: "default".into(),
            values: Table::new(),
            kube_version: None,
            api_versions: Vec::new(),
            is_upgrade: false,
            revision: 1,
            include_crds: false,
            skip_schema_validation: false,
            pregenerate_keys: false,
            parallel: false,
        }
    }
}

/// A file of a `crds/` directory.
#[derive(Clone, Debug, PartialEq)]
pub struct Crd {
    /// E.g. `traefik/crds/ingressroute.yaml`.
    pub source: String,
    /// The file's content, unrendered.
    pub content: String,
}

/// The result of rendering: what `helm template` prints, structured.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rendered {
    /// Manifests in install order.
    pub manifests: Vec<Manifest>,
    /// Hooks, in kind order.
    pub hooks: Vec<Hook>,
    /// CRDs (only with `include_crds`).
    pub crds: Vec<Crd>,
    /// The rendered `NOTES.txt` of the top chart.
    pub notes: String,
}

/// Renders `chart` with `options`, as `helm template` would.
pub fn render(chart: &Chart, options: &RenderOptions) -> Result<Rendered, Error> {
    if chart.metadata.is_library() {
        return Err(Error::LibraryChart);
    }
    check_dependencies_present(chart)?;
    let mut chart = chart.clone();
    dependencies::process_dependencies(&mut chart, &options.values);
    let output = pipeline::render_files(&chart, options)?;
    let (hooks, manifests) = sort::sort_files(output.files)?;
    let mut crds = Vec::new();
    if options.include_crds {
        collect_crds(&chart, chart.name(), &mut crds)?;
    }
    Ok(Rendered {
        manifests,
        hooks,
        crds,
        notes: output.notes,
    })
}

/// Helm's `CheckDependencies`: every dependency of Chart.yaml must be under charts/.
fn check_dependencies_present(chart: &Chart) -> Result<(), Error> {
    let missing: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.clone())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Error::MissingDependencies(missing.join(", ")))
    }
}

fn collect_crds(chart: &Chart, full_path: &str, crds: &mut Vec<Crd>) -> Result<(), Error> {
    for f in chart.crd_files() {
        crds.push(Crd {
            source: format!("{full_path}/{}", f.name),
            content: ferroflux_gotemplate::utf8::lossy(f.data()?).into_owned(),
        });
    }
    for sub in &chart.dependencies {
        collect_crds(sub, &format!("{full_path}/charts/{}", sub.name()), crds)?;
    }
    Ok(())
}

/// Words a template error as Helm does.
fn exec_error(path: &str, e: TemplateError) -> Error {
    let message = match &e {
        TemplateError::Parse {
            name,
            line,
            message,
        } => format!("parse error at ({name}:{line}): {message}"),
        TemplateError::Exec {
            file,
            line,
            col,
            template,
            context,
            message,
        } => {
            let user = ["error calling fail: ", "error calling required: "]
                .iter()
                .find_map(|p| message.strip_prefix(p));
            match user {
                Some(m) => format!("execution error at ({file}:{line}:{col}): {m}"),
                None => format!(
                    "{file}:{line}:{col}\n  executing \"{template}\" at <{context}>:\n    {message}"
                ),
            }
        }
        other => format!("execution error in ({path}): {other}"),
    };
    Error::Template(message)
}
