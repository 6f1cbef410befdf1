//! The Ferroflux controllers (components), the API kinds each one owns, and which of them
//! reconcile in this build: one table that `install`, `bootstrap`, `check` and `version` read.

/// One controller, named exactly as Flux's.
#[derive(Debug, PartialEq, Eq)]
pub struct Component {
    pub name: &'static str,
    /// The API group whose CRDs come with this component.
    pub group: &'static str,
    /// The CRD plurals of `group` it owns; empty means every kind of the group.
    pub plurals: &'static [&'static str],
    /// In Flux's default `--components`; the others are `--components-extra`.
    pub flux_default: bool,
    /// Whether this build's binary reconciles its kinds. A controller that does not exits at
    /// start, so installing it would only add a crash-looping Deployment.
    pub implemented: bool,
}

/// Every controller Flux has, in install order. When a controller lands, set its `implemented`.
#[rustfmt::skip]
pub const TABLE: [Component; 6] = [
    component("source-controller", "source.toolkit.fluxcd.io", &[], true, true),
    component("kustomize-controller", "kustomize.toolkit.fluxcd.io", &[], true, true),
    component("helm-controller", "helm.toolkit.fluxcd.io", &[], true, false),
    component("notification-controller", "notification.toolkit.fluxcd.io", &[], true, false),
    component("image-reflector-controller", "image.toolkit.fluxcd.io", &["imagerepositories", "imagepolicies"], false, false),
    component("image-automation-controller", "image.toolkit.fluxcd.io", &["imageupdateautomations"], false, false),
];

/// Every controller name, in install order.
pub const ALL: &[&str] = &names(&TABLE);

/// The namespace Flux (and so Ferroflux) installs into unless told otherwise.
pub const DEFAULT_NAMESPACE: &str = "flux-system";

/// Label every object installed by `ferroflux install` carries; `uninstall` and `check` select on it.
pub const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";
pub const PART_OF_VALUE: &str = "ferroflux";
/// Label naming the namespace an installation belongs to (also on cluster-scoped objects).
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

const fn component(
    name: &'static str,
    group: &'static str,
    plurals: &'static [&'static str],
    flux_default: bool,
    implemented: bool,
) -> Component {
    Component {
        name,
        group,
        plurals,
        flux_default,
        implemented,
    }
}

const fn names<const N: usize>(table: &[Component; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = table[i].name;
        i += 1;
    }
    out
}

/// The default `--components`: Flux's default set, less the controllers this build lacks.
pub fn default_list() -> String {
    TABLE
        .iter()
        .filter(|c| c.flux_default && c.implemented)
        .map(|c| c.name)
        .collect::<Vec<_>>()
        .join(",")
}

/// The component that installs the CRD `plural.group`.
pub fn owner_of_crd(group: &str, plural: &str) -> Option<&'static str> {
    TABLE
        .iter()
        .find(|c| c.group == group && (c.plurals.is_empty() || c.plurals.contains(&plural)))
        .map(|c| c.name)
}

/// Parses `a,b,c` into known component names in install order, or says which names are valid.
pub fn parse_list(list: &str) -> anyhow::Result<Vec<&'static str>> {
    let chosen = parse_known(list, "--components")?;
    if chosen.is_empty() {
        anyhow::bail!("--components is empty; choose from: {}", ALL.join(", "));
    }
    Ok(chosen)
}

