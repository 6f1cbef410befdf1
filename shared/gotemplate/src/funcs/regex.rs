//! sprig's regular expression functions over RE2-compatible Rust regexes (see [`super::pattern`]).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use std::borrow::Cow;

use super::pattern::Pattern as Regex;

use super::super::value::Value;
use super::args::{arity, int, string};
use super::{FuncError, FuncResult};

/// Compiled patterns: charts call `regexMatch` with the same few patterns in every template,
/// and compiling one costs more than the rest of the call. Shared, not cloned: a clone of a
/// regex gets a new pool of search caches, and making a cache costs ~12,000 instructions, more
/// than a template's search.
static COMPILED: LazyLock<Mutex<HashMap<String, Arc<Regex>>>> = LazyLock::new(Mutex::default);

/// Patterns kept at most (the cache starts over past this).
const COMPILED_MAX: usize = 256;

fn compile(pattern: &str) -> Result<Arc<Regex>, FuncError> {
    let cached = || COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(re) = cached().get(pattern) {
        return Ok(re.clone());
    }
    let re = Arc::new(compile_new(pattern)?);
    let mut compiled = cached();
    if compiled.len() >= COMPILED_MAX {
        compiled.clear();
    }
    compiled.insert(pattern.to_string(), re.clone());
    Ok(re)
}

/// Whether `name` is a function whose first argument is a pattern.
pub fn takes_pattern(name: &str) -> bool {
    let base = name.strip_prefix("must").unwrap_or(name);
    matches!(
        base,
        "regexMatch"
            | "RegexMatch"
            | "regexFind"
            | "RegexFind"
            | "regexFindAll"
            | "RegexFindAll"
            | "regexReplaceAll"
            | "RegexReplaceAll"
            | "regexReplaceAllLiteral"
            | "RegexReplaceAllLiteral"
            | "regexSplit"
            | "RegexSplit"
    )
}

/// Compiles a pattern ahead of its use (the parser finds constant patterns): templates run one
/// after the other, while parsing is shared among threads, so a pattern compiled there is off the
/// path that decides how long a render takes. A pattern that does not compile is left for the
/// call to report, if it is ever made (as Go reports it: when executed).
pub fn precompile(pattern: &str) {
    let _ = compile(pattern);
}

