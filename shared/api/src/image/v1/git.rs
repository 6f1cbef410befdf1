//! Git settings of an ImageUpdateAutomation, and image references shared by the image kinds.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::meta::LocalObjectReference;
use crate::source::v1::GitRepositoryRef;

/// An image: name, tag and optional digest.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImageRef {
    /// Image name without tag.
    pub name: String,
    /// Tag.
    pub tag: String,
    /// Digest, `sha256:<hex>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

impl std::fmt::Display for ImageRef {
    /// `name:tag`, or `name:tag@digest`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.name, self.tag)?;
        if let Some(digest) = &self.digest {
            write!(f, "@{digest}")?;
        }
        Ok(())
    }
}

/// How to check out, commit and push.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GitSpec {
    /// What to check out; the GitRepository's `ref` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout: Option<GitCheckoutSpec>,
    /// How to write commits.
    pub commit: CommitSpec,
    /// Where to push; the checked-out branch when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push: Option<PushSpec>,
}

/// The reference to check out before updating files.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct GitCheckoutSpec {
    /// Branch, tag or commit.
    #[serde(rename = "ref")]
    pub reference: GitRepositoryRef,
}

/// Commit author, signing and message.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommitSpec {
    /// Commit author.
    pub author: CommitUser,
    /// GPG key to sign commits with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_key: Option<SigningKey>,
    /// Go template of the commit message, given the changes made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_template: Option<String>,
    /// Extra values available to the message template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_template_values: Option<BTreeMap<String, String>>,
}

/// Name and email of the commit author.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct CommitUser {
    /// Author name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Author email.
    pub email: String,
}

/// A Secret holding an ASCII-armoured GPG key pair under `git.asc`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SigningKey {
    /// The Secret, in the automation's namespace.
    pub secret_ref: LocalObjectReference,
}

/// Where and how commits are pushed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct PushSpec {
    /// Branch to push to (created from the checkout if missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// Git refspec to push (in addition to the branch, when both are set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refspec: Option<String>,
    /// Push options sent to the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<BTreeMap<String, String>>,
}
