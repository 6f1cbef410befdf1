//! The Git server: push and clone over HTTPS (basic auth), plain HTTP and ssh; bad credentials and
//! unknown host keys are refused.

use std::path::Path;
use std::process::{Command, Output};

use ferroflux_e2e::{Services, ensure_cluster};
use tempfile::TempDir;

/// Run git in `dir` with an isolated configuration and extra environment.
fn git(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .envs(env.iter().copied())
        .output()
        .expect("cannot run git")
}

fn git_ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = git(dir, args, env);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A local repository with one commit holding `file`; returns (dir, commit id).
fn local_commit(file: &str) -> (TempDir, String) {
    let dir = TempDir::new().unwrap();
    let p = dir.path();
    git_ok(p, &["init", "-q", "-b", "main"], &[]);
    std::fs::write(p.join(file), format!("content of {file}\n")).unwrap();
    git_ok(p, &["add", "."], &[]);
    let id = [
        ("GIT_AUTHOR_NAME", "t"),
        ("GIT_AUTHOR_EMAIL", "t@e"),
        ("GIT_COMMITTER_NAME", "t"),
        ("GIT_COMMITTER_EMAIL", "t@e"),
    ];
    git_ok(p, &["commit", "-q", "-m", file], &id);
    let head = git_ok(p, &["rev-parse", "HEAD"], &[]);
    (dir, head)
}

/// Clone `url` and return the cloned HEAD commit id.
fn clone_head(url: &str, env: &[(&str, &str)]) -> String {
    let dir = TempDir::new().unwrap();
    git_ok(dir.path(), &["clone", "-q", url, "clone"], env);
    git_ok(&dir.path().join("clone"), &["rev-parse", "HEAD"], &[])
}

/// Environment that makes git trust the test CA.
fn https_env(services: &Services) -> [(&'static str, &str); 1] {
    [(
        "GIT_SSL_CAINFO",
        services.ca_cert.to_str().expect("UTF-8 path"),
    )]
}

#[test]
fn push_and_clone_over_https_with_basic_auth() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("https");
    let (work, head) = local_commit("a.txt");
    let env = https_env(services);
    let authed = repo.https_url().replacen(
        "https://",
        &format!(
            "https://{}:{}@",
            services.git_username, services.git_password
        ),
        1,
    );
    git_ok(work.path(), &["push", "-q", &authed, "main"], &env);
    assert_eq!(
        repo.git(&["rev-parse", "refs/heads/main"]),
        head,
        "server-side ref"
    );
    assert_eq!(clone_head(&authed, &env), head);
}

#[test]
fn https_refuses_a_wrong_password_and_no_password() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("https-denied");
    repo.commit_files(&[("a.txt", "a")], "seed");
    let env = https_env(services);
    let dir = TempDir::new().unwrap();
    for url in [
        repo.https_url().replacen(
            "https://",
            &format!("https://{}:wrong@", services.git_username),
            1,
        ),
        repo.https_url(),
    ] {
        let out = git(dir.path(), &["ls-remote", &url], &env);
        assert!(
            !out.status.success(),
            "ls-remote {url} succeeded without valid credentials"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("Authentication failed") || stderr.contains("could not read Username"),
            "unexpected error: {stderr}"
        );
    }
}

#[test]
fn https_refuses_an_untrusted_certificate() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("https-tls");
    let url = services.git_https_base_with_credentials() + &format!("/{}.git", repo.name());
    let dir = TempDir::new().unwrap();
    // An empty CA bundle: the server's certificate cannot be verified.
    let empty_ca = dir.path().join("empty.pem");
    std::fs::write(&empty_ca, "").unwrap();
    let out = git(
        dir.path(),
        &["ls-remote", &url],
        &[("GIT_SSL_CAINFO", empty_ca.to_str().unwrap())],
    );
    assert!(
        !out.status.success(),
        "TLS verification passed with an empty CA bundle"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("certificate verification failed"),
        "unexpected error: {stderr}"
    );
}

#[test]
fn push_and_clone_over_plain_http() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("http");
    let (work, head) = local_commit("b.txt");
    git_ok(work.path(), &["push", "-q", &repo.http_url(), "main"], &[]);
    assert_eq!(clone_head(&repo.http_url(), &[]), head);
}

#[test]
fn push_and_clone_over_ssh() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("ssh");
    let (work, head) = local_commit("c.txt");
    let ssh = services.git_ssh_command();
    let env = [("GIT_SSH_COMMAND", ssh.as_str())];
    git_ok(work.path(), &["push", "-q", &repo.ssh_url(), "main"], &env);
    assert_eq!(repo.git(&["rev-parse", "refs/heads/main"]), head);
    assert_eq!(clone_head(&repo.ssh_url(), &env), head);
}

#[test]
fn ssh_refuses_an_unknown_host_key() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("ssh-hostkey");
    let dir = TempDir::new().unwrap();
    let empty_known_hosts = dir.path().join("known_hosts");
    std::fs::write(&empty_known_hosts, "").unwrap();
    let ssh = format!(
        "ssh -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile={}",
        services.ssh_identity.display(),
        empty_known_hosts.display()
    );
    let out = git(
        dir.path(),
        &["ls-remote", &repo.ssh_url()],
        &[("GIT_SSH_COMMAND", ssh.as_str())],
    );
    assert!(!out.status.success(), "ssh accepted an unknown host key");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Host key verification failed"),
        "unexpected error: {stderr}"
    );
}

#[test]
fn ssh_refuses_a_key_it_does_not_know() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("ssh-key");
    let dir = TempDir::new().unwrap();
    let key = dir.path().join("stranger");
    let keygen = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .unwrap();
    assert!(keygen.success());
    let ssh = format!(
        "ssh -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile={}",
        key.display(),
        services.ssh_known_hosts.display()
    );
    let out = git(
        dir.path(),
        &["ls-remote", &repo.ssh_url()],
        &[("GIT_SSH_COMMAND", ssh.as_str())],
    );
    assert!(!out.status.success(), "ssh accepted an unknown client key");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Permission denied"));
}

#[test]
fn harness_work_tree_commits_are_visible_over_every_protocol() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("harness");
    let first = repo.commit_files(&[("deploy/cm.yaml", "kind: ConfigMap\n")], "first");
    let work = repo.work_tree();
    assert!(
        work.path().join("deploy/cm.yaml").exists(),
        "work tree starts from the server's main"
    );
    work.write("deploy/second.yaml", "kind: Secret\n");
    let second = work.commit("second");
    work.tag("v1.0.0").push("main");
    assert_ne!(first, second);

    let https = services.git_https_base_with_credentials() + &format!("/{}.git", repo.name());
    let env = https_env(services);
    assert_eq!(clone_head(&https, &env), second);
    let ssh = services.git_ssh_command();
    assert_eq!(
        clone_head(&repo.ssh_url(), &[("GIT_SSH_COMMAND", ssh.as_str())]),
        second
    );
    let tags = git_ok(
        Path::new("/"),
        &["ls-remote", "--tags", &repo.http_url()],
        &[],
    );
    assert!(tags.contains("refs/tags/v1.0.0"), "tags: {tags}");
}
