//! postBuild variable substitution, with Flux's semantics (bash-style, as drone/envsubst):
//! `${var}`, `$var`, `${var:-default}`, `${var-default}`, `${var:=default}`, `${var=default}`,
//! `${var:+alternative}`, `$$` for a literal `$` (so `$${var}` stays `${var}`). Undefined
//! variables become empty. Objects labelled or annotated
//! `kustomize.toolkit.fluxcd.io/substitute: disabled` are left alone.
//!
//! Pure: the variables are loaded by the build step. Flux substitutes in the YAML text and
//! parses it again, so a plain scalar that becomes `3` or `true` becomes a number or a boolean;
//! [`substitute_objects`] keeps that by re-typing substituted strings.

use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// The annotation (or label) that opts an object out of substitution.
pub const SUBSTITUTE_ANNOTATION: &str = "kustomize.toolkit.fluxcd.io/substitute";

/// What made substitution fail.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SubstituteError {
    /// A variable name is not a shell identifier.
    #[error("'{0}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'")]
    InvalidVarName(String),
    /// A `${` has no closing `}`.
    #[error("variable substitution failed: missing closing brace in '{0}'")]
    UnclosedBrace(String),
    /// A `${...}` form this implementation does not support.
    #[error("variable substitution failed: unsupported expression '${{{0}}}'")]
    UnsupportedExpression(String),
}

/// Substitutes `vars` in every object not opted out. Does nothing when there are no variables,
/// as Flux does.
pub fn substitute_objects(
    objects: Vec<Value>,
    vars: &BTreeMap<String, String>,
) -> Result<Vec<Value>, SubstituteError> {
    if let Some(bad) = vars.keys().find(|k| !is_identifier(k)) {
        return Err(SubstituteError::InvalidVarName(bad.clone()));
    }
    if vars.is_empty() {
        return Ok(objects);
    }
    objects
        .into_iter()
        .map(|obj| {
            if opted_out(&obj) {
                Ok(obj)
            } else {
                substitute_value(obj, vars)
            }
        })
        .collect()
}

fn opted_out(obj: &Value) -> bool {
    ["/metadata/annotations", "/metadata/labels"]
        .iter()
        .any(|p| {
            obj.pointer(p)
                .and_then(|m| m.get(SUBSTITUTE_ANNOTATION))
                .and_then(Value::as_str)
                == Some("disabled")
        })
}

fn substitute_value(
    value: Value,
    vars: &BTreeMap<String, String>,
) -> Result<Value, SubstituteError> {
    Ok(match value {
        Value::String(s) if s.contains('$') => {
            let out = substitute_text(&s, vars)?;
            if out == s {
                Value::String(s)
            } else {
                retype_scalar(out)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| substitute_value(v, vars))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => {
            let mut out = Map::with_capacity(map.len());
            for (k, v) in map {
                let k = if k.contains('$') {
                    substitute_text(&k, vars)?
                } else {
                    k
                };
                out.insert(k, substitute_value(v, vars)?);
            }
            Value::Object(out)
        }
        other => other,
    })
}

/// A substituted string read back as a YAML plain scalar: integers, floats, booleans and null
/// change type, everything else stays a string.
fn retype_scalar(s: String) -> Value {
    match s.as_str() {
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        "null" | "Null" | "NULL" | "~" => return Value::Null,
        _ => {}
    }
    if let Ok(i) = s.parse::<i64>() {
        return Value::from(i);
    }
    let looks_numeric = s.chars().all(|c| c.is_ascii_digit() || ".eE+-".contains(c))
        && s.chars().any(|c| c.is_ascii_digit());
    if looks_numeric && let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
        return Value::Number(n);
    }
    Value::String(s)
}

/// Substitutes variables in one string.
pub fn substitute_text(
    text: &str,
    vars: &BTreeMap<String, String>,
) -> Result<String, SubstituteError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '$' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                let end = closing_brace(&chars, i + 2)
                    .ok_or_else(|| SubstituteError::UnclosedBrace(text.to_string()))?;
                let expr: String = chars[i + 2..end].iter().collect();
                out.push_str(&evaluate(&expr, vars)?);
                i = end + 1;
            }
            Some(c) if c.is_ascii_alphabetic() || *c == '_' => {
                let start = i + 1;
                let mut end = start;
                while end < chars.len() && (chars[end].is_ascii_alphanumeric() || chars[end] == '_')
                {
                    end += 1;
                }
                let name: String = chars[start..end].iter().collect();
                out.push_str(vars.get(&name).map_or("", String::as_str));
                i = end;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Index of the `}` closing a `${` whose body starts at `from`, allowing nested `${...}`.
fn closing_brace(chars: &[char], from: usize) -> Option<usize> {
    let mut depth = 0;
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '$' if chars.get(i + 1) == Some(&'{') => {
                depth += 1;
                i += 1;
            }
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

/// Evaluates the body of `${...}`.
fn evaluate(expr: &str, vars: &BTreeMap<String, String>) -> Result<String, SubstituteError> {
    let name_len = expr
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(expr.len());
    let (name, op) = expr.split_at(name_len);
    if !is_identifier(name) {
        return Err(SubstituteError::UnsupportedExpression(expr.to_string()));
    }
    let value = vars.get(name);
    let set_and_non_empty = value.is_some_and(|v| !v.is_empty());
    let default = |rest: &str| substitute_text(rest, vars);
    let current = || value.cloned().unwrap_or_default();
    if op.is_empty() {
        return Ok(current());
    }
    if let Some(rest) = op.strip_prefix(":-").or_else(|| op.strip_prefix(":=")) {
        return if set_and_non_empty {
            Ok(current())
        } else {
            default(rest)
        };
    }
    if let Some(rest) = op.strip_prefix('-').or_else(|| op.strip_prefix('=')) {
        return if value.is_some() {
            Ok(current())
        } else {
            default(rest)
        };
    }
    if let Some(rest) = op.strip_prefix(":+") {
        return if set_and_non_empty {
            default(rest)
        } else {
            Ok(String::new())
        };
    }
    Err(SubstituteError::UnsupportedExpression(expr.to_string()))
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests;
