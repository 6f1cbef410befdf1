//! Argument checking helpers shared by the function families, with Go's error wording.

use super::super::format::fmt_v;
use super::super::value::{Dict, Value};

/// Why a function call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum FuncError {
    /// The function returned an error: shown as `error calling <name>: <msg>`.
    Call(String),
    /// Argument `index` has the wrong type: shown as the message alone, at that argument.
    Type(usize, String),
    /// Wrong number of arguments: shown as `wrong number of args for <name>: want <n> got <m>`.
    Arity(String),
}

/// `Err(FuncError::Call(..))` from anything printable.
pub fn fail<T>(msg: impl Into<String>) -> Result<T, FuncError> {
    Err(FuncError::Call(msg.into()))
}

/// Requires exactly `n` arguments.
pub fn arity(args: &[Value], n: usize) -> Result<(), FuncError> {
    if args.len() != n {
        return Err(FuncError::Arity(n.to_string()));
    }
    Ok(())
}

/// Requires at least `n` arguments.
pub fn arity_min(args: &[Value], n: usize) -> Result<(), FuncError> {
    if args.len() < n {
        return Err(FuncError::Arity(format!("at least {n}")));
    }
    Ok(())
}

fn wrong(i: usize, want: &str, got: &Value) -> FuncError {
    let got = match got {
        Value::Nil => "<nil>".to_string(),
        other => other.type_name(),
    };
    FuncError::Type(
        i,
        format!("wrong type for value; expected {want}; got {got}"),
    )
}

/// A `string` parameter (Go converts nothing).
pub fn string(args: &[Value], i: usize) -> Result<String, FuncError> {
    match &args[i] {
        Value::String(s) => Ok(s.clone()),
        Value::Nil => Err(FuncError::Type(i, "invalid value; expected string".into())),
        other => Err(wrong(i, "string", other)),
    }
}

/// An `int` parameter.
pub fn int(args: &[Value], i: usize) -> Result<i64, FuncError> {
    match &args[i] {
        Value::Int(n) => Ok(*n),
        Value::Nil => Err(FuncError::Type(i, "invalid value; expected int".into())),
        other => Err(wrong(i, "int", other)),
    }
}

/// A `uint32` parameter (template integer literals convert to it when they fit).
pub fn uint32(args: &[Value], i: usize) -> Result<u32, FuncError> {
    match &args[i] {
        Value::Int(n) => u32::try_from(*n).map_err(|_| wrong(i, "uint32", &args[i])),
        Value::Nil => Err(FuncError::Type(i, "invalid value; expected uint32".into())),
        other => Err(wrong(i, "uint32", other)),
    }
}

/// A `map[string]interface{}` parameter.
pub fn map(args: &[Value], i: usize) -> Result<Dict, FuncError> {
    match args[i].resolved() {
        Value::Map(m) => Ok(m),
        other => Err(wrong(i, "map[string]interface {}", &other)),
    }
}

/// sprig's `toString`/`strval`: strings as is, byte slices as text, everything else `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bytes(b) => crate::utf8::lossy(b).into_owned(),
        other => fmt_v(other),
    }
}

/// sprig's `cast.ToInt64`-like conversion (`int`, `int64`, `atoi`-ish): lenient, 0 on failure.
pub fn to_int64(v: &Value) -> i64 {
    match v.resolved() {
        Value::Int(i) | Value::Int64(i) => i,
        Value::Float(f) => f as i64,
        Value::Bool(b) => i64::from(b),
        Value::String(s) => {
            let t = s.trim();
            t.parse::<i64>()
                .or_else(|_| parse_prefixed_int(t).ok_or(()))
                .unwrap_or(0)
        }
        _ => 0,
    }
}

fn parse_prefixed_int(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        return None;
    };
    Some(if neg { -v } else { v })
}

/// sprig's `cast.ToFloat64`-like conversion: lenient, 0 on failure.
pub fn to_float64(v: &Value) -> f64 {
    match v.resolved() {
        Value::Int(i) | Value::Int64(i) => i as f64,
        Value::Float(f) => f,
        Value::Bool(b) => f64::from(u8::from(b)),
        Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        _ => 0.0,
    }
}

/// A list of strings from a list value (sprig's `strslice`): nils dropped, others `strval`.
pub fn strslice(v: &Value) -> Vec<String> {
    match v.resolved() {
        Value::List(l) => l
            .iter()
            .filter(|x| !matches!(x, Value::Nil))
            .map(strval)
            .collect(),
        Value::Nil => Vec::new(),
        other => vec![strval(&other)],
    }
}

/// sprig's `empty`: the zero value of its type.
pub fn is_empty(v: &Value) -> bool {
    !v.is_truthy()
}
