//! Strategic merge patch, as kustomize applies it: maps merge, `null` deletes, lists merge by their
//! patch merge key, `$patch: delete|replace` and `$deleteFromPrimitiveList` directives.

use super::merge_keys::{ListStrategy, strategy_for};
use serde_json::{Map, Value};

/// What to do with the patched node.
enum Outcome {
    Keep,
    Delete,
}

/// Apply `patch` to `target` (both objects). `built_in` selects the built-in schema table.
/// Returns false when the patch deletes the whole object (`$patch: delete` at the top).
pub fn apply(target: &mut Value, patch: &Value, built_in: bool) -> bool {
    matches!(merge_value(target, patch, built_in, ""), Outcome::Keep)
}

fn directive(v: &Value) -> Option<&str> {
    v.get("$patch").and_then(Value::as_str)
}

/// A patch value with every directive removed, as it would appear when newly added.
pub fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                if k.starts_with('$') {
                    continue;
                }
                if val.is_null() {
                    continue;
                }
                if val.is_object() && directive(val) == Some("delete") {
                    continue;
                }
                out.insert(k.clone(), strip_directives(val));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|i| directive(i).is_none_or(|d| d != "delete" && d != "replace"))
                .map(strip_directives)
                .collect(),
        ),
        other => other.clone(),
    }
}

fn merge_value(target: &mut Value, patch: &Value, built_in: bool, field: &str) -> Outcome {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(t), Some(p)) => {
            match directive(patch) {
                Some("delete") => return Outcome::Delete,
                Some("replace") => {
                    *target = strip_directives(patch);
                    return Outcome::Keep;
                }
                _ => {}
            }
            merge_map(t, p, built_in, field);
            Outcome::Keep
        }
        _ => {
            if directive(patch) == Some("delete") {
                return Outcome::Delete;
            }
            *target = strip_directives(patch);
            Outcome::Keep
        }
    }
}

fn merge_map(
    target: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    built_in: bool,
    parent: &str,
) {
    for (key, pv) in patch {
        if let Some(list_field) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(items)), Value::Array(remove)) =
                (target.get_mut(list_field), pv)
            {
                items.retain(|i| !remove.contains(i));
            }
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        if pv.is_null() {
            target.shift_remove(key);
            continue;
        }
        match target.get_mut(key) {
            None => {
                if pv.is_object() && directive(pv) == Some("delete") {
                    continue;
                }
                target.insert(key.clone(), strip_directives(pv));
            }
            Some(tv) => {
                let outcome = match (tv.is_array(), pv.as_array()) {
                    (true, Some(plist)) => {
                        merge_list(tv, plist, built_in, parent, key);
                        Outcome::Keep
                    }
                    _ => merge_value(tv, pv, built_in, key),
                };
                if let Outcome::Delete = outcome {
                    target.shift_remove(key);
                }
            }
        }
    }
}

fn merge_list(target: &mut Value, patch: &[Value], built_in: bool, parent: &str, field: &str) {
    let Value::Array(items) = target else { return };
    if patch.iter().any(|p| directive(p) == Some("replace")) {
        *items = patch
            .iter()
            .filter(|p| directive(p).is_none())
            .map(strip_directives)
            .collect();
        return;
    }
    let all: Vec<&Value> = items
        .iter()
        .chain(patch.iter())
        .filter(|v| directive(v).is_none())
        .collect();
    let maps_only = !all.is_empty() && all.iter().all(|v| v.is_object());
    let strategy = strategy_for(built_in, parent, field, &all);
    match strategy {
        ListStrategy::MergeByKey(key) if maps_only || patch.iter().all(Value::is_object) => {
            for p in patch {
                let pk = p.get(key);
                let pos = pk.and_then(|pk| items.iter().position(|i| i.get(key) == Some(pk)));
                match (directive(p), pos) {
                    (Some("delete"), Some(i)) => {
                        items.remove(i);
                    }
                    (Some("delete"), None) => {}
                    (_, Some(i)) => {
                        if let Outcome::Delete = merge_value(&mut items[i], p, built_in, field) {
                            items.remove(i);
                        }
                    }
                    (_, None) => items.push(strip_directives(p)),
                }
            }
        }
        ListStrategy::MergeScalars => {
            for p in patch {
                if !items.contains(p) {
                    items.push(p.clone());
                }
            }
        }
        _ => *items = patch.iter().map(strip_directives).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merges_containers_by_name_and_deletes() {
        let mut t = json!({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}],"x":1}});
        let p = json!({"spec":{"containers":[{"name":"a","image":"z"},{"name":"b","$patch":"delete"},{"name":"c","image":"w"}],"x":null}});
        assert!(apply(&mut t, &p, true));
        assert_eq!(
            t,
            json!({"spec":{"containers":[{"name":"a","image":"z"},{"name":"c","image":"w"}]}})
        );
    }

    #[test]
    fn replace_directive() {
        let mut t = json!({"spec":{"a":{"b":1,"c":2}}});
        let p = json!({"spec":{"a":{"$patch":"replace","d":3}}});
        apply(&mut t, &p, true);
        assert_eq!(t, json!({"spec":{"a":{"d":3}}}));
    }
}
