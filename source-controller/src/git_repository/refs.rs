//! Which Git reference to check out, with Flux's precedence: commit > name > semver > tag > branch,
//! default branch `master`. Pure: no network.

use ferroflux_api::source::v1::GitRepositoryRef;

/// Flux's default branch when `spec.ref` is empty.
pub const DEFAULT_BRANCH: &str = "master";

/// The reference to fetch, after precedence was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checkout {
    /// A branch, optionally pinned to a commit on it.
    Branch {
        /// Branch name, without `refs/heads/`.
        branch: String,
        /// Commit to check out instead of the branch head.
        commit: Option<String>,
    },
    /// A tag.
    Tag(String),
    /// The highest tag matching a semver range.
    Semver(String),
    /// A full reference name (`refs/heads/x`, `refs/tags/x`, `refs/pull/1/head`).
    Name(String),
    /// A commit on any branch.
    Commit(String),
}

impl Checkout {
    /// Applies Flux's precedence to `spec.ref`.
    pub fn from_spec(reference: Option<&GitRepositoryRef>) -> Self {
        let r = reference.cloned().unwrap_or_default();
        let non_empty = |s: Option<String>| s.filter(|s| !s.is_empty());
        let (branch, tag, semver, name, commit) = (
            non_empty(r.branch),
            non_empty(r.tag),
            non_empty(r.semver),
            non_empty(r.name),
            non_empty(r.commit),
        );
        match (commit, name, semver, tag, branch) {
            (Some(commit), _, _, _, Some(branch)) => Checkout::Branch {
                branch,
                commit: Some(commit),
            },
            (Some(commit), ..) => Checkout::Commit(commit),
            (None, Some(name), ..) => Checkout::Name(name),
            (None, None, Some(range), ..) => Checkout::Semver(range),
            (None, None, None, Some(tag), _) => Checkout::Tag(tag),
            (None, None, None, None, branch) => Checkout::Branch {
                branch: branch.unwrap_or_else(|| DEFAULT_BRANCH.to_string()),
                commit: None,
            },
        }
    }

    /// The artifact revision for a resolved commit, in Flux's format.
    pub fn revision(&self, resolved_tag: Option<&str>, commit_hex: &str) -> String {
        match self {
            Checkout::Branch { branch, .. } => format!("{branch}@sha1:{commit_hex}"),
            Checkout::Tag(tag) => format!("{tag}@sha1:{commit_hex}"),
            Checkout::Semver(_) => {
                format!("{}@sha1:{commit_hex}", resolved_tag.unwrap_or_default())
            }
            Checkout::Name(name) => format!("{name}@sha1:{commit_hex}"),
            Checkout::Commit(_) => format!("sha1:{commit_hex}"),
        }
    }
}

/// Picks the tag with the highest version satisfying `range`. Tags may carry a `v` prefix.
/// Returns `Ok(None)` when no tag matches, `Err` when the range does not parse.
pub fn highest_matching_tag<'a>(
    range: &str,
    tags: impl IntoIterator<Item = &'a str>,
) -> Result<Option<String>, semver::Error> {
    let req = semver::VersionReq::parse(&normalize_range(range))?;
    let best = tags
        .into_iter()
        .filter_map(|t| parse_version(t).map(|v| (v, t)))
        .filter(|(v, _)| req.matches(v))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
    Ok(best.map(|(_, t)| t.to_string()))
}

/// Parses a tag as a version, accepting a `v` prefix and missing minor/patch (`v1`, `1.2`).
fn parse_version(tag: &str) -> Option<semver::Version> {
    let t = tag.strip_prefix('v').unwrap_or(tag);
    if let Ok(v) = semver::Version::parse(t) {
        return Some(v);
    }
    let (core, rest) = match t.find(['-', '+']) {
        Some(i) => t.split_at(i),
        None => (t, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
        return None;
    }
    let padded: Vec<&str> = parts.iter().copied().chain(["0", "0"]).take(3).collect();
    semver::Version::parse(&format!("{}{rest}", padded.join("."))).ok()
}

/// Masterminds-style ranges to Rust semver: spaces between comparators become commas,
/// `v` prefixes are dropped.
fn normalize_range(range: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut pending_op = String::new();
    for token in range.split_whitespace() {
        let token = token.trim_end_matches(',');
        if matches!(token, ">" | ">=" | "<" | "<=" | "=" | "~" | "^" | "!=") {
            pending_op = token.to_string();
            continue;
        }
        let token = token.replacen(">=v", ">=", 1).replacen("<=v", "<=", 1);
        let token = token.strip_prefix('v').map(str::to_string).unwrap_or(token);
        out.push(format!("{pending_op}{token}"));
        pending_op.clear();
    }
    out.join(", ")
}

#[cfg(test)]
mod tests;
