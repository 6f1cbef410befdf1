//! `values.schema.json` validation, per chart and subchart, with Helm's error wording.

use serde_json::Value as Json;

use super::coalesce::Table;
use crate::chart::Chart;

/// Validates `values` against the chart's schema and each subchart's schema (on its sub-tree).
/// Returns Helm's message listing every violation per chart.
pub fn validate(chart: &Chart, values: &Table) -> Result<(), String> {
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

fn collect(chart: &Chart, values: &Table, report: &mut String) {
    if let Some(schema) = &chart.schema {
        let instance = Json::Object(values.clone());
        match jsonschema::validator_for(schema) {
            Ok(validator) => {
                let errors: Vec<String> = validator
                    .iter_errors(&instance)
                    .map(|e| format!("- at '{}': {}", e.instance_path(), e))
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
            Some(Json::Object(sub_values)) => collect(sub, sub_values, report),
            Some(_) => report.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                "non-map"
            )),
        }
    }
}
