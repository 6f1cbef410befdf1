//! YAML decoding the way Helm reads values and Chart.yaml: YAML 1.1 scalar resolution (`yes`, `on`,
//! `0755` octal, ...) and a round trip through JSON, so every number is a `float64` and every map
//! key a string.

mod block;
mod comments;
mod head;

use granit_parser::{Event, Parser, ScalarStyle, Tag};
use serde_json::{Map, Number, Value};

/// A YAML document that could not be decoded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct YamlError(pub String);

/// Decodes one YAML document (the first one, like Go's `yaml.Unmarshal`) into JSON values.
/// An empty document decodes to `null`.
pub fn from_str(source: &str) -> Result<Value, YamlError> {
    decode(source)
}

/// [`from_str`] for a file that may be mostly comments (a chart's `values.yaml`, a `-f` file):
/// full-line comments are emptied first (see [`crate::yaml::comments`]); the result is the same.
pub fn from_str_commented(source: &str) -> Result<Value, YamlError> {
    match crate::yaml::comments::empty_comment_lines(source) {
        Some(emptied) => decode(&emptied),
        None => decode(source),
    }
}

fn decode(source: &str) -> Result<Value, YamlError> {
    if let Some(value) = crate::yaml::block::decode(source) {
        return Ok(value);
    }
    full_decode(source)
}

/// Decodes with the full YAML parser (what [`crate::yaml::block`] is checked against).
pub(crate) fn full_decode(source: &str) -> Result<Value, YamlError> {
    let mut builder = Builder::default();
    for event in events(source) {
        let (event, _span) = event.map_err(|e| YamlError(format!("yaml: {e}")))?;
        if builder.feed(event)? {
            break;
        }
    }
    Ok(builder.result.unwrap_or(Value::Null))
}

fn events(source: &str) -> Parser<'_, granit_parser::StrInput<'_>> {
    // Comments are never needed; another crate may turn the parser's comment events on.
    let mut options = granit_parser::Options::default();
    options.emit_comments = false;
    Parser::new_from_str_with_options(source, options)
}

/// Like [`from_str`], but of a top-level mapping only the entries under `keep` are built: the
/// rest is read (so every error [`from_str`] reports is still reported) and dropped. A document
/// with anchors, aliases or merge keys is decoded whole.
pub fn head_from_str(source: &str, keep: &[&str]) -> Result<Value, YamlError> {
    // The line decoder builds the whole tree and still takes far less time than the full
    // decoder takes to read it.
    if let Some(mut value) = crate::yaml::block::decode(source) {
        if let Value::Object(map) = &mut value {
            map.retain(|key, _| keep.contains(&key.as_str()));
        }
        return Ok(value);
    }
    full_head(source, keep)
}

/// [`head_from_str`] with the full YAML parser (what the line decoder is checked against).
pub(crate) fn full_head(source: &str, keep: &[&str]) -> Result<Value, YamlError> {
    match crate::yaml::head::decode_head(keep, events(source)) {
        Some(result) => result,
        None => full_decode(source),
    }
}

/// One open collection while building the tree.
enum Frame {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<(String, bool)>, usize),
}

#[derive(Default)]
pub(crate) struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Value)>,
    result: Option<Value>,
    started: bool,
}

impl Builder {
    /// Whether the next event is a key of the top-level mapping.
    pub(crate) fn expects_top_level_key(&self) -> bool {
        matches!(self.stack.as_slice(), [Frame::Map(_, None, _)])
    }

    /// The decoded document so far (complete once `feed` returned true).
    pub(crate) fn into_result(self) -> Value {
        self.result.unwrap_or(Value::Null)
    }

    /// Feeds one event; returns true once the first document is complete.
    pub(crate) fn feed(&mut self, event: Event<'_>) -> Result<bool, YamlError> {
        match event {
            Event::DocumentStart(..) => self.started = true,
            Event::DocumentEnd => return Ok(self.started),
            Event::StreamEnd => return Ok(true),
            Event::Scalar(text, style, anchor, tag) => {
                let is_merge_key = style == ScalarStyle::Plain && text == "<<";
                let value = resolve_scalar(&text, style, tag.as_deref())?;
                if anchor != 0 {
                    self.anchors.push((anchor, value.clone()));
                }
                self.push_value(value, is_merge_key)?;
            }
            Event::Alias(id) => {
                let value = self
                    .anchors
                    .iter()
                    .rev()
                    .find(|(a, _)| *a == id)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| YamlError("yaml: unknown anchor referenced".into()))?;
                self.push_value(value, false)?;
            }
            Event::SequenceStart(_, anchor, _) => self.stack.push(Frame::Seq(Vec::new(), anchor)),
            Event::MappingStart(_, anchor, _) => {
                self.stack.push(Frame::Map(Map::new(), None, anchor))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::Seq(items, anchor)) => (Value::Array(items), anchor),
                    Some(Frame::Map(map, _, anchor)) => (Value::Object(map), anchor),
                    None => return Err(YamlError("yaml: unbalanced collection".into())),
                };
                if anchor != 0 {
                    self.anchors.push((anchor, value.clone()));
                }
                self.push_value(value, false)?;
            }
            _ => {}
        }
        Ok(false)
    }

    fn push_value(&mut self, value: Value, is_merge_key: bool) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.result = Some(value),
            Some(Frame::Seq(items, _)) => items.push(value),
            Some(Frame::Map(map, pending, _)) => match pending.take() {
                None => *pending = Some((key_string(&value)?, is_merge_key)),
                Some((_, true)) => merge_into(map, value)?,
                Some((key, false)) => {
                    map.insert(key, value);
                }
            },
        }
        Ok(())
    }
}

