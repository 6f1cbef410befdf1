//! sprig's regular expression functions over RE2-compatible Rust regexes.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use regex::Regex;

use super::super::value::Value;
use super::args::{arity, int, string};
use super::{FuncError, FuncResult};

/// Compiled patterns: charts call `regexMatch` with the same few patterns in every template,
/// and compiling one costs more than the rest of the call (cloning a `Regex` is cheap).
static COMPILED: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Mutex::default);

/// Patterns kept at most (the cache starts over past this).
const COMPILED_MAX: usize = 256;

fn compile(pattern: &str) -> Result<Regex, FuncError> {
    let cached = || COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(re) = cached().get(pattern) {
        return Ok(re.clone());
    }
    let re = compile_new(pattern)?;
    let mut compiled = cached();
    if compiled.len() >= COMPILED_MAX {
        compiled.clear();
    }
    compiled.insert(pattern.to_string(), re.clone());
    Ok(re)
}

fn compile_new(pattern: &str) -> Result<Regex, FuncError> {
    Regex::new(pattern).map_err(|e| {
        let text = e.to_string();
        let last = text
            .lines()
            .last()
            .unwrap_or(&text)
            .trim()
            .trim_start_matches("error: ");
        // Go's wording for the common mistakes; others keep Rust's.
        let code = match last {
            "unclosed character class" => "missing closing ]",
            "unclosed group" => "missing closing )",
            "unopened group" => "unexpected )",
            "repetition operator missing expression" => "missing argument to repetition operator",
            "unrecognized escape sequence" => "invalid escape sequence",
            other => other,
        };
        FuncError::Call(format!("error parsing regexp: {code}: `{pattern}`"))
    })
}

fn strs(v: Vec<&str>) -> Value {
    Value::from(v.into_iter().map(Value::from).collect::<Vec<_>>())
}

/// Calls a regex function (`mustX` variants behave the same).
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    let base = name.strip_prefix("must").unwrap_or(name);
    Some(match base {
        "regexMatch" | "RegexMatch" => arity(a, 2).and_then(|_| {
            Ok(Value::Bool(
                compile(&string(a, 0)?)?.is_match(&string(a, 1)?),
            ))
        }),
        "regexFind" | "RegexFind" => arity(a, 2).and_then(|_| {
            let s = string(a, 1)?;
            Ok(Value::from(
                compile(&string(a, 0)?)?
                    .find(&s)
                    .map(|m| m.as_str())
                    .unwrap_or(""),
            ))
        }),
        "regexFindAll" | "RegexFindAll" => arity(a, 3).and_then(|_| {
            let s = string(a, 1)?;
            let n = int(a, 2)?;
            let re = compile(&string(a, 0)?)?;
            let it = re.find_iter(&s).map(|m| m.as_str());
            Ok(strs(if n < 0 {
                it.collect()
            } else {
                it.take(n as usize).collect()
            }))
        }),
        "regexReplaceAll" | "RegexReplaceAll" => arity(a, 3).and_then(|_| {
            let (s, repl) = (string(a, 1)?, string(a, 2)?);
            Ok(Value::String(
                compile(&string(a, 0)?)?
                    .replace_all(&s, repl.as_str())
                    .into_owned(),
            ))
        }),
        "regexReplaceAllLiteral" | "RegexReplaceAllLiteral" => arity(a, 3).and_then(|_| {
            let (s, repl) = (string(a, 1)?, string(a, 2)?);
            Ok(Value::String(
                compile(&string(a, 0)?)?
                    .replace_all(&s, regex::NoExpand(&repl))
                    .into_owned(),
            ))
        }),
        "regexSplit" | "RegexSplit" => arity(a, 3).and_then(|_| {
            let s = string(a, 1)?;
            let n = int(a, 2)?;
            let re = compile(&string(a, 0)?)?;
            if n == 0 {
                return Ok(Value::from(Vec::new()));
            }
            Ok(strs(if n < 0 {
                re.split(&s).collect()
            } else {
                re.splitn(&s, n as usize).collect()
            }))
        }),
        "regexQuoteMeta" => arity(a, 1).and_then(|_| Ok(Value::String(quote_meta(&string(a, 0)?)))),
        _ => return None,
    })
}

/// Go's `regexp.QuoteMeta`.
fn quote_meta(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
