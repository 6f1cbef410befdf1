//! `semver` and `semverCompare` with Masterminds/semver v3 constraint rules: `>=1.2 <2`, `^1.2`,
//! `~1.2`, `1.2.x`, `1.2 - 1.4`, `>= 1.21-0`, `||`, and "prereleases match only constraints
//! that name a prerelease".

use std::cmp::Ordering;
use std::sync::Arc;

use super::super::value::{TemplateObject, Value};
use super::FuncResult;
use super::args::{arity, fail, string};

/// A parsed version, loose like Masterminds' `NewVersion`.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    /// Major number.
    pub major: u64,
    /// Minor number.
    pub minor: u64,
    /// Patch number.
    pub patch: u64,
    /// Text after `-`.
    pub pre: String,
    /// Text after `+`.
    pub meta: String,
    /// The input.
    pub original: String,
}

/// Parses a version; the `bool`s tell which parts were missing or wildcards (minor, patch).
fn parse_parts(input: &str, allow_x: bool) -> Option<(Version, bool, bool)> {
    let s = input.trim();
    let s = s.strip_prefix('v').unwrap_or(s);
    let (rest, meta) = s
        .split_once('+')
        .map(|(a, b)| (a, b.to_string()))
        .unwrap_or((s, String::new()));
    let (nums, pre) = match rest.find('-') {
        Some(i) => (&rest[..i], rest[i + 1..].to_string()),
        None => (rest, String::new()),
    };
    let parts: Vec<&str> = nums.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let is_x = |p: &str| allow_x && matches!(p, "x" | "X" | "*");
    let num = |p: &str| -> Option<u64> {
        if p.chars().all(|c| c.is_ascii_digit()) {
            p.parse().ok()
        } else {
            None
        }
    };
    if is_x(parts[0]) {
        let v = Version {
            major: 0,
            minor: 0,
            patch: 0,
            pre,
            meta,
            original: input.to_string(),
        };
        return Some((v, true, true));
    }
    let major = num(parts[0])?;
    let (minor, minor_dirty) = match parts.get(1) {
        None => (0, true),
        Some(p) if is_x(p) => (0, true),
        Some(p) => (num(p)?, false),
    };
    let (patch, patch_dirty) = match parts.get(2) {
        None => (0, true),
        Some(p) if is_x(p) || minor_dirty => (0, true),
        Some(p) => (num(p)?, false),
    };
    let valid_ident = |s: &str| {
        s.is_empty()
            || s.split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
    };
    if !valid_ident(&pre) || !valid_ident(&meta) {
        return None;
    }
    Some((
        Version {
            major,
            minor,
            patch,
            pre,
            meta,
            original: input.to_string(),
        },
        minor_dirty,
        patch_dirty,
    ))
}

/// Parses a version (loose: `v` prefix and missing parts allowed).
pub fn parse_version(s: &str) -> Option<Version> {
    parse_parts(s, false).map(|(v, _, _)| v)
}

fn cmp_pre(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for (x, y) in pa.iter().zip(pb.iter()) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(i), Ok(j)) => i.cmp(&j),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    pa.len().cmp(&pb.len())
}

impl Version {
    /// Semver precedence (metadata ignored).
    pub fn compare(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| cmp_pre(&self.pre, &o.pre))
    }
}

struct Constraint {
    op: String,
    v: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    /// `*` / `x` as the major: matches every (non-prerelease) version.
    any: bool,
}

impl Constraint {
    fn check(&self, v: &Version) -> bool {
        let c = &self.v;
        if !v.pre.is_empty() && c.pre.is_empty() {
            return false;
        }
        if self.any {
            return !matches!(self.op.as_str(), "!=" | "<" | ">");
        }
        let dirty = self.minor_dirty || self.patch_dirty;
        let ord = v.compare(c);
        match self.op.as_str() {
            "" | "=" => {
                if dirty {
                    v.major == c.major && (self.minor_dirty || v.minor == c.minor)
                } else {
                    ord == Ordering::Equal
                }
            }
            "!=" => {
                if dirty {
                    !(v.major == c.major && (self.minor_dirty || v.minor == c.minor))
                } else {
                    ord != Ordering::Equal
                }
            }
            ">" => {
                if self.minor_dirty {
                    v.major > c.major
                } else if self.patch_dirty {
                    v.major > c.major || (v.major == c.major && v.minor > c.minor)
                } else {
                    ord == Ordering::Greater
                }
            }
            "<" => ord == Ordering::Less,
            ">=" | "=>" => ord != Ordering::Less,
            "<=" | "=<" => {
                if self.minor_dirty {
                    v.major <= c.major
                } else if self.patch_dirty {
                    v.major < c.major || (v.major == c.major && v.minor <= c.minor)
                } else {
                    ord != Ordering::Greater
                }
            }
            "~" | "~>" => {
                if ord == Ordering::Less {
                    return false;
                }
                if c.major == 0
                    && c.minor == 0
                    && c.patch == 0
                    && !self.minor_dirty
                    && !self.patch_dirty
                {
                    return true;
                }
                v.major == c.major && (self.minor_dirty || v.minor == c.minor)
            }
            "^" => {
                if ord == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if v.minor > 0 {
                    return false;
                }
                v.patch == c.patch
            }
            _ => false,
        }
    }
}

