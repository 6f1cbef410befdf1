//! [`Constraint`]: Masterminds' `NewConstraint` and `Check`.

use std::cmp::Ordering;
use std::fmt;

use crate::version::Version;

/// Longest constraint text accepted (Masterminds' `MaxConstraintLen`).
pub const MAX_CONSTRAINT_LEN: usize = 512;
/// Most `||` groups accepted (Masterminds' `MaxConstraintGroups`).
pub const MAX_CONSTRAINT_GROUPS: usize = 32;

/// A version constraint: `||`-separated groups, each a list of comparisons that must all hold,
/// separated by spaces or commas.
///
/// | form | meaning |
/// |---|---|
/// | `1.2.3`, `=1.2.3` | exactly (build metadata ignored) |
/// | `!=1.2.3` | anything else |
/// | `>1.2.3` `<1.2.3` `>=1.2.3` `<=1.2.3` (`=>`, `=<`) | comparisons |
/// | `1.2.x`, `1.2`, `=1.2`, `1.x`, `*` | wildcards: `~1.2`, `~1`, anything |
/// | `>1.2` / `<=1.2` | `>=1.3.0` / `<1.3.0` (a wildcard compares whole minors or majors) |
/// | `~1.2.3`, `~>1.2.3` | `>=1.2.3 <1.3.0`; `~1` is `>=1 <2` |
/// | `^1.2.3` | `>=1.2.3 <2.0.0`; `^0.2.3` is `<0.3.0`, `^0.0.3` is `<0.0.4` |
/// | `1.2 - 1.4` | `>=1.2 <=1.4` |
///
/// A version with a prerelease only matches a group in which some comparison names a
/// prerelease (`>=1.21-0 <2` admits `1.25.3-gke.1`; `>=1.21` does not).
#[derive(Clone, Debug)]
pub struct Constraint {
    groups: Vec<Group>,
    text: String,
}

#[derive(Clone, Debug)]
struct Group {
    items: Vec<Item>,
    /// Some comparison of the group names a prerelease.
    has_pre: bool,
}

/// One comparison: `origfunc`, `con` and the dirty flags of Masterminds' `constraint`.
#[derive(Clone, Debug)]
struct Item {
    op: Op,
    version: Version,
    /// Any part is a wildcard or missing (`1.2`, `1.x`, `*`).
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

/// Why a text is not a [`Constraint`]; messages are Masterminds'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConstraintError {
    /// Longer than [`MAX_CONSTRAINT_LEN`].
    #[error("constraint string is too long (max {MAX_CONSTRAINT_LEN} bytes)")]
    TooLong,
    /// More than [`MAX_CONSTRAINT_GROUPS`] `||` groups.
    #[error("too many constraint groups (max {MAX_CONSTRAINT_GROUPS})")]
    TooManyGroups,
    /// A group that is not a list of comparisons (the group's text).
    #[error("improper constraint: {0:?}")]
    Improper(String),
    /// A comparison whose version does not parse (`1x.2`, `1|2`).
    #[error("constraint parser error")]
    Parser,
}

impl Constraint {
    /// Parses like Masterminds' `NewConstraint`.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        if text.len() > MAX_CONSTRAINT_LEN {
            return Err(ConstraintError::TooLong);
        }
        let rewritten = rewrite_ranges(text);
        let segments: Vec<&str> = rewritten.split("||").collect();
        if segments.len() > MAX_CONSTRAINT_GROUPS {
            return Err(ConstraintError::TooManyGroups);
        }
        let mut groups = Vec::with_capacity(segments.len());
        for seg in segments {
            let found = split_group(seg).ok_or_else(|| ConstraintError::Improper(seg.into()))?;
            let items = found
                .into_iter()
                .map(|(op, cv)| parse_item(op, cv))
                .collect::<Result<Vec<_>, _>>()?;
            let has_pre = items.iter().any(|i| i.version.is_prerelease());
            groups.push(Group { items, has_pre });
        }
        Ok(Constraint {
            groups,
            text: text.to_string(),
        })
    }

    /// Whether `version` satisfies the constraint (Masterminds' `Check`).
    pub fn matches(&self, version: &Version) -> bool {
        self.groups.iter().any(|g| {
            let pre_ok = g.has_pre || !version.is_prerelease();
            pre_ok && g.items.iter().all(|i| i.check(version))
        })
    }

    /// Whether `version` parses as a [`Version`] and satisfies the constraint.
    pub fn matches_str(&self, version: &str) -> bool {
        Version::parse(version).is_ok_and(|v| self.matches(&v))
    }
}

