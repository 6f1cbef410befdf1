//! The `bootstrap git` credentials: how the git CLI uses them for the push, and the Secret the
//! source-controller reads them from (keys as Flux names them).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use serde_json::{Map, Value, json};

/// Credentials for the Git repository, used both for the push and, in a Secret, by the cluster.
#[derive(Args, Debug, Clone, Default)]
pub struct GitAuthArgs {
    /// Basic-auth user name for an HTTPS repository (stored as `username` in the Secret).
    #[arg(long, short = 'u', requires = "password")]
    pub username: Option<String>,

    /// Basic-auth password (stored as `password`). Also read from $GIT_PASSWORD.
    #[arg(long, short = 'p', env = "GIT_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,

    /// Bearer token for an HTTPS repository (stored as `bearerToken`).
    #[arg(long, conflicts_with = "username")]
    pub token: Option<String>,

    /// Private key for an ssh:// repository (stored as `identity`); needs --known-hosts.
    #[arg(long, value_name = "PATH", requires = "known_hosts")]
    pub private_key_file: Option<PathBuf>,

    /// known_hosts file holding the ssh server's host key (stored as `known_hosts`).
    #[arg(long, value_name = "PATH", requires = "private_key_file")]
    pub known_hosts: Option<PathBuf>,

    /// PEM CA certificate the HTTPS server's certificate is signed by (stored as `ca.crt`).
    #[arg(long, value_name = "PATH")]
    pub ca_file: Option<PathBuf>,
}

/// Credentials read from the flags, with file contents loaded.
#[derive(Debug, Default)]
pub struct GitAuth {
    basic: Option<(String, String)>,
    token: Option<String>,
    /// Path and content of the private key.
    ssh_identity: Option<(PathBuf, String)>,
    known_hosts: Option<(PathBuf, String)>,
    ca: Option<(PathBuf, String)>,
}

impl GitAuth {
    pub fn load(args: &GitAuthArgs) -> anyhow::Result<Self> {
        let read = |path: &Option<PathBuf>, flag: &str| -> anyhow::Result<_> {
            path.as_ref()
                .map(|p| {
                    std::fs::read_to_string(p)
                        .with_context(|| format!("cannot read {flag} {}", p.display()))
                        .map(|text| (p.clone(), text))
                })
                .transpose()
        };
        let basic = match (&args.username, &args.password) {
            (Some(user), Some(password)) => Some((user.clone(), password.clone())),
            // A password alone (often just $GIT_PASSWORD in the environment) is not used.
            _ => None,
        };
        Ok(GitAuth {
            basic,
            token: args.token.clone(),
            ssh_identity: read(&args.private_key_file, "--private-key-file")?,
            known_hosts: read(&args.known_hosts, "--known-hosts")?,
            ca: read(&args.ca_file, "--ca-file")?,
        })
    }

    /// Whether any credential was given (no Secret is created for an anonymous repository).
    pub fn is_empty(&self) -> bool {
        self.basic.is_none()
            && self.token.is_none()
            && self.ssh_identity.is_none()
            && self.ca.is_none()
    }

    /// Environment for the git CLI: credentials as `http.extraHeader` through GIT_CONFIG_* (so
    /// they never appear on a command line or in the clone's config), the CA (GIT_SSL_CAINFO),
    /// the ssh command, and no interactive prompt.
    pub fn git_env(&self) -> Vec<(String, String)> {
        let mut config = Vec::new();
        if let Some((user, password)) = &self.basic {
            let encoded = base64_encode(format!("{user}:{password}").as_bytes());
            config.push((
                "http.extraHeader",
                format!("Authorization: Basic {encoded}"),
            ));
        }
        if let Some(token) = &self.token {
            config.push(("http.extraHeader", format!("Authorization: Bearer {token}")));
        }
        let mut env = vec![
            ("GIT_TERMINAL_PROMPT".to_string(), "0".to_string()),
            ("GIT_CONFIG_COUNT".to_string(), config.len().to_string()),
        ];
        for (i, (key, value)) in config.into_iter().enumerate() {
            env.push((format!("GIT_CONFIG_KEY_{i}"), key.to_string()));
            env.push((format!("GIT_CONFIG_VALUE_{i}"), value));
        }
        if let Some((path, _)) = &self.ca {
            // The environment variable, because it overrides http.sslCAInfo and an inherited one.
            env.push(("GIT_SSL_CAINFO".to_string(), path.display().to_string()));
        }
        if let (Some((key, _)), Some((hosts, _))) = (&self.ssh_identity, &self.known_hosts) {
            env.push((
                "GIT_SSH_COMMAND".to_string(),
                format!(
                    "ssh -i '{}' -o IdentitiesOnly=yes -o UserKnownHostsFile='{}' \
                     -o StrictHostKeyChecking=yes -o BatchMode=yes",
                    key.display(),
                    hosts.display()
                ),
            ));
        }
        env
    }

    /// The Secret `name` in `namespace` with the keys source-controller reads.
    pub fn secret(&self, namespace: &str, name: &str) -> Value {
        let mut data = Map::new();
        let mut put = |key: &str, value: &str| {
            data.insert(key.to_string(), Value::String(value.to_string()));
        };
        if let Some((user, password)) = &self.basic {
            put("username", user);
            put("password", password);
        }
        if let Some(token) = &self.token {
            put("bearerToken", token);
        }
        if let Some((_, identity)) = &self.ssh_identity {
            put("identity", identity);
        }
        if let Some((_, hosts)) = &self.known_hosts {
            put("known_hosts", hosts);
        }
        if let Some((_, ca)) = &self.ca {
            put("ca.crt", ca);
        }
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": { "name": name, "namespace": namespace },
            "type": "Opaque",
            "stringData": data,
        })
    }
}

/// Standard base64 with padding (RFC 4648), for the basic-auth header.
fn base64_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("user:pass", "dXNlcjpwYXNz"),
        ] {
            assert_eq!(base64_encode(input.as_bytes()), want, "{input}");
        }
    }

    #[test]
    fn secret_uses_flux_keys_and_git_env_hides_credentials() {
        let auth = GitAuth {
            basic: Some(("git".into(), "s3cret".into())),
            ca: Some(("/tmp/ca.pem".into(), "PEM".into())),
            ..Default::default()
        };
        let secret = auth.secret("ns", "flux-system");
        assert_eq!(secret["stringData"]["username"], "git");
        assert_eq!(secret["stringData"]["password"], "s3cret");
        assert_eq!(secret["stringData"]["ca.crt"], "PEM");
        let env = auth.git_env();
        assert!(
            env.contains(&("GIT_CONFIG_COUNT".into(), "1".into())),
            "{env:?}"
        );
        assert!(
            env.contains(&("GIT_SSL_CAINFO".into(), "/tmp/ca.pem".into())),
            "{env:?}"
        );
        assert!(
            env.iter().all(|(_, v)| !v.contains("s3cret")),
            "password must be encoded: {env:?}"
        );
    }
}
