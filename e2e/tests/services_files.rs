//! Bearer-token Git access and the static file server (for Helm repositories and tarballs).

use std::process::{Command, Output};

use ferroflux_e2e::ensure_cluster;

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("cannot run command")
}

/// HTTP status code of a GET with curl, trusting the test CA; `extra` adds curl arguments.
fn http_status(url: &str, extra: &[&str]) -> String {
    let ca = &ensure_cluster().services().ca_cert;
    let out = run(Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "--cacert"])
        .arg(ca)
        .args(extra)
        .arg(url));
    String::from_utf8_lossy(&out.stdout).to_string()
}

#[test]
fn git_over_https_with_a_bearer_token() {
    let services = ensure_cluster().services();
    let repo = services.create_repo("bearer");
    let commit = repo.commit_files(&[("a.txt", "a")], "seed");
    let ls_remote = |token: &str| {
        run(Command::new("git")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_TERMINAL_PROMPT", "0")
            .env("GIT_SSL_CAINFO", &services.ca_cert)
            .args([
                "-c",
                &format!("http.extraHeader=Authorization: Bearer {token}"),
            ])
            .args(["ls-remote", &repo.token_url(), "refs/heads/main"]))
    };
    let ok = ls_remote(&services.git_token);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).starts_with(&commit));
    let denied = ls_remote("not-the-token");
    assert!(
        !denied.status.success(),
        "a wrong bearer token was accepted"
    );
}

#[test]
fn static_files_over_http_and_https_with_basic_auth() {
    let services = ensure_cluster().services();
    let name = ferroflux_e2e::unique_name("index") + ".yaml";
    std::fs::write(
        services.files_dir.join(&name),
        "apiVersion: v1\nentries: {}\n",
    )
    .unwrap();

    let http = format!("{}/{name}", services.files_http_base);
    assert_eq!(http_status(&http, &[]), "200");
    let https = format!("{}/{name}", services.files_https_base);
    let creds = format!("{}:{}", services.git_username, services.git_password);
    assert_eq!(http_status(&https, &["-u", &creds]), "200");
    assert_eq!(http_status(&https, &[]), "401");
    let wrong = format!("{}:wrong", services.git_username);
    assert_eq!(http_status(&https, &["-u", &wrong]), "401");
    assert_eq!(
        http_status(&format!("{}/missing-{name}", services.files_http_base), &[]),
        "404"
    );
}
