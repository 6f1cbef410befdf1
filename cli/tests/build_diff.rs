//! `ferroflux build kustomization` and `ferroflux diff kustomization` against the test cluster,
//! each in its own temporary namespace.

use std::collections::BTreeMap;
use std::path::Path;

use ferroflux_api::kustomize::v1::Kustomization;
use ferroflux_e2e::{
    api_resource, apply, ferroflux, ferroflux_raw, install_crds, set_status, with_temp_namespace,
};
use k8s_openapi::api::core::v1::{ConfigMap, Secret};
use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use serde_json::{Value, json};

/// A Kustomization object for `path`, applying into `ns` with prune on, plus `extra` spec fields.
fn ks(name: &str, ns: &str, path: &str, extra: Value) -> Value {
    let mut spec = json!({
        "interval": "10m", "prune": true, "path": path, "targetNamespace": ns,
        "sourceRef": {"kind": "GitRepository", "name": "repo"}
    });
    spec.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    json!({
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1", "kind": "Kustomization",
        "metadata": {"name": name, "namespace": ns}, "spec": spec
    })
}

fn write(root: &Path, path: &str, content: &str) {
    let file = root.join(path);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(file, content).unwrap();
}

/// Every file under `root` with its content, to show a command changed none.
fn snapshot(root: &Path) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let name = path.strip_prefix(root).unwrap().display().to_string();
                files.insert(name, std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    files
}

fn documents(yaml: &str) -> Vec<Value> {
    serde_saphyr::from_str_multiple(yaml).expect("build prints valid YAML")
}

fn find<'a>(docs: &'a [Value], kind: &str, name: &str) -> &'a Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind}/{name} in {docs:#?}"))
}

#[tokio::test]
async fn build_kustomization_applies_the_spec_and_variables_and_changes_no_file() {
    install_crds().await;
    with_temp_namespace(|client, ns| async move {
        // A checkout where the overlay uses a base outside --path.
        let repo = tempfile::tempdir().unwrap();
        let root = repo.path();
        std::fs::create_dir(root.join(".git")).unwrap();
        write(
            root,
            "apps/base/kustomization.yaml",
            "resources:\n- settings.yaml\n",
        );
        write(
            root,
            "apps/base/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n\
             data:\n  greeting: ${GREETING}\n  token: ${TOKEN}\n  count: ${COUNT:=one}\n",
        );
        write(
            root,
            "apps/prod/kustomization.yaml",
            "resources:\n- ../base\n",
        );
        let before = snapshot(root);

        let configmaps: Api<ConfigMap> = Api::namespaced(client.clone(), &ns);
        let vars = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "vars"}, "data": {"GREETING": "hello"}});
        configmaps
            .patch("vars", &PatchParams::apply("test"), &Patch::Apply(&vars))
            .await
            .unwrap();
        let secrets: Api<Secret> = Api::namespaced(client.clone(), &ns);
        let secret_vars = json!({"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "secret-vars"}, "stringData": {"TOKEN": "from-secret"}});
        secrets
            .patch(
                "secret-vars",
                &PatchParams::apply("test"),
                &Patch::Apply(&secret_vars),
            )
            .await
            .unwrap();
        let spec_extra = json!({
            "namePrefix": "p-",
            "commonMetadata": {"labels": {"team": "web"}},
            "postBuild": {
                "substitute": {"COUNT": "three"},
                "substituteFrom": [
                    {"kind": "ConfigMap", "name": "vars"},
                    {"kind": "Secret", "name": "secret-vars"}
                ]
            }
        });
        let object = ks("apps", &ns, "./apps/prod", spec_extra);
        apply(
            &client,
            &ns,
            &api_resource::<Kustomization>(),
            object.clone(),
        )
        .await;

        let path = root.join("apps/prod");
        let path = path.to_str().unwrap();
        let run = ferroflux(&["-n", &ns, "build", "kustomization", "apps", "--path", path])
            .await
            .expect_ok();
        let docs = documents(&run.stdout);
        assert_eq!(docs.len(), 1, "{}", run.stdout);
        let settings = find(&docs, "ConfigMap", "p-settings");
        assert_eq!(settings["metadata"]["namespace"], ns.as_str());
        assert_eq!(
            settings["data"],
            json!({"greeting": "hello", "token": "from-secret", "count": "three"})
        );
        assert_eq!(
            settings["metadata"]["labels"],
            json!({"team": "web", "kustomize.toolkit.fluxcd.io/name": "apps",
                   "kustomize.toolkit.fluxcd.io/namespace": ns})
        );
        assert_eq!(snapshot(root), before, "the user's files are not changed");

        // Offline: the Kustomization from a file, the cluster never contacted (the kubeconfig
        // does not even exist), substituteFrom skipped, inline variables still used.
        let file = repo.path().join("apps-ks.yaml");
        std::fs::write(&file, serde_json::to_string(&object).unwrap()).unwrap();
        let file = file.to_str().unwrap();
        let offline = ferroflux_raw(&[
            "--kubeconfig",
            "/nonexistent/kubeconfig",
            "-n",
            &ns,
            "build",
            "ks",
            "apps",
            "--path",
            path,
            "--kustomization-file",
            file,
            "--dry-run",
        ])
        .await
        .expect_ok();
        let docs = documents(&offline.stdout);
        let settings = find(&docs, "ConfigMap", "p-settings");
        assert_eq!(
            settings["data"],
            json!({"greeting": "", "token": "", "count": "three"})
        );

        // Mistakes get errors that say what to do.
        ferroflux_raw(&["build", "ks", "apps", "--path", path, "--dry-run"])
            .await
            .expect_err("--dry-run needs --kustomization-file");
        ferroflux(&["-n", &ns, "build", "ks", "nope", "--path", path])
            .await
            .expect_err(&format!("Kustomization {ns}/nope not found"));
        ferroflux(&[
            "-n",
            &ns,
            "build",
            "ks",
            "apps",
            "--path",
            "/nonexistent/dir",
        ])
        .await
        .expect_err("no such directory");
        ferroflux_raw(&[
            "-n",
            "elsewhere",
            "build",
            "ks",
            "apps",
            "--path",
            path,
            "--kustomization-file",
            file,
            "--dry-run",
        ])
        .await
        .expect_err("no Kustomization named 'apps' in namespace 'elsewhere'");
    })
    .await;
}

