//! Fetching a Git reference with gix and writing its tree to a directory. Blocking: run it in
//! `spawn_blocking`. Shallow (depth 1) for branches, tags, semver and names; full history when
//! a commit is pinned.

use std::num::NonZeroU32;
use std::path::{Component, Path};
use std::sync::atomic::AtomicBool;

use gix::remote::Direction;
use gix::remote::fetch::Shallow;

use super::auth::GitAuth;
use super::refs::{Checkout, highest_matching_tag};

/// What went wrong while fetching. Messages are already redacted.
#[derive(Debug, thiserror::Error)]
pub enum CheckoutError {
    /// The URL cannot be used.
    #[error("invalid Git URL '{url}': {message}")]
    InvalidUrl {
        /// The URL.
        url: String,
        /// Why.
        message: String,
    },
    /// Connecting, authenticating or transferring failed.
    #[error("failed to checkout and determine revision: {0}")]
    FetchRepository(String),
    /// The branch, tag or name does not exist on the remote.
    #[error(
        "failed to checkout and determine revision: unable to find reference '{0}' on the remote"
    )]
    MissingReference(String),
    /// The pinned commit is not in the fetched history.
    #[error("failed to checkout and determine revision: commit '{0}' not found")]
    MissingCommit(String),
    /// `ref.semver` does not parse.
    #[error("invalid semver range '{range}': {message}")]
    InvalidSemverRange {
        /// The range.
        range: String,
        /// Parser message.
        message: String,
    },
    /// No tag satisfies `ref.semver`.
    #[error("failed to checkout and determine revision: no match found for semver range '{0}'")]
    NoMatchingTag(String),
    /// Reading objects or writing files failed.
    #[error("failed to write checkout: {0}")]
    WriteCheckout(String),
}

/// The result of a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// The remote still points at `known_revision`: nothing was downloaded.
    Unchanged(String),
    /// The tree of `revision` was written to the destination.
    Written {
        /// Flux revision string.
        revision: String,
        /// First line of the commit message.
        message: String,
    },
}

/// One fetch: where, what, with which credentials.
pub struct FetchRequest<'a> {
    /// Remote URL.
    pub url: &'a str,
    /// What to check out.
    pub checkout: &'a Checkout,
    /// Credentials.
    pub auth: &'a GitAuth,
    /// Skip the download when the remote resolves to this revision.
    pub known_revision: Option<&'a str>,
    /// Timeout for ssh connects, in seconds.
    pub timeout_secs: u64,
}

