//! YAML functions: `toYaml` (go-yaml v2 style through JSON, as Helm's sigs.k8s.io/yaml does),
//! `toYamlPretty` (go-yaml v3 style: indented sequences), `fromYaml`, `fromYamlArray`.

use super::yaml_scalar::{
    Style, block_allowed, literal, plain_allowed, printable, quoted, resolves_to_non_string,
};
use ferroflux_gotemplate::FuncResult;
use ferroflux_gotemplate::format::format_g;
use ferroflux_gotemplate::funcs::args::{arity, fail, string};
use ferroflux_gotemplate::{Map, Value};

/// Calls a YAML function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "toYaml" | "mustToYaml" => arity(a, 1).map(|_| Value::String(to_yaml(&a[0], false).trim_end_matches('\n').to_string())),
        "toYamlPretty" => arity(a, 1).map(|_| Value::String(to_yaml(&a[0], true).trim_end_matches('\n').to_string())),
        "fromYaml" | "mustFromYaml" => arity(a, 1).and_then(|_| match parse_yaml(&string(a, 0)?) {
            Ok(Value::Map(m)) => Ok(Value::Map(m)),
            Ok(Value::Nil) => Ok(Value::empty_map()),
            Ok(other) => error_map(name, format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}", json_kind(&other))),
            Err(e) => error_map(name, e),
        }),
        "fromYamlArray" | "mustFromYamlArray" => arity(a, 1).and_then(|_| match parse_yaml(&string(a, 0)?) {
            Ok(Value::List(l)) => Ok(Value::List(l)),
            Ok(Value::Nil) => Ok(Value::from(Vec::new())),
            Ok(other) => {
                let e = format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}", json_kind(&other));
                if name.starts_with("must") { fail(e) } else { Ok(Value::from(vec![Value::String(e)])) }
            }
            Err(e) => if name.starts_with("must") { fail(e) } else { Ok(Value::from(vec![Value::String(e)])) },
        }),
        _ => return None,
    })
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "string",
        Value::Int(_) | Value::Int64(_) | Value::Float(_) => "number",
        Value::Bool(_) => "bool",
        Value::List(_) => "array",
        _ => "object",
    }
}

fn error_map(name: &str, e: String) -> FuncResult {
    if name.starts_with("must") {
        return fail(e);
    }
    Ok(Value::from(
        [("Error".to_string(), Value::String(e))]
            .into_iter()
            .collect::<Map>(),
    ))
}

/// Parses YAML the way Helm does, with the decoder of values files (sigs.k8s.io/yaml in both):
/// the first document only, YAML 1.1 scalars (`yes`, `0755` octal), a repeated key's last value,
/// numbers as float64.
pub fn parse_yaml(text: &str) -> Result<Value, String> {
    if text.trim().is_empty() {
        return Ok(Value::Nil);
    }
    let json =
        crate::yaml::from_str(text).map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    Ok(Value::from_json(&json))
}

/// Prepares a value as sigs.k8s.io/yaml does: through JSON, so whole floats become ints.
fn normalize(v: &Value) -> Value {
    match v {
        Value::Float(x) if x.fract() == 0.0 && x.abs() < 1e21 => {
            if x.abs() < 9.2e18 {
                Value::Int(*x as i64)
            } else {
                Value::Float(*x)
            }
        }
        Value::Bytes(b) => {
            use base64::Engine;
            Value::String(base64::engine::general_purpose::STANDARD.encode(b.as_slice()))
        }
        Value::List(l) => Value::from(l.iter().map(normalize).collect::<Vec<_>>()),
        Value::Map(m) => Value::from(m.with(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), normalize(v)))
                .collect::<Map>()
        })),
        Value::Object(o) => match o.as_value() {
            Some(v) => normalize(&v),
            None => ferroflux_gotemplate::funcs::time_text(o.as_ref())
                .map(Value::String)
                .unwrap_or_else(Value::empty_map),
        },
        other => other.clone(),
    }
}

/// Encodes YAML in block style; `pretty` indents sequences under their key and does not fold.
pub fn to_yaml(v: &Value, pretty: bool) -> String {
    let v = normalize(v);
    let mut e = Emitter {
        out: String::new(),
        pretty,
    };
    match &v {
        Value::Map(m) if !m.is_empty() => e.map(&v, 0, false),
        Value::List(l) if !l.is_empty() => e.list(&v, 0, false),
        other => {
            let s = e.scalar(other, 0);
            e.out.push_str(&s);
            e.out.push('\n');
        }
    }
    e.out
}

