//! Rendering the template files of a chart: on the calling thread, or (with
//! [`RenderOptions::parallel`]) on two threads.
//!
//! The executor thread (large stack) starts parsing the template files while this thread merges
//! the values and builds each chart's data, then helps with the files left to parse (files the
//! loader has parsed already, see [`crate::template::ahead`], are only renamed). The executor
//! then runs the files one after the other, in Helm's order (templates may change shared values,
//! so this stays sequential), while this thread validates the values against the schemas, then
//! splits and decodes each output as it arrives. The result and the error are those of doing
//! the steps one after the other: a values, schema or Kubernetes version error wins over a parse
//! error (the first in parse order), a parse error over an execution error, and an execution
//! error over a YAML error in the output.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};

use serde_json::Value as Json;

use super::data::{self, Renderable, TemplateSource};
use super::objects::{self, ApiVersions, Capabilities, KubeVersion};
use super::sort::FileDocs;
use super::{RenderOptions, exec_error};
use crate::chart::Chart;
use crate::error::Error;
use crate::template::{self, Map, Templates, Value};
use crate::values::{coalesce, schema};
use ferroflux_gotemplate::{funcs::key_pool, spawn_exec_thread, with_exec_stack};
use ferroflux_semver::is_compatible_range;

/// What the template files of a chart produced.
pub(super) struct Output {
    /// The documents of each file (in no particular order).
    pub files: Vec<FileDocs>,
    /// The top chart's rendered `NOTES.txt`.
    pub notes: String,
}

/// Parses and executes the template files of `chart` (its dependencies already processed).
pub(super) fn render_files(chart: &Chart, options: &RenderOptions) -> Result<Output, Error> {
    let mut sources = Vec::new();
    data::template_sources(chart, chart.name(), &mut sources);
    sources.sort_by(|a, b| data::parse_order(&a.path, &b.path));
    if options.pregenerate_keys {
        key_pool::enable(Some(crate::placement::on_any_cpu::<()>));
    }
    let notes_path = format!("{}/templates/NOTES.txt", chart.name());

    let queue = Arc::new(ParseQueue::new(sources));
    if !options.parallel {
        return render_here(chart, options, &queue, &notes_path);
    }
    let (files_tx, files_rx) = mpsc::channel::<Vec<Renderable>>();
    let (output_tx, output_rx) = mpsc::channel::<(String, String)>();
    let (result_tx, result_rx) = mpsc::channel::<Result<(), Error>>();
    // Not joined: the executor sends its result before it drops the parsed templates and exits
    // (freeing them and its allocator's thread heap is work nobody needs to wait for).
    let executor_queue = queue.clone();
    crate::placement::on_helper_cpus(spawn_exec_thread(move || {
        let queue = executor_queue;
        queue.parse_remaining();
        // The files arrive once the other thread's share of parsing is done too; nothing arrives
        // when the values failed, and that error is reported on the other side.
        let Ok(files) = files_rx.recv() else {
            return;
        };
        let templates = match queue.templates() {
            Ok(templates) => templates,
            Err(e) => {
                result_tx.send(Err(e)).ok();
                return;
            }
        };
        let result = execute_files(&templates, &files, &output_tx);
        drop(output_tx);
        result_tx.send(result).ok();
        // `templates` and `files` are dropped after the other side has the result.
    }))
    .map_err(|e| Error::Template(format!("cannot start the template executor: {e}")))?;

    // On failure the sender is dropped: the executor ends after parsing.
    let (files, values) = prepare_files(chart, options)?;
    queue.parse_remaining();
    files_tx.send(files).ok();
    drop(files_tx);
    // Validating can take milliseconds (compiling a large schema): the executor runs meanwhile.
    // Nothing it does is seen unless the values are valid; if they are not, the receivers go
    // away and it stops at its next file.
    if !options.skip_schema_validation {
        schema::validate(chart, &values).map_err(Error::Schema)?;
    }

    let output = collect(output_rx, &notes_path);
    result_rx
        .recv()
        .unwrap_or_else(|_| Err(Error::Template("template execution panicked".into())))?;
    Ok(output)
}

/// [`render_files`] on the calling thread, the steps one after the other (template execution on
/// a large stack, see [`with_exec_stack`]).
fn render_here(
    chart: &Chart,
    options: &RenderOptions,
    queue: &ParseQueue,
    notes_path: &str,
) -> Result<Output, Error> {
    let (files, values) = prepare_files(chart, options)?;
    if !options.skip_schema_validation {
        schema::validate(chart, &values).map_err(Error::Schema)?;
    }
    let (output_tx, output_rx) = mpsc::channel::<(String, String)>();
    with_exec_stack(|| {
        queue.parse_remaining();
        execute_files(&queue.templates()?, &files, &output_tx)
    })
    .unwrap_or_else(|_| Err(Error::Template("template execution panicked".into())))?;
    drop(output_tx);
    Ok(collect(output_rx, notes_path))
}

/// The documents of each output file, and the top chart's notes.
fn collect(outputs: mpsc::Receiver<(String, String)>, notes_path: &str) -> Output {
    let mut files = Vec::new();
    let mut notes = String::new();
    for (path, content) in outputs {
        if path.ends_with("NOTES.txt") {
            if path == notes_path {
                notes = content;
            }
            continue;
        }
        files.push(FileDocs::parse(path, &content));
    }
    Output { files, notes }
}

/// Template files parsed by whichever thread takes them first (files the loader queued may be
/// parsed already, see [`crate::template::ahead`]).
struct ParseQueue {
    sources: Vec<TemplateSource>,
    /// Indexes into `sources`, largest text first: execution waits for the last file to be
    /// parsed, and a large file taken last keeps the other threads waiting.
    by_size: Vec<usize>,
    /// The position in `by_size` of the next file to take.
    next: AtomicUsize,
}

