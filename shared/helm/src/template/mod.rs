//! Helm's template layer: the Go template engine of [`ferroflux_gotemplate`] with Helm's own
//! functions added (`include`, `tpl`, `required`, `lookup`, `toYaml`/`fromYaml`, `toToml`/
//! `fromToml`, `fromJson`/`fromJsonArray`).
//!
//! Usage, as Helm's engine does it:
//! ```
//! use ferroflux_helm::template::{self, Value};
//! let mut t = template::templates();
//! t.parse("mychart/templates/_helpers.tpl", r#"{{ define "name" }}{{ .Chart.Name }}{{ end }}"#).unwrap();
//! t.parse("mychart/templates/cm.yaml", r#"name: {{ include "name" . | printf "%s!" }}"#).unwrap();
//! let data = Value::map_from([(
//!     "Chart".to_string(),
//!     Value::map_from([("Name".to_string(), Value::from("mychart"))]),
//! )]);
//! assert_eq!(t.render("mychart/templates/cm.yaml", &data).unwrap(), "name: mychart!");
//! ```
//!
//! `.Template` is data like any other: Helm sets `.Template.Name` (the file) and `.Template.BasePath`
//! (`<chart>/templates`) in the top-level data of each file it renders, and does NOT change them for
//! `include`d or `template`d templates (those see whatever data the caller passes). The chart layer
//! does the same: build the data map per file with a `Template` entry, then call [`Templates::render`].
//!
//! Helm parses and renders a chart's files in reverse name order at each depth; parse them in that
//! order too, because a later `define` of a name replaces an earlier one.

pub(crate) mod ahead;
mod funcs;
#[cfg(test)]
mod tests;

pub use ferroflux_gotemplate::{
    Dict, Functions, Map, ParsedFile, RenderOptions, TemplateError, TemplateObject, Templates,
    Value,
};

/// Go's built-ins, sprig's functions and Helm's.
pub fn functions() -> &'static Functions {
    &funcs::HELM
}

/// An empty template set with Helm's functions.
pub fn templates() -> Templates {
    Templates::with_functions(functions())
}

/// Parses `source` as template `name` with Helm's functions, outside any set.
pub fn parse_file(name: &str, source: std::sync::Arc<str>) -> Result<ParsedFile, TemplateError> {
    ferroflux_gotemplate::parse_file(functions(), name, source)
}
