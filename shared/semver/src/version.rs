//! [`Version`]: Masterminds' `NewVersion` (lenient) parsing, `Compare` ordering and `String`.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

/// Longest version text accepted (Masterminds' `MaxVersionLen`).
pub const MAX_VERSION_LEN: usize = 256;

/// A semantic version, read leniently: an optional leading `v`, missing minor/patch are 0 and
/// leading zeros in the numbers are allowed (`v1.2`, `1`, `01.02.3`). The prerelease and build
/// metadata must be dot-separated `[0-9A-Za-z-]+` identifiers, and a numeric prerelease
/// identifier has no leading zero.
///
/// Equality and ordering are semver precedence: the numbers, then the prerelease (a version
/// with a prerelease sorts before the same version without one); build metadata and the
/// original text are ignored, so `1.0.0+a == 1.0.0+b`.
#[derive(Clone, Debug)]
pub struct Version {
    /// Major number.
    pub major: u64,
    /// Minor number.
    pub minor: u64,
    /// Patch number.
    pub patch: u64,
    /// Prerelease (text after the first `-`), empty when none.
    pub pre: String,
    /// Build metadata (text after `+`), empty when none.
    pub metadata: String,
    /// The text the version was parsed from (`v1.2` stays `v1.2`).
    pub original: String,
}

/// Why a text is not a [`Version`]; messages are Masterminds'.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Does not have the shape of a version.
    #[error("invalid semantic version")]
    Invalid,
    /// Longer than [`MAX_VERSION_LEN`].
    #[error("version string is too long (max {MAX_VERSION_LEN} bytes)")]
    TooLong,
    /// A number does not fit in 64 bits.
    #[error("error parsing version segment: value out of range")]
    Segment,
    /// A numeric prerelease identifier starts with 0.
    #[error("version segment starts with 0")]
    SegmentStartsZero,
    /// An empty or ill-formed prerelease identifier.
    #[error("invalid prerelease string")]
    Prerelease,
    /// An empty or ill-formed metadata identifier.
    #[error("invalid metadata string")]
    Metadata,
}

impl Version {
    /// Parses like Masterminds' `NewVersion` (no surrounding whitespace allowed).
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        if text.len() > MAX_VERSION_LEN {
            return Err(VersionError::TooLong);
        }
        let s = text.strip_prefix('v').unwrap_or(text);
        let (rest, metadata) = match s.split_once('+') {
            Some((a, b)) => (a, Some(b)),
            None => (s, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (rest, None),
        };
        let nums: Vec<&str> = core.split('.').collect();
        let shape_ok = nums.len() <= 3
            && nums
                .iter()
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            && pre.is_none_or(identifiers)
            && metadata.is_none_or(identifiers);
        if !shape_ok {
            return Err(VersionError::Invalid);
        }
        let num = |i: usize| -> Result<u64, VersionError> {
            nums.get(i)
                .map_or(Ok(0), |n| n.parse().map_err(|_| VersionError::Segment))
        };
        let (major, minor, patch) = (num(0)?, num(1)?, num(2)?);
        let pre = pre.unwrap_or_default();
        for part in pre.split('.').filter(|_| !pre.is_empty()) {
            if part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError::SegmentStartsZero);
            }
        }
        Ok(Version {
            major,
            minor,
            patch,
            pre: pre.to_string(),
            metadata: metadata.unwrap_or_default().to_string(),
            original: text.to_string(),
        })
    }

    /// A version from its parts (Masterminds' `New`); `original` is the canonical text.
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        let mut v = Version {
            major,
            minor,
            patch,
            pre: String::new(),
            metadata: String::new(),
            original: String::new(),
        };
        v.original = v.to_string();
        v
    }

    /// Whether the version has a prerelease.
    pub fn is_prerelease(&self) -> bool {
        !self.pre.is_empty()
    }
}

/// Dot-separated non-empty `[0-9A-Za-z-]+` identifiers.
fn identifiers(s: &str) -> bool {
    s.split('.')
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

/// Masterminds' `comparePrerelease`: identifier by identifier; numbers compare numerically and
/// sort before words, words compare as bytes; a shorter list sorts first. Both are non-empty.
fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('.').collect(), b.split('.').collect());
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (pa.get(i).copied(), pb.get(i).copied());
        let o = match (x, y) {
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(x), Some(y)) if x == y => Ordering::Equal,
            (Some(x), Some(y)) => match (x.parse::<u64>(), y.parse::<u64>()) {
                (Ok(i), Ok(j)) => i.cmp(&j),
                (Ok(_), Err(_)) => Ordering::Less,
                (Err(_), Ok(_)) => Ordering::Greater,
                (Err(_), Err(_)) => x.cmp(y),
            },
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    Ordering::Equal
}

impl Ord for Version {
    fn cmp(&self, o: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(o.major, o.minor, o.patch))
            .then_with(|| match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Version) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl PartialEq for Version {
    fn eq(&self, o: &Version) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Version {}

impl Hash for Version {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Consistent with `Eq`: equal prereleases are equal text (numeric identifiers have no
        // leading zeros), so hashing the text is enough.
        (self.major, self.minor, self.patch, &self.pre).hash(state);
    }
}

impl std::str::FromStr for Version {
    type Err = VersionError;
    fn from_str(s: &str) -> Result<Version, VersionError> {
        Version::parse(s)
    }
}

/// The canonical text, `major.minor.patch[-pre][+metadata]` (Masterminds' `String`).
impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "version_tests.rs"]
mod tests;
