//! Subchart selection and `import-values`, as Helm's `ProcessDependenciesWithMerge`: aliases,
//! `condition` and `tags` enable or disable subcharts, then children's values are imported into
//! their parents.

use serde_json::Value as Json;

use super::coalesce::{Table, coalesce_values, merge_tables, merge_values};
use crate::chart::Chart;
use ferroflux_semver::is_compatible_range;

/// Applies aliases, conditions and tags, then import-values, to `chart` (a copy being rendered).
pub fn process_dependencies(chart: &mut Chart, user: &Table) {
    process_enabled(chart, user, "");
    process_import_values(chart);
}

/// Looks up a table by dotted path (Helm's `Values.Table`).
pub fn table_at<'a>(values: &'a Table, path: &str) -> Option<&'a Table> {
    let mut table = values;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        match table.get(part) {
            Some(Json::Object(m)) => table = m,
            _ => return None,
        }
    }
    Some(table)
}

/// Looks up a non-table value by dotted path (Helm's `Values.PathValue`).
fn path_value<'a>(values: &'a Table, path: &str) -> Option<&'a Json> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table_at(values, p)?, k),
        None => (values, path),
    };
    match parent.get(key) {
        Some(Json::Object(_)) | None => None,
        Some(v) => Some(v),
    }
}

fn process_enabled(chart: &mut Chart, values: &Table, path: &str) {
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    let existing = std::mem::take(&mut chart.dependencies);
    let compatible = |c: &Chart, name: &str, version: &str| {
        c.name() == name && is_compatible_range(version, &c.metadata.version)
    };
    // Subcharts no dependency entry selects are kept as they are; each entry takes its own copy
    // of the chart it selects (renamed to its alias), so a chart can be used twice.
    let requested: Vec<Option<usize>> = chart
        .metadata
        .dependencies
        .iter()
        .map(|r| {
            existing
                .iter()
                .position(|e| compatible(e, &r.name, &r.version))
        })
        .collect();
    let mut selected: Vec<Chart> = Vec::with_capacity(existing.len());
    let mut uses = vec![0usize; existing.len()];
    for index in requested.iter().flatten() {
        uses[*index] += 1;
    }
    let mut existing: Vec<Option<Chart>> = existing.into_iter().map(Some).collect();
    for (i, slot) in existing.iter_mut().enumerate() {
        let e = slot.as_ref().expect("present");
        if !chart
            .metadata
            .dependencies
            .iter()
            .any(|r| compatible(e, &r.name, &r.version))
            && let Some(e) = slot.take()
        {
            selected.push(e);
            uses[i] = 0;
        }
    }
    for (req, index) in chart.metadata.dependencies.iter_mut().zip(&requested) {
        if let Some(i) = *index {
            uses[i] -= 1;
            let mut dep = if uses[i] == 0 {
                existing[i].take().expect("chart used by one entry")
            } else {
                existing[i].clone().expect("chart still present")
            };
            if !req.alias.is_empty() {
                dep.metadata.name = req.alias.clone();
            }
            selected.push(dep);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
        req.enabled = true;
    }
    chart.dependencies = selected;
    let cvals = coalesce_values(chart, values);
    apply_tags(chart, &cvals);
    apply_conditions(chart, &cvals, path);
    let disabled: Vec<String> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    chart
        .dependencies
        .retain(|d| !disabled.iter().any(|n| n == d.name()));
    chart
        .metadata
        .dependencies
        .retain(|r| !disabled.contains(&r.name));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path);
    }
}

fn apply_tags(chart: &mut Chart, cvals: &Table) {
    let Some(Json::Object(tags)) = cvals.get("tags") else {
        return;
    };
    for req in &mut chart.metadata.dependencies {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &req.tags {
            match tags.get(tag) {
                Some(Json::Bool(true)) => has_true = true,
                Some(Json::Bool(false)) => has_false = true,
                _ => {}
            }
        }
        if !has_true && has_false {
            req.enabled = false;
        } else if has_true || !has_false {
            req.enabled = true;
        }
    }
}

fn apply_conditions(chart: &mut Chart, cvals: &Table, path: &str) {
    for req in &mut chart.metadata.dependencies {
        for condition in req.condition.trim().split(',') {
            if condition.is_empty() {
                continue;
            }
            if let Some(Json::Bool(b)) = path_value(cvals, &format!("{path}{condition}")) {
                req.enabled = *b;
                break;
            }
        }
    }
}

fn process_import_values(chart: &mut Chart) {
    for sub in &mut chart.dependencies {
        process_import_values(sub);
    }
    if chart.metadata.dependencies.is_empty() {
        return;
    }
    let cvals = merge_values(chart, &Table::new());
    let mut imported = Table::new();
    for req in &mut chart.metadata.dependencies {
        let mut normalized = Vec::new();
        for iv in &req.import_values {
            let (child, parent) = match iv {
                Json::Object(m) => (
                    m.get("child")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                    m.get("parent")
                        .and_then(Json::as_str)
                        .unwrap_or_default()
                        .to_string(),
                ),
                Json::String(s) => (format!("exports.{s}"), ".".to_string()),
                _ => continue,
            };
            normalized.push(serde_json::json!({"child": child, "parent": parent}));
            let Some(table) = table_at(&cvals, &format!("{}.{child}", req.name)) else {
                continue;
            };
            merge_tables(&mut imported, path_to_map(&parent, table.clone()));
        }
        req.import_values = normalized;
    }
    let mut values = cvals;
    merge_tables(&mut values, imported);
    chart.values = std::sync::Arc::new(values);
}

/// `a.b` and a table become `{a: {b: table}}`; `.` is the table itself.
fn path_to_map(path: &str, data: Table) -> Table {
    if path == "." {
        return data;
    }
    let mut out = data;
    for part in path.split('.').rev() {
        let mut wrapper = Table::new();
        wrapper.insert(part.to_string(), Json::Object(out));
        out = wrapper;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Dependency;
    use serde_json::json;

    fn chart(name: &str, values: Json) -> Chart {
        let mut c = Chart {
            values: values.as_object().unwrap().clone().into(),
            ..Default::default()
        };
        c.metadata.name = name.into();
        c.metadata.version = "1.0.0".into();
        c
    }

    fn dep(name: &str, condition: &str, alias: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: "1.x".into(),
            condition: condition.into(),
            alias: alias.into(),
            ..Default::default()
        }
    }

    #[test]
    fn conditions_disable_and_aliases_rename() {
        let mut top = chart("top", json!({"a": {"enabled": false}}));
        top.dependencies = vec![
            chart("a", json!({})),
            chart("b", json!({"exports": {"data": {"x": 1}}})),
        ];
        top.metadata.dependencies = vec![dep("a", "a.enabled", ""), dep("b", "", "bee")];
        top.metadata.dependencies[1].import_values = vec![json!("data")];
        process_dependencies(&mut top, &Table::new());
        let names: Vec<_> = top
            .dependencies
            .iter()
            .map(|d| d.name().to_string())
            .collect();
        assert_eq!(names, vec!["bee"]);
        assert_eq!(top.values.get("x"), Some(&json!(1)));
    }
}