fn compile_new(pattern: &str) -> Result<Regex, FuncError> {
    Regex::new(&go_syntax(pattern)).map_err(|text| {
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

/// Rewrites what Go's RE2 syntax means differently in Rust's: the Perl classes and word boundaries
/// are ASCII in Go (`\d` is `[0-9]`, `\w` `[0-9A-Za-z_]`, `\s` `[\t\n\f\r ]`) and Unicode in
/// Rust (whose tables also make them several times slower to compile); `\Q...\E` quotes a literal;
/// inside a bracket expression `[` and `&&`/`~~` are plain characters (Rust nests classes and has
/// set operators there).
fn go_syntax(pattern: &str) -> Cow<'_, str> {
    if !pattern.contains(['\\', '[']) {
        return Cow::Borrowed(pattern);
    }
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    // Inside `[...]`, and whether the next character is the first of the class (where `]` is
    // literal).
    let mut in_class = false;
    let mut class_first = false;
    while let Some(c) = chars.next() {
        let first = std::mem::take(&mut class_first);
        match c {
            '\\' => {
                let Some(e) = chars.next() else {
                    out.push('\\');
                    break;
                };
                if e == 'Q' {
                    let mut literal = String::new();
                    while let Some(q) = chars.next() {
                        if q == '\\' && chars.peek() == Some(&'E') {
                            chars.next();
                            break;
                        }
                        literal.push(q);
                    }
                    out.push_str(&regex::escape(&literal));
                    continue;
                }
                let ascii = match (e, in_class) {
                    ('d', false) => "[0-9]",
                    ('D', false) => "[^0-9]",
                    ('w', false) => "[0-9A-Za-z_]",
                    ('W', false) => "[^0-9A-Za-z_]",
                    ('s', false) => "[\\t\\n\\f\\r ]",
                    ('S', false) => "[^\\t\\n\\f\\r ]",
                    ('b', false) => "(?-u:\\b)",
                    ('B', false) => "(?-u:\\B)",
                    ('d', true) => "0-9",
                    ('D', true) => "[^0-9]",
                    ('w', true) => "0-9A-Za-z_",
                    ('W', true) => "[^0-9A-Za-z_]",
                    ('s', true) => "\\t\\n\\f\\r ",
                    ('S', true) => "[^\\t\\n\\f\\r ]",
                    _ => {
                        out.push('\\');
                        out.push(e);
                        continue;
                    }
                };
                out.push_str(ascii);
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                class_first = true;
            }
            // A POSIX class (`[:alpha:]`) is the same in both.
            '[' if chars.peek() == Some(&':') => {
                out.push('[');
                for p in chars.by_ref() {
                    out.push(p);
                    if p == ']' {
                        break;
                    }
                }
            }
            '[' => out.push_str("\\["),
            ']' if in_class && !first => {
                in_class = false;
                out.push(']');
            }
            '&' | '~' if in_class && chars.peek() == Some(&c) => {
                chars.next();
                out.push(c);
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    Cow::Owned(out)
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
            Ok(Value::from(compile(&string(a, 0)?)?.find(&s).unwrap_or("")))
        }),
        "regexFindAll" | "RegexFindAll" => arity(a, 3).and_then(|_| {
            let s = string(a, 1)?;
            let n = int(a, 2)?;
            let re = compile(&string(a, 0)?)?;
            let it = re.find_iter(&s);
            Ok(strs(if n < 0 {
                it.collect()
            } else {
                it.take(n as usize).collect()
            }))
        }),
        "regexReplaceAll" | "RegexReplaceAll" => arity(a, 3).and_then(|_| {
            let (s, repl) = (string(a, 1)?, string(a, 2)?);
            Ok(Value::String(
                compile(&string(a, 0)?)?.replace_all(&s, &repl, true),
            ))
        }),
        "regexReplaceAllLiteral" | "RegexReplaceAllLiteral" => arity(a, 3).and_then(|_| {
            let (s, repl) = (string(a, 1)?, string(a, 2)?);
            Ok(Value::String(
                compile(&string(a, 0)?)?.replace_all(&s, &repl, false),
            ))
        }),
        "regexSplit" | "RegexSplit" => arity(a, 3).and_then(|_| {
            let s = string(a, 1)?;
            let n = int(a, 2)?;
            let re = compile(&string(a, 0)?)?;
            if n == 0 {
                return Ok(Value::from(Vec::new()));
            }
            Ok(strs(re.split(&s, usize::try_from(n).ok())))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_with_a_pattern_shares_one_compiled_regex_and_its_caches() {
        let pattern = "^shared-(\\d+)$";
        let first = compile(pattern).unwrap();
        let second = compile(pattern).unwrap();
        assert!(Arc::ptr_eq(&first, &second));
        assert!(second.is_match("shared-42"));
    }

    #[test]
    fn constant_patterns_are_compiled_when_parsed_and_their_errors_reported_when_run() {
        let cached = |p: &str| COMPILED.lock().unwrap().contains_key(p);
        let mut t = crate::Templates::new();
        t.parse(
            "t",
            r#"{{ regexMatch "^ok-[^x]+$" . }} {{ "b" | mustRegexFind "pre-parse[0-9]" }}{{ if false }}{{ regexReplaceAll "[" . "-" }}{{ end }}"#,
        )
        .unwrap();
        assert!(cached("^ok-[^x]+$") && cached("pre-parse[0-9]"));
        // As in Go, a bad pattern is an error only if the call is made.
        assert!(!cached("["));
        let out = t.render("t", &Value::from("ok-yes")).unwrap();
        assert_eq!(out, "true ");
        t.parse("u", r#"{{ regexReplaceAll "[" . "-" }}"#).unwrap();
        let err = t.render("u", &Value::from("x")).unwrap_err().to_string();
        assert!(
            err.contains("error parsing regexp: missing closing ]: `[`"),
            "{err}"
        );
        assert!(takes_pattern("mustRegexSplit") && !takes_pattern("regexQuoteMeta"));
    }

    #[test]
    fn go_classes_are_ascii() {
        assert_eq!(
            go_syntax(r"^\d+\.\w\s$"),
            r"^[0-9]+\.[0-9A-Za-z_][\t\n\f\r ]$"
        );
        assert_eq!(go_syntax(r"[^a-z\d\-]"), r"[^a-z0-9\-]");
        assert_eq!(go_syntax(r"[\W[:alpha:]]"), r"[[^0-9A-Za-z_][:alpha:]]");
        assert_eq!(go_syntax(r"\\d"), r"\\d");
        assert_eq!(go_syntax(r"[]a[]"), r"[]a\[]");
        assert_eq!(go_syntax(r"[a&&b]"), r"[a&\&b]");
        assert_eq!(go_syntax(r"\Qa.b\E+"), r"a\.b+");
        let re = compile_new(r"^\d+$").unwrap();
        assert!(re.is_match("42") && !re.is_match("\u{663}"));
        let re = compile_new(r"\bx").unwrap();
        assert!(re.is_match("éx"));
    }
}