/// `<<: *anchor` (or a list of anchors): keys already present win.
fn merge_into(map: &mut Map<String, Value>, value: Value) -> Result<(), YamlError> {
    let sources = match value {
        Value::Object(m) => vec![m],
        Value::Array(items) => items
            .into_iter()
            .map(|v| match v {
                Value::Object(m) => Ok(m),
                _ => Err(YamlError(
                    "yaml: map merge requires map or sequence of maps as the value".into(),
                )),
            })
            .collect::<Result<_, _>>()?,
        _ => {
            return Err(YamlError(
                "yaml: map merge requires map or sequence of maps as the value".into(),
            ));
        }
    };
    for source in sources {
        for (k, v) in source {
            map.entry(k).or_insert(v);
        }
    }
    Ok(())
}

/// Map keys become strings, as when YAML is converted to JSON.
pub(crate) fn key_string(value: &Value) -> Result<String, YamlError> {
    Ok(match value {
        Value::String(s) => s.clone(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number_key(n),
        _ => return Err(YamlError("yaml: invalid map key: a collection".into())),
    })
}

fn format_number_key(n: &Number) -> String {
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i64),
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
}

/// Resolves a scalar with YAML 1.1 rules (as go-yaml v2 does).
pub(crate) fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
) -> Result<Value, YamlError> {
    if let Some(tag) = tag {
        match tag.suffix() {
            "str" => return Ok(Value::String(text.to_string())),
            "null" => return Ok(Value::Null),
            "bool" | "int" | "float" => {}
            _ if style != ScalarStyle::Plain => return Ok(Value::String(text.to_string())),
            _ => {}
        }
    }
    if style != ScalarStyle::Plain {
        return Ok(Value::String(text.to_string()));
    }
    resolve_plain(text)
}

/// Resolves a plain scalar: null, bool, int, float or string.
pub fn resolve_plain(text: &str) -> Result<Value, YamlError> {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Ok(Value::Bool(true));
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Ok(Value::Bool(false));
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf" | "-.INF" => {
            return Err(YamlError(
                "error converting YAML to JSON: json: unsupported value: +Inf".into(),
            ));
        }
        ".nan" | ".NaN" | ".NAN" => {
            return Err(YamlError(
                "error converting YAML to JSON: json: unsupported value: NaN".into(),
            ));
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first.is_ascii_digit() || first == b'-' || first == b'+' || first == b'.' {
        if let Some(n) = parse_int(text) {
            return Ok(float_value(n));
        }
        if let Some(f) = parse_float(text) {
            return Ok(float_value(f));
        }
    }
    Ok(Value::String(text.to_string()))
}

fn float_value(f: f64) -> Value {
    Number::from_f64(f)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn parse_int(text: &str) -> Option<f64> {
    let (negative, body) = match text.as_bytes()[0] {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let clean: String = body.chars().filter(|c| *c != '_').collect();
    if clean.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(rest) = clean.strip_prefix("0b") {
        (rest, 2)
    } else if let Some(rest) = clean.strip_prefix("0x") {
        (rest, 16)
    } else if clean.len() > 1 && clean.starts_with('0') {
        (&clean[1..], 8)
    } else {
        (clean.as_str(), 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = match u128::from_str_radix(digits, radix) {
        Ok(v) => v as f64,
        Err(_) if radix == 10 => digits.parse::<f64>().ok()?,
        Err(_) => return None,
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_float(text: &str) -> Option<f64> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let body = clean.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let mut parts = mantissa.splitn(2, '.');
    let int_part = parts.next().unwrap_or("");
    let frac_part = parts.next();
    let digits_ok = int_part.chars().all(|c| c.is_ascii_digit())
        && frac_part.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit()))
        && (!int_part.is_empty() || frac_part.is_some_and(|f| !f.is_empty()));
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.trim_start_matches(['-', '+']);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    if !digits_ok || !exponent_ok {
        return None;
    }
    clean.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn resolves_yaml_1_1_scalars_like_helm() {
        let v = from_str("y: yes\nn: no\no: off\noct: 0755\nhex: 0x1F\ne: 1e3\ns: \"5\"\nts: 2020-01-01\nt: ~\nv: 1.2.3\n")
            .unwrap();
        assert_eq!(
            v,
            json!({"true": true, "false": false, "o": false, "oct": 493.0, "hex": 31.0, "e": 1000.0,
                   "s": "5", "ts": "2020-01-01", "t": null, "v": "1.2.3"})
        );
    }

    #[test]
    fn merges_anchors() {
        let v = from_str("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n").unwrap();
        assert_eq!(v["x"], json!({"a": 1.0, "b": 3.0}));
    }

    #[test]
    fn infinity_is_refused() {
        assert!(from_str("a: .inf").is_err());
    }
}
