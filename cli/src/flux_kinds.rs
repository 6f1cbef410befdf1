//! The Flux kinds the CLI reads and writes, with the names users type for them.

use kube::api::{ApiResource, DynamicObject};
use kube::core::GroupVersionKind;
use serde_json::Value;

/// One Flux kind: where it lives in the API and how the CLI shows it.
#[derive(Debug, PartialEq, Eq)]
pub struct FluxKind {
    pub kind: &'static str,
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    /// Names accepted on the command line, e.g. `ks`, `source git`.
    pub aliases: &'static [&'static str],
    /// JSON pointers into the object tried in order for the REVISION column.
    pub revision: &'static [&'static str],
    /// Pointers to the source reference for `reconcile --with-source`, the first present wins.
    pub source_ref: &'static [&'static str],
}

const SOURCE: &str = "source.toolkit.fluxcd.io";
const NOTIFICATION: &str = "notification.toolkit.fluxcd.io";
const IMAGE: &str = "image.toolkit.fluxcd.io";
const ARTIFACT_REVISION: &[&str] = &["/status/artifact/revision"];

/// Every kind, in the order `get all` prints them.
#[rustfmt::skip]
pub const ALL: &[FluxKind] = &[
    kind("GitRepository", SOURCE, "v1", "gitrepositories", &["source git", "gitrepository", "gitrepo"], ARTIFACT_REVISION, &[]),
    kind("OCIRepository", SOURCE, "v1", "ocirepositories", &["source oci", "ocirepository", "ocirepo"], ARTIFACT_REVISION, &[]),
    kind("HelmRepository", SOURCE, "v1", "helmrepositories", &["source helm", "helmrepository", "helmrepo"], ARTIFACT_REVISION, &[]),
    kind("Bucket", SOURCE, "v1", "buckets", &["source bucket", "bucket"], ARTIFACT_REVISION, &[]),
    kind("HelmChart", SOURCE, "v1", "helmcharts", &["source chart", "helmchart", "hc"], ARTIFACT_REVISION, &["/spec/sourceRef"]),
    kind("Kustomization", "kustomize.toolkit.fluxcd.io", "v1", "kustomizations", &["kustomization", "ks"], &["/status/lastAppliedRevision", "/status/lastAttemptedRevision"], &["/spec/sourceRef"]),
    kind("HelmRelease", "helm.toolkit.fluxcd.io", "v2", "helmreleases", &["helmrelease", "hr"], &["/status/history/0/chartVersion", "/status/lastAttemptedRevision"], &["/spec/chart/spec/sourceRef", "/spec/chartRef"]),
    kind("Provider", NOTIFICATION, "v1beta3", "providers", &["alert-provider", "provider"], &[], &[]),
    kind("Alert", NOTIFICATION, "v1beta3", "alerts", &["alert"], &[], &[]),
    kind("Receiver", NOTIFICATION, "v1", "receivers", &["receiver"], &[], &[]),
    kind("ImageRepository", IMAGE, "v1", "imagerepositories", &["image repository", "imagerepository"], &["/status/lastScanResult/scanTime"], &[]),
    kind("ImagePolicy", IMAGE, "v1", "imagepolicies", &["image policy", "imagepolicy"], &["/status/latestRef/tag", "/status/latestImage"], &[]),
    kind("ImageUpdateAutomation", IMAGE, "v1", "imageupdateautomations", &["image update", "imageupdateautomation"], &["/status/lastPushCommit"], &["/spec/sourceRef"]),
];

#[allow(clippy::too_many_arguments)]
const fn kind(
    kind: &'static str,
    group: &'static str,
    version: &'static str,
    plural: &'static str,
    aliases: &'static [&'static str],
    revision: &'static [&'static str],
    source_ref: &'static [&'static str],
) -> FluxKind {
    FluxKind {
        kind,
        group,
        version,
        plural,
        aliases,
        revision,
        source_ref,
    }
}

impl FluxKind {
    pub fn api_resource(&self) -> ApiResource {
        let gvk = GroupVersionKind::gvk(self.group, self.version, self.kind);
        ApiResource::from_gvk_with_plural(&gvk, self.plural)
    }

