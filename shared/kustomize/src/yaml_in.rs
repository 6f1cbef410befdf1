//! Reading YAML into JSON values with the scalar rules of go-yaml v3 (which kustomize uses):
//! only `true`/`false` (in three spellings) are booleans, `yes`/`on` stay strings, quoted
//! scalars are always strings.

use serde_json::{Map, Number, Value};
use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
use std::collections::HashMap;

/// A YAML syntax problem, with the line and column where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlSyntax {
    /// What went wrong, as the parser describes it.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl std::fmt::Display for YamlSyntax {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {} column {}: {}",
            self.line, self.column, self.message
        )
    }
}

enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// Parse every document of a YAML stream. Empty documents become `Value::Null`.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, YamlSyntax> {
    parse_with(text, false)
}

/// Parse as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) reads kustomization files: `yes`, `no`,
/// `on`, `off`, `y`, `n` are booleans too.
pub fn parse_documents_yaml11(text: &str) -> Result<Vec<Value>, YamlSyntax> {
    parse_with(text, true)
}

fn parse_with(text: &str, yaml11: bool) -> Result<Vec<Value>, YamlSyntax> {
    let mut docs = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut current: Option<Value> = None;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| YamlSyntax {
            message: e.info().to_string(),
            line: e.marker().line(),
            column: e.marker().col() + 1,
        })?;
        let _ = span;
        let node = match event {
            Event::DocumentStart(..) => {
                current = None;
                anchors.clear();
                continue;
            }
            Event::DocumentEnd => {
                docs.push(current.take().unwrap_or(Value::Null));
                continue;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref(), yaml11);
                if anchor != 0 {
                    anchors.insert(anchor, value.clone());
                }
                value
            }
            Event::Alias(id) => anchors.get(&id).cloned().unwrap_or(Value::Null),
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Frame::Seq(Vec::new(), anchor));
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Frame::Map(Map::new(), None, anchor));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq(items, anchor)) => {
                    let v = Value::Array(items);
                    if anchor != 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    v
                }
                _ => continue,
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map(map, _, anchor)) => {
                    let v = Value::Object(map);
                    if anchor != 0 {
                        anchors.insert(anchor, v.clone());
                    }
                    v
                }
                _ => continue,
            },
            _ => continue,
        };
        match stack.last_mut() {
            None => current = Some(node),
            Some(Frame::Seq(items, _)) => items.push(node),
            Some(Frame::Map(map, key, _)) => match key.take() {
                None => *key = Some(key_text(&node)),
                Some(k) => {
                    if k == "<<" {
                        merge_into(map, node);
                    } else {
                        map.insert(k, node);
                    }
                }
            },
        }
    }
    Ok(docs)
}

/// YAML merge keys (`<<: *base`): keys already present win.
fn merge_into(map: &mut Map<String, Value>, node: Value) {
    let sources = match node {
        Value::Array(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Object(m) = source {
            for (k, v) in m {
                map.entry(k).or_insert(v);
            }
        }
    }
}

fn key_text(node: &Value) -> String {
    match node {
        Value::String(s) => s.clone(),
        Value::Null => "null".to_string(),
        other => other.to_string(),
    }
}

fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&serde_saphyr::granit_parser::Tag>,
    yaml11: bool,
) -> Value {
    if let Some(tag) = tag {
        match tag.core_suffix() {
            Some("str") | Some("binary") => return Value::String(text.to_string()),
            Some("int") | Some("float") | Some("bool") | Some("null") => {
                return resolve_plain(text);
            }
            _ => {}
        }
        if tag.handle() == "!" && tag.suffix().is_empty() {
            return Value::String(text.to_string());
        }
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    if yaml11 {
        match text {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Value::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Value::Bool(false),
            _ => {}
        }
    }
    resolve_plain(text)
}

/// Resolve a plain scalar the way go-yaml v3 does.
pub(crate) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::String(text.to_string());
    }
    // go-yaml ignores underscores in numbers (`1_000` is 1000).
    let cleaned;
    let num_text = if text.contains('_') {
        cleaned = text.replace('_', "");
        cleaned.as_str()
    } else {
        text
    };
    if let Some(n) = parse_int(num_text) {
        return n;
    }
    // Integral floats become integers, as after kustomize's JSON round trip (`1.0` is 1).
    if is_float(num_text)
        && let Ok(f) = num_text.parse::<f64>()
        && f.fract() == 0.0
        && f.abs() < 9.0e15
    {
        return Value::Number((f as i64).into());
    }
    if is_float(num_text)
        && let Ok(f) = num_text.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<Value> {
    let (neg, body) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if let Some(h) = body.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = body.strip_prefix("0o") {
        (8, o)
    } else if let Some(b) = body.strip_prefix("0b") {
        (2, b)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    if radix == 10 {
        if neg {
            text.parse::<i64>().ok().map(|v| Value::Number(v.into()))
        } else {
            body.parse::<u64>().ok().map(|v| Value::Number(v.into()))
        }
    } else {
        let v = i64::from_str_radix(digits, radix).ok()?;
        Some(Value::Number((if neg { -v } else { v }).into()))
    }
}

fn is_float(text: &str) -> bool {
    // [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
    let b = text.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
        i += 1;
    }
    let start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - start;
    let mut frac_digits = 0;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let fs = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        frac_digits = i - fs;
    }
    if int_digits == 0 && frac_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'-' || b[i] == b'+') {
            i += 1;
        }
        let es = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == es {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_follow_go_yaml_v3() {
        let docs = parse_documents(
            "a: yes\nb: on\nc: 10\nd: 1.5\ne: ~\nf: \"1\"\ng: TRUE\nh: 2020-01-01\ni: !!str 5\nj: 0x10\n",
        )
        .unwrap();
        assert_eq!(
            docs[0],
            json!({"a":"yes","b":"on","c":10,"d":1.5,"e":null,"f":"1","g":true,"h":"2020-01-01","i":"5","j":16})
        );
    }

    #[test]
    fn multiple_documents_and_anchors() {
        let docs =
            parse_documents("a: &x [1, 2]\nb: *x\n---\n---\nc: {<<: {d: 1}, e: 2}\n").unwrap();
        assert_eq!(docs.len(), 3);
        assert_eq!(docs[0], json!({"a":[1,2],"b":[1,2]}));
        assert_eq!(docs[1], Value::Null);
        assert_eq!(docs[2], json!({"c":{"d":1,"e":2}}));
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let err = parse_documents("a: [1, 2\n").unwrap_err();
        assert!(err.line >= 1);
    }
}
