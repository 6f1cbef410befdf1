//! The install manifests embedded from `config/` at build time, selected per component and
//! re-targeted to the chosen namespace.

use anyhow::Context as _;
use serde_json::Value;

use crate::components::{self, INSTANCE_LABEL, PART_OF_LABEL, PART_OF_VALUE};

mod customize;

pub use customize::{Customization, DEFAULT_REGISTRY};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_manifests.rs"));
}

/// The objects to install, in the order they must be applied.
pub struct InstallSet {
    pub namespace: Value,
    pub crds: Vec<Value>,
    /// ServiceAccounts, RBAC, Deployments, Services of the chosen components.
    pub objects: Vec<Value>,
}

impl InstallSet {
    /// Every object in apply order: namespace, CRDs, then the rest.
    pub fn all(&self) -> impl Iterator<Item = &Value> {
        std::iter::once(&self.namespace)
            .chain(&self.crds)
            .chain(&self.objects)
    }
}

/// Builds the install set for `chosen` components in `namespace`, shaped by the install flags.
pub fn install_set(
    chosen: &[&str],
    namespace: &str,
    custom: &Customization,
) -> anyhow::Result<InstallSet> {
    let mut namespace_obj = parse_one("namespace.yaml", embedded::NAMESPACE)?;
    finish(&mut namespace_obj, namespace);

    let mut crds = Vec::new();
    for doc in all_crds()? {
        let text = |pointer| {
            doc.pointer(pointer)
                .and_then(Value::as_str)
                .unwrap_or_default()
        };
        let owner = components::owner_of_crd(text("/spec/group"), text("/spec/names/plural"));
        if owner.is_some_and(|owner| chosen.contains(&owner)) {
            let mut doc = doc;
            finish(&mut doc, namespace);
            crds.push(doc);
        }
    }

    let mut objects = Vec::new();
    let files = chosen.iter().flat_map(|chosen| {
        embedded::COMPONENT_FILES
            .iter()
            .filter(move |(component, _, _)| component == chosen)
    });
    for (_, path, text) in files {
        for mut doc in parse_many(path, text)? {
            custom.apply(&mut doc);
            finish(&mut doc, namespace);
            objects.push(doc);
        }
    }
    for mut policy in custom.network_policies(namespace, chosen) {
        finish(&mut policy, namespace);
        objects.push(policy);
    }
    Ok(InstallSet {
        namespace: namespace_obj,
        crds,
        objects,
    })
}

/// Every CRD embedded in the binary (all components).
pub fn all_crds() -> anyhow::Result<Vec<Value>> {
    let mut crds = Vec::new();
    for (path, text) in embedded::CRD_FILES {
        crds.extend(
            parse_many(path, text)?
                .into_iter()
                .filter(|d| d["kind"] == "CustomResourceDefinition"),
        );
    }
    Ok(crds)
}

