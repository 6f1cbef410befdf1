//! Go's `text/template` engine with the sprig function library: lexer, parser, executor, Go's
//! value model and `fmt` printing. Other libraries (Helm's `include`, `tpl`, `toYaml`, ...) are
//! added through [`Functions`].
//!
//! ```
//! use ferroflux_gotemplate::{Templates, Value};
//! let mut t = Templates::new();
//! t.parse("names", r#"{{ define "name" }}{{ .Name | upper }}{{ end }}"#).unwrap();
//! t.parse("msg", r#"update {{ template "name" . }} to {{ printf "%s" .Tag | quote }}"#).unwrap();
//! let data = Value::map_from([
//!     ("Name".to_string(), Value::from("podinfo")),
//!     ("Tag".to_string(), Value::from("6.5.0")),
//! ]);
//! assert_eq!(t.render("msg", &data).unwrap(), r#"update PODINFO to "6.5.0""#);
//! ```
//!
//! A later `define` of a name replaces an earlier one: parse files in the order the caller's
//! tool does (Helm: reverse name order at each depth).
//!
//! Errors: [`TemplateError`] displays exactly like Go's `text/template`; callers that reformat
//! them (Helm's `parse error at (file:line): ...`) use [`TemplateError::location`] and
//! [`TemplateError::message`].
//!
//! Known differences from Go and sprig, all checked against the real `helm template`:
//! - `semver`'s `Major`/`Minor`/`Patch` are `int` (Go: `uint64`); other integer types are as in Go
//!   (`int` for literals and `len`, `int64` from sprig math, `float64` from values).
//! - `getHostByName` returns "" (no network I/O).
//! - Random and time functions match in shape (charset, length, format), not value.
//! - Map keys that are not strings do not exist (Go templates rarely see them).

mod ast;
mod error;
mod exec;
pub mod format;
pub mod funcs;
mod lexer;
mod number;
mod parser;
mod printf;
pub mod utf8;
mod value;

pub use error::TemplateError;
pub use exec::{Exec, spawn_exec_thread, with_exec_stack};
pub use funcs::{ExecFamily, Family, FuncError, FuncResult, Functions};
use std::collections::HashMap;
use std::sync::Arc;
pub use value::{Dict, Map, TemplateObject, Value};

/// The name Helm gives its root template (the name in "no template" errors); `tpl` templates
/// are parsed under it.
pub const ROOT_NAME: &str = "gotpl";

/// Options that change how templates execute.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `missingkey=error` (Helm's `--strict` lint): a missing map key is an error instead of nil.
    pub strict: bool,
}

/// A template file parsed on its own ([`parse_file`]), to be added to a set later with
/// [`Templates::add_parsed`]: files can be parsed on several threads, then added in order.
#[derive(Clone)]
pub struct ParsedFile(parser::Parsed);

impl ParsedFile {
    /// The same trees, parsed from the same text, as if parsed under `name` (the `define`d
    /// templates keep their names).
    pub fn renamed(&self, name: &str) -> ParsedFile {
        let mut parsed = self.0.clone();
        let source = Arc::new(ast::Source {
            name: name.to_string(),
            text: parsed.main.source.text.clone(),
        });
        parsed.main.name = name.to_string();
        for t in parsed
            .defines
            .iter_mut()
            .chain(std::iter::once(&mut parsed.main))
        {
            t.source = source.clone();
        }
        ParsedFile(parsed)
    }
}

/// Parses `source` as template `name` (and the templates it defines), outside any set, knowing
/// the functions of `funcs`. The parsed tree shares `source` rather than copying it.
pub fn parse_file(
    funcs: &'static Functions,
    name: &str,
    source: Arc<str>,
) -> Result<ParsedFile, TemplateError> {
    parser::parse_shared(funcs, name, source).map(ParsedFile)
}

/// A set of named templates that can call each other, like Go's `template.Template` with its
/// associated templates (Helm parses every chart file into one such set).
///
/// Cloning is cheap (the parsed templates are shared).
#[derive(Clone)]
pub struct Templates {
    templates: Arc<HashMap<String, ast::Template>>,
    /// Templates visible underneath these (what `tpl` parses into sees the chart's templates).
    parent: Option<Arc<Templates>>,
    options: RenderOptions,
    funcs: &'static Functions,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::with_functions(Functions::standard())
    }
}

impl Templates {
    /// An empty set with Go's built-ins and sprig's functions.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty set with the functions of `funcs`.
    pub fn with_functions(funcs: &'static Functions) -> Self {
        Templates {
            templates: Arc::default(),
            parent: None,
            options: RenderOptions::default(),
            funcs,
        }
    }

    /// The functions this set knows.
    pub fn functions(&self) -> &'static Functions {
        self.funcs
    }

    /// Sets the execution options.
    pub fn set_options(&mut self, options: RenderOptions) {
        self.options = options;
    }

    /// Parses `source` as template `name`, adding it and every `{{define}}`d template in it.
    /// A later definition of a name replaces an earlier one (Helm parses files in a fixed order
    /// and relies on this). An empty body (only defines) does not replace an existing `name`.
    pub fn parse(&mut self, name: &str, source: &str) -> Result<(), TemplateError> {
        self.add(parser::parse(self.funcs, name, source)?);
        Ok(())
    }

    /// Adds a file parsed on its own, as [`Templates::parse`] would have.
    pub fn add_parsed(&mut self, file: ParsedFile) {
        self.add(file.0);
    }

    fn add(&mut self, parsed: parser::Parsed) {
        for t in parsed
            .defines
            .into_iter()
            .chain(std::iter::once(parsed.main))
        {
            // Like Go, an empty body never replaces an existing template of that name.
            if parser::is_empty_body(&t.body, &t.source.text) && self.contains(&t.name) {
                continue;
            }
            Arc::make_mut(&mut self.templates).insert(t.name.clone(), t);
        }
    }

    /// A set layered over this one: what it parses shadows, the rest is this set's (Helm's
    /// `tpl` parses into one).
    pub fn overlay(&self) -> Templates {
        Templates {
            templates: Arc::default(),
            parent: Some(Arc::new(self.clone())),
            options: self.options,
            funcs: self.funcs,
        }
    }

    /// Whether a template with this name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The names of all templates, sorted.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.templates.keys().cloned().collect();
        if let Some(p) = &self.parent {
            names.extend(
                p.names()
                    .into_iter()
                    .filter(|n| !self.templates.contains_key(n)),
            );
        }
        names.sort();
        names
    }

    /// Executes template `name` with `data` as Helm does: missing keys render as nothing
    /// (Go prints `<no value>`, Helm removes it from the output).
    pub fn render(&self, name: &str, data: &Value) -> Result<String, TemplateError> {
        Ok(self.execute(name, data)?.replace("<no value>", ""))
    }

    /// Executes template `name` with `data` with Go's plain output (keeps `<no value>`).
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, TemplateError> {
        let template = self.get(name).ok_or_else(|| TemplateError::NoTemplate {
            name: name.to_string(),
            root: ROOT_NAME.to_string(),
        })?;
        exec::execute(self, template, data)
    }

    fn get(&self, name: &str) -> Option<&ast::Template> {
        match self.templates.get(name) {
            Some(t) => Some(t),
            None => self.parent.as_ref().and_then(|p| p.get(name)),
        }
    }
}

#[cfg(test)]
mod tests;
