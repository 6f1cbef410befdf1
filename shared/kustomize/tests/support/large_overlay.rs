//! A large generated kustomization tree for parity and benchmarks: `apps` applications (nine
//! objects each: Deployment, Service, ServiceAccount, HPA, Role, RoleBinding, PDB, a generated
//! ConfigMap and Secret), grouped ten to a middle layer (prefix, labels, strategic and JSON 6902
//! patches), under one overlay (namespace, labels, annotations, images, replicas, targeted
//! patches, a component and replacements).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn app_files(dir: &Path, n: usize) {
    let name = format!("app-{n:03}");
    write(
        &dir.join("kustomization.yaml"),
        &format!(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n- service.yaml\n- rbac.yaml\n- hpa.yaml\nconfigMapGenerator:\n- name: {name}-config\n  literals:\n  - LOG_LEVEL=info\n  - INDEX=\"{n}\"\n  files:\n  - settings.json\nsecretGenerator:\n- name: {name}-secret\n  literals:\n  - token=t-{n}\n"
        ),
    );
    write(
        &dir.join("settings.json"),
        &format!("{{\"app\": \"{name}\", \"shards\": {}}}\n", n % 7),
    );
    write(
        &dir.join("deployment.yaml"),
        &format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      serviceAccountName: {name}
      containers:
      - name: main
        image: ghcr.io/example/{img}:1.0.{n}
        args: ["--port=8080", "--name={name}"]
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: {name}-config
        env:
        - name: TOKEN
          valueFrom:
            secretKeyRef:
              name: {name}-secret
              key: token
        volumeMounts:
        - name: settings
          mountPath: /etc/settings
        resources:
          requests:
            cpu: 10m
            memory: 32Mi
      - name: proxy
        image: envoyproxy/envoy:v1.30.0
      volumes:
      - name: settings
        configMap:
          name: {name}-config
"#,
            img = if n.is_multiple_of(2) { "api" } else { "worker" }
        ),
    );
    write(
        &dir.join("service.yaml"),
        &format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n"
        ),
    );
    write(
        &dir.join("rbac.yaml"),
        &format!(
            "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {name}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: {name}\nrules:\n- apiGroups: [\"\"]\n  resources: [configmaps]\n  resourceNames: [{name}-config]\n  verbs: [get, watch]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: {name}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: {name}\nsubjects:\n- kind: ServiceAccount\n  name: {name}\n"
        ),
    );
    write(
        &dir.join("hpa.yaml"),
        &format!(
            "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: {name}\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: {name}\n  minReplicas: 2\n  maxReplicas: 6\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  minAvailable: 1\n  selector:\n    matchLabels:\n      app: {name}\n"
        ),
    );
}

/// Write the tree under `root` and return the overlay directory to build.
pub fn write_large_overlay(root: &Path, apps: usize) -> PathBuf {
    for n in 0..apps {
        app_files(&root.join(format!("apps/app-{n:03}")), n);
    }
    let groups = apps.div_ceil(10);
    for g in 0..groups {
        let mut k =
            String::from("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        writeln!(k, "namePrefix: g{g:02}-").unwrap();
        k.push_str("commonLabels:\n");
        writeln!(k, "  group: g{g:02}").unwrap();
        k.push_str("resources:\n");
        for n in (g * 10)..((g + 1) * 10).min(apps) {
            writeln!(k, "- ../../apps/app-{n:03}").unwrap();
        }
        k.push_str(
            "patches:\n- target:\n    kind: Deployment\n  patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: any\n    spec:\n      template:\n        spec:\n          containers:\n          - name: main\n            env:\n            - name: GROUP\n              value: group\n            resources:\n              limits:\n                memory: 128Mi\n- target:\n    kind: Service\n  patch: |\n    - op: add\n      path: /metadata/annotations\n      value:\n        group-service: \"true\"\n",
        );
        write(
            &root.join(format!("groups/group-{g:02}/kustomization.yaml")),
            &k,
        );
    }
    write(
        &root.join("components/monitoring/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- dashboards.yaml\nlabels:\n- pairs:\n    monitoring: enabled\npatches:\n- target:\n    kind: Deployment\n  patch: |\n    - op: add\n      path: /spec/template/metadata/annotations\n      value:\n        prometheus.io/scrape: \"true\"\n",
    );
    write(
        &root.join("components/monitoring/dashboards.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dashboards\ndata:\n  overview.json: '{\"panels\": []}'\n",
    );
    let mut k = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: production\nresources:\n",
    );
    for g in 0..groups {
        writeln!(k, "- ../../groups/group-{g:02}").unwrap();
    }
    k.push_str("components:\n- ../../components/monitoring\n");
    k.push_str("labels:\n- pairs:\n    env: production\n  includeTemplates: true\ncommonAnnotations:\n  owner: platform-team\n");
    k.push_str("images:\n- name: ghcr.io/example/api\n  newTag: 2.0.0\n- name: envoyproxy/envoy\n  newName: registry.example.com/envoy\n  digest: sha256:0000000000000000000000000000000000000000000000000000000000000001\n");
    k.push_str("replicas:\n- name: g00-app-000\n  count: 5\n");
    k.push_str("patches:\n- target:\n    kind: Deployment\n    labelSelector: group in (g00,g01)\n  patch: |\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: any\n    spec:\n      template:\n        spec:\n          containers:\n          - name: proxy\n            $patch: delete\n");
    k.push_str("configMapGenerator:\n- name: global\n  literals:\n  - REGION=eu-west-1\n");
    k.push_str("replacements:\n- source:\n    kind: ConfigMap\n    name: global\n    fieldPath: data.REGION\n  targets:\n  - select:\n      kind: Deployment\n    fieldPaths:\n    - spec.template.metadata.annotations.region\n    options:\n      create: true\n");
    let overlay = root.join("overlays/production");
    write(&overlay.join("kustomization.yaml"), &k);
    overlay
}
