//! sprig's string functions.

use super::super::format::go_quote;
use super::super::value::{Map, Value};
use super::FuncResult;
use super::args::{arity, int, string, strslice, strval};

fn s(v: String) -> FuncResult {
    Ok(Value::String(v))
}

/// Calls a string function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "trim" => arity(a, 1).and_then(|_| s(string(a, 0)?.trim().to_string())),
        "hello" => Ok(Value::from("Hello!")),
        "trimAll" | "trimall" => arity(a, 2).and_then(|_| {
            let cut: Vec<char> = string(a, 0)?.chars().collect();
            s(string(a, 1)?.trim_matches(|c| cut.contains(&c)).to_string())
        }),
        "trimPrefix" => arity(a, 2).and_then(|_| {
            let (p, x) = (string(a, 0)?, string(a, 1)?);
            s(x.strip_prefix(p.as_str()).unwrap_or(&x).to_string())
        }),
        "trimSuffix" => arity(a, 2).and_then(|_| {
            let (p, x) = (string(a, 0)?, string(a, 1)?);
            s(x.strip_suffix(p.as_str()).unwrap_or(&x).to_string())
        }),
        "upper" => arity(a, 1).and_then(|_| s(string(a, 0)?.to_uppercase())),
        "lower" => arity(a, 1).and_then(|_| s(string(a, 0)?.to_lowercase())),
        "title" => arity(a, 1).and_then(|_| s(title(&string(a, 0)?))),
        "untitle" => arity(a, 1).and_then(|_| s(untitle(&string(a, 0)?))),
        "repeat" => arity(a, 2).and_then(|_| s(string(a, 1)?.repeat(int(a, 0)?.max(0) as usize))),
        "substr" => arity(a, 3).and_then(|_| s(substr(int(a, 0)?, int(a, 1)?, &string(a, 2)?))),
        "nospace" => arity(a, 1).and_then(|_| {
            s(string(a, 0)?
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect())
        }),
        "trunc" => arity(a, 2).and_then(|_| s(trunc(int(a, 0)?, &string(a, 1)?))),
        "abbrev" => arity(a, 2).and_then(|_| s(abbrev(int(a, 0)?, &string(a, 1)?))),
        "abbrevboth" => {
            arity(a, 3).and_then(|_| s(abbrevboth(int(a, 0)?, int(a, 1)?, &string(a, 2)?)))
        }
        "initials" => arity(a, 1).and_then(|_| {
            s(string(a, 0)?
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect())
        }),
        "wrap" => arity(a, 2).and_then(|_| s(wrap(int(a, 0)?, "\n", &string(a, 1)?))),
        "wrapWith" => arity(a, 3).and_then(|_| s(wrap(int(a, 0)?, &string(a, 1)?, &string(a, 2)?))),
        "contains" => {
            arity(a, 2).and_then(|_| Ok(Value::Bool(string(a, 1)?.contains(&string(a, 0)?))))
        }
        "hasPrefix" => {
            arity(a, 2).and_then(|_| Ok(Value::Bool(string(a, 1)?.starts_with(&string(a, 0)?))))
        }
        "hasSuffix" => {
            arity(a, 2).and_then(|_| Ok(Value::Bool(string(a, 1)?.ends_with(&string(a, 0)?))))
        }
        "quote" => s(a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| go_quote(&strval(v)))
            .collect::<Vec<_>>()
            .join(" ")),
        "squote" => s(a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(|v| format!("'{}'", strval(v)))
            .collect::<Vec<_>>()
            .join(" ")),
        "cat" => s(a
            .iter()
            .filter(|v| !matches!(v, Value::Nil))
            .map(strval)
            .collect::<Vec<_>>()
            .join(" ")),
        "indent" => arity(a, 2).and_then(|_| s(indent(int(a, 0)?, &string(a, 1)?))),
        "nindent" => {
            arity(a, 2).and_then(|_| s(format!("\n{}", indent(int(a, 0)?, &string(a, 1)?))))
        }
        "replace" => {
            arity(a, 3).and_then(|_| s(string(a, 2)?.replace(&string(a, 0)?, &string(a, 1)?)))
        }
        "plural" => arity(a, 3).and_then(|_| {
            if int(a, 2)? == 1 {
                s(string(a, 0)?)
            } else {
                s(string(a, 1)?)
            }
        }),
        "snakecase" => arity(a, 1).and_then(|_| s(delimited(&string(a, 0)?, '_'))),
        "kebabcase" => arity(a, 1).and_then(|_| s(delimited(&string(a, 0)?, '-'))),
        "camelcase" => arity(a, 1).and_then(|_| s(camelcase(&string(a, 0)?))),
        "swapcase" => arity(a, 1).and_then(|_| s(swapcase(&string(a, 0)?))),
        "shuffle" => arity(a, 1).and_then(|_| {
            let mut cs: Vec<char> = string(a, 0)?.chars().collect();
            fastrand::shuffle(&mut cs);
            s(cs.into_iter().collect())
        }),
        "toString" => arity(a, 1).and_then(|_| s(strval(&a[0]))),
        "toStrings" => arity(a, 1).map(|_| {
            Value::from(
                strslice(&a[0])
                    .into_iter()
                    .map(Value::String)
                    .collect::<Vec<_>>(),
            )
        }),
        "join" => arity(a, 2).and_then(|_| s(strslice(&a[1]).join(&string(a, 0)?))),
        "splitList" => arity(a, 2).and_then(|_| {
            Ok(Value::from(
                string(a, 1)?
                    .split(string(a, 0)?.as_str())
                    .map(Value::from)
                    .collect::<Vec<_>>(),
            ))
        }),
        "split" => arity(a, 2).and_then(|_| {
            let (sep, x) = (string(a, 0)?, string(a, 1)?);
            Ok(indexed(x.split(sep.as_str())))
        }),
        "splitn" => arity(a, 3).and_then(|_| {
            let (sep, n, x) = (string(a, 0)?, int(a, 1)?, string(a, 2)?);
            if n == 0 {
                return Ok(Value::empty_map());
            }
            if n < 0 {
                return Ok(indexed(x.split(sep.as_str())));
            }
            Ok(indexed(x.splitn(n as usize, sep.as_str())))
        }),
        "sortAlpha" => arity(a, 1).map(|_| {
            let mut l = strslice(&a[0]);
            l.sort();
            Value::from(l.into_iter().map(Value::String).collect::<Vec<_>>())
        }),
        "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => arity(a, 1).and_then(|_| {
            let n = int(a, 0)?.max(0) as usize;
            let set: Vec<char> = match name {
                "randAlphaNum" => ('a'..='z').chain('A'..='Z').chain('0'..='9').collect(),
                "randAlpha" => ('a'..='z').chain('A'..='Z').collect(),
                "randNumeric" => ('0'..='9').collect(),
                _ => (' '..='~').collect(),
            };
            s((0..n).map(|_| set[fastrand::usize(..set.len())]).collect())
        }),
        _ => return None,
    })
}

