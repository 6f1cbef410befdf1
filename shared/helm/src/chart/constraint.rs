//! Semantic versions and version constraints as Helm reads them (Masterminds/semver v3):
//! lenient versions (`v1.2`, `1`), and constraints such as `>=1.19.0-0`, `^1.2 || ~2.0`,
//! `1.2 - 1.4`, `1.x`.

use std::cmp::Ordering;

/// A lenient semantic version: missing minor/patch are 0, a leading `v` is allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    /// Major number.
    pub major: u64,
    /// Minor number.
    pub minor: u64,
    /// Patch number.
    pub patch: u64,
    /// Pre-release, empty when none.
    pub pre: semver::Prerelease,
}

impl Version {
    /// Parses like Masterminds `NewVersion`; `None` when it is not a version.
    pub fn parse(text: &str) -> Option<Version> {
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let (core, _build) = text.split_once('+').unwrap_or((text, ""));
        let (core, pre) = core.split_once('-').unwrap_or((core, ""));
        let mut nums = core.split('.');
        let mut next = |required: bool| -> Option<u64> {
            match nums.next() {
                Some(n) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => n.parse().ok(),
                None if !required => Some(0),
                _ => None,
            }
        };
        let (major, minor, patch) = (next(true)?, next(false)?, next(false)?);
        if nums.next().is_some() {
            return None;
        }
        let pre = if pre.is_empty() {
            semver::Prerelease::EMPTY
        } else {
            semver::Prerelease::new(pre).ok()?
        };
        Some(Version {
            major,
            minor,
            patch,
            pre,
        })
    }

    fn cmp_to(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| self.pre.cmp(&other.pre))
    }
}

/// An `||` of `&&` groups of single constraints.
#[derive(Clone, Debug)]
pub struct Constraint {
    groups: Vec<Vec<Single>>,
}

#[derive(Clone, Debug)]
struct Single {
    op: String,
    version: Version,
    dirty: bool,
    minor_dirty: bool,
    patch_dirty: bool,
}

/// A constraint that does not parse.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("improper constraint: {0}")]
pub struct ConstraintError(pub String);

impl Constraint {
    /// Parses a constraint string.
    pub fn parse(text: &str) -> Result<Constraint, ConstraintError> {
        let mut groups = Vec::new();
        for group in text.split("||") {
            let tokens = tokenize(group);
            let tokens = rewrite_hyphen_ranges(tokens);
            let mut singles = Vec::new();
            let mut i = 0;
            while i < tokens.len() {
                let (op, ver) = split_op(&tokens[i]);
                let (op, ver) = if ver.is_empty() {
                    i += 1;
                    (op, tokens.get(i).cloned().unwrap_or_default())
                } else {
                    (op, ver)
                };
                singles.push(
                    parse_single(&op, &ver).ok_or_else(|| ConstraintError(text.to_string()))?,
                );
                i += 1;
            }
            if singles.is_empty() {
                return Err(ConstraintError(text.to_string()));
            }
            groups.push(singles);
        }
        Ok(Constraint { groups })
    }

    /// Whether `version` satisfies the constraint.
    pub fn check(&self, version: &Version) -> bool {
        self.groups
            .iter()
            .any(|g| g.iter().all(|s| s.check(version)))
    }
}

/// Whether `version` satisfies `constraint` (both as strings); false when either does not parse.
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Constraint::parse(constraint), Version::parse(version)) {
        (Ok(c), Some(v)) => c.check(&v),
        _ => false,
    }
}

fn tokenize(group: &str) -> Vec<String> {
    group
        .split([' ', ',', '\t'])
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// `a - b` becomes `>=a <=b`.
fn rewrite_hyphen_ranges(tokens: Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if i + 2 < tokens.len() && tokens[i + 1] == "-" {
            out.push(format!(">={}", tokens[i]));
            out.push(format!("<={}", tokens[i + 2]));
            i += 3;
        } else {
            out.push(tokens[i].clone());
            i += 1;
        }
    }
    out
}

