//! Hiding SOPS-encrypted values in built objects, as `flux build` and `flux diff` do.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

/// What an encrypted value is replaced with, as `flux build` prints it.
const SOPS_MASK: &str = "**SOPS**";
/// [`SOPS_MASK`] base64-encoded, for `data`.
const SOPS_MASK_BASE64: &str = "KipTT1BTKio=";

/// Hides SOPS-encrypted values, as `flux build` does: a Secret from a SOPS-encrypted file has
/// every value masked and its `sops` metadata removed; otherwise only the values that are
/// themselves SOPS documents are masked. Plain values are printed as they are. Other kinds lose
/// a top-level `sops` field.
pub fn mask_sops_data(obj: &mut Value) {
    let Some(map) = obj.as_object_mut() else {
        return;
    };
    let is_secret = map.get("kind").and_then(Value::as_str) == Some("Secret");
    let encrypted_file = map
        .get("sops")
        .and_then(|s| s.get("mac"))
        .and_then(Value::as_str)
        .is_some_and(|mac| mac.starts_with("ENC["));
    map.remove("sops");
    if !is_secret {
        return;
    }
    let docker_config = map.get("type").and_then(Value::as_str)
        == Some("kubernetes.io/dockerconfigjson")
        && encrypted_file;
    let masks = |text: &str| text.contains("sops") && text.contains("ENC[");
    for (field, mask) in [("data", SOPS_MASK_BASE64), ("stringData", SOPS_MASK)] {
        let Some(values) = map.get_mut(field).and_then(Value::as_object_mut) else {
            continue;
        };
        for value in values.values_mut() {
            let text = value.as_str().unwrap_or_default();
            let plain = if field == "data" {
                decode_base64(text).unwrap_or_default()
            } else {
                text.to_string()
            };
            if docker_config {
                // Keep the value valid JSON, as a docker config must be.
                let json = format!("{{\"mask\":\"{SOPS_MASK}\"}}");
                *value = Value::String(if field == "data" {
                    encode_base64(json.as_bytes())
                } else {
                    json
                });
            } else if encrypted_file || masks(&plain) {
                *value = Value::String(mask.to_string());
            }
        }
    }
}

fn decode_base64(text: &str) -> Option<String> {
    let bytes = STANDARD.decode(text).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_mask_constant_is_the_encoded_mask() {
        assert_eq!(encode_base64(SOPS_MASK.as_bytes()), SOPS_MASK_BASE64);
        assert_eq!(decode_base64(SOPS_MASK_BASE64).unwrap(), SOPS_MASK);
    }

    #[test]
    fn secrets_from_encrypted_files_are_masked_and_plain_ones_are_not() {
        let mut encrypted = json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"},
            "data": {"password": "RU5DW0FFUzI1Nl9HQ00=", "user": "YWRtaW4="},
            "stringData": {"token": "ENC[AES256_GCM,data:abc]"},
            "sops": {"mac": "ENC[AES256_GCM,data:xyz]", "version": "3.9.0"}
        });
        mask_sops_data(&mut encrypted);
        assert_eq!(
            encrypted["data"],
            json!({"password": SOPS_MASK_BASE64, "user": SOPS_MASK_BASE64})
        );
        assert_eq!(encrypted["stringData"], json!({"token": SOPS_MASK}));
        assert!(encrypted.get("sops").is_none());

        let mut plain = json!({
            "apiVersion": "v1", "kind": "Secret", "metadata": {"name": "p"},
            "data": {"user": "YWRtaW4="}
        });
        let before = plain.clone();
        mask_sops_data(&mut plain);
        assert_eq!(plain, before, "plain values are printed as they are");
    }

    #[test]
    fn an_encrypted_file_inside_a_plain_secret_is_masked_alone() {
        let encrypted_doc = encode_base64(b"key: ENC[AES256_GCM,data:a]\nsops:\n  mac: ENC[x]\n");
        let mut secret = json!({
            "kind": "Secret", "metadata": {"name": "gen"},
            "data": {"values.yaml": encrypted_doc, "plain": "YWRtaW4="}
        });
        mask_sops_data(&mut secret);
        assert_eq!(secret["data"]["values.yaml"], SOPS_MASK_BASE64);
        assert_eq!(secret["data"]["plain"], "YWRtaW4=");
    }

    #[test]
    fn encrypted_docker_configs_stay_json() {
        let mut secret = json!({
            "kind": "Secret", "metadata": {"name": "pull"}, "type": "kubernetes.io/dockerconfigjson",
            "data": {".dockerconfigjson": "RU5DW10="},
            "sops": {"mac": "ENC[AES256_GCM,data:xyz]"}
        });
        mask_sops_data(&mut secret);
        let value = decode_base64(secret["data"][".dockerconfigjson"].as_str().unwrap()).unwrap();
        assert_eq!(value, r#"{"mask":"**SOPS**"}"#);
    }

    #[test]
    fn other_kinds_lose_their_sops_metadata_only() {
        let mut release = json!({
            "kind": "HelmRelease", "metadata": {"name": "r"},
            "spec": {"values": {"a": 1}}, "sops": {"mac": "ENC[x]"}
        });
        mask_sops_data(&mut release);
        assert_eq!(
            release,
            json!({"kind": "HelmRelease", "metadata": {"name": "r"}, "spec": {"values": {"a": 1}}})
        );
    }
}
