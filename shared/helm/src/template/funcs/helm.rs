//! Helm's own plain functions: `required`, `lookup` (offline), `toToml`/`fromToml`, `fromJson`/
//! `fromJsonArray`.

use ferroflux_gotemplate::FuncResult;
use ferroflux_gotemplate::funcs::args::{arity, fail, string, strval};
use ferroflux_gotemplate::{Map, Value};

/// Calls a Helm function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "required" => arity(a, 2).and_then(|_| {
            let msg = string(a, 0)?;
            match &a[1] {
                Value::Nil => fail(msg),
                Value::String(s) if s.is_empty() => fail(msg),
                v => Ok(v.clone()),
            }
        }),
        // `helm template` has no cluster: lookup returns an empty map.
        "lookup" => arity(a, 4).map(|_| Value::empty_map()),
        "toToml" | "mustToToml" => arity(a, 1).map(|_| Value::String(to_toml(&a[0]))),
        "fromToml" => arity(a, 1).and_then(|_| Ok(from_toml(&string(a, 0)?))),
        "fromJson" | "mustFromJson" => arity(a, 1).and_then(|_| {
            let text = string(a, 0)?;
            Ok(
                match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text) {
                    Ok(m) => Value::from_json(&serde_json::Value::Object(m)),
                    Err(e) if name == "mustFromJson" => return fail(e.to_string()),
                    Err(e) => Value::from(
                        [("Error".to_string(), Value::String(e.to_string()))]
                            .into_iter()
                            .collect::<Map>(),
                    ),
                },
            )
        }),
        "fromJsonArray" | "mustFromJsonArray" => arity(a, 1).and_then(|_| {
            let text = string(a, 0)?;
            Ok(
                match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
                    Ok(l) => Value::from_json(&serde_json::Value::Array(l)),
                    Err(e) if name == "mustFromJsonArray" => {
                        return fail(e.to_string());
                    }
                    Err(e) => Value::from(vec![Value::String(e.to_string())]),
                },
            )
        }),
        _ => return None,
    })
}

fn toml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) => ferroflux_gotemplate::format::go_quote(s),
        Value::Float(x) if x.fract() == 0.0 => format!("{x:.1}"),
        Value::List(l) => format!(
            "[{}]",
            l.iter().map(toml_scalar).collect::<Vec<_>>().join(", ")
        ),
        other => strval(other),
    }
}

/// A small TOML encoder for maps of scalars, lists and tables (sub-tables indented like
/// BurntSushi/toml).
fn to_toml(v: &Value) -> String {
    let mut out = String::new();
    if let Value::Map(m) = v {
        write_table(&mut out, &m.snapshot(), "", 0);
    }
    out
}

fn write_table(out: &mut String, m: &Map, prefix: &str, depth: usize) {
    let pad = "  ".repeat(depth);
    for (k, v) in m {
        if !matches!(v, Value::Map(_)) {
            out.push_str(&format!("{pad}{k} = {}\n", toml_scalar(v)));
        }
    }
    for (k, v) in m {
        if let Value::Map(sub) = v {
            let name = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            out.push_str(&format!("\n{pad}[{name}]\n"));
            write_table(out, &sub.snapshot(), &name, depth + 1);
        }
    }
}

/// Helm's `fromToml`: a map, with the parse error under `Error` on failure.
fn from_toml(text: &str) -> Value {
    match text.parse::<toml::Table>() {
        Ok(t) => toml_value(toml::Value::Table(t)),
        Err(e) => {
            let msg = e.message().to_string();
            Value::from(
                [("Error".to_string(), Value::String(format!("toml: {msg}")))]
                    .into_iter()
                    .collect::<Map>(),
            )
        }
    }
}

/// TOML integers are `int64` in Go's decoder; dates print as text.
fn toml_value(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::Int64(i),
        toml::Value::Float(f) => Value::Float(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::from(a.into_iter().map(toml_value).collect::<Vec<_>>()),
        toml::Value::Table(t) => Value::from(
            t.into_iter()
                .map(|(k, v)| (k, toml_value(v)))
                .collect::<Map>(),
        ),
    }
}
