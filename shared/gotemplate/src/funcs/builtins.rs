//! Go `text/template` built-in functions (`and`/`or` short-circuit in the executor).

use std::cmp::Ordering;

use super::super::format::{sprint, sprintln};
use super::super::printf::sprintf;
use super::super::value::Value;
use super::args::{arity, arity_min, fail, string};
use super::{FuncError, FuncResult};

/// Calls a built-in.
pub fn call(name: &str, args: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "not" => arity(args, 1).map(|_| Value::Bool(!args[0].is_truthy())),
        "eq" => eq(args).map(Value::Bool),
        "ne" => arity(args, 2)
            .and_then(|_| eq(args))
            .map(|b| Value::Bool(!b)),
        "lt" => compare(args).map(|o| Value::Bool(o == Ordering::Less)),
        "le" => compare(args).map(|o| Value::Bool(o != Ordering::Greater)),
        "gt" => compare(args).map(|o| Value::Bool(o == Ordering::Greater)),
        "ge" => compare(args).map(|o| Value::Bool(o != Ordering::Less)),
        "len" => arity(args, 1).and_then(|_| len(&args[0])),
        "index" => arity_min(args, 1).and_then(|_| index(args)),
        "slice" => arity_min(args, 1).and_then(|_| slice(args)),
        "print" => Ok(Value::String(sprint(args))),
        "println" => Ok(Value::String(sprintln(args))),
        "printf" => arity_min(args, 1)
            .and_then(|_| Ok(Value::String(sprintf(&string(args, 0)?, &args[1..])))),
        "html" => Ok(Value::String(html_escape(&sprint(args)))),
        "js" => Ok(Value::String(js_escape(&sprint(args)))),
        "urlquery" => Ok(Value::String(query_escape(&sprint(args)))),
        "call" => fail("call of non-function"),
        _ => return None,
    })
}

#[derive(PartialEq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    String,
    Other,
}

fn kind(v: &Value) -> Kind {
    match v {
        Value::Nil => Kind::Invalid,
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Float(_) => Kind::Float,
        Value::String(_) => Kind::String,
        _ => Kind::Other,
    }
}

/// Go's `eq`: basic kinds must match; nil equals only nil.
fn eq(args: &[Value]) -> Result<bool, FuncError> {
    if args.len() < 2 {
        return fail("missing argument for comparison");
    }
    let a = args[0].resolved();
    for b in &args[1..] {
        let b = b.resolved();
        let (ka, kb) = (kind(&a), kind(&b));
        let truth = if ka != kb {
            if ka != Kind::Invalid && kb != Kind::Invalid {
                return fail("incompatible types for comparison");
            }
            false
        } else {
            match (&a, &b) {
                (Value::List(_) | Value::Map(_) | Value::Bytes(_), _) => {
                    return fail(format!(
                        "non-comparable type {}: {}",
                        super::super::format::fmt_v(&a),
                        a.type_name()
                    ));
                }
                _ => match (a.as_int(), b.as_int()) {
                    (Some(x), Some(y)) => x == y,
                    _ => a == b,
                },
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's ordering for `lt`/`le`/`gt`/`ge`.
fn compare(args: &[Value]) -> Result<Ordering, FuncError> {
    arity(args, 2)?;
    let (a, b) = (args[0].resolved(), args[1].resolved());
    match (&a, &b) {
        (Value::Int(_) | Value::Int64(_), Value::Int(_) | Value::Int64(_)) => {
            Ok(a.as_int().cmp(&b.as_int()))
        }
        (Value::Float(x), Value::Float(y)) => Ok(x.partial_cmp(y).unwrap_or(Ordering::Equal)),
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        _ => {
            let basic = |k: &Kind| matches!(k, Kind::Int | Kind::Float | Kind::String);
            if basic(&kind(&a)) && basic(&kind(&b)) {
                fail("incompatible types for comparison")
            } else {
                fail("invalid type for comparison")
            }
        }
    }
}

fn len(v: &Value) -> FuncResult {
    match v.resolved() {
        Value::String(s) => Ok(Value::Int(s.len() as i64)),
        Value::List(l) => Ok(Value::Int(l.len() as i64)),
        Value::Map(m) => Ok(Value::Int(m.len() as i64)),
        Value::Bytes(b) => Ok(Value::Int(b.len() as i64)),
        Value::Nil => fail("len of nil pointer"),
        other => fail(format!("len of type {}", other.type_name())),
    }
}

fn index_int(v: &Value) -> Result<i64, FuncError> {
    match v {
        Value::Int(i) | Value::Int64(i) => Ok(*i),
        Value::Nil => fail("cannot index slice/array with nil"),
        other => fail(format!(
            "cannot index slice/array with type {}",
            other.type_name()
        )),
    }
}

fn index(args: &[Value]) -> FuncResult {
    let mut item = args[0].resolved();
    for key in &args[1..] {
        item = match &item {
            Value::List(l) => {
                let i = index_int(key)?;
                if i < 0 || i as usize >= l.len() {
                    return fail(format!("index out of range: {i}"));
                }
                l[i as usize].clone()
            }
            Value::Bytes(b) => {
                let i = index_int(key)?;
                if i < 0 || i as usize >= b.len() {
                    return fail(format!("index out of range: {i}"));
                }
                Value::Int(b[i as usize] as i64)
            }
            Value::String(s) => {
                let i = index_int(key)?;
                if i < 0 || i as usize >= s.len() {
                    return fail(format!("index out of range: {i}"));
                }
                Value::Int(s.as_bytes()[i as usize] as i64)
            }
            Value::Map(m) => match key {
                Value::String(k) => m.get(k).unwrap_or(Value::Nil),
                Value::Nil => Value::Nil,
                other => {
                    return fail(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ));
                }
            },
            Value::Nil => return fail("index of untyped nil"),
            other => return fail(format!("can't index item of type {}", other.type_name())),
        }
        .resolved();
    }
    Ok(item)
}

fn slice(args: &[Value]) -> FuncResult {
    let item = args[0].resolved();
    let idx: Vec<i64> = args[1..].iter().map(index_int).collect::<Result<_, _>>()?;
    if idx.len() > 3 {
        return fail(format!("too many slice indexes: {}", idx.len()));
    }
    let cap = match &item {
        Value::String(s) => {
            if idx.len() == 3 {
                return fail("cannot 3-index slice a string");
            }
            s.len()
        }
        Value::List(l) => l.len(),
        Value::Nil => return fail("slice of untyped nil"),
        other => return fail(format!("can't slice item of type {}", other.type_name())),
    };
    let lo = idx.first().copied().unwrap_or(0);
    let hi = idx.get(1).copied().unwrap_or(cap as i64);
    if lo < 0 || lo as usize > cap {
        return fail(format!("index out of range: {lo}"));
    }
    if hi < lo || hi as usize > cap {
        return fail(format!("invalid slice index: {lo} > {hi}"));
    }
    Ok(match item {
        Value::String(s) => {
            Value::String(s.get(lo as usize..hi as usize).unwrap_or("").to_string())
        }
        Value::List(l) => Value::from(l[lo as usize..hi as usize].to_vec()),
        _ => Value::Nil,
    })
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
