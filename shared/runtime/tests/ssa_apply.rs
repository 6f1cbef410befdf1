//! Server-side apply against the real test cluster (`make cluster-up`; started if needed).

use ferroflux_e2e::{ensure_cluster, unique_name, with_temp_namespace};
use ferroflux_runtime::ssa::{
    Action, ApplyOptions, CleanupOptions, DeleteOptions, Error, ObjectRef, Owner, ResourceManager,
    WaitOptions,
};
use kube::Client;
use serde_json::{Value, json};
use std::time::Duration;

const GROUP: &str = "kustomize.toolkit.fluxcd.io";

fn manager(client: Client) -> ResourceManager {
    let owner = Owner {
        field_manager: "ssa-test".into(),
        group: GROUP.into(),
    };
    ResourceManager::new(client, owner).with_poll_interval(Duration::from_millis(500))
}

fn config_map(ns: &str, name: &str, data: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap",
           "metadata": {"name": name, "namespace": ns}, "data": data})
}

fn id(obj: &Value) -> ObjectRef {
    ObjectRef::from_object(obj).expect("test objects have an identity")
}

#[tokio::test]
async fn unchanged_objects_are_detected_and_drift_is_restored() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client.clone());
        let cm = config_map(&ns, "settings", json!({"mode": "fast"}));
        let opts = ApplyOptions::default();

        let first = rm
            .apply_all_staged(std::slice::from_ref(&cm), &opts)
            .await
            .unwrap();
        assert_eq!(first.action_of(&id(&cm)), Some(Action::Created), "{first}");
        let second = rm
            .apply_all_staged(std::slice::from_ref(&cm), &opts)
            .await
            .unwrap();
        assert_eq!(
            second.action_of(&id(&cm)),
            Some(Action::Unchanged),
            "{second}"
        );

        // Someone edits the object by hand: the next apply reverts it.
        let api: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
            kube::Api::namespaced(client, &ns);
        let edit = json!({"data": {"mode": "slow"}});
        api.patch(
            "settings",
            &kube::api::PatchParams::default(),
            &kube::api::Patch::Merge(&edit),
        )
        .await
        .unwrap();
        let third = rm
            .apply_all_staged(std::slice::from_ref(&cm), &opts)
            .await
            .unwrap();
        assert_eq!(
            third.action_of(&id(&cm)),
            Some(Action::Configured),
            "{third}"
        );
        let live = api.get("settings").await.unwrap();
        assert_eq!(live.data.unwrap()["mode"], "fast");
    })
    .await;
}

#[tokio::test]
async fn one_invalid_object_fails_the_set_before_anything_changes() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let good = config_map(&ns, "good", json!({"a": "b"}));
        let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "broken", "namespace": ns},
            "spec": {"replicas": "three", "selector": {"matchLabels": {"app": "x"}},
                     "template": {"metadata": {"labels": {"app": "x"}},
                                  "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
        let unknown = json!({"apiVersion": "example.invalid/v1", "kind": "Nothing",
                             "metadata": {"name": "n", "namespace": ns}});
        let err = rm
            .apply_all_staged(&[good.clone(), bad, unknown], &ApplyOptions::default())
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::DryRun { .. }), "{message}");
        assert!(
            message.contains(&format!("Deployment/{ns}/broken")),
            "{message}"
        );
        assert!(
            message.contains("no matches for kind \"Nothing\""),
            "{message}"
        );
        assert_eq!(
            rm.get(&id(&good)).await.unwrap(),
            None,
            "nothing may be created"
        );
    })
    .await;
}

/// A CRD of kind `Widget` in `group`, serving `v1` (and defining `v2` without serving it).
fn widget_crd(group: &str) -> Value {
    let schema = json!({"openAPIV3Schema": {"type": "object",
                        "x-kubernetes-preserve-unknown-fields": true}});
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": format!("widgets.{group}")},
        "spec": {"group": group, "scope": "Namespaced",
                 "names": {"plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList"},
                 "versions": [
                     {"name": "v1", "served": true, "storage": true, "schema": schema},
                     {"name": "v2", "served": false, "storage": false, "schema": schema}]}})
}