struct Emitter {
    out: String,
    pretty: bool,
}

impl Emitter {
    fn column(&self) -> usize {
        self.out.len() - self.out.rfind('\n').map(|i| i + 1).unwrap_or(0)
    }

    /// A block map at `indent`; `inline` when the first key continues a `- ` line.
    fn map(&mut self, v: &Value, indent: usize, inline: bool) {
        let Value::Map(m) = v else { return };
        let entries = m.snapshot();
        for (i, (k, x)) in entries.iter().enumerate() {
            if i > 0 || !inline {
                self.out.push_str(&" ".repeat(indent));
            }
            let key = self.scalar(&Value::String(k.clone()), indent);
            self.out.push_str(&key);
            self.out.push(':');
            self.value_after_key(x, indent);
        }
    }

    fn value_after_key(&mut self, x: &Value, indent: usize) {
        match x {
            Value::Map(m) if !m.is_empty() => {
                self.out.push('\n');
                self.map(x, indent + 2, false);
            }
            Value::List(l) if !l.is_empty() => {
                self.out.push('\n');
                self.list(x, if self.pretty { indent + 2 } else { indent }, false);
            }
            _ => {
                self.out.push(' ');
                let s = self.scalar(x, indent + 2);
                self.out.push_str(&s);
                self.out.push('\n');
            }
        }
    }

    fn list(&mut self, v: &Value, indent: usize, inline: bool) {
        let Value::List(l) = v else { return };
        for (i, x) in l.iter().enumerate() {
            if i > 0 || !inline {
                self.out.push_str(&" ".repeat(indent));
            }
            self.out.push_str("- ");
            match x {
                Value::Map(m) if !m.is_empty() => self.map(x, indent + 2, true),
                Value::List(l2) if !l2.is_empty() => self.list(x, indent + 2, true),
                _ => {
                    let s = self.scalar(x, indent + 2);
                    self.out.push_str(&s);
                    self.out.push('\n');
                }
            }
        }
    }

    /// A scalar as text; `indent` is where block scalar lines and folded lines go.
    fn scalar(&self, v: &Value, indent: usize) -> String {
        match v {
            Value::Nil => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) | Value::Int64(i) => i.to_string(),
            Value::Float(x) => {
                if x.is_nan() {
                    ".nan".into()
                } else if x.is_infinite() {
                    if *x > 0.0 {
                        ".inf".into()
                    } else {
                        "-.inf".into()
                    }
                } else {
                    format_g(*x, None)
                }
            }
            Value::Map(_) => "{}".into(),
            Value::List(_) => "[]".into(),
            Value::String(s) => self.string(s, indent),
            other => self.string(&ferroflux_gotemplate::funcs::args::strval(other), indent),
        }
    }

    fn string(&self, s: &str, indent: usize) -> String {
        if s.contains('\n') && block_allowed(s) {
            return literal(s, indent);
        }
        // go-yaml v2 folds long scalars at spaces past column 80; v3 (pretty) does not.
        let fold_at = if self.pretty {
            None
        } else {
            Some((self.column(), indent))
        };
        if s.contains('\n') || !printable(s) || resolves_to_non_string(s) {
            return quoted(s, Style::Double, fold_at);
        }
        if plain_allowed(s) {
            return quoted(s, Style::Plain, fold_at);
        }
        quoted(s, Style::Single, fold_at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_like_go_yaml_v2() {
        let v = Value::map_from([
            ("a".into(), Value::Float(1000000.0)),
            (
                "b".into(),
                Value::from(vec![Value::from("x"), Value::from("true")]),
            ),
            (
                "c".into(),
                Value::map_from([("d".into(), Value::from("a: b"))]),
            ),
            ("e".into(), Value::from("l1\nl2\n")),
        ]);
        assert_eq!(
            to_yaml(&v, false),
            "a: 1000000\nb:\n- x\n- \"true\"\nc:\n  d: 'a: b'\ne: |\n  l1\n  l2\n"
        );
        assert_eq!(
            to_yaml(&v, true),
            "a: 1000000\nb:\n  - x\n  - \"true\"\nc:\n  d: 'a: b'\ne: |\n  l1\n  l2\n"
        );
    }
}
