//! Credentials for a Git remote, read from the Secret named by `spec.secretRef`.
//!
//! Keys as Flux's: `username` + `password` (basic auth), `bearerToken`, `identity` +
//! `known_hosts` (ssh), `ca.crt` (custom CA for HTTPS). Values never reach logs or status:
//! [`GitAuth::redact`] scrubs them from any message.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use k8s_openapi::ByteString;

/// Credentials and trust material for one fetch.
#[derive(Clone, Default)]
pub struct GitAuth {
    /// Basic auth username and password.
    pub basic: Option<(String, String)>,
    /// Token sent as `Authorization: Bearer <token>`.
    pub bearer: Option<String>,
    /// Private key for ssh (PEM/OpenSSH text).
    pub ssh_identity: Option<Vec<u8>>,
    /// `known_hosts` lines for ssh.
    pub known_hosts: Option<Vec<u8>>,
    /// PEM CA bundle trusted for HTTPS in addition to the system roots.
    pub ca_pem: Option<Vec<u8>>,
}

impl std::fmt::Debug for GitAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitAuth")
            .field("basic", &self.basic.is_some())
            .field("bearer", &self.bearer.is_some())
            .field("ssh_identity", &self.ssh_identity.is_some())
            .field("known_hosts", &self.known_hosts.is_some())
            .field("ca_pem", &self.ca_pem.is_some())
            .finish()
    }
}

impl GitAuth {
    /// Reads Flux's keys from Secret data.
    pub fn from_secret_data(data: &BTreeMap<String, ByteString>) -> Self {
        let get = |k: &str| data.get(k).map(|v| v.0.clone()).filter(|v| !v.is_empty());
        let text = |k: &str| get(k).map(|v| String::from_utf8_lossy(&v).trim().to_string());
        let basic = match (text("username"), text("password")) {
            (Some(u), Some(p)) => Some((u, p)),
            (Some(u), None) => Some((u, String::new())),
            _ => None,
        };
        Self {
            basic,
            bearer: text("bearerToken"),
            ssh_identity: get("identity"),
            known_hosts: get("known_hosts"),
            ca_pem: get("ca.crt").or_else(|| get("caFile")),
        }
    }

    /// Replaces every secret value occurring in `message` with `***`.
    pub fn redact(&self, message: &str) -> String {
        let mut out = message.to_string();
        let mut secrets: Vec<&str> = Vec::new();
        if let Some((_, p)) = &self.basic {
            secrets.push(p);
        }
        if let Some(t) = &self.bearer {
            secrets.push(t);
        }
        for s in secrets.into_iter().filter(|s| s.len() >= 3) {
            out = out.replace(s, "***");
        }
        out
    }

    /// Writes the ssh key and known_hosts into `dir` (mode 0600) and returns the ssh command
    /// that uses them with strict host key checking.
    pub fn ssh_command(&self, dir: &Path, timeout_secs: u64) -> std::io::Result<String> {
        let known_hosts = dir.join("known_hosts");
        write_private(
            &known_hosts,
            self.known_hosts.as_deref().unwrap_or_default(),
        )?;
        let mut cmd = format!(
            "ssh -o UserKnownHostsFile={} -o StrictHostKeyChecking=yes -o BatchMode=yes \
             -o GlobalKnownHostsFile=/dev/null -o ConnectTimeout={}",
            known_hosts.display(),
            timeout_secs.max(1)
        );
        if let Some(identity) = &self.ssh_identity {
            let key: PathBuf = dir.join("identity");
            let mut key_bytes = identity.clone();
            if !key_bytes.ends_with(b"\n") {
                key_bytes.push(b'\n');
            }
            write_private(&key, &key_bytes)?;
            cmd.push_str(&format!(" -o IdentitiesOnly=yes -i {}", key.display()));
        }
        Ok(cmd)
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_keys_are_read_and_redacted() {
        let data: BTreeMap<String, ByteString> = [
            ("username", "git"),
            ("password", "s3cr3t-pass"),
            ("bearerToken", "tok-123"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), ByteString(v.as_bytes().to_vec())))
        .collect();
        let auth = GitAuth::from_secret_data(&data);
        assert_eq!(auth.basic, Some(("git".into(), "s3cr3t-pass".into())));
        assert_eq!(
            auth.redact("failed with s3cr3t-pass and tok-123"),
            "failed with *** and ***"
        );
        assert!(!format!("{auth:?}").contains("s3cr3t"));
    }
}