#[tokio::test]
async fn a_resource_of_a_version_its_crd_does_not_serve_fails_before_the_crd_is_installed() {
    ensure_cluster();
    let group = format!("{}.example.com", unique_name("ssa"));
    let crd = widget_crd(&group);
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let cr = json!({"apiVersion": format!("{group}/v2"), "kind": "Widget",
                        "metadata": {"name": "w", "namespace": ns}});
        let err = rm
            .apply_all_staged(&[cr, crd.clone()], &ApplyOptions::default())
            .await
            .unwrap_err();
        let message = err.to_string();
        assert!(matches!(err, Error::DryRun { .. }), "{message}");
        assert!(
            message.contains(&format!(
                "no matches for kind \"Widget\" in version \"{group}/v2\""
            )),
            "{message}"
        );
        assert_eq!(
            rm.get(&id(&crd)).await.unwrap(),
            None,
            "the CRD may not be installed"
        );
    })
    .await;
}

#[tokio::test]
async fn staged_apply_installs_a_crd_and_its_custom_resource_in_one_set() {
    ensure_cluster();
    let group = format!("{}.example.com", unique_name("ssa"));
    let crd = widget_crd(&group);
    let crd_id = id(&crd);
    let outcome = with_temp_namespace(|client, ns| {
        let crd = crd.clone();
        let group = group.clone();
        async move {
            let rm = manager(client);
            let cr = json!({"apiVersion": format!("{group}/v1"), "kind": "Widget",
                            "metadata": {"name": "w", "namespace": ns}, "spec": {"size": 3}});
            let other_ns = unique_name("ssa");
            let namespace =
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": other_ns}});
            let cm = config_map(&other_ns, "in-new-ns", json!({}));
            let set = [cr.clone(), cm.clone(), crd, namespace.clone()];
            let changes = rm
                .apply_all_staged(&set, &ApplyOptions::default())
                .await
                .unwrap();
            for obj in &set {
                assert_eq!(
                    changes.action_of(&id(obj)),
                    Some(Action::Created),
                    "{changes}"
                );
            }
            let again = rm
                .apply_all_staged(&set, &ApplyOptions::default())
                .await
                .unwrap();
            assert_eq!(again.changes().count(), 0, "{again}");
            rm.delete_all(&[id(&namespace)], &DeleteOptions::default())
                .await
                .unwrap();
        }
    });
    outcome.await;
    let rm = manager(ensure_cluster().client().await);
    rm.delete_all(&[crd_id], &DeleteOptions::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn prune_deletes_only_owned_objects_not_marked_to_keep() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let owned = json!({"kustomize.toolkit.fluxcd.io/name": "app"});
        let mut stale = config_map(&ns, "stale", json!({}));
        stale["metadata"]["labels"] = owned.clone();
        let mut kept = config_map(&ns, "kept", json!({}));
        kept["metadata"]["labels"] = owned;
        kept["metadata"]["annotations"] = json!({"kustomize.toolkit.fluxcd.io/prune": "disabled"});
        let foreign = config_map(&ns, "foreign", json!({}));
        let set = [stale.clone(), kept.clone(), foreign.clone()];
        rm.apply_all_staged(&set, &ApplyOptions::default())
            .await
            .unwrap();

        let opts = DeleteOptions {
            required_labels: [("kustomize.toolkit.fluxcd.io/name".into(), "app".into())].into(),
        };
        let gone = config_map(&ns, "never-existed", json!({}));
        let ids: Vec<ObjectRef> = [&stale, &kept, &foreign, &gone]
            .into_iter()
            .map(id)
            .collect();
        let changes = rm.delete_all(&ids, &opts).await.unwrap();
        assert_eq!(
            changes.action_of(&id(&stale)),
            Some(Action::Deleted),
            "{changes}"
        );
        assert_eq!(
            changes.action_of(&id(&kept)),
            Some(Action::Skipped),
            "{changes}"
        );
        assert_eq!(
            changes.action_of(&id(&foreign)),
            Some(Action::Skipped),
            "{changes}"
        );
        assert_eq!(
            changes.action_of(&id(&gone)),
            Some(Action::Skipped),
            "{changes}"
        );
        assert!(rm.get(&id(&kept)).await.unwrap().is_some());
        assert!(rm.get(&id(&foreign)).await.unwrap().is_some());
    })
    .await;
}

