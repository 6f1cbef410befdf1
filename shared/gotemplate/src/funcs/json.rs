//! JSON functions: `toJson`, `toRawJson`, `toPrettyJson`, encoding like Go's `encoding/json` (sorted keys, HTML-safe escapes, Go float format).

use super::super::format::format_f_shortest;
use super::super::value::Value;
use super::FuncResult;
use super::args::arity;

/// Calls a JSON function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "toJson" | "mustToJson" => arity(a, 1).map(|_| Value::String(to_json(&a[0], true, None))),
        "toRawJson" | "mustToRawJson" => {
            arity(a, 1).map(|_| Value::String(to_json(&a[0], false, None)))
        }
        "toPrettyJson" | "mustToPrettyJson" => {
            arity(a, 1).map(|_| Value::String(to_json(&a[0], true, Some("  "))))
        }
        _ => return None,
    })
}

/// Go's float encoding in JSON: `'f'` form unless tiny or huge, then `'e'` with a short exponent.
pub fn json_float(x: f64) -> String {
    let abs = x.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        // The shortest 'e' form like Go, then `e-07` cleaned to `e-7`.
        let short = {
            let e = format!("{:e}", x);
            let (m, exp) = e.split_once('e').unwrap_or((&e, "0"));
            let exp: i32 = exp.parse().unwrap_or(0);
            format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
        };
        return short.replace("e-0", "e-").replace("e+0", "e+");
    }
    format_f_shortest(x)
}

fn escape(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Encodes like Go's `json.Marshal` (`indent` = `json.MarshalIndent` with that indent).
pub fn to_json(v: &Value, html: bool, indent: Option<&str>) -> String {
    let mut out = String::new();
    write(&mut out, v, html, indent, 0);
    out
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write(out: &mut String, v: &Value, html: bool, indent: Option<&str>, depth: usize) {
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&json_float(*x)),
        Value::String(s) => escape(out, s, html),
        Value::Bytes(b) => {
            use base64::Engine;
            escape(
                out,
                &base64::engine::general_purpose::STANDARD.encode(b.as_slice()),
                html,
            )
        }
        Value::List(l) => {
            if l.is_empty() {
                out.push_str("[]");
                return;
            }
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write(out, x, html, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Value::Map(m) => m.with(|m| {
            if m.is_empty() {
                out.push_str("{}");
                return;
            }
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                escape(out, k, html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write(out, x, html, indent, depth + 1);
            }
            newline(out, indent, depth);
            out.push('}');
        }),
        Value::Object(o) => match o.as_value() {
            Some(v) => write(out, &v, html, indent, depth),
            // A time marshals as RFC 3339 text, like Go's `time.Time`.
            None => match time_text(o.as_ref()) {
                Some(t) => escape(out, &t, html),
                None => out.push_str("{}"),
            },
        },
    }
}

/// A `time.Time` object's JSON text (RFC 3339 with nanoseconds, trailing zeros dropped).
pub fn time_text(o: &dyn super::super::value::TemplateObject) -> Option<String> {
    if o.type_name() != "time.Time" {
        return None;
    }
    match o.call_method(
        "Format",
        &[Value::from("2006-01-02T15:04:05.999999999Z07:00")],
    ) {
        Some(Ok(Value::String(s))) => Some(s),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_like_go() {
        assert_eq!(json_float(1000000.0), "1000000");
        assert_eq!(json_float(1e21), "1e+21");
        assert_eq!(json_float(1.5e-7), "1.5e-7");
        let v = Value::map_from([
            ("b".into(), Value::from("<x>")),
            ("a".into(), Value::Float(1.0)),
        ]);
        assert_eq!(to_json(&v, true, None), r#"{"a":1,"b":"\u003cx\u003e"}"#);
        assert_eq!(
            to_json(&v, false, Some("  ")),
            "{\n  \"a\": 1,\n  \"b\": \"<x>\"\n}"
        );
    }
}
