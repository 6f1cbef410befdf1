//! Signature verification of OCI artifacts and charts (cosign or notation).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::LocalObjectReference;

/// How to verify an OCI artifact's signature.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OCIRepositoryVerification {
    /// Signing technology: `cosign` (default) or `notation`.
    #[schemars(extend("enum" = ["cosign", "notation"], "default" = "cosign"))]
    pub provider: String,
    /// Secret holding the trusted public keys; keyless verification when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_ref: Option<LocalObjectReference>,
    /// Accepted signer identities for keyless (Fulcio) signatures; any match passes.
    #[serde(
        default,
        rename = "matchOIDCIdentity",
        skip_serializing_if = "Option::is_none"
    )]
    pub match_oidc_identity: Option<Vec<OIDCIdentityMatch>>,
    /// Secret holding a Sigstore `trusted_root.json` for self-hosted Sigstore.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trusted_root_secret_ref: Option<LocalObjectReference>,
}

/// Regular expressions the signing certificate's issuer and subject must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OIDCIdentityMatch {
    /// Pattern for the OIDC issuer.
    pub issuer: String,
    /// Pattern for the identity subject.
    pub subject: String,
}