#[tokio::test]
async fn immutable_changes_need_force_and_annotations_skip_objects() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let mut frozen = config_map(&ns, "frozen", json!({"v": "1"}));
        frozen["immutable"] = json!(true);
        rm.apply_all_staged(std::slice::from_ref(&frozen), &ApplyOptions::default())
            .await
            .unwrap();

        frozen["data"]["v"] = json!("2");
        let err = rm
            .apply_all_staged(std::slice::from_ref(&frozen), &ApplyOptions::default())
            .await
            .unwrap_err();
        assert!(err.to_string().contains("immutable"), "{err}");

        let force = ApplyOptions {
            force: true,
            ..ApplyOptions::default()
        };
        let changes = rm
            .apply_all_staged(std::slice::from_ref(&frozen), &force)
            .await
            .unwrap();
        assert_eq!(
            changes.action_of(&id(&frozen)),
            Some(Action::Created),
            "{changes}"
        );
        let live = rm.get(&id(&frozen)).await.unwrap().unwrap();
        assert_eq!(live["data"]["v"], "2");

        let mut ignored = config_map(&ns, "ignored", json!({}));
        ignored["metadata"]["annotations"] =
            json!({"kustomize.toolkit.fluxcd.io/reconcile": "disabled"});
        let mut once = config_map(&ns, "once", json!({"v": "1"}));
        once["metadata"]["annotations"] =
            json!({"kustomize.toolkit.fluxcd.io/ssa": "IfNotPresent"});
        let set = [ignored.clone(), once.clone()];
        let changes = rm
            .apply_all_staged(&set, &ApplyOptions::default())
            .await
            .unwrap();
        assert_eq!(
            changes.action_of(&id(&ignored)),
            Some(Action::Skipped),
            "{changes}"
        );
        assert_eq!(
            changes.action_of(&id(&once)),
            Some(Action::Created),
            "{changes}"
        );
        once["data"]["v"] = json!("2");
        let changes = rm
            .apply_all_staged(&[once.clone()], &ApplyOptions::default())
            .await
            .unwrap();
        assert_eq!(
            changes.action_of(&id(&once)),
            Some(Action::Skipped),
            "{changes}"
        );
        assert_eq!(rm.get(&id(&ignored)).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn wait_for_a_deployment_to_become_available() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let deploy = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": ns},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                     "template": {"metadata": {"labels": {"app": "web"}},
                                  "spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}}});
        rm.apply_all_staged(std::slice::from_ref(&deploy), &ApplyOptions::default()).await.unwrap();
        let wait = WaitOptions { timeout: Duration::from_secs(90), fail_fast: true };
        rm.wait_for_set(&[id(&deploy)], &wait).await.unwrap();
        let health = rm.status_of(&[id(&deploy)]).await.unwrap();
        assert!(health[0].message.contains("Deployment is available"), "{health:?}");
        // Server-side defaults and controller-written fields do not count as a change.
        let again = rm.apply_all_staged(std::slice::from_ref(&deploy), &ApplyOptions::default()).await.unwrap();
        assert_eq!(again.action_of(&id(&deploy)), Some(Action::Unchanged), "{again}");

        // A short wait on something that cannot be ready names the object and its status.
        let missing = config_map(&ns, "missing", json!({}));
        let short = WaitOptions { timeout: Duration::from_secs(1), fail_fast: true };
        let err = rm.wait_for_set(&[id(&missing)], &short).await.unwrap_err();
        assert!(err.to_string().contains(&format!("ConfigMap/{ns}/missing status: 'NotFound'")), "{err}");
    })
    .await;
}

