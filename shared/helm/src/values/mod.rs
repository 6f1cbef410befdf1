//! Values: coalescing chart defaults with user values, `--set` parsing, dependency selection and
//! schema validation.

pub mod coalesce;
pub mod dependencies;
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
        .map_err(|e| crate::Error::ValuesFile(format!("open {}: {e}", path.display())))?;
    parse_values(&text)
        .map_err(|e| crate::Error::ValuesFile(format!("failed to parse {}: {e}", path.display())))
}

/// Decodes values YAML into a table.
pub fn parse_values(text: &str) -> Result<Table, crate::yaml::YamlError> {
    match crate::yaml::from_str(text)? {
        serde_json::Value::Object(map) => Ok(map),
        serde_json::Value::Null => Ok(Table::new()),
        _ => Err(crate::yaml::YamlError(
            "error unmarshaling JSON: json: cannot unmarshal into map".into(),
        )),
    }
}

/// Builds the user values as `helm template` does from `-f` files, then `--set`, then
/// `--set-string` expressions.
pub fn user_values(
    files: &[std::path::PathBuf],
    set: &[String],
    set_string: &[String],
) -> Result<Table, crate::Error> {
    let mut base = Table::new();
    for file in files {
        merge_user_values(&mut base, read_values_file(file)?);
    }
    for expr in set {
        strvals::parse_set(expr, &mut base)?;
    }
    for expr in set_string {
        strvals::parse_set_string(expr, &mut base)?;
    }
    Ok(base)
}
