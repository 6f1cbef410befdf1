//! Rendering a chart as `helm template` does: values, templates, notes, hooks, CRDs, ordering.

mod data;
pub mod objects;
mod output;
pub mod sort;

use std::sync::Arc;

pub use output::{PrintOptions, print};
pub use sort::{Hook, Manifest};

use crate::chart::Chart;
use crate::error::Error;
use crate::template::{Map, TemplateError, Templates, Value, with_exec_stack};
use crate::values::{Table, coalesce, dependencies, schema};
use ferroflux_semver::is_compatible_range;
use objects::{ApiVersions, Capabilities, KubeVersion};

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
    let values = coalesce::coalesce_values(&chart, &options.values);
    if !options.skip_schema_validation {
        schema::validate(&chart, &values).map_err(Error::Schema)?;
    }
    let kube = match &options.kube_version {
        Some(v) => KubeVersion::parse(v).ok_or_else(|| Error::KubeVersionFlag(v.clone()))?,
        None => KubeVersion::parse(objects::DEFAULT_KUBE_VERSION)
            .ok_or_else(|| Error::KubeVersionFlag(String::new()))?,
    };
    if !chart.metadata.kube_version.is_empty()
        && !is_compatible_range(&chart.metadata.kube_version, &kube.version)
    {
        return Err(Error::KubeVersion {
            required: chart.metadata.kube_version.clone(),
            actual: kube.version,
        });
    }
    let files = render_templates(&chart, options, kube, &values)?;
    let notes_path = format!("{}/templates/NOTES.txt", chart.name());
    let mut notes = String::new();
    let mut manifests_in = Vec::with_capacity(files.len());
    for (path, content) in files {
        if path.ends_with("NOTES.txt") {
            if path == notes_path {
                notes = content;
            }
            continue;
        }
        manifests_in.push((path, content));
    }
    let (hooks, manifests) = sort::sort_manifests(manifests_in)?;
    let crds = if options.include_crds {
        collect_crds(&chart, chart.name())
    } else {
        Vec::new()
    };
    Ok(Rendered {
        manifests,
        hooks,
        crds,
        notes,
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

fn collect_crds(chart: &Chart, full_path: &str) -> Vec<Crd> {
    let mut crds: Vec<Crd> = chart
        .crd_files()
        .map(|f| Crd {
            source: format!("{full_path}/{}", f.name),
            content: String::from_utf8_lossy(&f.data).into_owned(),
        })
        .collect();
    for sub in &chart.dependencies {
        crds.extend(collect_crds(
            sub,
            &format!("{full_path}/charts/{}", sub.name()),
        ));
    }
    crds
}

fn render_templates(
    chart: &Chart,
    options: &RenderOptions,
    kube: KubeVersion,
    values: &Table,
) -> Result<Vec<(String, String)>, Error> {
    let release = Value::map_from([
        (
            "Name".to_string(),
            Value::from(options.release_name.as_str()),
        ),
        (
            "Namespace".to_string(),
            Value::from(if options.namespace.is_empty() {
                "default"
            } else {
                options.namespace.as_str()
            }),
        ),
        ("IsInstall".to_string(), Value::Bool(!options.is_upgrade)),
        ("IsUpgrade".to_string(), Value::Bool(options.is_upgrade)),
        ("Revision".to_string(), Value::Int(options.revision)),
        ("Service".to_string(), Value::from("Helm")),
    ]);
    let capabilities = Capabilities::new(kube, ApiVersions::new(&options.api_versions));
    let mut common = Map::new();
    common.insert("Release".into(), release);
    common.insert("Capabilities".into(), Value::Object(Arc::new(capabilities)));
    let mut renderables = Vec::new();
    let root_values = data::json_to_value(&serde_json::Value::Object(values.clone()));
    data::collect_templates(chart, chart.name(), root_values, &common, &mut renderables);
    renderables.sort_by(|a, b| data::parse_order(&a.path, &b.path));

    let mut templates = Templates::new();
    for r in &renderables {
        templates
            .parse(&r.path, &r.source)
            .map_err(|e| exec_error(&r.path, e))?;
    }
    // One large-stack thread for all files (each `render` would otherwise start its own).
    with_exec_stack(|| execute_files(&templates, &renderables))
        .unwrap_or_else(|_| Err(Error::Template("template execution panicked".into())))
}

/// Executes each non-partial file of `renderables` with its data (plus `.Template`), in order.
fn execute_files(
    templates: &Templates,
    renderables: &[data::Renderable],
) -> Result<Vec<(String, String)>, Error> {
    let mut rendered = Vec::new();
    for r in renderables {
        let base = r.path.rsplit('/').next().unwrap_or(&r.path);
        if base.starts_with('_') {
            continue;
        }
        let mut data = (*r.data).clone();
        data.insert(
            "Template".into(),
            Value::map_from([
                ("Name".to_string(), Value::from(r.path.as_str())),
                ("BasePath".to_string(), Value::from(r.base_path.as_str())),
            ]),
        );
        let out = templates
            .render(&r.path, &Value::from(data))
            .map_err(|e| exec_error(&r.path, e))?;
        rendered.push((r.path.clone(), out));
    }
    Ok(rendered)
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