#[tokio::test]
async fn diff_reports_changes_without_applying_and_masks_secrets() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client);
        let cm = config_map(&ns, "settings", json!({"mode": "fast"}));
        let secret = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "token", "namespace": ns}, "stringData": {"token": "s3cr3t"}});
        let set = [cm.clone(), secret.clone()];
        let diff = rm.diff(&set).await.unwrap();
        assert_eq!(diff[0].action, Action::Created);
        assert_eq!(diff[0].live, None);
        assert_eq!(
            rm.get(&id(&cm)).await.unwrap(),
            None,
            "diff changes nothing"
        );
        let shown = serde_json::to_string(&diff[1].desired).unwrap();
        assert!(
            !shown.contains("czNjcjN0") && !shown.contains("s3cr3t"),
            "{shown}"
        );

        rm.apply_all_staged(&set, &ApplyOptions::default())
            .await
            .unwrap();
        let mut changed = cm.clone();
        changed["data"]["mode"] = json!("slow");
        let diff = rm.diff(&[cm, changed.clone()]).await.unwrap();
        assert_eq!(diff[0].action, Action::Unchanged);
        assert_eq!(diff[1].action, Action::Configured);
        assert_eq!(diff[1].desired.as_ref().unwrap()["data"]["mode"], "slow");
        assert_eq!(diff[1].live.as_ref().unwrap()["data"]["mode"], "fast");
    })
    .await;
}

#[tokio::test]
async fn fields_left_by_kubectl_are_taken_over_unless_merge() {
    ensure_cluster();
    with_temp_namespace(|client, ns| async move {
        let rm = manager(client.clone());
        let api: kube::Api<k8s_openapi::api::core::v1::ConfigMap> =
            kube::Api::namespaced(client, &ns);
        let post = kube::api::PostParams {
            field_manager: Some("kubectl".into()),
            ..Default::default()
        };
        for name in ["taken", "merged"] {
            let cm: k8s_openapi::api::core::v1::ConfigMap = serde_json::from_value(config_map(
                &ns,
                name,
                json!({"key": "1", "extra": "left by kubectl"}),
            ))
            .unwrap();
            api.create(&post, &cm).await.unwrap();
        }
        let taken = config_map(&ns, "taken", json!({"key": "1"}));
        let mut merged = config_map(&ns, "merged", json!({"key": "1"}));
        merged["metadata"]["annotations"] = json!({"kustomize.toolkit.fluxcd.io/ssa": "Merge"});
        let opts = ApplyOptions {
            cleanup: CleanupOptions::flux_defaults("ssa-test"),
            ..ApplyOptions::default()
        };
        let changes = rm
            .apply_all_staged(&[taken.clone(), merged.clone()], &opts)
            .await
            .unwrap();
        assert_eq!(
            changes.action_of(&id(&taken)),
            Some(Action::Configured),
            "{changes}"
        );
        let data = api.get("taken").await.unwrap().data.unwrap();
        assert!(!data.contains_key("extra"), "{data:?}");
        let data = api.get("merged").await.unwrap().data.unwrap();
        assert_eq!(data["extra"], "left by kubectl");

        let again = rm
            .apply_all_staged(&[taken.clone(), merged], &opts)
            .await
            .unwrap();
        assert_eq!(again.changes().count(), 0, "{again}");
    })
    .await;
}

/// When the first stage was applied and the rest is then refused, the error lists what was
/// applied: the caller must keep tracking it (Flux's inventory), or it would never be pruned.
#[tokio::test]
async fn a_failure_after_the_first_stage_reports_what_was_applied() {
    ensure_cluster();
    with_temp_namespace(|client, _ns| async move {
        let rm = manager(client);
        let other_ns = unique_name("ssa-partial");
        let namespace =
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": other_ns}});
        // Its Namespace does not exist at the first dry-run, so it is only refused (invalid
        // name) after stage one created the Namespace.
        let invalid = config_map(&other_ns, "Not_Valid", json!({}));
        let err = rm
            .apply_all_staged(&[namespace.clone(), invalid], &ApplyOptions::default())
            .await
            .expect_err("the ConfigMap is refused");
        let Error::PartialApply { applied, source } = &err else {
            panic!("expected a partial apply, got {err:?}");
        };
        assert_eq!(
            applied.action_of(&id(&namespace)),
            Some(Action::Created),
            "{applied}"
        );
        assert_eq!(applied.entries.len(), 1, "{applied}");
        assert!(matches!(**source, Error::DryRun { .. }), "{source:?}");
        assert!(err.to_string().contains("Not_Valid"), "{err}");
        rm.delete_all(&[id(&namespace)], &DeleteOptions::default())
            .await
            .unwrap();
    })
    .await;
}
