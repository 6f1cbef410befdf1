//! `values.schema.json` validation, per chart and subchart, with Helm's error wording.

mod quick;

use serde_json::Value as Json;

use crate::chart::Chart;

/// Validates `values` (a table) against the chart's schema and each subchart's schema (on its
/// sub-tree). Returns Helm's message listing every violation per chart.
pub fn validate(chart: &Chart, values: &Json) -> Result<(), String> {
    let mut report = String::new();
    collect(chart, values, &mut report);
    if report.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
        ))
    }
}

fn collect(chart: &Chart, values: &Json, report: &mut String) {
    if let Some(bytes) = &chart.schema {
        check(chart.name(), bytes, values, report);
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Json::Null) => {}
            Some(sub_values @ Json::Object(_)) => collect(sub, sub_values, report),
            Some(_) => report.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                "non-map"
            )),
        }
    }
}

/// Validates `values` against one chart's schema file, adding what fails to `report`.
fn check(chart: &str, schema: &[u8], values: &Json, report: &mut String) {
    let schema: Json = match serde_json::from_slice(schema) {
        Ok(schema) => schema,
        // Helm ends this message with no line break, unlike a list of violations.
        Err(e) => return report.push_str(&format!("{chart}:\n{}", json_error(&e))),
    };
    // Most values pass: tell that without compiling the schema when possible.
    if quick::certainly_valid(&schema, values) {
        return;
    }
    let validator = match jsonschema::validator_for(&schema) {
        Ok(validator) => validator,
        Err(e) => return report.push_str(&format!("{chart}:\ninvalid schema: {e}\n")),
    };
    let mut errors: Vec<(String, String)> = validator
        .iter_errors(values)
        .map(|e| (e.instance_path().to_string(), helm_message(&e)))
        .collect();
    errors.sort_by(|a, b| a.0.cmp(&b.0));
    let errors: Vec<String> = errors
        .into_iter()
        .map(|(path, msg)| format!("- at '{path}': {msg}"))
        .collect();
    if !errors.is_empty() {
        report.push_str(&format!("{chart}:\n{}\n", errors.join("\n")));
    }
}

/// Why a schema file is not JSON: Go's words for a file that ends too soon (the common case, a
/// truncated file), serde_json's otherwise.
fn json_error(e: &serde_json::Error) -> String {
    if e.is_eof() {
        "unexpected EOF".to_string()
    } else {
        e.to_string()
    }
}

fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn quoted(v: &Json) -> String {
    match v {
        Json::String(s) => format!("'{s}'"),
        other => other.to_string(),
    }
}

/// The violation in the words Helm's validator (santhosh-tekuri/jsonschema) uses for the common
/// keywords; jsonschema's own message otherwise.
fn helm_message(e: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let instance = e.instance();
    match e.kind() {
        K::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("got {}, want {want}", json_type(instance))
        }
        K::Required { property } => format!("missing property {}", quoted(property)),
        K::Enum { options } => match options.as_ref() {
            Json::Array(items) => format!(
                "value must be one of {}",
                items.iter().map(quoted).collect::<Vec<_>>().join(", ")
            ),
            other => format!("value must be one of {}", quoted(other)),
        },
        K::Constant { expected_value } => format!("value must be {}", quoted(expected_value)),
        K::AdditionalProperties { unexpected } => format!(
            "additional properties {} not allowed",
            unexpected
                .iter()
                .map(|p| format!("'{p}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        K::Minimum { limit } => format!("must be >= {limit} but found {instance}"),
        K::Maximum { limit } => format!("must be <= {limit} but found {instance}"),
        K::Pattern { pattern } => {
            format!("{} does not match pattern '{pattern}'", quoted(instance))
        }
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_schema_that_is_not_json_is_reported_as_helm_reports_it() {
        let mut sub = Chart::default();
        sub.metadata.name = "sub".into();
        sub.schema = Some(std::sync::Arc::new(b"{\"type\": ".to_vec()));
        let mut chart = Chart::default();
        chart.metadata.name = "top".into();
        chart.schema = Some(std::sync::Arc::new(b"{\"type\": \"object\"".to_vec()));
        chart.dependencies.push(sub);
        let values = json!({"sub": {}});
        // As helm v4.3.1 prints it, run on such a chart.
        assert_eq!(
            validate(&chart, &values).unwrap_err(),
            "values don't meet the specifications of the schema(s) in the following chart(s):\n\
             top:\nunexpected EOFsub:\nunexpected EOF"
        );
    }

    #[test]
    fn violations_are_worded_like_helm() {
        let mut chart = Chart::default();
        chart.metadata.name = "capchart".into();
        let schema = json!({
            "type": "object", "required": ["b"],
            "properties": {"a": {"type": "integer"}, "c": {"type": "object", "properties": {"d": {"enum": ["x", "y"]}}}}
        });
        chart.schema = Some(std::sync::Arc::new(schema.to_string().into_bytes()));
        let values = json!({"a": "foo", "c": {"d": "z"}});
        assert_eq!(
            validate(&chart, &values).unwrap_err(),
            "values don't meet the specifications of the schema(s) in the following chart(s):\n\
             capchart:\n- at '': missing property 'b'\n- at '/a': got string, want integer\n\
             - at '/c/d': value must be one of 'x', 'y'\n"
        );
    }
}
