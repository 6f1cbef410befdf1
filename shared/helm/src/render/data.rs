//! The data each template file sees: `.Values`, `.Chart`, `.Release`, `.Capabilities`,
//! `.Files`, `.Subcharts` (and `.Template`, set per file).

use std::sync::Arc;

use serde_json::Value as Json;

use super::objects::Files;
use crate::chart::Chart;
use crate::template::ahead::Pending;
use crate::template::{Map, Value};

/// Converts values to template values: YAML numbers (stored as floats) stay `float64`, integers
/// (from `--set`) become `int64`, as in Helm.
pub fn json_to_value(json: &Json) -> Value {
    match json {
        Json::Null => Value::Nil,
        Json::Bool(b) => Value::Bool(*b),
        // Integers in values only come from `--set`, which gives Go `int64`s (YAML and JSON
        // numbers are floats).
        Json::Number(n) => match (n.is_f64(), n.as_i64()) {
            (false, Some(i)) => Value::Int64(i),
            _ => Value::Float(n.as_f64().unwrap_or(0.0)),
        },
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::from(items.iter().map(json_to_value).collect::<Vec<_>>()),
        Json::Object(map) => Value::from(
            map.iter()
                .map(|(k, v)| (k.clone(), json_to_value(v)))
                .collect::<Map>(),
        ),
    }
}

fn strings(list: &[String]) -> Value {
    Value::from(
        list.iter()
            .map(|s| Value::from(s.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// `.Chart` as Helm exposes the metadata (Go field names).
pub fn chart_value(chart: &Chart, is_root: bool) -> Value {
    let md = &chart.metadata;
    let deps: Vec<Value> = md
        .dependencies
        .iter()
        .map(|d| {
            Value::map_from([
                ("name".to_string(), Value::from(d.name.as_str())),
                ("version".to_string(), Value::from(d.version.as_str())),
                ("repository".to_string(), Value::from(d.repository.as_str())),
                ("condition".to_string(), Value::from(d.condition.as_str())),
                ("tags".to_string(), strings(&d.tags)),
                ("enabled".to_string(), Value::Bool(d.enabled)),
                (
                    "import-values".to_string(),
                    Value::from(
                        d.import_values
                            .iter()
                            .map(json_to_value)
                            .collect::<Vec<_>>(),
                    ),
                ),
                ("alias".to_string(), Value::from(d.alias.as_str())),
            ])
        })
        .collect();
    let s = |v: &str| Value::from(v);
    Value::map_from([
        ("APIVersion".to_string(), s(&md.api_version)),
        (
            "Annotations".to_string(),
            md.annotations
                .as_ref()
                .map(|a| json_to_value(&Json::Object(a.clone())))
                .unwrap_or(Value::Nil),
        ),
        ("AppVersion".to_string(), s(&md.app_version)),
        ("Condition".to_string(), s(&md.condition)),
        ("Dependencies".to_string(), Value::from(deps)),
        ("Deprecated".to_string(), Value::Bool(md.deprecated)),
        ("Description".to_string(), s(&md.description)),
        ("Home".to_string(), s(&md.home)),
        ("Icon".to_string(), s(&md.icon)),
        ("IsRoot".to_string(), Value::Bool(is_root)),
        ("Keywords".to_string(), strings(&md.keywords)),
        ("KubeVersion".to_string(), s(&md.kube_version)),
        (
            "Maintainers".to_string(),
            Value::from(md.maintainers.iter().map(json_to_value).collect::<Vec<_>>()),
        ),
        ("Name".to_string(), s(&md.name)),
        ("Sources".to_string(), strings(&md.sources)),
        ("Tags".to_string(), s(&md.tags)),
        ("Type".to_string(), s(&md.chart_type)),
        ("Version".to_string(), s(&md.version)),
    ])
}

/// A template file to parse: its path (its template name) and its text, with the parse the
/// loader may have started (see [`crate::template::ahead`]).
pub struct TemplateSource {
    /// `<chart path>/templates/x.yaml`.
    pub path: String,
    /// The text and, once parsed, its tree.
    pub pending: Arc<Pending>,
}

/// One template file to execute, with the data of its chart.
pub struct Renderable {
    /// `<chart path>/templates/x.yaml`.
    pub path: String,
    /// The chart's data map (without `.Template`).
    pub data: Arc<Map>,
    /// `<chart path>/templates`.
    pub base_path: String,
}

/// Whether a chart's template file is parsed: a library chart's only provide definitions.
fn is_parsed(chart: &Chart, name: &str) -> bool {
    let base = name.rsplit('/').next().unwrap_or(name);
    !chart.metadata.is_library() || base.starts_with('_')
}

/// Whether a template file is executed (partials, `_*`, only hold definitions).
pub fn is_executed(path: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    !base.starts_with('_')
}

/// Lists the template files of the chart tree, named by their path in it.
pub fn template_sources(chart: &Chart, full_path: &str, out: &mut Vec<TemplateSource>) {
    for sub in &chart.dependencies {
        template_sources(sub, &format!("{full_path}/charts/{}", sub.name()), out);
    }
    for t in &chart.templates {
        if is_parsed(chart, &t.name) {
            out.push(TemplateSource {
                path: format!("{full_path}/{}", t.name),
                pending: t.template(),
            });
        }
    }
}

/// Walks the chart tree, building each chart's data and listing its files to execute.
/// Returns the chart's data (what `.Subcharts.<name>` holds).
pub fn collect_templates(
    chart: &Chart,
    full_path: &str,
    values: Value,
    common: &Map,
    out: &mut Vec<Renderable>,
) -> Value {
    let is_root = !full_path.contains('/');
    let mut subcharts = Map::new();
    for sub in &chart.dependencies {
        let sub_values = match &values {
            Value::Map(m) => match m.get(sub.name()) {
                Some(v @ Value::Map(_)) => v.clone(),
                _ => Value::empty_map(),
            },
            _ => Value::empty_map(),
        };
        let sub_path = format!("{full_path}/charts/{}", sub.name());
        let sub_data = collect_templates(sub, &sub_path, sub_values, common, out);
        subcharts.insert(sub.name().to_string(), sub_data);
    }
    let mut data = common.clone();
    data.insert("Chart".into(), chart_value(chart, is_root));
    data.insert(
        "Files".into(),
        Value::Object(Arc::new(Files::new(chart.files.clone()))),
    );
    data.insert("Values".into(), values);
    data.insert("Subcharts".into(), Value::from(subcharts));
    let data = Arc::new(data);
    for t in &chart.templates {
        if is_parsed(chart, &t.name) && is_executed(&t.name) {
            out.push(Renderable {
                path: format!("{full_path}/{}", t.name),
                data: data.clone(),
                base_path: format!("{full_path}/templates"),
            });
        }
    }
    Value::from((*data).clone())
}

/// Helm's parse order: deeper paths first, then reverse lexical order (so the top chart's
/// definitions, parsed last, win).
pub fn parse_order(a: &str, b: &str) -> std::cmp::Ordering {
    // A byte count: `matches('/')` runs a searcher per call, and sorting compares often.
    let depth = |s: &str| s.bytes().filter(|&c| c == b'/').count();
    depth(b).cmp(&depth(a)).then_with(|| b.cmp(a))
}