fn configmap_resource() -> ApiResource {
    ApiResource::erase::<ConfigMap>(&())
}

/// Server-side applies `objects` as kustomize-controller would.
async fn apply_as_controller(client: &kube::Client, ns: &str, objects: &[Value]) {
    for obj in objects {
        let resource = match obj["kind"].as_str() {
            Some("Secret") => ApiResource::erase::<Secret>(&()),
            _ => configmap_resource(),
        };
        let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), ns, &resource);
        let name = obj["metadata"]["name"].as_str().unwrap();
        api.patch(
            name,
            &PatchParams::apply("kustomize-controller").force(),
            &Patch::Apply(obj),
        )
        .await
        .unwrap_or_else(|e| panic!("apply {name}: {e}"));
    }
}

fn inventory(ns: &str, names: &[(&str, &str)]) -> Value {
    let entries: Vec<Value> = names
        .iter()
        .map(|(kind, name)| json!({"id": format!("{ns}_{name}__{kind}"), "v": "v1"}))
        .collect();
    json!({"inventory": {"entries": entries}})
}

#[tokio::test]
async fn diff_kustomization_reports_each_change_with_flux_exit_codes() {
    install_crds().await;
    with_temp_namespace(|client, ns| async move {
        // A plain directory: the build generates the kustomization.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "app/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: a\n",
        );
        write(
            root,
            "app/creds.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n\
             stringData:\n  password: first-password\n",
        );
        apply(
            &client,
            &ns,
            &api_resource::<Kustomization>(),
            ks("app", &ns, "./app", json!({})),
        )
        .await;
        let path = root.join("app");
        let path = path.to_str().unwrap();
        let diff_args = [
            "-n",
            ns.as_str(),
            "diff",
            "kustomization",
            "app",
            "--path",
            path,
        ];
        let diff = || ferroflux(&diff_args);

        // Nothing in the cluster yet: everything would be created.
        let run = diff().await;
        assert_eq!(
            run.code, 1,
            "differences exit 1:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stdout
                .contains(&format!("► ConfigMap/{ns}/settings created")),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains(&format!("► Secret/{ns}/creds created")),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("first-password"), "{}", run.stdout);

        // A Kustomization that exists only in a file (not yet in the cluster) diffs the same way.
        let file = root.join("fresh.yaml");
        let fresh = ks("fresh", &ns, "./app", json!({}));
        std::fs::write(&file, serde_json::to_string(&fresh).unwrap()).unwrap();
        let file = file.to_str().unwrap();
        let run = ferroflux(&[
            "-n",
            &ns,
            "diff",
            "ks",
            "fresh",
            "--path",
            path,
            "--kustomization-file",
            file,
        ])
        .await;
        assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout
                .contains(&format!("► ConfigMap/{ns}/settings created")),
            "{}",
            run.stdout
        );

        // Applied as the controller applies it, with its inventory: no differences.
        let built = ferroflux(&["-n", &ns, "build", "ks", "app", "--path", path])
            .await
            .expect_ok();
        apply_as_controller(&client, &ns, &documents(&built.stdout)).await;
        let applied = [("ConfigMap", "settings"), ("Secret", "creds")];
        set_status(
            &client,
            &ns,
            &api_resource::<Kustomization>(),
            "app",
            inventory(&ns, &applied),
        )
        .await;
        let run = diff().await;
        assert_eq!(
            run.code, 0,
            "no differences exit 0:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stdout
                .contains(&format!("► ConfigMap/{ns}/settings unchanged")),
            "{}",
            run.stdout
        );
        assert!(run.stderr.contains("no differences"), "{}", run.stderr);

        // Local edits, and an inventory entry the build no longer holds.
        write(
            root,
            "app/settings.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: b\n",
        );
        write(
            root,
            "app/creds.yaml",
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\n\
             stringData:\n  password: second-password\n",
        );
        let with_old = [
            ("ConfigMap", "settings"),
            ("Secret", "creds"),
            ("ConfigMap", "old"),
        ];
        set_status(
            &client,
            &ns,
            &api_resource::<Kustomization>(),
            "app",
            inventory(&ns, &with_old),
        )
        .await;
        let run = diff().await;
        assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
        let out = &run.stdout;
        assert!(
            out.contains(&format!("► ConfigMap/{ns}/settings configured")),
            "{out}"
        );
        assert!(
            out.contains("\n-  mode: a\n+  mode: b\n"),
            "a unified diff of the YAML:\n{out}"
        );
        assert!(
            out.contains(&format!("► Secret/{ns}/creds configured")),
            "{out}"
        );
        assert!(out.contains("*** (after)"), "{out}");
        for secret in [
            "first-password",
            "second-password",
            "Zmlyc3Qtc",
            "c2Vjb25kLX",
        ] {
            assert!(!out.contains(secret), "a Secret value leaked: {out}");
        }
        assert!(
            out.contains(&format!("► ConfigMap/{ns}/old deleted")),
            "{out}"
        );
        let live = Api::<ConfigMap>::namespaced(client.clone(), &ns)
            .get("settings")
            .await
            .unwrap();
        assert_eq!(live.data.unwrap()["mode"], "a", "diff changes nothing");

        // An object the cluster cannot take: the diff fails with exit 2 and says which.
        write(
            root,
            "app/widget.yaml",
            "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
        );
        let run = diff().await;
        assert_eq!(
            run.code, 2,
            "errors exit 2:\n{}\n{}",
            run.stdout, run.stderr
        );
        assert!(
            run.stderr
                .contains(&format!("Widget/{ns}/w: no matches for kind \"Widget\"")),
            "{}",
            run.stderr
        );
        assert!(
            run.stdout
                .contains(&format!("► ConfigMap/{ns}/settings configured"))
        );
    })
    .await;
}
