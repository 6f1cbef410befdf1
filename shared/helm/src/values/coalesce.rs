//! Coalescing values as Helm does: user values over chart defaults, maps merged and scalars and
//! lists replaced, `null` deleting a default, subchart values scoped under the subchart's name and
//! `global` propagated down.

use serde_json::Value as Json;

use crate::chart::Chart;

/// A values table.
pub type Table = serde_json::Map<String, Json>;

/// Helm's `CoalesceValues`: the chart's (and its subcharts') defaults under `user`; a user `null`
/// removes the default.
pub fn coalesce_values(chart: &Chart, user: &Table) -> Table {
    let mut dest = user.clone();
    coalesce(chart, &mut dest, "", false);
    dest
}

/// Helm's `MergeValues`: like [`coalesce_values`] but keeping `null`s.
pub fn merge_values(chart: &Chart, user: &Table) -> Table {
    let mut dest = user.clone();
    coalesce(chart, &mut dest, "", true);
    dest
}

/// Helm's `CoalesceTables`: fills `dst` from `src`; `dst` wins.
pub fn coalesce_tables(dst: &mut Table, src: Table) {
    coalesce_tables_inner(dst, src, false);
}

/// Helm's `MergeTables`: like [`coalesce_tables`] but keeping `null`s.
pub fn merge_tables(dst: &mut Table, src: Table) {
    coalesce_tables_inner(dst, src, true);
}

fn coalesce(chart: &Chart, dest: &mut Table, prefix: &str, merge: bool) {
    coalesce_chart_defaults(chart, dest, prefix, merge);
    coalesce_dependencies(chart, dest, prefix, merge);
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

fn coalesce_dependencies(chart: &Chart, dest: &mut Table, prefix: &str, merge: bool) {
    for sub in &chart.dependencies {
        let name = sub.name();
        match dest.get(name) {
            None => {
                dest.insert(name.to_string(), Json::Object(Table::new()));
            }
            Some(Json::Object(_)) => {}
            // Helm fails with "type mismatch"; rendering then stops, so leave it to the caller.
            Some(_) => continue,
        }
        let sub_prefix = concat_prefix(prefix, chart.name());
        let globals = dest.get("global").cloned();
        let Some(Json::Object(sub_values)) = dest.get_mut(name) else {
            continue;
        };
        coalesce_globals(sub_values, globals);
        coalesce(sub, sub_values, &sub_prefix, merge);
    }
}

/// Copies the parent's `global` table into the subchart's values (the parent's globals win).
fn coalesce_globals(dest: &mut Table, src_globals: Option<Json>) {
    let mut dg = match dest.remove("global") {
        None => Table::new(),
        Some(Json::Object(m)) => m,
        Some(other) => {
            dest.insert("global".into(), other);
            return;
        }
    };
    let sg = match src_globals {
        None => Table::new(),
        Some(Json::Object(m)) => m,
        Some(_) => {
            dest.insert("global".into(), Json::Object(dg));
            return;
        }
    };
    for (key, val) in sg {
        match val {
            Json::Object(vv) => match dg.remove(&key) {
                None => {
                    dg.insert(key, Json::Object(vv));
                }
                Some(Json::Object(destv)) => {
                    let mut vv = vv;
                    coalesce_tables_inner(&mut vv, destv, true);
                    dg.insert(key, Json::Object(vv));
                }
                Some(other) => {
                    dg.insert(key, other);
                }
            },
            other => {
                if !matches!(dg.get(&key), Some(Json::Object(_))) {
                    dg.insert(key, other);
                }
            }
        }
    }
    dest.insert("global".into(), Json::Object(dg));
}

/// Fills `v` from the chart's defaults. When coalescing (not merging), `null`s among the chart's
/// defaults are dropped, as Helm 4.3 does, so they never reach templates.
fn coalesce_chart_defaults(chart: &Chart, v: &mut Table, _prefix: &str, merge: bool) {
    for (key, val) in chart.values.iter() {
        match v.get_mut(key) {
            Some(Json::Null) if !merge => {
                v.remove(key);
            }
            Some(Json::Object(dest)) => {
                if let Json::Object(src) = val {
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    let mut src = src.clone();
                    if !merge {
                        clean_nils(&mut src);
                    }
                    coalesce_tables_inner(dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                if !merge {
                    match val {
                        Json::Null => continue,
                        Json::Object(m) => {
                            let mut m = m.clone();
                            clean_nils(&mut m);
                            v.insert(key.clone(), Json::Object(m));
                            continue;
                        }
                        _ => {}
                    }
                }
                v.insert(key.clone(), val.clone());
            }
        }
    }
}

fn clean_nils(m: &mut Table) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Json::Object(sub) = v {
            clean_nils(sub);
        }
    }
}

/// Fills `dst` from `src`, recursively; `dst` wins. A `null` in `dst` deletes the key when `src`
/// has a value for it (unless merging, which keeps the `null`).
fn coalesce_tables_inner(dst: &mut Table, src: Table, merge: bool) {
    for (key, val) in src {
        match dst.get_mut(&key) {
            Some(Json::Null) => {
                if !merge && !val.is_null() {
                    dst.remove(&key);
                }
            }
            None => {
                dst.insert(key, val);
            }
            Some(Json::Object(dv)) => {
                if let Json::Object(sv) = val {
                    coalesce_tables_inner(dv, sv, merge);
                }
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn table(v: Json) -> Table {
        v.as_object().unwrap().clone()
    }

    fn chart(values: Json, deps: Vec<Chart>, name: &str) -> Chart {
        let mut c = Chart {
            values: table(values).into(),
            dependencies: deps,
            ..Default::default()
        };
        c.metadata.name = name.into();
        c
    }

    #[test]
    fn user_values_win_and_null_deletes() {
        let c = chart(
            json!({"a": 1, "b": {"c": 2, "d": 3}, "e": 4}),
            vec![],
            "top",
        );
        let out = coalesce_values(&c, &table(json!({"a": 9, "b": {"c": null}, "e": null})));
        assert_eq!(Json::Object(out), json!({"a": 9, "b": {"d": 3}}));
    }

    #[test]
    fn subchart_values_are_scoped_and_get_globals() {
        let sub = chart(
            json!({"x": 1, "global": {"g": "sub", "h": "keep"}}),
            vec![],
            "sub",
        );
        let top = chart(
            json!({"global": {"g": "top"}, "sub": {"x": 2}}),
            vec![sub],
            "top",
        );
        let out = coalesce_values(&top, &Table::new());
        assert_eq!(
            out["sub"],
            json!({"x": 2, "global": {"g": "top", "h": "keep"}})
        );
    }
}