    /// The CRD's name, `<plural>.<group>`.
    pub fn crd_name(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    /// The REVISION column: the first non-empty of the kind's revision fields.
    pub fn revision_of(&self, obj: &DynamicObject) -> String {
        self.revision
            .iter()
            .find_map(|p| obj.data.pointer(p).and_then(value_text))
            .unwrap_or_default()
    }

    /// The user-facing name of what is missing when the CRD is absent.
    pub fn missing_crd_hint(&self) -> String {
        let component = crate::components::owner_of_crd(self.group, self.plural)
            .unwrap_or("the owning controller");
        format!(
            "the {} CRD ({}) is not installed in this cluster; install it with \
             `ferroflux install --components {component}`",
            self.kind,
            self.crd_name()
        )
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Looks a kind up by its Kind (`Kustomization`), plural, or any alias; case-insensitive.
pub fn lookup(name: &str) -> Option<&'static FluxKind> {
    let name = name.trim().to_ascii_lowercase();
    ALL.iter().find(|k| {
        k.kind.eq_ignore_ascii_case(&name) || k.plural == name || k.aliases.contains(&name.as_str())
    })
}

/// Resolves `<kind words...> <name>` (e.g. `source git podinfo`, `ks apps`) into a kind and a name.
pub fn resolve_target(words: &[String]) -> anyhow::Result<(&'static FluxKind, String)> {
    let found = match words {
        [a, b, name] => lookup(&format!("{a} {b}")).map(|k| (k, name)),
        [kind, name] => lookup(kind).map(|k| (k, name)),
        _ => None,
    };
    found.map(|(k, n)| (k, n.clone())).ok_or_else(|| {
        anyhow::anyhow!(
            "cannot tell which object {:?} means; use `<kind> <name>` with kind one of: {}",
            words.join(" "),
            known_names()
        )
    })
}

/// Like [`resolve_target`], but with `all` the words name only a kind (`ks`, `source git`).
pub fn resolve_targets(
    words: &[String],
    all: bool,
) -> anyhow::Result<(&'static FluxKind, Option<String>)> {
    if !all {
        return resolve_target(words).map(|(kind, name)| (kind, Some(name)));
    }
    let kind = match words {
        [a, b] => lookup(&format!("{a} {b}")),
        [a] => lookup(a),
        _ => None,
    };
    kind.map(|k| (k, None)).ok_or_else(|| {
        anyhow::anyhow!(
            "with --all give only the kind (e.g. `ks` or `source git`), not {:?}; kinds: {}",
            words.join(" "),
            known_names()
        )
    })
}

/// Every name accepted for a kind, for error messages.
pub fn known_names() -> String {
    ALL.iter()
        .map(|k| k.aliases[0])
        .collect::<Vec<_>>()
        .join(", ")
}

/// The kind of a Kubernetes object reference (`apiVersion` + `kind`), if it is a Flux kind.
pub fn from_api_version(api_version: &str, kind: &str) -> Option<&'static FluxKind> {
    let group = api_version.split('/').next().unwrap_or_default();
    ALL.iter().find(|k| k.kind == kind && k.group == group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve() {
        assert_eq!(lookup("ks").unwrap().kind, "Kustomization");
        assert_eq!(lookup("Kustomization").unwrap().kind, "Kustomization");
        assert_eq!(lookup("helmreleases").unwrap().kind, "HelmRelease");
        assert_eq!(lookup("source git").unwrap().kind, "GitRepository");
        assert!(lookup("deployment").is_none());
    }

    #[test]
    fn targets_take_one_or_two_kind_words() {
        let (k, n) = resolve_target(&["source".into(), "oci".into(), "app".into()]).unwrap();
        assert_eq!((k.kind, n.as_str()), ("OCIRepository", "app"));
        let (k, n) = resolve_target(&["hr".into(), "web".into()]).unwrap();
        assert_eq!((k.kind, n.as_str()), ("HelmRelease", "web"));
        let (k, n) = resolve_targets(&["source".into(), "git".into()], true).unwrap();
        assert_eq!((k.kind, n), ("GitRepository", None));
        assert!(resolve_targets(&["ks".into(), "apps".into()], true).is_err());
        let err = resolve_target(&["pod".into(), "x".into()])
            .unwrap_err()
            .to_string();
        assert!(err.contains("kustomization"), "{err}");
    }

    #[test]
    fn every_kind_has_an_owner() {
        for k in ALL {
            assert!(
                crate::components::owner_of_crd(k.group, k.plural).is_some(),
                "{}",
                k.kind
            );
        }
    }
}
