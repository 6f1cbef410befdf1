//! sprig's dictionary functions. Maps are shared: `set`, `unset` and `merge` change their argument.

use super::super::value::{Dict, Map, Value};
use super::FuncResult;
use super::args::{arity, arity_min, fail, is_empty, map, string, strval};

/// Calls a dict function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "dict" => {
            let mut m = Map::new();
            for pair in a.chunks(2) {
                let v = pair.get(1).cloned().unwrap_or_else(|| Value::from(""));
                m.insert(strval(&pair[0]), v);
            }
            Ok(Value::from(m))
        }
        "get" => arity(a, 2).and_then(|_| {
            Ok(map(a, 0)?
                .get(&string(a, 1)?)
                .unwrap_or_else(|| Value::from("")))
        }),
        "set" => arity(a, 3).and_then(|_| {
            let d = map(a, 0)?;
            d.insert(string(a, 1)?, a[2].clone());
            Ok(Value::Map(d))
        }),
        "unset" => arity(a, 2).and_then(|_| {
            let d = map(a, 0)?;
            d.remove(&string(a, 1)?);
            Ok(Value::Map(d))
        }),
        "hasKey" => {
            arity(a, 2).and_then(|_| Ok(Value::Bool(map(a, 0)?.contains_key(&string(a, 1)?))))
        }
        "pluck" => arity_min(a, 1).and_then(|_| {
            let k = string(a, 0)?;
            let mut out = Vec::new();
            for i in 1..a.len() {
                if let Some(v) = map(a, i)?.get(&k) {
                    out.push(v);
                }
            }
            Ok(Value::from(out))
        }),
        "keys" => (|| {
            let mut out = Vec::new();
            for i in 0..a.len() {
                out.extend(map(a, i)?.keys().into_iter().map(Value::String));
            }
            Ok(Value::from(out))
        })(),
        "values" => arity(a, 1).and_then(|_| {
            Ok(Value::from(
                map(a, 0)?.with(|m| m.values().cloned().collect::<Vec<_>>()),
            ))
        }),
        "pick" | "omit" => arity_min(a, 1).and_then(|_| {
            let d = map(a, 0)?;
            let keys: Vec<String> = a[1..].iter().map(strval).collect();
            let keep = name == "pick";
            Ok(Value::from(d.with(|m| {
                m.iter()
                    .filter(|(k, _)| keys.contains(k) == keep)
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<Map>()
            })))
        }),
        "merge" | "mustMerge" | "mergeOverwrite" | "mustMergeOverwrite" => arity_min(a, 1)
            .and_then(|_| {
                let dst = map(a, 0)?;
                let overwrite = name.ends_with("Overwrite");
                for src in &a[1..] {
                    match src.resolved() {
                        Value::Map(src) => merge_into(&dst, &src, overwrite),
                        Value::Nil => {}
                        other => {
                            return fail(format!(
                                "src and dst must be of same type: {}",
                                other.type_name()
                            ));
                        }
                    }
                }
                Ok(Value::Map(dst))
            }),
        "deepCopy" | "mustDeepCopy" => arity(a, 1).map(|_| deep_copy(&a[0])),
        "dig" => arity_min(a, 3).and_then(|_| {
            let d = map(a, a.len() - 1)?;
            let default = a[a.len() - 2].clone();
            let keys: Vec<String> = (0..a.len() - 2)
                .map(|i| string(a, i))
                .collect::<Result<_, _>>()?;
            Ok(dig(&d, &keys, default))
        }),
        _ => return None,
    })
}

fn dig(d: &Dict, keys: &[String], default: Value) -> Value {
    match d.get(&keys[0]) {
        None => default,
        Some(v) if keys.len() == 1 => v,
        Some(Value::Map(inner)) => dig(&inner, &keys[1..], default),
        Some(_) => default,
    }
}

/// A copy with no shared maps.
pub fn deep_copy(v: &Value) -> Value {
    match v {
        Value::Map(m) => Value::from(m.with(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), deep_copy(v)))
                .collect::<Map>()
        })),
        Value::List(l) => Value::from(l.iter().map(deep_copy).collect::<Vec<_>>()),
        other => other.clone(),
    }
}

/// mergo's deep merge: maps merge recursively; other values fill only empty destination
/// values, or replace non-empty ones with non-empty sources when `overwrite`.
fn merge_into(dst: &Dict, src: &Dict, overwrite: bool) {
    if dst.ptr_eq(src) {
        return;
    }
    for (k, sv) in src.snapshot() {
        let dv = dst.get(&k);
        if matches!(sv, Value::Nil) {
            if overwrite {
                dst.insert(k, Value::Nil);
            }
            continue;
        }
        if let (Some(Value::Map(dm)), Value::Map(sm)) = (&dv, &sv) {
            merge_into(dm, sm, overwrite);
            continue;
        }
        let dst_empty = dv.as_ref().is_none_or(is_empty);
        // mergo never replaces a non-empty value with a list.
        if !dst_empty && matches!(sv, Value::List(_)) {
            continue;
        }
        if overwrite || dst_empty {
            dst.insert(k, deep_copy(&sv));
        }
    }
}
