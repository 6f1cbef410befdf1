//! Printing objects as multi-document YAML the way `kustomize build` (through sigs.k8s.io/yaml and
//! go-yaml) prints them: keys sorted, two-space indentation, sequences not indented under their key,
//! multi-line strings as literal blocks, plain strings folded after column 80.

use serde_json::Value;

const BEST_WIDTH: usize = 80;

/// Print objects as a YAML stream separated by `---`, like `kustomize build`.
pub fn to_yaml(objects: &[Value]) -> String {
    let mut out = String::with_capacity(objects.len() * 1024);
    for (i, obj) in objects.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        write_document(&mut out, obj);
    }
    out
}

fn write_document(out: &mut String, value: &Value) {
    match value {
        Value::Object(m) if !m.is_empty() => write_map(out, value, 0),
        Value::Array(a) if !a.is_empty() => write_seq(out, value, 0),
        other => {
            write_inline(out, other, 0);
            out.push('\n');
        }
    }
}

fn sorted_entries(map: &serde_json::Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    entries
}

/// Write a non-empty mapping whose keys start at column `indent` (the caller positioned the cursor
/// for the first key).
fn write_map(out: &mut String, value: &Value, indent: usize) {
    let Value::Object(map) = value else { return };
    for (i, (key, val)) in sorted_entries(map).into_iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        write_string(out, key, indent, true);
        out.push(':');
        match val {
            Value::Object(m) if !m.is_empty() => {
                out.push('\n');
                push_indent(out, indent + 2);
                write_map(out, val, indent + 2);
            }
            Value::Array(a) if !a.is_empty() => {
                out.push('\n');
                push_indent(out, indent);
                write_seq(out, val, indent);
            }
            other => {
                out.push(' ');
                write_inline(out, other, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// Write a non-empty sequence whose dashes are at column `indent`.
fn write_seq(out: &mut String, value: &Value, indent: usize) {
    let Value::Array(items) = value else { return };
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            push_indent(out, indent);
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => write_map(out, item, indent + 2),
            Value::Array(a) if !a.is_empty() => write_seq(out, item, indent + 2),
            other => {
                write_inline(out, other, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push(' ');
    }
}

fn current_column(out: &str) -> usize {
    match out.rfind('\n') {
        Some(p) => out[p + 1..].chars().count(),
        None => out.chars().count(),
    }
}

/// Scalars and empty collections; `indent` is where continuation lines start.
fn write_inline(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(n)),
        Value::String(s) => write_string(out, s, indent, false),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// Numbers as kubectl prints them after its JSON round trip: integral floats lose their
/// fraction (`1.0` and `1e3` print as `1` and `1000`).
fn format_number(n: &serde_json::Number) -> String {
    if let Some(f) = n.as_f64().filter(|_| n.is_f64())
        && f.fract() == 0.0
        && f.abs() < 1e21
    {
        return format!("{f:.0}");
    }
    n.to_string()
}

#[derive(PartialEq)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

fn write_string(out: &mut String, s: &str, indent: usize, is_key: bool) {
    match choose_style(s, is_key) {
        Style::Plain => write_folded(out, s, indent, None),
        Style::Single => {
            out.push('\'');
            write_folded(out, &s.replace('\'', "''"), indent, Some('\''));
            out.push('\'');
        }
        Style::Double => write_double(out, s),
        Style::Literal => write_literal(out, s, indent),
    }
}

/// Write words, breaking at a single space once the line is past the best width (go-yaml's rule).
fn write_folded(out: &mut String, s: &str, indent: usize, quote: Option<char>) {
    let mut column = current_column(out);
    let chars: Vec<char> = s.chars().collect();
    let mut previous_space = false;
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' {
            let next_is_space = chars.get(i + 1) == Some(&' ');
            let allowed = i > 0 && i + 1 < chars.len() && (quote.is_some() || !next_is_space);
            if allowed && !previous_space && column > BEST_WIDTH && !next_is_space {
                out.push('\n');
                push_indent(out, indent);
                column = indent;
            } else {
                out.push(c);
                column += 1;
            }
            previous_space = true;
        } else {
            out.push(c);
            column += 1;
            previous_space = false;
        }
    }
}

fn write_double(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f || c == '\u{feff}' => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_literal(out: &mut String, s: &str, indent: usize) {
    out.push('|');
    if s.starts_with(' ') || s.starts_with('\n') {
        out.push('2');
    }
    if !s.ends_with('\n') {
        out.push('-');
    } else if s.len() == 1 || s[..s.len() - 1].ends_with('\n') {
        out.push('+');
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            push_indent(out, indent);
            out.push_str(line);
        }
    }
}

fn is_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && c != '\u{feff}'
}

fn choose_style(s: &str, is_key: bool) -> Style {
    if s.is_empty() {
        return Style::Double;
    }
    if !is_key && s.contains('\n') {
        return if literal_allowed(s) {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if s.chars().any(|c| !is_printable(c)) || s.contains('\n') {
        return Style::Double;
    }
    if resolves_to_non_string(s) {
        return Style::Double;
    }
    if plain_allowed(s) {
        Style::Plain
    } else {
        Style::Single
    }
}

fn literal_allowed(s: &str) -> bool {
    if s.chars().any(|c| !is_printable(c)) {
        return false;
    }
    let bytes = s.as_bytes();
    for i in 0..bytes.len().saturating_sub(1) {
        if bytes[i] == b' ' && bytes[i + 1] == b'\n' {
            return false;
        }
    }
    !s.ends_with(' ')
}

fn plain_allowed(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let first = chars[0];
    let last = chars[chars.len() - 1];
    if first == ' ' || last == ' ' {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if matches!(
        first,
        '#' | ','
            | '['
            | ']'
            | '{'
            | '}'
            | '&'
            | '*'
            | '!'
            | '|'
            | '>'
            | '\''
            | '"'
            | '%'
            | '@'
            | '`'
    ) {
        return false;
    }
    if matches!(first, '?' | ':' | '-') && (chars.len() == 1 || chars[1] == ' ') {
        return false;
    }
    for i in 0..chars.len() {
        let c = chars[i];
        if c == ':' && (i + 1 == chars.len() || chars[i + 1] == ' ') {
            return false;
        }
        if c == '#' && i > 0 && chars[i - 1] == ' ' {
            return false;
        }
    }
    true
}

/// Whether go-yaml (v2 rules, YAML 1.1 flavoured) would read this plain text as something other
/// than a string; such strings are printed double-quoted.
fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL", "~",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return false;
    }
    let unsigned = s.trim_start_matches(['-', '+']);
    let cleaned: String = unsigned.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() {
        return false;
    }
    let is_int = if let Some(h) = cleaned.strip_prefix("0x") {
        !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit())
    } else if let Some(b) = cleaned.strip_prefix("0b") {
        !b.is_empty() && b.chars().all(|c| c == '0' || c == '1')
    } else if let Some(o) = cleaned.strip_prefix("0o") {
        !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c))
    } else {
        cleaned.chars().all(|c| c.is_ascii_digit())
    };
    if is_int {
        return true;
    }
    if float_like(s) {
        return true;
    }
    // Dates (YYYY-MM-DD...) resolve to timestamps, and base-60 numbers like 1:20 to floats.
    if looks_like_timestamp(s) {
        return true;
    }
    let parts: Vec<&str> = unsigned.split(':').collect();
    parts.len() > 1
        && parts[0].chars().all(|c| c.is_ascii_digit() || c == '_')
        && !parts[0].is_empty()
        && parts[1..].iter().all(|p| {
            let p = p.split('.').next().unwrap_or("");
            !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_digit())
        })
}

