//! sprig's list functions (and their `must` variants: the same here, since Go turns a
//! function's panic into the same error).

use super::super::value::Value;
use super::FuncResult;
use super::args::{arity, arity_min, fail, int, is_empty};

fn as_list(v: &Value, what: &str) -> Result<Vec<Value>, super::FuncError> {
    match v.resolved() {
        Value::List(l) => Ok(l.as_ref().clone()),
        Value::Bytes(b) => Ok(b.iter().map(|x| Value::Int(*x as i64)).collect()),
        Value::Nil => Ok(Vec::new()),
        other => fail(format!("Cannot {what} on type {}", other.type_name())),
    }
}

fn list(v: Vec<Value>) -> FuncResult {
    Ok(Value::from(v))
}

/// Calls a list function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    // `mustX` behaves like `x` (Go turns the latter's panic into the same error).
    let n = match name {
        "mustFirst" => "first",
        "mustRest" => "rest",
        "mustLast" => "last",
        "mustInitial" => "initial",
        "mustAppend" => "append",
        "mustPush" => "push",
        "mustPrepend" => "prepend",
        "mustReverse" => "reverse",
        "mustUniq" => "uniq",
        "mustWithout" => "without",
        "mustHas" => "has",
        "mustCompact" => "compact",
        "mustSlice" => "slice",
        "mustChunk" => "chunk",
        other => other,
    };
    Some(match n {
        "list" | "tuple" => list(a.to_vec()),
        "first" => arity(a, 1).and_then(|_| {
            Ok(as_list(&a[0], "find first")?
                .first()
                .cloned()
                .unwrap_or_default())
        }),
        "last" => arity(a, 1).and_then(|_| {
            Ok(as_list(&a[0], "find last")?
                .last()
                .cloned()
                .unwrap_or_default())
        }),
        "rest" => arity(a, 1).and_then(|_| {
            let l = as_list(&a[0], "find rest")?;
            if l.is_empty() {
                Ok(Value::Nil)
            } else {
                list(l[1..].to_vec())
            }
        }),
        "initial" => arity(a, 1).and_then(|_| {
            let l = as_list(&a[0], "find initial")?;
            if l.is_empty() {
                Ok(Value::Nil)
            } else {
                list(l[..l.len() - 1].to_vec())
            }
        }),
        "append" | "push" => arity(a, 2).and_then(|_| {
            let mut l = as_list(&a[0], "push")?;
            l.push(a[1].clone());
            list(l)
        }),
        "prepend" => arity(a, 2).and_then(|_| {
            let mut l = as_list(&a[0], "prepend")?;
            l.insert(0, a[1].clone());
            list(l)
        }),
        "concat" => (|| {
            let mut out = Vec::new();
            for v in a {
                out.extend(as_list(v, "concat")?);
            }
            list(out)
        })(),
        "reverse" => arity(a, 1).and_then(|_| {
            let mut l = as_list(&a[0], "find reverse")?;
            l.reverse();
            list(l)
        }),
        "uniq" => arity(a, 1).and_then(|_| {
            let mut out: Vec<Value> = Vec::new();
            for v in as_list(&a[0], "find uniq")? {
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            list(out)
        }),
        "without" => arity_min(a, 1).and_then(|_| {
            let l = as_list(&a[0], "find without")?;
            list(l.into_iter().filter(|v| !a[1..].contains(v)).collect())
        }),
        "has" => arity(a, 2).and_then(|_| {
            if matches!(a[1], Value::Nil) {
                return Ok(Value::Bool(false));
            }
            Ok(Value::Bool(as_list(&a[1], "find has")?.contains(&a[0])))
        }),
        "compact" => arity(a, 1).and_then(|_| {
            list(
                as_list(&a[0], "compact")?
                    .into_iter()
                    .filter(|v| !is_empty(v))
                    .collect(),
            )
        }),
        "slice" => arity_min(a, 1).and_then(|_| {
            let l = match a[0].resolved() {
                Value::List(l) => l.as_ref().clone(),
                other => {
                    return fail(format!(
                        "list should be type of slice or array but {}",
                        other.kind_name()
                    ));
                }
            };
            let lo = if a.len() > 1 {
                super::args::to_int64(&a[1])
            } else {
                0
            };
            let hi = if a.len() > 2 {
                super::args::to_int64(&a[2])
            } else {
                l.len() as i64
            };
            if lo < 0 || hi < lo || hi as usize > l.len() {
                return fail(format!(
                    "runtime error: slice bounds out of range [{lo}:{hi}] with capacity {}",
                    l.len()
                ));
            }
            list(l[lo as usize..hi as usize].to_vec())
        }),
        "chunk" => arity(a, 2).and_then(|_| {
            let size = int(a, 0)?.max(1) as usize;
            let l = as_list(&a[1], "chunk")?;
            list(l.chunks(size).map(|c| Value::from(c.to_vec())).collect())
        }),
        "until" => arity(a, 1).and_then(|_| {
            list(until_step(
                0,
                int(a, 0)?,
                if int(a, 0)? < 0 { -1 } else { 1 },
            ))
        }),
        "untilStep" => {
            arity(a, 3).and_then(|_| list(until_step(int(a, 0)?, int(a, 1)?, int(a, 2)?)))
        }
        "seq" => seq(a).map(Value::String),
        _ => return None,
    })
}

/// sprig's `untilStep`: an empty list when the step cannot reach `stop`.
fn until_step(start: i64, stop: i64, step: i64) -> Vec<Value> {
    let mut v = Vec::new();
    if step == 0 || (stop < start && step > 0) || (stop > start && step < 0) {
        return v;
    }
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        v.push(Value::Int(i));
        i += step;
    }
    v
}

/// sprig's `seq` (like the Unix tool): `seq 3`, `seq 2 5`, `seq 0 2 10`.
fn seq(a: &[Value]) -> Result<String, super::FuncError> {
    let nums: Vec<i64> = (0..a.len()).map(|i| int(a, i)).collect::<Result<_, _>>()?;
    let (start, step, end) = match nums.as_slice() {
        [] => return Ok(String::new()),
        [e] => {
            if *e == 0 {
                return Ok(String::new());
            }
            (1, if *e > 0 { 1 } else { -1 }, *e)
        }
        [s, e] => (*s, if e >= s { 1 } else { -1 }, *e),
        [s, st, e] => {
            if (e > s && *st <= 0) || (e < s && *st >= 0) || *st == 0 {
                return Ok(String::new());
            }
            (*s, *st, *e)
        }
        _ => return Ok(String::new()),
    };
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i <= end) || (step < 0 && i >= end) {
        out.push(i.to_string());
        i += step;
    }
    Ok(out.join(" "))
}
