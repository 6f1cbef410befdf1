//! The content-hash name suffix of generated ConfigMaps and Secrets, computed as kustomize does:
//! sha256 over a Go-style JSON encoding of kind, name (kustomize looks it up in a way that always
//! yields ""), type and data; the first 10 hex digits with 0,1,3,a,e mapped to g,h,k,m,t.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The hash suffix for a generated object.
pub fn content_hash(obj: &Value) -> String {
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let field = |k: &str| obj.get(k).cloned();
    let mut entries: Vec<(&str, Value)> = Vec::new();
    match kind {
        "ConfigMap" => {
            entries.push(("kind", Value::String("ConfigMap".into())));
            entries.push(("name", Value::String(String::new())));
            entries.push(("data", map_or_empty_string(field("data"))));
            if let Some(b @ Value::Object(_)) = field("binaryData") {
                entries.push(("binaryData", b));
            }
        }
        "Secret" => {
            entries.push(("kind", Value::String("Secret".into())));
            entries.push(("type", scalar_or_empty(field("type"))));
            entries.push(("name", Value::String(String::new())));
            entries.push(("data", map_or_empty_string(field("data"))));
            if let Some(b @ Value::Object(_)) = field("stringData") {
                entries.push(("stringData", b));
            }
        }
        _ => {
            let mut out = String::new();
            go_json(obj, &mut out);
            return encode(&out);
        }
    }
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let map: serde_json::Map<String, Value> = entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    let mut out = String::new();
    go_json(&Value::Object(map), &mut out);
    encode(&out)
}

fn map_or_empty_string(v: Option<Value>) -> Value {
    match v {
        Some(m @ Value::Object(_)) => m,
        Some(Value::Null) | None => Value::String(String::new()),
        Some(other) => other,
    }
}

fn scalar_or_empty(v: Option<Value>) -> Value {
    match v {
        Some(Value::String(s)) => Value::String(s),
        Some(Value::Null) | None => Value::String(String::new()),
        Some(other) => Value::String(other.to_string()),
    }
}

fn encode(json: &str) -> String {
    let digest = hex::encode(Sha256::digest(json.as_bytes()));
    digest[..10]
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// JSON as Go's encoding/json writes it: sorted map keys, HTML-safe escapes.
fn go_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_string(k, out);
                out.push(':');
                go_json(&m[k.as_str()], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                go_json(item, out);
            }
            out.push(']');
        }
        Value::String(s) => go_string(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn go_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_kustomize() {
        assert_eq!(
            content_hash(&json!({"kind":"ConfigMap","data":{"a":"b"}})),
            "4h2mbtbbt6"
        );
        assert_eq!(
            content_hash(&json!({"kind":"Secret","type":"Opaque","data":{"a":"Yg=="}})),
            "k695gkmbtk"
        );
    }
}