impl ParseQueue {
    fn new(sources: Vec<TemplateSource>) -> Self {
        let mut by_size: Vec<usize> = (0..sources.len()).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(sources[i].pending.text_len()));
        ParseQueue {
            sources,
            by_size,
            next: AtomicUsize::new(0),
        }
    }

    /// Parses files until none is left to take.
    fn parse_remaining(&self) {
        while let Some(&i) = self.by_size.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            self.sources[i].pending.parse_if_unclaimed();
        }
    }

    /// The set of all parsed files, added in parse order (a later definition of a name wins), or
    /// the first parse error in that order. Waits for files other threads are still parsing.
    fn templates(&self) -> Result<Templates, Error> {
        let mut templates = template::templates();
        for s in &self.sources {
            let parsed = s
                .pending
                .take(&s.path)
                .map_err(|e| exec_error(&s.path, e))?;
            templates.add_parsed(parsed);
        }
        Ok(templates)
    }
}

/// Merges the values and builds the data of every file to execute, in Helm's order; returns
/// them with the merged values (for the schema validation that follows).
fn prepare_files(chart: &Chart, options: &RenderOptions) -> Result<(Vec<Renderable>, Json), Error> {
    let values = Json::Object(coalesce::coalesce_values(chart, &options.values));
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
    let mut files = Vec::new();
    let root_values = data::json_to_value(&values);
    data::collect_templates(chart, chart.name(), root_values, &common, &mut files);
    files.sort_by(|a, b| data::parse_order(&a.path, &b.path));
    Ok((files, values))
}

/// Executes each file with its data (plus `.Template`), in order, sending each output; stops at
/// the first error.
fn execute_files(
    templates: &Templates,
    files: &[Renderable],
    output: &mpsc::Sender<(String, String)>,
) -> Result<(), Error> {
    for r in files {
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
        // The receiver only goes away when this render has already failed.
        if output.send((r.path.clone(), out)).is_err() {
            break;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::{Chart, RenderOptions, render};

    /// A chart whose subchart `sub` is used twice, under the aliases `one` and `two`.
    fn aliased_chart(sub_template: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n\
             - {name: sub, version: 1.0.0, alias: one}\n- {name: sub, version: 1.0.0, alias: two}\n",
        );
        write(
            "templates/cm.yaml",
            "# {{ .Template.Name }}\nkind: ConfigMap\n",
        );
        write(
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
        );
        write("charts/sub/templates/cm.yaml", sub_template);
        dir
    }

    fn rendered_sources(chart: &Chart) -> Vec<String> {
        let rendered = render(chart, &RenderOptions::default()).unwrap();
        rendered
            .manifests
            .iter()
            .map(|m| format!("{}: {}", m.source, m.content.lines().next().unwrap_or("")))
            .collect()
    }

    #[test]
    fn templates_parsed_while_loading_run_under_each_alias_and_again_on_a_second_render() {
        let dir = aliased_chart("# {{ .Template.Name }}\nkind: ConfigMap\n");
        let chart = Chart::load(dir.path()).unwrap();
        let first = rendered_sources(&chart);
        assert_eq!(
            first,
            [
                "top/charts/one/templates/cm.yaml: # top/charts/one/templates/cm.yaml",
                "top/charts/two/templates/cm.yaml: # top/charts/two/templates/cm.yaml",
                "top/templates/cm.yaml: # top/templates/cm.yaml",
            ]
        );
        // The second render takes the trees parsed for the first.
        assert_eq!(rendered_sources(&chart), first);
    }

    /// What `helm template` in the CLI renders (helper threads, templates parsed while loading)
    /// is what an embedding controller renders on its own thread.
    #[test]
    fn a_parallel_render_is_the_same_as_one_on_the_calling_thread() {
        let dir = crate::fixtures().join("podinfo/charts/podinfo");
        let print = |chart: &Chart, parallel: bool| {
            let options = RenderOptions {
                parallel,
                ..Default::default()
            };
            let rendered = render(chart, &options).unwrap();
            let text = crate::print(&rendered, &crate::PrintOptions::default()).unwrap();
            // The test pods' names end in random letters.
            let random = regex::Regex::new("-test-[a-z0-9]{5}").unwrap();
            random.replace_all(&text, "-test-").into_owned()
        };
        let here = print(&Chart::load(&dir).unwrap(), false);
        assert!(here.contains("kind: Deployment"), "{here}");
        assert_eq!(print(&Chart::load_parallel(&dir).unwrap(), true), here);
        // A bad template fails the same way both ways.
        let bad = aliased_chart("kind: ConfigMap\n{{ if }}\n");
        let err = |chart: Chart, parallel: bool| {
            let options = RenderOptions {
                parallel,
                ..Default::default()
            };
            render(&chart, &options).unwrap_err().to_string()
        };
        assert_eq!(
            err(Chart::load(bad.path()).unwrap(), false),
            err(Chart::load_parallel(bad.path()).unwrap(), true)
        );
    }

    #[test]
    fn a_parse_error_in_a_template_parsed_while_loading_names_its_path_in_the_chart() {
        let dir = aliased_chart("kind: ConfigMap\n{{ if }}\n");
        let chart = Chart::load(dir.path()).unwrap();
        let err = render(&chart, &RenderOptions::default())
            .unwrap_err()
            .to_string();
        // The first error in Helm's parse order (reverse name order): the alias `two`.
        assert_eq!(
            err,
            "parse error at (top/charts/two/templates/cm.yaml:2): missing value for if"
        );
    }
}