/// What `install` and `bootstrap` install: `--components` plus `--components-extra`, each a
/// known controller that reconciles in this build.
pub fn install_selection(components: &str, extra: &str) -> anyhow::Result<Vec<&'static str>> {
    let mut chosen = parse_known(components, "--components")?;
    for name in parse_known(extra, "--components-extra")? {
        if !chosen.contains(&name) {
            chosen.push(name);
        }
    }
    if chosen.is_empty() {
        anyhow::bail!(
            "no components chosen; the controllers this build can install are: {}",
            working().join(", ")
        );
    }
    sort_in_install_order(&mut chosen);
    let missing: Vec<&str> = chosen
        .iter()
        .copied()
        .filter(|name| TABLE.iter().any(|c| c.name == *name && !c.implemented))
        .collect();
    if !missing.is_empty() {
        let (they, verb) = if missing.len() == 1 {
            ("it", "does")
        } else {
            ("them", "do")
        };
        anyhow::bail!(
            "{} {verb} not reconcile yet in this build of ferroflux (v{}): the binary exits at \
             start, so its Deployment would only crash-loop; leave {they} out of --components \
             and --components-extra. The controllers that work are: {}",
            missing.join(", "),
            env!("CARGO_PKG_VERSION"),
            working().join(", ")
        );
    }
    Ok(chosen)
}

fn working() -> Vec<&'static str> {
    TABLE
        .iter()
        .filter(|c| c.implemented)
        .map(|c| c.name)
        .collect()
}

fn parse_known(list: &str, flag: &str) -> anyhow::Result<Vec<&'static str>> {
    let mut chosen = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(known) = ALL.iter().find(|c| **c == name) else {
            anyhow::bail!(
                "unknown component {name:?} in {flag}; valid components are: {}",
                ALL.join(", ")
            );
        };
        if !chosen.contains(known) {
            chosen.push(*known);
        }
    }
    // Keep install order stable whatever order the user typed.
    sort_in_install_order(&mut chosen);
    Ok(chosen)
}

fn sort_in_install_order(names: &mut [&'static str]) {
    names.sort_by_key(|c| ALL.iter().position(|a| a == c));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders_components() {
        let got = parse_list("helm-controller, source-controller,helm-controller").unwrap();
        assert_eq!(got, vec!["source-controller", "helm-controller"]);
    }

    #[test]
    fn unknown_component_lists_valid_names() {
        let err = parse_list("source-controller,image-reflector")
            .unwrap_err()
            .to_string();
        assert!(err.contains("\"image-reflector\""), "{err}");
        assert!(err.contains("image-reflector-controller"), "{err}");
    }

    #[test]
    fn default_is_flux_default_restricted_to_working_controllers() {
        assert_eq!(default_list(), "source-controller,kustomize-controller");
        let chosen = install_selection(&default_list(), "").unwrap();
        assert_eq!(chosen, vec!["source-controller", "kustomize-controller"]);
    }

    #[test]
    fn explicit_stub_controller_is_refused_with_the_working_ones() {
        let err = install_selection("source-controller,helm-controller", "")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("helm-controller does not reconcile yet"),
            "{err}"
        );
        assert!(
            err.contains("The controllers that work are: source-controller, kustomize-controller"),
            "{err}"
        );
        let err = install_selection("source-controller", "image-reflector-controller")
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("image-reflector-controller does not reconcile yet"),
            "{err}"
        );
    }

    #[test]
    fn extra_components_are_added_once_in_install_order() {
        let chosen = install_selection(
            "kustomize-controller",
            "source-controller,kustomize-controller",
        )
        .unwrap();
        assert_eq!(chosen, vec!["source-controller", "kustomize-controller"]);
        let err = install_selection("source-controller", "image-foo")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown component \"image-foo\" in --components-extra"),
            "{err}"
        );
        assert!(install_selection(" , ", "").is_err());
    }

    #[test]
    fn crds_map_to_owners_as_in_flux() {
        let image = "image.toolkit.fluxcd.io";
        assert_eq!(
            owner_of_crd(image, "imagepolicies"),
            Some("image-reflector-controller")
        );
        assert_eq!(
            owner_of_crd(image, "imageupdateautomations"),
            Some("image-automation-controller")
        );
        assert_eq!(
            owner_of_crd("helm.toolkit.fluxcd.io", "helmreleases"),
            Some("helm-controller")
        );
        assert_eq!(owner_of_crd("apps", "deployments"), None);
        assert_eq!(
            owner_of_crd("source.extensions.fluxcd.io", "artifactgenerators"),
            None
        );
    }
}