fn float_like(s: &str) -> bool {
    crate::yaml_in::resolve_plain(s).is_number() || {
        let t = s.trim_start_matches(['-', '+']);
        let t: String = t.chars().filter(|c| *c != '_').collect();
        !t.is_empty()
            && t.chars().all(|c| c.is_ascii_digit() || c == '.')
            && t.matches('.').count() == 1
            && t != "."
    }
}

fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 8
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && (b[5].is_ascii_digit())
        && s[5..]
            .split(['-', 'T', 't', ' ', ':', '.', 'Z', '+'])
            .all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && s[5..].contains('-')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_like_kustomize() {
        let v = json!({"kind":"ConfigMap","apiVersion":"v1","data":{"b":"yes","a":"x\ny","c":"1","d":"- x"},
            "list":[{"name":"a","v":[]}, "s"]});
        let text = to_yaml(&[v.clone(), v]);
        let expected = "apiVersion: v1\ndata:\n  a: |-\n    x\n    y\n  b: \"yes\"\n  c: \"1\"\n  d: '- x'\nkind: ConfigMap\nlist:\n- name: a\n  v: []\n- s\n";
        assert_eq!(text, format!("{expected}---\n{expected}"));
    }

    #[test]
    fn folds_long_plain_strings() {
        let v = json!({"a": ["long text with a very long line that goes beyond eighty characters for sure yes definitely more"]});
        assert_eq!(
            to_yaml(&[v]),
            "a:\n- long text with a very long line that goes beyond eighty characters for sure yes\n  definitely more\n"
        );
    }
}