/// Fetches the requested reference into a bare repository under `work` and writes its tree to
/// `dest`. `interrupt` aborts the transfer when set (timeout).
pub fn fetch(
    req: &FetchRequest<'_>,
    work: &Path,
    dest: &Path,
    interrupt: &AtomicBool,
) -> Result<Fetched, CheckoutError> {
    let fail = |e: &(dyn std::error::Error + 'static)| {
        CheckoutError::FetchRepository(req.auth.redact(&describe(e)))
    };
    let repo = open_repo(req, work).map_err(|e| fail(e.as_ref()))?;
    let (refspec, shallow, tag) = match req.checkout {
        Checkout::Semver(range) => {
            let tags = list_remote(&repo, req, "+refs/tags/*:refs/tags/*")?;
            let names: Vec<&str> = tags
                .iter()
                .map(|(n, _)| n.trim_start_matches("refs/tags/"))
                .collect();
            let tag = highest_matching_tag(range, names.iter().copied())
                .map_err(|e| CheckoutError::InvalidSemverRange {
                    range: range.clone(),
                    message: e.to_string(),
                })?
                .ok_or_else(|| CheckoutError::NoMatchingTag(range.clone()))?;
            (format!("+refs/tags/{tag}:refs/tags/{tag}"), true, Some(tag))
        }
        Checkout::Branch { branch, commit } => (
            format!("+refs/heads/{branch}:refs/heads/{branch}"),
            commit.is_none(),
            None,
        ),
        Checkout::Tag(tag) => (format!("+refs/tags/{tag}:refs/tags/{tag}"), true, None),
        Checkout::Name(name) => (format!("+{name}:{name}"), true, None),
        Checkout::Commit(_) => ("+refs/heads/*:refs/heads/*".to_string(), false, None),
    };
    let pinned = match req.checkout {
        Checkout::Branch {
            commit: Some(c), ..
        }
        | Checkout::Commit(c) => Some(c.to_lowercase()),
        _ => None,
    };
    if let (Some(c), Some(known)) = (&pinned, req.known_revision)
        && req.checkout.revision(None, c) == known
    {
        return Ok(Fetched::Unchanged(known.to_string()));
    }

    let remote = repo
        .remote_at(req.url)
        .map_err(|e| invalid_url(req, &e))?
        .with_fetch_tags(gix::remote::fetch::Tags::None)
        .with_refspecs([refspec.as_str()], Direction::Fetch)
        .map_err(|e| invalid_url(req, &e))?;
    let connection = connect(&remote, req)?;
    let prepare = connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| fail(&e))?;
    let tip = prepare.ref_map().mappings.iter().find_map(|m| {
        m.remote
            .peeled_id()
            .or_else(|| m.remote.as_id())
            .map(|id| id.to_owned())
    });
    let Some(tip) = tip else {
        let wanted = tag.clone().unwrap_or_else(|| refspec_source(&refspec));
        return Err(CheckoutError::MissingReference(wanted));
    };
    if pinned.is_none() {
        let revision = req.checkout.revision(tag.as_deref(), &tip.to_string());
        if req.known_revision == Some(revision.as_str()) {
            return Ok(Fetched::Unchanged(revision));
        }
    }
    let prepare = if shallow {
        prepare.with_shallow(Shallow::DepthAtRemote(NonZeroU32::MIN))
    } else {
        prepare
    };
    prepare
        .receive(gix::progress::Discard, interrupt)
        .map_err(|e| fail(&e))?;

    let commit_id = match &pinned {
        Some(c) => gix::ObjectId::from_hex(c.as_bytes())
            .map_err(|_| CheckoutError::MissingCommit(c.clone()))?,
        None => tip,
    };
    let write = |e: &dyn std::fmt::Display| CheckoutError::WriteCheckout(e.to_string());
    let object = repo
        .find_object(commit_id)
        .map_err(|_| CheckoutError::MissingCommit(commit_id.to_string()))?;
    let commit = object.peel_to_commit().map_err(|e| write(&e))?;
    let message = commit
        .message_raw_sloppy()
        .to_string()
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    write_tree(&repo, &commit, dest).map_err(|e| write(&e))?;
    Ok(Fetched::Written {
        revision: req
            .checkout
            .revision(tag.as_deref(), &commit.id.to_string()),
        message,
    })
}

fn invalid_url(req: &FetchRequest<'_>, e: &(dyn std::error::Error + 'static)) -> CheckoutError {
    CheckoutError::InvalidUrl {
        url: req.url.to_string(),
        message: req.auth.redact(&describe(e)),
    }
}

/// The error and its causes on one line, without repeating a cause already contained.
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !parts.iter().any(|p| p.contains(&m)) {
            parts.push(m);
        }
        cur = c.source();
    }
    parts.join(": ")
}

fn refspec_source(refspec: &str) -> String {
    let src = refspec.trim_start_matches('+');
    src.split(':').next().unwrap_or(src).to_string()
}

/// A bare repository with in-memory configuration for ssh.
fn open_repo(
    req: &FetchRequest<'_>,
    work: &Path,
) -> Result<gix::Repository, Box<dyn std::error::Error + Send + Sync>> {
    let mut repo = gix::init_bare(work.join("repo.git"))?;
    if req.url.starts_with("ssh://") {
        let cmd = req.auth.ssh_command(work, req.timeout_secs)?;
        let mut config = repo.config_snapshot_mut();
        config.set_raw_value("core.sshCommand", cmd.as_str())?;
        config.set_raw_value("ssh.variant", "ssh")?;
        config.commit()?;
    }
    Ok(repo)
}