fn parse_one(s: &str) -> Option<Constraint> {
    let s = s.trim();
    let op_len = s.chars().take_while(|c| "=<>!~^".contains(*c)).count();
    let (op, rest) = s.split_at(op_len);
    if !matches!(
        op,
        "" | "=" | "!=" | ">" | "<" | ">=" | "=>" | "<=" | "=<" | "~" | "~>" | "^"
    ) {
        return None;
    }
    let rest = rest.trim();
    let any = matches!(rest.split('.').next(), Some("x" | "X" | "*"));
    let (v, minor_dirty, patch_dirty) = parse_parts(rest, true)?;
    Some(Constraint {
        op: op.to_string(),
        v,
        minor_dirty,
        patch_dirty,
        any,
    })
}

/// Parses a constraint string into OR-groups of AND-ed constraints.
fn parse_constraints(s: &str) -> Option<Vec<Vec<Constraint>>> {
    let mut groups = Vec::new();
    for group in s.split("||") {
        // Join operators to their versions (`>= 1.2` -> `>=1.2`), then split on spaces/commas.
        let mut tokens: Vec<String> = Vec::new();
        for t in group.split([' ', ',']).filter(|t| !t.is_empty()) {
            match tokens.last_mut() {
                Some(last) if last.chars().all(|c| "=<>!~^".contains(c)) => last.push_str(t),
                _ => tokens.push(t.to_string()),
            }
        }
        let mut cs = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if tokens.get(i + 1).map(String::as_str) == Some("-") && i + 2 < tokens.len() {
                cs.push(parse_one(&format!(">={}", tokens[i]))?);
                let upper = parse_one(&format!("<={}", tokens[i + 2]))?;
                cs.push(upper);
                i += 3;
                continue;
            }
            cs.push(parse_one(&tokens[i])?);
            i += 1;
        }
        if cs.is_empty() {
            return None;
        }
        groups.push(cs);
    }
    Some(groups)
}

/// Whether `version` satisfies `constraint`.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, String> {
    let groups = parse_constraints(constraint)
        .ok_or_else(|| format!("improper constraint: {constraint}"))?;
    let v = parse_version(version).ok_or("invalid semantic version")?;
    Ok(groups.iter().any(|g| g.iter().all(|c| c.check(&v))))
}

struct VersionObject(Version);

impl TemplateObject for VersionObject {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let v = &self.0;
        Some(Ok(match name {
            "Major" => Value::Int(v.major as i64),
            "Minor" => Value::Int(v.minor as i64),
            "Patch" => Value::Int(v.patch as i64),
            "Prerelease" => Value::String(v.pre.clone()),
            "Metadata" => Value::String(v.meta.clone()),
            "Original" => Value::String(v.original.clone()),
            "String" => Value::String(display(v)),
            "Compare" | "LessThan" | "GreaterThan" | "Equal" => {
                let Some(Value::Object(o)) = args.first() else {
                    return Some(Err("expected a version".into()));
                };
                let Some(other) = o
                    .call_method("String", &[])
                    .and_then(|r| r.ok())
                    .and_then(|s| s.as_str().and_then(parse_version))
                else {
                    return Some(Err("expected a version".into()));
                };
                let ord = v.compare(&other);
                match name {
                    "Compare" => Value::Int(ord as i64),
                    "LessThan" => Value::Bool(ord == Ordering::Less),
                    "GreaterThan" => Value::Bool(ord == Ordering::Greater),
                    _ => Value::Bool(ord == Ordering::Equal),
                }
            }
            _ => return None,
        }))
    }
    fn type_name(&self) -> &str {
        "*semver.Version"
    }
    fn display(&self) -> Option<String> {
        Some(display(&self.0))
    }
}

fn display(v: &Version) -> String {
    let mut s = format!("{}.{}.{}", v.major, v.minor, v.patch);
    if !v.pre.is_empty() {
        s.push('-');
        s.push_str(&v.pre);
    }
    if !v.meta.is_empty() {
        s.push('+');
        s.push_str(&v.meta);
    }
    s
}

/// Calls a semver function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "semver" => arity(a, 1).and_then(|_| match parse_version(&string(a, 0)?) {
            Some(v) => Ok(Value::Object(Arc::new(VersionObject(v)))),
            None => fail("invalid semantic version"),
        }),
        "semverCompare" => {
            arity(a, 2).and_then(|_| match semver_compare(&string(a, 0)?, &string(a, 1)?) {
                Ok(b) => Ok(Value::Bool(b)),
                Err(e) => fail(e),
            })
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::semver_compare as sc;

    #[test]
    fn constraints_like_masterminds() {
        assert!(sc(">=1.2 <2", "1.5.0").unwrap());
        assert!(!sc(">=1.2 <2", "2.0.0").unwrap());
        assert!(sc("^1.2", "1.9.9").unwrap());
        assert!(!sc("^1.2", "2.0.0").unwrap());
        assert!(sc("~1.2", "1.2.9").unwrap());
        assert!(!sc("~1.2", "1.3.0").unwrap());
        assert!(sc("1.2.x", "1.2.7").unwrap());
        assert!(sc(">= 1.21-0", "1.25.3-gke.1").unwrap());
        assert!(!sc(">= 1.21", "1.25.3-gke.1").unwrap());
        assert!(sc("<1 || >=3", "3.1.0").unwrap());
        assert!(sc("1.2 - 1.4", "1.3.0").unwrap());
        assert!(sc("v1.2.3", "1.2.3").unwrap());
        assert!(sc("nope", "1.0.0").is_err());
    }
}
