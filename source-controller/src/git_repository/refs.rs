//! Which Git reference to check out, with Flux's precedence: commit > name > semver > tag > branch,
//! default branch `master`. Pure: no network.

use ferroflux_api::source::v1::GitRepositoryRef;
use ferroflux_semver::{Constraint, ConstraintError, Version};

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

/// Picks the tag with the highest version satisfying `range` (a Masterminds/semver constraint),
/// as Flux does: a tag is a version when it has three dot-separated parts and parses leniently
/// (`v1.2.3`, `1.2.3-rc.1`; not `v1.4` nor `latest`); other tags are ignored. Among tags of equal
/// precedence (`v1.0.0`, `1.0.0+build`) the first by name wins.
/// Returns `Ok(None)` when no tag matches, `Err` when the range does not parse.
pub fn highest_matching_tag<'a>(
    range: &str,
    tags: impl IntoIterator<Item = &'a str>,
) -> Result<Option<String>, ConstraintError> {
    let constraint = Constraint::parse(range)?;
    let best = tags
        .into_iter()
        .filter_map(|t| parse_tag(t).map(|v| (v, t)))
        .filter(|(v, _)| constraint.matches(v))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.cmp(a.1)));
    Ok(best.map(|(_, t)| t.to_string()))
}

/// Flux's `version.ParseVersion`: three dot-separated parts, then Masterminds' lenient parse.
fn parse_tag(tag: &str) -> Option<Version> {
    if tag.splitn(3, '.').count() != 3 {
        return None;
    }
    Version::parse(tag).ok()
}

#[cfg(test)]
mod tests;
