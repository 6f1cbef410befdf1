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

/// Keys that are patch directives (other `$` keys, such as `$setElementOrder/...`, are kept as
/// plain fields, as kustomize does).
fn is_directive_key(k: &str) -> bool {
    k == "$patch" || k == "$retainKeys" || k.starts_with("$deleteFromPrimitiveList/")
}

/// A patch value with every directive removed, as it would appear when newly added.
pub fn strip_directives(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut out = Map::new();
            for (k, val) in m {
                if is_directive_key(k) {
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
        if is_directive_key(key) {
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
    let list_replace =
        |p: &Value| directive(p) == Some("replace") && p.as_object().is_some_and(|m| m.len() == 1);
    if patch.iter().any(list_replace) {
        *items = patch
            .iter()
            .filter(|p| directive(p).is_none())
            .map(strip_directives)
            .collect();
        return;
    }
    let all: Vec<&Value> = items.iter().chain(patch.iter()).collect();
    match strategy_for(built_in, parent, field, &all) {
        ListStrategy::MergeByKey(key) if patch.iter().all(Value::is_object) => {
            merge_by_key(items, patch, key, built_in, field)
        }
        ListStrategy::MergeScalars => {
            let server = std::mem::take(items);
            let server_only: Vec<Value> = server
                .iter()
                .filter(|s| !patch.contains(s))
                .cloned()
                .collect();
            let index = |v: &Value| server.iter().position(|s| s == v);
            *items = interleave(server_only, patch.to_vec(), &index);
        }
        _ => *items = patch.iter().map(strip_directives).collect(),
    }
}

/// Merge lists of maps by a key, ordering the result as Kubernetes' strategic merge does: patch
/// items in patch order, with items only on the server slotted in by their server position.
fn merge_by_key(items: &mut Vec<Value>, patch: &[Value], key: &str, built_in: bool, field: &str) {
    let server = std::mem::take(items);
    let key_of = |v: &Value| v.get(key).cloned();
    let mut consumed = vec![false; server.len()];
    let mut merged = Vec::new();
    for p in patch {
        let pk = key_of(p);
        let pos = pk
            .as_ref()
            .and_then(|pk| server.iter().position(|s| s.get(key) == Some(pk)));
        if let Some(i) = pos {
            consumed[i] = true;
        }
        if directive(p) == Some("delete") {
            continue;
        }
        match pos {
            Some(i) if directive(p) == Some("replace") => merged.push(server[i].clone()),
            None if directive(p) == Some("replace") => {}
            Some(i) => {
                let mut item = server[i].clone();
                if let Outcome::Keep = merge_value(&mut item, p, built_in, field) {
                    merged.push(item);
                }
            }
            None => merged.push(strip_directives(p)),
        }
    }
    let server_only: Vec<Value> = server
        .iter()
        .zip(consumed.iter())
        .filter(|(_, c)| !**c)
        .map(|(s, _)| s.clone())
        .collect();
    let index = |v: &Value| {
        let k = key_of(v);
        server
            .iter()
            .position(|s| k.is_some() && s.get(key) == k.as_ref())
    };
    *items = interleave(server_only, merged, &index);
}

/// Kubernetes' mergeSortedSlice: insert server-only items (left) among patch items (right),
/// keeping both relative orders; a left item goes first only when both have server positions and
/// the left one is earlier.
fn interleave(
    left: Vec<Value>,
    right: Vec<Value>,
    index: &dyn Fn(&Value) -> Option<usize>,
) -> Vec<Value> {
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut l = left.into_iter().peekable();
    let mut r = right.into_iter().peekable();
    loop {
        match (l.peek(), r.peek()) {
            (None, None) => break,
            (Some(_), None) => out.push(l.next().expect("peeked")),
            (None, Some(_)) => out.push(r.next().expect("peeked")),
            (Some(a), Some(b)) => {
                let left_first = matches!((index(a), index(b)), (Some(x), Some(y)) if x < y);
                if left_first {
                    out.push(l.next().expect("peeked"));
                } else {
                    out.push(r.next().expect("peeked"));
                }
            }
        }
    }
    out
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