/// The text the constraint was parsed from.
impl fmt::Display for Constraint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for Constraint {
    type Err = ConstraintError;
    fn from_str(s: &str) -> Result<Constraint, ConstraintError> {
        Constraint::parse(s)
    }
}

/// Go's `\s`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// The operators Masterminds knows.
const OPS: [&str; 12] = [
    "", "=", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^",
];

fn is_op_char(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'<' | b'>' | b'~' | b'^')
}

/// Characters of a version part in a constraint (`[0-9|x|X|\*]` in Masterminds' regex).
fn is_part_char(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'x' | b'X' | b'*' | b'|')
}

fn is_ident_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

fn skip_spaces(s: &[u8], mut i: usize) -> usize {
    while i < s.len() && is_space(s[i]) {
        i += 1;
    }
    i
}

/// End of the version (`v?P(.P)?(.P)?(-ids)?(+ids)?`) starting at `i`, if one starts there.
fn scan_version(s: &[u8], i: usize) -> Option<usize> {
    let run = |mut j: usize, f: fn(u8) -> bool| {
        while j < s.len() && f(s[j]) {
            j += 1;
        }
        j
    };
    let mut j = if s.get(i) == Some(&b'v') { i + 1 } else { i };
    let end = run(j, is_part_char);
    if end == j {
        return None;
    }
    j = end;
    for _ in 0..2 {
        if s.get(j) == Some(&b'.') && s.get(j + 1).is_some_and(|&b| is_part_char(b)) {
            j = run(j + 1, is_part_char);
        }
    }
    for lead in [b'-', b'+'] {
        if s.get(j) == Some(&lead) && s.get(j + 1).is_some_and(|&b| is_ident_char(b)) {
            j = run(j + 1, is_ident_char);
            while s.get(j) == Some(&b'.') && s.get(j + 1).is_some_and(|&b| is_ident_char(b)) {
                j = run(j + 1, is_ident_char);
            }
        }
    }
    Some(j)
}

/// Splits one `||` group into (operator, version) pairs; `None` when it is not a list of
/// comparisons separated by whitespace or a comma (Masterminds' `validConstraintRegex`).
fn split_group(seg: &str) -> Option<Vec<(&str, &str)>> {
    let s = seg.as_bytes();
    let mut out = Vec::new();
    let mut i = skip_spaces(s, 0);
    loop {
        let op_start = i;
        while i < s.len() && is_op_char(s[i]) {
            i += 1;
        }
        let op = &seg[op_start..i];
        if !OPS.contains(&op) {
            return None;
        }
        i = skip_spaces(s, i);
        let end = scan_version(s, i)?;
        out.push((op, &seg[i..end]));
        i = skip_spaces(s, end);
        if i == s.len() {
            return Some(out);
        }
        if s[i] == b',' {
            i = skip_spaces(s, i + 1);
        } else if i == end {
            return None;
        }
    }
}