fn indexed<'a>(parts: impl Iterator<Item = &'a str>) -> Value {
    Value::from(
        parts
            .enumerate()
            .map(|(i, p)| (format!("_{i}"), Value::from(p)))
            .collect::<Map>(),
    )
}

/// Go's `strings.Title`: upper-cases letters that start a word.
fn title(x: &str) -> String {
    let mut prev = ' ';
    x.chars()
        .map(|c| {
            let sep = !(prev.is_alphanumeric() || prev == '_' || prev == '\'');
            prev = c;
            if sep {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn untitle(x: &str) -> String {
    let mut prev = ' ';
    x.chars()
        .map(|c| {
            let start = prev.is_whitespace();
            prev = c;
            if start {
                c.to_lowercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn substr(start: i64, end: i64, x: &str) -> String {
    let len = x.len() as i64;
    let (lo, hi) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    x.get(lo.clamp(0, len) as usize..hi.clamp(0, len) as usize)
        .unwrap_or("")
        .to_string()
}

fn trunc(c: i64, x: &str) -> String {
    let len = x.len() as i64;
    if c < 0 && len + c > 0 {
        return x.get((len + c) as usize..).unwrap_or("").to_string();
    }
    if c >= 0 && len > c {
        return x.get(..c as usize).unwrap_or("").to_string();
    }
    x.to_string()
}

fn abbrev(width: i64, x: &str) -> String {
    if width < 4 {
        return String::new();
    }
    if x.len() as i64 <= width {
        return x.to_string();
    }
    format!("{}...", &x[..(width - 3) as usize])
}

fn abbrevboth(left: i64, width: i64, x: &str) -> String {
    let len = x.len() as i64;
    if width < 4 {
        return String::new();
    }
    if len <= width {
        return x.to_string();
    }
    let mut offset = left.min(len);
    if len - offset < width - 3 {
        offset = len - (width - 3);
    }
    if offset <= 4 {
        return format!("{}...", &x[..(width - 3) as usize]);
    }
    if width < 7 {
        return String::new();
    }
    if offset + width - 3 < len {
        return format!("...{}", abbrev(width - 3, &x[offset as usize..]));
    }
    format!("...{}", &x[(len - (width - 3)) as usize..])
}

fn indent(n: i64, x: &str) -> String {
    let pad = " ".repeat(n.max(0) as usize);
    format!("{pad}{}", x.replace('\n', &format!("\n{pad}")))
}

/// goutils' `WrapCustom` with long words wrapped.
fn wrap(width: i64, newline: &str, x: &str) -> String {
    let width = width.max(1) as usize;
    let mut out = String::new();
    for (li, line) in x.split('\n').enumerate() {
        if li > 0 {
            out.push('\n');
        }
        let mut rest = line.trim_start_matches(' ');
        let mut first = true;
        while rest.len() > width {
            if !first {
                out.push_str(newline);
            }
            first = false;
            let cut = rest[..=width].rfind(' ').filter(|&i| i > 0);
            match cut {
                Some(i) => {
                    out.push_str(&rest[..i]);
                    rest = rest[i + 1..].trim_start_matches(' ');
                }
                None => {
                    out.push_str(&rest[..width]);
                    rest = &rest[width..];
                }
            }
        }
        if !first {
            out.push_str(newline);
        }
        out.push_str(rest);
    }
    out
}

fn words(x: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let cs: Vec<char> = x.chars().collect();
    for (i, &c) in cs.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        if c.is_uppercase() && !cur.is_empty() {
            let prev = cs[i - 1];
            let next_lower = cs.get(i + 1).is_some_and(|n| n.is_lowercase());
            if prev.is_lowercase() || prev.is_ascii_digit() || (prev.is_uppercase() && next_lower) {
                out.push(std::mem::take(&mut cur));
            }
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn delimited(x: &str, sep: char) -> String {
    words(x)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join(&sep.to_string())
}

/// xstrings' `ToCamelCase`: `_`-separated words joined with their first letter upper-cased.
fn camelcase(x: &str) -> String {
    x.split('_')
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_uppercase().chain(cs).collect::<String>(),
                None => String::new(),
            }
        })
        .collect()
}

fn swapcase(x: &str) -> String {
    x.chars()
        .map(|c| {
            if c.is_uppercase() {
                c.to_lowercase().next().unwrap_or(c)
            } else if c.is_lowercase() {
                c.to_uppercase().next().unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_helpers() {
        assert_eq!(title("hello world-foo"), "Hello World-Foo");
        assert_eq!(trunc(5, "hello world"), "hello");
        assert_eq!(trunc(-5, "hello world"), "world");
        assert_eq!(abbrev(5, "hello world"), "he...");
        assert_eq!(delimited("FirstName", '_'), "first_name");
        assert_eq!(camelcase("http_server"), "HttpServer");
        assert_eq!(indent(2, "a\nb"), "  a\n  b");
        assert_eq!(substr(0, 5, "hello world"), "hello");
    }
}
