//! `values.schema.json` validation, per chart and subchart, with Helm's error wording.

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
    if let Some(schema) = &chart.schema {
        match jsonschema::validator_for(schema.as_ref()) {
            Ok(validator) => {
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
                    report.push_str(&format!("{}:\n{}\n", chart.name(), errors.join("\n")));
                }
            }
            Err(e) => report.push_str(&format!("{}:\ninvalid schema: {e}\n", chart.name())),
        }
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
    fn violations_are_worded_like_helm() {
        let mut chart = Chart::default();
        chart.metadata.name = "capchart".into();
        chart.schema = Some(std::sync::Arc::new(json!({
            "type": "object", "required": ["b"],
            "properties": {"a": {"type": "integer"}, "c": {"type": "object", "properties": {"d": {"enum": ["x", "y"]}}}}
        })));
        let values = json!({"a": "foo", "c": {"d": "z"}});
        assert_eq!(
            validate(&chart, &values).unwrap_err(),
            "values don't meet the specifications of the schema(s) in the following chart(s):\n\
             capchart:\n- at '': missing property 'b'\n- at '/a': got string, want integer\n\
             - at '/c/d': value must be one of 'x', 'y'\n"
        );
    }
}
