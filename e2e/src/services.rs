//! Connection facts of the test services, read from `<cluster dir>/services.json`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// How to reach the Git server and the OCI registry that `services.sh` started.
#[derive(Debug, Clone, Deserialize)]
pub struct Services {
    /// Base URL of the Git server over HTTPS with basic auth, e.g. `https://127.0.0.1:24483/git`.
    /// A repository is `<base>/<name>.git`. The certificate is signed by [`Services::ca_cert`].
    pub git_https_base: String,
    /// Base URL of the same repositories over plain HTTP, anonymous read and push.
    pub git_http_base: String,
    /// Basic-auth user for [`Services::git_https_base`].
    pub git_username: String,
    /// Basic-auth password for [`Services::git_https_base`] (random per cluster start).
    pub git_password: String,
    /// Base URL of the same repositories over HTTPS behind a bearer token instead of basic auth,
    /// e.g. `https://127.0.0.1:24483/git-token`.
    pub git_token_base: String,
    /// The bearer token for [`Services::git_token_base`] (`Authorization: Bearer <token>`).
    pub git_token: String,
    /// Directory served as static files (Helm repository indexes, charts, tarballs).
    pub files_dir: PathBuf,
    /// [`Services::files_dir`] over plain HTTP, anonymous, e.g. `http://127.0.0.1:24480/files`.
    pub files_http_base: String,
    /// [`Services::files_dir`] over HTTPS with the Git basic-auth credentials.
    pub files_https_base: String,
    /// PEM CA certificate that signed the Git server's (and the apiserver's) serving certificate.
    pub ca_cert: PathBuf,
    /// Base URL over ssh, e.g. `ssh://root@127.0.0.1:24422/<repos dir>`; login needs
    /// [`Services::ssh_identity`], the host key is in [`Services::ssh_known_hosts`].
    pub git_ssh_base: String,
    /// Private key (ed25519, OpenSSH format) accepted by the ssh server.
    pub ssh_identity: PathBuf,
    /// known_hosts file holding the ssh server's host key.
    pub ssh_known_hosts: PathBuf,
    /// Server-side directory holding the bare repositories.
    pub git_repos_dir: PathBuf,
    /// The OCI registry, `127.0.0.1:PORT`, plain HTTP, no auth.
    pub registry: String,
    /// A second OCI registry, `127.0.0.1:PORT`, HTTPS (certificate signed by [`Services::ca_cert`])
    /// with basic auth: [`Services::git_username`] / [`Services::git_password`].
    pub registry_auth: String,
}

impl Services {
    /// Read the facts file; `None` when it does not exist (services not started).
    pub(crate) fn load(path: &Path) -> Option<Self> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return None,
            Err(err) => panic!("cannot read {}: {err}", path.display()),
        };
        Some(
            serde_json::from_str(&text)
                .unwrap_or_else(|err| panic!("invalid {}: {err}", path.display())),
        )
    }

    /// Value for `GIT_SSH_COMMAND`: our identity, our known_hosts, strict host key checking.
    pub fn git_ssh_command(&self) -> String {
        format!(
            "ssh -i {} -o IdentitiesOnly=yes -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes \
             -o BatchMode=yes",
            self.ssh_identity.display(),
            self.ssh_known_hosts.display()
        )
    }

    /// The HTTPS base URL with the basic-auth credentials embedded (for the git CLI).
    pub fn git_https_base_with_credentials(&self) -> String {
        self.git_https_base.replacen(
            "https://",
            &format!("https://{}:{}@", self.git_username, self.git_password),
            1,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Services;

    fn facts_json() -> String {
        serde_json::json!({
            "git_https_base": "https://127.0.0.1:24483/git",
            "git_http_base": "http://127.0.0.1:24480/git",
            "git_username": "ferroflux",
            "git_password": "s3cret",
            "git_token_base": "https://127.0.0.1:24483/git-token",
            "git_token": "t0ken",
            "files_dir": "/c/files",
            "files_http_base": "http://127.0.0.1:24480/files",
            "files_https_base": "https://127.0.0.1:24483/files",
            "ca_cert": "/c/pki/ca.crt",
            "git_ssh_base": "ssh://root@127.0.0.1:24422/c/repos",
            "ssh_identity": "/c/ssh/id",
            "ssh_known_hosts": "/c/ssh/known_hosts",
            "git_repos_dir": "/c/repos",
            "registry": "127.0.0.1:24500",
            "registry_auth": "127.0.0.1:24501"
        })
        .to_string()
    }

    #[test]
    fn loads_facts_and_derives_urls() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("services.json");
        std::fs::write(&path, facts_json()).unwrap();
        let services = Services::load(&path).expect("facts file exists");
        assert_eq!(services.registry, "127.0.0.1:24500");
        assert_eq!(
            services.git_https_base_with_credentials(),
            "https://ferroflux:s3cret@127.0.0.1:24483/git"
        );
        let ssh = services.git_ssh_command();
        assert!(ssh.contains("-i /c/ssh/id"), "{ssh}");
        assert!(
            ssh.contains("UserKnownHostsFile=/c/ssh/known_hosts"),
            "{ssh}"
        );
        assert!(ssh.contains("StrictHostKeyChecking=yes"), "{ssh}");
    }

    #[test]
    fn missing_facts_file_means_no_services() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Services::load(&dir.path().join("services.json")).is_none());
    }

    #[test]
    #[should_panic(expected = "invalid")]
    fn malformed_facts_file_panics_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("services.json");
        std::fs::write(&path, "{\"registry\": 1}").unwrap();
        Services::load(&path);
    }
}