fn split_op(token: &str) -> (String, String) {
    let end = token
        .find(|c: char| !matches!(c, '=' | '!' | '>' | '<' | '~' | '^'))
        .unwrap_or(token.len());
    (token[..end].to_string(), token[end..].to_string())
}

fn is_x(part: &str) -> bool {
    matches!(part, "x" | "X" | "*")
}

fn parse_single(op: &str, text: &str) -> Option<Single> {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (core, rest) = match text.find(['-', '+']) {
        Some(i) => (&text[..i], &text[i..]),
        None => (text, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let (mut dirty, mut minor_dirty, mut patch_dirty) = (false, false, false);
    let normalized = if is_x(parts[0]) {
        dirty = true;
        "0.0.0".to_string()
    } else if parts.len() < 2 || is_x(parts[1]) {
        dirty = true;
        minor_dirty = true;
        format!("{}.0.0{}", parts[0], rest)
    } else if parts.len() < 3 || is_x(parts[2]) {
        dirty = true;
        patch_dirty = true;
        format!("{}.{}.0{}", parts[0], parts[1], rest)
    } else {
        text.to_string()
    };
    let op = match op {
        "" | "=" => "=",
        "!=" => "!=",
        ">" => ">",
        "<" => "<",
        ">=" | "=>" => ">=",
        "<=" | "=<" => "<=",
        "~" | "~>" => "~",
        "^" => "^",
        _ => return None,
    };
    Some(Single {
        op: op.to_string(),
        version: Version::parse(&normalized)?,
        dirty,
        minor_dirty,
        patch_dirty,
    })
}

impl Single {
    fn check(&self, v: &Version) -> bool {
        let c = &self.version;
        // A pre-release version only satisfies constraints that name a pre-release.
        if !v.pre.is_empty() && c.pre.is_empty() {
            return false;
        }
        let ord = v.cmp_to(c);
        match self.op.as_str() {
            "=" if self.dirty => self.tilde(v),
            "=" => ord == Ordering::Equal,
            "~" => self.tilde(v),
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if self.minor_dirty {
                        return false;
                    }
                    if c.minor != v.minor {
                        return true;
                    }
                    return !self.patch_dirty && c.patch != v.patch;
                }
                ord != Ordering::Equal
            }
            ">" => {
                if !self.dirty {
                    return ord == Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major > c.major;
                }
                !self.minor_dirty && self.patch_dirty && v.minor > c.minor
            }
            "<" => ord == Ordering::Less,
            ">=" => ord != Ordering::Less,
            "<=" => {
                if !self.dirty {
                    return ord != Ordering::Greater;
                }
                if v.major != c.major {
                    return v.major < c.major;
                }
                self.minor_dirty || v.minor <= c.minor
            }
            "^" => {
                if ord == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.major == 0 && v.minor == c.minor;
                }
                v.major == 0 && v.minor == 0 && v.patch == c.patch
            }
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.cmp_to(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        v.major == c.major && (self.minor_dirty || v.minor == c.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::is_compatible_range as ok;

    #[test]
    fn masterminds_cases() {
        assert!(ok(">=1.19.0-0", "v1.37.0"));
        assert!(ok(">= 1.19.0-0", "1.37.0"));
        assert!(!ok(">=1.19.0", "1.37.0-rc.1"));
        assert!(ok("^1.2", "1.9.0"));
        assert!(!ok("^1.2", "2.0.0"));
        assert!(ok("~1.2", "1.2.9"));
        assert!(!ok("~1.2", "1.3.0"));
        assert!(ok("1.2 - 1.4", "1.3.5"));
        assert!(ok("1.x", "1.9.9"));
        assert!(ok("*", "3.0.0"));
        assert!(ok("<1.0 || >=2.0", "2.1.0"));
        assert!(!ok("<1.0 || >=2.0", "1.5.0"));
        assert!(ok(">=1.2, <2", "1.5.0"));
        assert!(ok("2.x.x", "2.3.4"));
        assert!(!ok(">1.2", "1.2.5"));
        assert!(ok("<=1.2", "1.2.9"));
        assert!(ok("=1.2.3", "1.2.3"));
        assert!(!ok("!=1.2.3", "1.2.3"));
    }
}
