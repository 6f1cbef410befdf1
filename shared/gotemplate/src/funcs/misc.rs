//! sprig's `fail`, defaults, type inspection, conversion, path and URL functions.

use super::super::value::{Map, Value};
use super::FuncResult;
use super::args::{arity, arity_min, fail, is_empty, string, strval, to_float64, to_int64};

/// Calls one of these functions.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "default" => arity_min(a, 1).map(|_| match a.get(1) {
            Some(v) if !is_empty(v) => v.clone(),
            _ => a[0].clone(),
        }),
        "fail" => arity(a, 1).and_then(|_| fail(string(a, 0)?)),
        "empty" => arity(a, 1).map(|_| Value::Bool(is_empty(&a[0]))),
        "coalesce" => Ok(a.iter().find(|v| !is_empty(v)).cloned().unwrap_or_default()),
        "all" => Ok(Value::Bool(a.iter().all(|v| !is_empty(v)))),
        "any" => Ok(Value::Bool(a.iter().any(|v| !is_empty(v)))),
        "ternary" => arity(a, 3).and_then(|_| match &a[2] {
            Value::Bool(b) => Ok(if *b { a[0].clone() } else { a[1].clone() }),
            other => Err(super::FuncError::Type(
                2,
                format!(
                    "wrong type for value; expected bool; got {}",
                    other.type_name()
                ),
            )),
        }),
        "kindOf" => arity(a, 1).map(|_| Value::from(a[0].kind_name())),
        "kindIs" => arity(a, 2).and_then(|_| Ok(Value::Bool(string(a, 0)? == a[1].kind_name()))),
        "typeOf" => arity(a, 1).map(|_| Value::String(a[0].type_name())),
        "typeIs" => arity(a, 2).and_then(|_| Ok(Value::Bool(string(a, 0)? == a[1].type_name()))),
        "typeIsLike" => arity(a, 2).and_then(|_| {
            let t = string(a, 0)?;
            let actual = a[1].type_name();
            Ok(Value::Bool(t == actual || t == format!("*{actual}")))
        }),
        "deepEqual" => arity(a, 2).map(|_| Value::Bool(a[0] == a[1])),
        "atoi" => {
            arity(a, 1).and_then(|_| Ok(Value::Int(string(a, 0)?.parse::<i64>().unwrap_or(0))))
        }
        "int" => arity(a, 1).map(|_| Value::Int(to_int64(&a[0]))),
        "int64" => arity(a, 1).map(|_| Value::Int64(to_int64(&a[0]))),
        "float64" => arity(a, 1).map(|_| Value::Float(to_float64(&a[0]))),
        "toDecimal" => {
            arity(a, 1).map(|_| Value::Int64(i64::from_str_radix(&strval(&a[0]), 8).unwrap_or(0)))
        }
        "base" | "osBase" => arity(a, 1).and_then(|_| Ok(Value::String(base(&string(a, 0)?)))),
        "dir" | "osDir" => arity(a, 1).and_then(|_| Ok(Value::String(dir(&string(a, 0)?)))),
        "clean" | "osClean" => arity(a, 1).and_then(|_| Ok(Value::String(clean(&string(a, 0)?)))),
        "ext" | "osExt" => arity(a, 1).and_then(|_| Ok(Value::String(ext(&string(a, 0)?)))),
        "isAbs" | "osIsAbs" => {
            arity(a, 1).and_then(|_| Ok(Value::Bool(string(a, 0)?.starts_with('/'))))
        }
        "urlParse" => arity(a, 1).and_then(|_| url_parse(&string(a, 0)?)),
        "urlJoin" => arity(a, 1).and_then(|_| url_join(&a[0])),
        // Rendering does no network I/O; `helm template` prints nothing here either.
        "getHostByName" => arity(a, 1).map(|_| Value::from("")),
        _ => return None,
    })
}

/// Go's `path.Clean`.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

fn dir(p: &str) -> String {
    match p.rfind('/') {
        Some(i) => clean(&p[..=i]),
        None => clean(""),
    }
}

fn ext(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or(p);
    match last.rfind('.') {
        Some(i) => last[i..].to_string(),
        None => String::new(),
    }
}

fn url_parse(u: &str) -> FuncResult {
    let mut m = Map::new();
    let (rest, fragment) = u.split_once('#').unwrap_or((u, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (scheme, rest) = match rest.split_once("://") {
        Some((s, r)) => (s, r),
        None => match rest.split_once(':') {
            Some((s, r)) if !s.contains('/') && !s.is_empty() => (s, r),
            _ => ("", rest),
        },
    };
    let has_authority = u.contains("://");
    let (authority, path) = if has_authority {
        match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        }
    } else {
        ("", rest)
    };
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((ui, h)) => (ui, h),
        None => ("", authority),
    };
    m.insert("scheme".into(), Value::from(scheme));
    m.insert("host".into(), Value::from(host));
    m.insert(
        "hostname".into(),
        Value::from(host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)),
    );
    m.insert("path".into(), Value::from(path));
    m.insert("query".into(), Value::from(query));
    m.insert("opaque".into(), Value::from(""));
    m.insert("fragment".into(), Value::from(fragment));
    m.insert("userinfo".into(), Value::from(userinfo));
    Ok(Value::from(m))
}

fn url_join(v: &Value) -> FuncResult {
    let Value::Map(d) = v.resolved() else {
        return fail("urlJoin: expected a dict");
    };
    let get = |k: &str| d.get(k).map(|v| strval(&v)).unwrap_or_default();
    let mut out = String::new();
    let scheme = get("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let host = get("host");
    let userinfo = get("userinfo");
    if !host.is_empty() || !userinfo.is_empty() {
        out.push_str("//");
        if !userinfo.is_empty() {
            out.push_str(&userinfo);
            out.push('@');
        }
        out.push_str(&host);
    }
    let path = get("path");
    if !host.is_empty() && !path.is_empty() && !path.starts_with('/') {
        out.push('/');
    }
    out.push_str(&path);
    let q = get("query");
    if !q.is_empty() {
        out.push('?');
        out.push_str(&q);
    }
    let f = get("fragment");
    if !f.is_empty() {
        out.push('#');
        out.push_str(&f);
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_go() {
        assert_eq!(clean("a/../b/./c//"), "b/c");
        assert_eq!(base("/a/b.txt"), "b.txt");
        assert_eq!(dir("/a/b.txt"), "/a");
        assert_eq!(ext("x/b.tar.gz"), ".gz");
    }
}