/// Multi-document YAML, as `kubectl apply -f -` reads it.
pub fn to_yaml<'a>(objects: impl IntoIterator<Item = &'a Value>) -> anyhow::Result<String> {
    let mut out = String::new();
    for obj in objects {
        out.push_str("---\n");
        out.push_str(&serde_saphyr::to_string(obj).context("serializing a manifest to YAML")?);
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    Ok(out)
}

fn parse_many(path: &str, text: &str) -> anyhow::Result<Vec<Value>> {
    let docs: Vec<Value> = serde_saphyr::from_str_multiple(text)
        .with_context(|| format!("embedded manifest config/{path} is not valid YAML"))?;
    Ok(docs.into_iter().filter(|d| d.is_object()).collect())
}

fn parse_one(path: &str, text: &str) -> anyhow::Result<Value> {
    parse_many(path, text)?
        .into_iter()
        .next()
        .with_context(|| format!("embedded manifest config/{path} is empty"))
}

/// Moves an object to `namespace` and adds the labels `uninstall` and `check` select on.
fn finish(obj: &mut Value, namespace: &str) {
    retarget_namespace(obj, namespace);
    let labels = obj
        .pointer_mut("/metadata")
        .and_then(Value::as_object_mut)
        .map(|m| {
            m.entry("labels")
                .or_insert_with(|| Value::Object(Default::default()))
        });
    if let Some(Value::Object(labels)) = labels {
        labels.insert(PART_OF_LABEL.into(), PART_OF_VALUE.into());
        labels.insert(INSTANCE_LABEL.into(), namespace.into());
        labels.insert(
            "app.kubernetes.io/version".into(),
            env!("CARGO_PKG_VERSION").into(),
        );
    }
}

/// The embedded files say `flux-system`; cluster-scoped RBAC names end in `-flux-system` so that
/// two installations in different namespaces do not overwrite each other.
fn retarget_namespace(obj: &mut Value, namespace: &str) {
    const DEFAULT_SUFFIX: &str = "-flux-system";
    let kind = obj["kind"].as_str().unwrap_or_default().to_string();
    let metadata = &mut obj["metadata"];
    if kind == "Namespace" {
        metadata["name"] = namespace.into();
    } else if metadata.get("namespace").is_some() {
        metadata["namespace"] = namespace.into();
    }
    if kind == "ClusterRole" || kind == "ClusterRoleBinding" {
        rename_suffix(&mut metadata["name"], DEFAULT_SUFFIX, namespace);
    }
    if kind == "ClusterRoleBinding" {
        rename_suffix(&mut obj["roleRef"]["name"], DEFAULT_SUFFIX, namespace);
    }
    if let (true, Some(subjects)) = (
        kind.ends_with("RoleBinding"),
        obj.get_mut("subjects").and_then(Value::as_array_mut),
    ) {
        for subject in subjects.iter_mut().filter(|s| s.get("namespace").is_some()) {
            subject["namespace"] = namespace.into();
        }
    }
}

fn rename_suffix(name: &mut Value, suffix: &str, namespace: &str) {
    if let Some(base) = name.as_str().and_then(|n| n.strip_suffix(suffix)) {
        *name = format!("{base}-{namespace}").into();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(set: &InstallSet) -> Vec<String> {
        set.all()
            .map(|o| format!("{}/{}", o["kind"], o["metadata"]["name"]))
            .collect()
    }

    #[test]
    fn only_chosen_components_are_selected() {
        let set = install_set(
            &["source-controller"],
            "flux-system",
            &Customization::default(),
        )
        .unwrap();
        let names = kinds(&set);
        assert!(
            names
                .iter()
                .any(|n| n == "\"Deployment\"/\"source-controller\""),
            "{names:?}"
        );
        assert!(
            !names.iter().any(|n| n.contains("kustomize-controller")),
            "{names:?}"
        );
        for crd in &set.crds {
            assert_eq!(crd["spec"]["group"], "source.toolkit.fluxcd.io");
        }
    }

    #[test]
    fn namespace_is_retargeted_everywhere() {
        let set = install_set(
            &["kustomize-controller"],
            "gitops",
            &Customization::default(),
        )
        .unwrap();
        let yaml = to_yaml(set.all()).unwrap();
        assert!(!yaml.contains("flux-system"), "{yaml}");
        assert_eq!(set.namespace["metadata"]["name"], "gitops");
        let binding = set
            .objects
            .iter()
            .find(|o| o["kind"] == "ClusterRoleBinding" && o["roleRef"]["name"] == "cluster-admin")
            .expect("kustomize-controller is bound to cluster-admin");
        assert_eq!(binding["subjects"][0]["namespace"], "gitops");
        assert_eq!(binding["metadata"]["labels"][INSTANCE_LABEL], "gitops");
    }

    #[test]
    fn every_component_has_manifests_and_a_deployment() {
        for component in components::ALL {
            let set = install_set(&[component], "flux-system", &Customization::default()).unwrap();
            let deployments: Vec<&Value> = set
                .objects
                .iter()
                .filter(|o| o["kind"] == "Deployment")
                .collect();
            assert_eq!(deployments.len(), 1, "{component}");
            assert_eq!(deployments[0]["metadata"]["name"], *component);
            assert!(!set.crds.is_empty(), "{component} owns CRDs");
        }
    }

    #[test]
    fn every_object_is_labelled_part_of_ferroflux() {
        let set = install_set(components::ALL, "flux-system", &Customization::default()).unwrap();
        for obj in set.all() {
            assert_eq!(
                obj["metadata"]["labels"][PART_OF_LABEL], PART_OF_VALUE,
                "{obj}"
            );
        }
    }
}
