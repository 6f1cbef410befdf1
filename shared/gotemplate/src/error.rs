//! Errors of parsing and executing templates, displayed like Go's `text/template`.

/// A parse or execution error; `Display` matches Go's `text/template` messages.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TemplateError {
    /// A syntax error: `template: <file>:<line>: <message>`.
    #[error("template: {name}:{line}: {message}")]
    Parse {
        /// The name the source was parsed under (the file).
        name: String,
        /// 1-based line.
        line: usize,
        /// What is wrong, e.g. `function "foo" not defined`.
        message: String,
    },
    /// A failure while executing:
    /// `template: <file>:<line>:<col>: executing "<template>" at <<node>>: <message>`.
    #[error("template: {file}:{line}:{col}: executing \"{template}\" at <{context}>: {message}")]
    Exec {
        /// The file the failing node was parsed from.
        file: String,
        /// 1-based line of the node.
        line: usize,
        /// Go's column: the 0-based byte offset of the node in its line.
        col: usize,
        /// The template being executed (a file or a `define`d name).
        template: String,
        /// The node, printed as Go prints it (cut at 20 characters).
        context: String,
        /// What went wrong, e.g. `error calling fail: boom`.
        message: String,
    },
    /// `render` was asked for a template that was never parsed or defined.
    #[error("template: no template {name:?} associated with template {root:?}")]
    NoTemplate {
        /// The missing template.
        name: String,
        /// The root template set's name (`gotpl` in Helm).
        root: String,
    },
    /// Any other failure, already formatted.
    #[error("{0}")]
    Other(String),
}

impl TemplateError {
    /// The failure without Go's `template: <location>: executing ... at <...>:` prefix:
    /// what `fail` and `required` users expect to see (Helm's "execution error at (...)" form).
    pub fn message(&self) -> String {
        match self {
            TemplateError::Parse { message, .. } | TemplateError::Exec { message, .. } => {
                message.clone()
            }
            other => other.to_string(),
        }
    }

    /// `file:line` or `file:line:col`, the location as Helm prints it in its error summaries.
    pub fn location(&self) -> Option<String> {
        match self {
            TemplateError::Parse { name, line, .. } => Some(format!("{name}:{line}")),
            TemplateError::Exec {
                file, line, col, ..
            } => Some(format!("{file}:{line}:{col}")),
            _ => None,
        }
    }
}
