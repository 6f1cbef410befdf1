//! The Ferroflux controllers (components) and the API groups each one owns.

/// Every controller `ferroflux install` knows, in install order.
pub const ALL: &[&str] = &[
    "source-controller",
    "kustomize-controller",
    "helm-controller",
    "notification-controller",
    "image-automation-controller",
];

/// The namespace Flux (and so Ferroflux) installs into unless told otherwise.
pub const DEFAULT_NAMESPACE: &str = "flux-system";

/// Label every object installed by `ferroflux install` carries; `uninstall` and `check` select on it.
pub const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";
pub const PART_OF_VALUE: &str = "ferroflux";
/// Label naming the namespace an installation belongs to (also on cluster-scoped objects).
pub const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";

/// The component that owns CRDs of an API group.
pub fn owner_of_group(group: &str) -> Option<&'static str> {
    Some(match group {
        "source.toolkit.fluxcd.io" => "source-controller",
        "kustomize.toolkit.fluxcd.io" => "kustomize-controller",
        "helm.toolkit.fluxcd.io" => "helm-controller",
        "notification.toolkit.fluxcd.io" => "notification-controller",
        "image.toolkit.fluxcd.io" => "image-automation-controller",
        _ => return None,
    })
}

/// Parses `a,b,c` into known component names, or says which names are valid.
pub fn parse_list(list: &str) -> anyhow::Result<Vec<&'static str>> {
    let mut chosen = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let Some(known) = ALL.iter().find(|c| **c == name) else {
            anyhow::bail!(
                "unknown component {name:?} in --components; valid components are: {}",
                ALL.join(", ")
            );
        };
        if !chosen.contains(known) {
            chosen.push(*known);
        }
    }
    if chosen.is_empty() {
        anyhow::bail!("--components is empty; choose from: {}", ALL.join(", "));
    }
    // Keep install order stable whatever order the user typed.
    chosen.sort_by_key(|c| ALL.iter().position(|a| a == c));
    Ok(chosen)
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
        assert!(err.contains("kustomize-controller"), "{err}");
    }

    #[test]
    fn groups_map_to_owners() {
        assert_eq!(
            owner_of_group("helm.toolkit.fluxcd.io"),
            Some("helm-controller")
        );
        assert_eq!(owner_of_group("apps"), None);
    }
}