/// Masterminds' `rewriteRange`: every `a - b` becomes `>= a, <= b `.
fn rewrite_ranges(text: &str) -> String {
    let s = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut i) = (0, 0);
    while i < s.len() {
        if let Some((a, b)) = range_at(s, i) {
            out.push_str(&text[copied..i]);
            out.push_str(&format!(">= {}, <= {} ", &text[a.0..a.1], &text[b.0..b.1]));
            i = skip_spaces(s, b.1);
            copied = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// A match of `\s*(cv)\s+-\s+(cv)\s*` starting at `i`: the spans of the two versions.
fn range_at(s: &[u8], i: usize) -> Option<((usize, usize), (usize, usize))> {
    let a = skip_spaces(s, i);
    let a_end = scan_version(s, a)?;
    let dash = skip_spaces(s, a_end);
    if dash == a_end || s.get(dash) != Some(&b'-') {
        return None;
    }
    let b = skip_spaces(s, dash + 1);
    if b == dash + 1 {
        return None;
    }
    Some(((a, a_end), (b, scan_version(s, b)?)))
}

fn is_x(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
}

/// Masterminds' `parseConstraint` for an operator and a version already split apart.
fn parse_item(op: &str, cv: &str) -> Result<Item, ConstraintError> {
    let op = match op {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        "^" => Op::Caret,
        _ => unreachable!("split_group admits only known operators"),
    };
    let bare = cv.strip_prefix('v').unwrap_or(cv);
    let core_end = bare.find(['-', '+']).unwrap_or(bare.len());
    let parts: Vec<&str> = bare[..core_end].split('.').collect();
    // The prerelease with its `-`, without build metadata.
    let pre = match bare[core_end..].strip_prefix('-') {
        Some(p) => format!("-{}", p.split('+').next().unwrap_or_default()),
        None => String::new(),
    };
    let missing_or_x = |i: usize| parts.get(i).is_none_or(|p| is_x(p));
    let (text, dirty, minor_dirty, patch_dirty) = if is_x(parts[0]) {
        (format!("0.0.0{pre}"), true, false, false)
    } else if missing_or_x(1) {
        (format!("{}.0.0{pre}", parts[0]), true, true, false)
    } else if missing_or_x(2) {
        (
            format!("{}.{}.0{pre}", parts[0], parts[1]),
            true,
            false,
            true,
        )
    } else {
        (cv.to_string(), false, false, false)
    };
    let version = Version::parse(&text).map_err(|_| ConstraintError::Parser)?;
    Ok(Item {
        op,
        version,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Item {
    /// Masterminds' constraint functions, after the group-level prerelease check.
    fn check(&self, v: &Version) -> bool {
        let c = &self.version;
        let ord = v.cmp(c);
        match self.op {
            Op::TildeOrEqual if self.dirty => self.tilde(v),
            Op::TildeOrEqual => ord == Ordering::Equal,
            Op::Tilde => self.tilde(v),
            Op::NotEqual if self.dirty => {
                if c.major != v.major || (c.minor != v.minor && !self.minor_dirty) {
                    true
                } else if self.minor_dirty {
                    false
                } else if c.patch != v.patch && !self.patch_dirty {
                    true
                } else if self.patch_dirty {
                    v.pre != c.pre
                } else {
                    ord != Ordering::Equal
                }
            }
            Op::NotEqual => ord != Ordering::Equal,
            Op::Greater if self.dirty => {
                if v.major != c.major {
                    v.major > c.major
                } else if self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    ord == Ordering::Greater
                }
            }
            Op::Greater => ord == Ordering::Greater,
            Op::Less => ord == Ordering::Less,
            Op::GreaterEqual => ord != Ordering::Less,
            Op::LessEqual if self.dirty => {
                !(v.major > c.major
                    || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            Op::LessEqual => ord != Ordering::Greater,
            Op::Caret => {
                if ord == Ordering::Less {
                    false
                } else if c.major > 0 || self.minor_dirty {
                    v.major == c.major
                } else if v.major > 0 {
                    false
                } else if c.minor > 0 || self.patch_dirty {
                    v.minor == c.minor
                } else {
                    v.minor == 0 && v.patch == c.patch
                }
            }
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v < c {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (self.minor_dirty || v.minor == c.minor)
    }
}

#[cfg(test)]
#[path = "constraint_tests.rs"]
mod tests;
