//! Values: coalescing chart defaults with user values, `--set` parsing, dependency selection and
//! schema validation.

pub mod coalesce;
pub mod dependencies;
mod json_value;
pub mod schema;
pub mod strvals;

pub use coalesce::Table;

/// Helm's `mergeMaps` for `-f` files: later files win, maps merge recursively.
pub fn merge_user_values(base: &mut Table, overlay: Table) {
    for (k, v) in overlay {
        match (base.get_mut(&k), v) {
            (Some(serde_json::Value::Object(b)), serde_json::Value::Object(o)) => {
                merge_user_values(b, o)
            }
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Reads a values file (`-f`): YAML decoded as Helm does; an empty file is an empty table.
pub fn read_values_file(path: &std::path::Path) -> Result<Table, crate::Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| crate::Error::ValuesFile(go_read_error(&path.display().to_string(), &e)))?;
    parse_values(&text)
        .map_err(|e| crate::Error::ValuesFile(format!("failed to parse {}: {e}", path.display())))
}

/// Decodes values YAML into a table.
pub fn parse_values(text: &str) -> Result<Table, crate::yaml::YamlError> {
    match crate::yaml::from_str_commented(text)? {
        serde_json::Value::Object(map) => Ok(map),
        serde_json::Value::Null => Ok(Table::new()),
        _ => Err(crate::yaml::YamlError(
            "error unmarshaling JSON: json: cannot unmarshal into map".into(),
        )),
    }
}

/// The values flags of `helm template`.
#[derive(Clone, Debug, Default)]
pub struct ValueFlags {
    /// `-f/--values` files, merged in order.
    pub files: Vec<std::path::PathBuf>,
    /// `--set-json` expressions.
    pub set_json: Vec<String>,
    /// `--set` expressions.
    pub set: Vec<String>,
    /// `--set-string` expressions.
    pub set_string: Vec<String>,
    /// `--set-file` expressions (`key=path`).
    pub set_file: Vec<String>,
}

/// Builds the user values as `helm template` does: `-f` files, then `--set-json`, `--set`,
/// `--set-string` and `--set-file` expressions, each kind in order (later ones win).
pub fn user_values(flags: &ValueFlags) -> Result<Table, crate::Error> {
    let mut base = Table::new();
    for file in &flags.files {
        merge_user_values(&mut base, read_values_file(file)?);
    }
    for expr in &flags.set_json {
        strvals::parse_set_json(expr, &mut base)?;
    }
    for expr in &flags.set {
        strvals::parse_set(expr, &mut base)?;
    }
    for expr in &flags.set_string {
        strvals::parse_set_string(expr, &mut base)?;
    }
    for expr in &flags.set_file {
        strvals::parse_set_file(expr, &mut base, &mut read_set_file)?;
    }
    Ok(base)
}

/// A `--set-file` value: the file's content (`-` is standard input), as text.
fn read_set_file(path: &str) -> Result<String, String> {
    let bytes = if path.trim() == "-" {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    };
    bytes
        .map(|b| {
            String::from_utf8(b)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
        })
        .map_err(|e| go_read_error(path, &e))
}

/// An I/O error worded as Go's `os.ReadFile` words it (`open x: no such file or directory`).
fn go_read_error(path: &str, e: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => format!("open {path}: no such file or directory"),
        ErrorKind::PermissionDenied => format!("open {path}: permission denied"),
        ErrorKind::IsADirectory => format!("read {path}: is a directory"),
        _ => format!("open {path}: {e}"),
    }
}