type Conn<'r> = gix::remote::Connection<
    'r,
    'r,
    'r,
    Box<dyn gix::protocol::transport::client::blocking_io::Transport + Send>,
>;

/// Connects with credentials, bearer header and custom CA applied.
fn connect<'r>(
    remote: &'r gix::Remote<'r>,
    req: &FetchRequest<'_>,
) -> Result<Conn<'r>, CheckoutError> {
    let fail = |e: &(dyn std::error::Error + 'static)| {
        CheckoutError::FetchRepository(req.auth.redact(&describe(e)))
    };
    let mut connection = remote.connect(Direction::Fetch).map_err(|e| fail(&e))?;
    if let Some((user, pass)) = req.auth.basic.clone() {
        connection.set_credentials(move |action| match action {
            gix::credentials::helper::Action::Get(ctx) => {
                Ok(Some(gix::credentials::protocol::Outcome {
                    identity: gix::sec::identity::Account {
                        username: user.clone(),
                        password: pass.clone(),
                        oauth_refresh_token: None,
                    },
                    next: ctx.into(),
                }))
            }
            _ => Ok(None),
        });
    }
    if req.url.starts_with("http") {
        let opts =
            super::transport::http_options(remote, req.auth).map_err(|e| fail(e.as_ref()))?;
        connection.set_transport_options(opts);
    }
    Ok(connection)
}

/// Lists remote refs matching `refspec` without downloading anything.
fn list_remote(
    repo: &gix::Repository,
    req: &FetchRequest<'_>,
    refspec: &str,
) -> Result<Vec<(String, gix::ObjectId)>, CheckoutError> {
    let fail = |e: &(dyn std::error::Error + 'static)| {
        CheckoutError::FetchRepository(req.auth.redact(&describe(e)))
    };
    let remote = repo
        .remote_at(req.url)
        .map_err(|e| invalid_url(req, &e))?
        .with_fetch_tags(gix::remote::fetch::Tags::None)
        .with_refspecs([refspec], Direction::Fetch)
        .map_err(|e| invalid_url(req, &e))?;
    let connection = connect(&remote, req)?;
    let prepare = connection
        .prepare_fetch(gix::progress::Discard, Default::default())
        .map_err(|e| fail(&e))?;
    Ok(prepare
        .ref_map()
        .remote_refs
        .iter()
        .filter_map(|r| {
            let (name, target, peeled) = r.unpack();
            Some((name.to_string(), peeled.or(target)?.to_owned()))
        })
        .collect())
}

/// Writes the commit's tree to `dest`: regular and executable files and directories. Symlinks
/// and submodules are skipped (artifacts hold only regular files, as Flux's).
fn write_tree(
    repo: &gix::Repository,
    commit: &gix::Commit<'_>,
    dest: &Path,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tree = commit.tree()?;
    let mut recorder = gix::traverse::tree::Recorder::default();
    tree.traverse().breadthfirst(&mut recorder)?;
    std::fs::create_dir_all(dest)?;
    for entry in recorder.records {
        let rel = gix::path::from_bstr(entry.filepath.clone())?.into_owned();
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            continue;
        }
        let path = dest.join(&rel);
        use gix::object::tree::EntryKind;
        match entry.mode.kind() {
            EntryKind::Tree => std::fs::create_dir_all(&path)?,
            kind @ (EntryKind::Blob | EntryKind::BlobExecutable) => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let blob = repo.find_object(entry.oid)?;
                std::fs::write(&path, &blob.data)?;
                #[cfg(unix)]
                if kind == EntryKind::BlobExecutable {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
                }
            }
            EntryKind::Link | EntryKind::Commit => {}
        }
    }
    Ok(())
}
