//! What `install --registry/--version/...` changes in the embedded manifests, as Flux's install
//! flags do, and the NetworkPolicies of `--network-policy`.

use serde_json::{Value, json};

/// Where the released images live; `--registry` replaces it.
pub const DEFAULT_REGISTRY: &str = "ghcr.io/ferroflux";

/// The install flags that shape the controllers' Deployments.
#[derive(Debug, Clone)]
pub struct Customization {
    /// Image prefix: images are `<registry>/<component>:<version>`.
    pub registry: String,
    /// Image tag.
    pub version: String,
    /// A Secret (in the install namespace) to pull the images with; empty for none.
    pub image_pull_secret: String,
    pub watch_all_namespaces: bool,
    /// Add Flux's three NetworkPolicies.
    pub network_policy: bool,
    pub log_level: String,
    /// The cluster's DNS domain, in the controllers' service addresses.
    pub cluster_domain: String,
    /// Taint keys the controllers tolerate (`operator: Exists`).
    pub toleration_keys: Vec<String>,
}

impl Default for Customization {
    /// What the files under `config/` say.
    fn default() -> Self {
        Customization {
            registry: DEFAULT_REGISTRY.to_string(),
            version: format!("v{}", env!("CARGO_PKG_VERSION")),
            image_pull_secret: String::new(),
            watch_all_namespaces: true,
            network_policy: false,
            log_level: "info".to_string(),
            cluster_domain: "cluster.local".to_string(),
            toleration_keys: Vec::new(),
        }
    }
}

impl Customization {
    /// The image of `component`.
    pub fn image(&self, component: &str) -> String {
        format!(
            "{}/{component}:{}",
            self.registry.trim_end_matches('/'),
            self.version
        )
    }

    /// Applies the flags to a Deployment; other objects are left as they are.
    pub fn apply(&self, obj: &mut Value) {
        if obj["kind"] != "Deployment" {
            return;
        }
        let pod = &mut obj["spec"]["template"]["spec"];
        if !self.image_pull_secret.is_empty() {
            pod["imagePullSecrets"] = json!([{ "name": self.image_pull_secret }]);
        }
        if !self.toleration_keys.is_empty() {
            let tolerations: Vec<Value> = self
                .toleration_keys
                .iter()
                .map(|key| json!({ "key": key, "operator": "Exists" }))
                .collect();
            pod["tolerations"] = Value::Array(tolerations);
        }
        let Some(containers) = pod["containers"].as_array_mut() else {
            return;
        };
        for container in containers {
            if let Some(image) = container["image"].as_str() {
                // `ghcr.io/ferroflux/source-controller:v0.1.0`: the component is the last path part.
                let name = image.rsplit('/').next().unwrap_or(image);
                let component = name.split([':', '@']).next().unwrap_or(name).to_string();
                container["image"] = self.image(&component).into();
            }
            for arg in container["args"].as_array_mut().into_iter().flatten() {
                if let Some(text) = arg.as_str() {
                    *arg = self.arg(text).into();
                }
            }
        }
    }

    fn arg(&self, arg: &str) -> String {
        if arg.starts_with("--watch-all-namespaces=") {
            format!("--watch-all-namespaces={}", self.watch_all_namespaces)
        } else if arg.starts_with("--log-level=") {
            format!("--log-level={}", self.log_level)
        } else {
            arg.replace(
                ".svc.cluster.local.",
                &format!(".svc.{}.", self.cluster_domain.trim_end_matches('.')),
            )
        }
    }

    /// Flux's NetworkPolicies when `--network-policy` is on: the controllers talk among
    /// themselves and to anything outside, metrics may be scraped from any namespace, and
    /// notification-controller's webhook receiver is open when it is installed.
    pub fn network_policies(&self, namespace: &str, chosen: &[&str]) -> Vec<Value> {
        if !self.network_policy {
            return Vec::new();
        }
        let policy = |name: &str, spec: Value| {
            json!({
                "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                "metadata": { "name": name, "namespace": namespace },
                "spec": spec,
            })
        };
        let mut policies = vec![
            policy(
                "allow-egress",
                json!({
                    "podSelector": {},
                    "ingress": [{ "from": [{ "podSelector": {} }] }],
                    "egress": [{}],
                    "policyTypes": ["Ingress", "Egress"],
                }),
            ),
            policy(
                "allow-scraping",
                json!({
                    "podSelector": {},
                    "ingress": [{ "from": [{ "namespaceSelector": {} }],
                                  "ports": [{ "port": 8080, "protocol": "TCP" }] }],
                    "policyTypes": ["Ingress"],
                }),
            ),
        ];
        if chosen.contains(&"notification-controller") {
            policies.push(policy(
                "allow-webhooks",
                json!({
                    "podSelector": { "matchLabels": { "app": "notification-controller" } },
                    "ingress": [{ "from": [{ "namespaceSelector": {} }] }],
                    "policyTypes": ["Ingress"],
                }),
            ));
        }
        policies
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment() -> Value {
        json!({
            "kind": "Deployment",
            "spec": { "template": { "spec": { "containers": [{
                "image": "ghcr.io/ferroflux/source-controller:v0.1.0",
                "args": [
                    "--events-addr=http://notification-controller.$(RUNTIME_NAMESPACE).svc.cluster.local./",
                    "--watch-all-namespaces=true",
                    "--log-level=info",
                    "--storage-adv-addr=source-controller.$(RUNTIME_NAMESPACE).svc.cluster.local.",
                ],
            }]}}}
        })
    }

    #[test]
    fn defaults_change_nothing() {
        let mut obj = deployment();
        Customization::default().apply(&mut obj);
        assert_eq!(obj, deployment());
    }

    #[test]
    fn flags_reach_the_deployment() {
        let custom = Customization {
            registry: "127.0.0.1:5000/ff/".into(),
            version: "v9".into(),
            image_pull_secret: "regcred".into(),
            watch_all_namespaces: false,
            network_policy: true,
            log_level: "debug".into(),
            cluster_domain: "corp.example".into(),
            toleration_keys: vec!["gitops".into(), "infra".into()],
        };
        let mut obj = deployment();
        custom.apply(&mut obj);
        let pod = &obj["spec"]["template"]["spec"];
        let container = &pod["containers"][0];
        assert_eq!(container["image"], "127.0.0.1:5000/ff/source-controller:v9");
        assert_eq!(
            container["args"][0],
            "--events-addr=http://notification-controller.$(RUNTIME_NAMESPACE).svc.corp.example./"
        );
        assert_eq!(container["args"][1], "--watch-all-namespaces=false");
        assert_eq!(container["args"][2], "--log-level=debug");
        assert_eq!(pod["imagePullSecrets"][0]["name"], "regcred");
        assert_eq!(
            pod["tolerations"][1],
            json!({ "key": "infra", "operator": "Exists" })
        );
        let names: Vec<Value> = custom
            .network_policies("ns", &["source-controller"])
            .iter()
            .map(|p| p["metadata"]["name"].clone())
            .collect();
        assert_eq!(names, ["allow-egress", "allow-scraping"]);
    }
}
