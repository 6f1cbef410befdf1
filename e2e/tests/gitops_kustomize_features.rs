//! Kustomization features end to end through the real Git server and source-controller: a CRD and
//! its custom resources in one commit, and postBuild substitution from a ConfigMap and a Secret.

use ferroflux_e2e::{
    ClusterCleanup, Gitops, WAIT, ensure_cluster, eventually, inventory_ids, unique_name,
    with_temp_namespace,
};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition;
use kube::Api;
use kube::api::{ApiResource, DynamicObject, GroupVersionKind, Patch, PatchParams, PostParams};
use serde_json::json;

/// The CRD is applied first and Established before its custom resources, all from one commit.
#[tokio::test]
async fn crd_and_its_custom_resources_in_one_commit() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let group = format!("{}.e2e.ferroflux.dev", unique_name("crd"));
        let crd_name = format!("widgets.{group}");
        let _cleanup = ClusterCleanup(vec![format!("customresourcedefinition/{crd_name}")]);
        let crd = format!(
            "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {crd_name}\n\
             spec:\n  group: {group}\n  scope: Namespaced\n  names:\n    kind: Widget\n    plural: widgets\n    \
             singular: widget\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      \
             schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            \
             spec:\n              type: object\n              properties:\n                size:\n                  \
             type: integer\n"
        );
        let widget = |name: &str, size: u32| {
            format!("apiVersion: {group}/v1\nkind: Widget\nmetadata:\n  name: {name}\nspec:\n  size: {size}\n")
        };
        let (gitops, commit) = Gitops::start(
            client.clone(),
            &ns,
            &[("crd.yaml", &crd), ("small.yaml", &widget("small", 1)), ("large.yaml", &widget("large", 9))],
        )
        .await;
        gitops.apply_kustomization("app", json!({"targetNamespace": ns})).await;
        let ks = gitops.wait_applied("app", &commit).await;
        let ids = inventory_ids(&ks);
        assert!(ids.contains(&format!("_{crd_name}_apiextensions.k8s.io_CustomResourceDefinition")), "{ids:?}");
        assert!(ids.contains(&format!("{ns}_large_{group}_Widget")), "{ids:?}");

        let gvk = GroupVersionKind::gvk(&group, "v1", "Widget");
        let widgets: Api<DynamicObject> =
            Api::namespaced_with(client.clone(), &ns, &ApiResource::from_gvk_with_plural(&gvk, "widgets"));
        let large = widgets.get("large").await.expect("Widget large applied");
        assert_eq!(large.data["spec"]["size"], 9);
        assert!(widgets.get_opt("small").await.unwrap().is_some());

        // Deleting the Kustomization removes the custom resources, then their CRD.
        gitops.delete_kustomization("app").await;
        let crds: Api<CustomResourceDefinition> = Api::all(client.clone());
        eventually("the CRD garbage-collected", WAIT, || async {
            let live = crds.get_opt(&crd_name).await.ok()?;
            live.is_none_or(|c| c.metadata.deletion_timestamp.is_some()).then_some(())
        })
        .await;
    })
    .await;
}

/// `postBuild`: inline variables, `substituteFrom` a ConfigMap and a Secret, defaults and `$$`
/// escaping; a changed variable is applied on the next reconciliation.
#[tokio::test]
async fn post_build_substitutes_from_a_config_map_and_a_secret() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings-${env}\ndata:\n  \
                        color: ${color}\n  password: ${password}\n  region: ${region:=eu-west-1}\n  \
                        literal: $${color}\n";
        let (gitops, commit) = Gitops::start(client.clone(), &ns, &[("settings.yaml", template)]).await;
        let config_maps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        let vars = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "vars"},
                          "data": {"color": "blue"}});
        config_maps.create(&PostParams::default(), &serde_json::from_value(vars).unwrap()).await.unwrap();
        let secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "secret-vars"},
                            "stringData": {"password": "s3cret"}});
        Api::<Secret>::namespaced(client.clone(), &ns)
            .create(&PostParams::default(), &serde_json::from_value(secret).unwrap())
            .await
            .unwrap();
        let spec = json!({"targetNamespace": ns, "postBuild": {
            "substitute": {"env": "test"},
            "substituteFrom": [{"kind": "ConfigMap", "name": "vars"}, {"kind": "Secret", "name": "secret-vars"}]}});
        gitops.apply_kustomization("app", spec).await;
        gitops.wait_applied("app", &commit).await;
        let data = config_maps.get("settings-test").await.unwrap().data.unwrap();
        assert_eq!(data["color"], "blue");
        assert_eq!(data["password"], "s3cret");
        assert_eq!(data["region"], "eu-west-1");
        assert_eq!(data["literal"], "${color}");

        let change = json!({"data": {"color": "green"}});
        config_maps.patch("vars", &PatchParams::default(), &Patch::Merge(&change)).await.unwrap();
        gitops.reconcile_now("app").await;
        eventually("the new color applied", WAIT, || async {
            let data = config_maps.get("settings-test").await.ok()?.data?;
            (data["color"] == "green").then_some(())
        })
        .await;
    })
    .await;
}
