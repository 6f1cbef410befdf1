//! Splitting rendered files into documents and ordering them as Helm's `SortManifests`: hooks
//! apart, manifests in kind install order, then by file path and position in the file.

use serde_json::Value as Json;

/// Helm's `InstallOrder`: kinds in the order they are installed; unknown kinds come last.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Hook events Helm knows (`helm.sh/hook`); a document with any other event is dropped.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One document of a rendered template.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template it came from, e.g. `podinfo/templates/service.yaml`.
    pub source: String,
    /// The document without its `---` line and leading whitespace (trailing whitespace is kept:
    /// Helm prints it).
    pub content: String,
    /// Its `kind` (empty when none).
    pub kind: String,
}

/// A document annotated with `helm.sh/hook`.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    /// The document.
    pub manifest: Manifest,
    /// `metadata.name`.
    pub name: String,
    /// The hook events, lower-cased.
    pub events: Vec<String>,
    /// `helm.sh/hook-weight` (0 when absent or not a number).
    pub weight: i64,
}

/// A rendered document that is not valid YAML (Helm's message).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("YAML parse error on {path}: {message}")]
pub struct SortError {
    /// The template file.
    pub path: String,
    /// Why.
    pub message: String,
}

/// Helm 4's `SplitManifests`: documents start at a line beginning with `---` (whitespace after it,
/// line breaks included, is dropped); each document loses its leading whitespace but keeps its
/// trailing whitespace; empty documents are dropped. (The regular expression `(?m)^---\s*`, split
/// by hand: compiling it cost more than splitting a small chart.)
pub fn split_documents(file: &str) -> Vec<String> {
    let text = file.trim_start();
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    // `line` is always at the start of a line (or of the text).
    let mut line = 0;
    while line < text.len() {
        if text[line..].starts_with("---") {
            pieces.push(&text[piece_start..line]);
            let rest = &text[line + 3..];
            piece_start = text.len() - rest.trim_start().len();
            line = piece_start;
            // The separator's white space may end right after a line break: a new line starts there.
            if text[..line].ends_with('\n') {
                continue;
            }
        }
        match text[line..].find('\n') {
            Some(nl) => line += nl + 1,
            None => break,
        }
    }
    pieces.push(&text[piece_start..]);
    pieces
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| d.trim_start().to_string())
        .collect()
}

/// One document of a rendered file, classified by its head.
enum Doc {
    Manifest(Manifest),
    Hook(Hook),
}

/// The documents of one rendered file, split and classified, or why its YAML was refused.
pub struct FileDocs {
    path: String,
    docs: Result<Vec<Doc>, SortError>,
}

impl FileDocs {
    /// Splits and classifies the rendered `content` of template file `path`.
    pub fn parse(path: String, content: &str) -> FileDocs {
        let base = path.rsplit('/').next().unwrap_or(&path);
        let docs = if base.starts_with('_') || content.trim().is_empty() {
            Ok(Vec::new())
        } else {
            classify_documents(&path, content)
        };
        FileDocs { path, docs }
    }
}

/// Sorts rendered files (path, content) into hooks and manifests, each in install order.
pub fn sort_manifests(
    files: Vec<(String, String)>,
) -> Result<(Vec<Hook>, Vec<Manifest>), SortError> {
    sort_files(
        files
            .into_iter()
            .map(|(path, content)| FileDocs::parse(path, &content))
            .collect(),
    )
}

/// Orders classified files as Helm's `SortManifests`: by file path, then hooks and manifests each
/// in kind install order. The first refused file in path order is the error.
pub fn sort_files(mut files: Vec<FileDocs>) -> Result<(Vec<Hook>, Vec<Manifest>), SortError> {
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let mut hooks = Vec::new();
    let mut manifests = Vec::new();
    for file in files {
        for doc in file.docs? {
            match doc {
                Doc::Manifest(m) => manifests.push(m),
                Doc::Hook(h) => hooks.push(h),
            }
        }
    }
    manifests.sort_by(|a, b| kind_order(&a.kind, &b.kind));
    hooks.sort_by(|a, b| kind_order(&a.manifest.kind, &b.manifest.kind));
    Ok((hooks, manifests))
}

/// The documents of one file with their heads decoded; hooks of unknown events are dropped.
fn classify_documents(path: &str, content: &str) -> Result<Vec<Doc>, SortError> {
    let mut docs = Vec::new();
    for doc in split_documents(content) {
        let head = parse_head(&doc).map_err(|e| SortError {
            path: path.to_string(),
            message: e.to_string(),
        })?;
        let head = match head {
            Json::Object(m) => m,
            Json::Null => Default::default(),
            _ => {
                return Err(SortError {
                    path: path.to_string(),
                    message: "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead".into(),
                });
            }
        };
        let kind = head
            .get("kind")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        let metadata = head.get("metadata").and_then(Json::as_object);
        let annotations = metadata
            .and_then(|m| m.get("annotations"))
            .and_then(Json::as_object);
        let manifest = Manifest {
            source: path.to_string(),
            content: doc,
            kind,
        };
        let Some(hook_value) = annotations
            .and_then(|a| a.get("helm.sh/hook"))
            .and_then(Json::as_str)
        else {
            docs.push(Doc::Manifest(manifest));
            continue;
        };
        let events: Vec<String> = hook_value
            .split(',')
            .map(|e| e.trim().to_lowercase())
            .collect();
        if events.iter().any(|e| !HOOK_EVENTS.contains(&e.as_str())) {
            continue;
        }
        let weight = annotations
            .and_then(|a| a.get("helm.sh/hook-weight"))
            .and_then(Json::as_str)
            .and_then(|w| w.trim().parse().ok())
            .unwrap_or(0);
        let name = metadata
            .and_then(|m| m.get("name"))
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_string();
        docs.push(Doc::Hook(Hook {
            manifest,
            name,
            events,
            weight,
        }));
    }
    Ok(docs)
}

/// Decodes a document for its head (kind, metadata). go-yaml accepts a multi-line quoted scalar
/// at column 0 deep in a body, which a strict YAML parser refuses; then only the `apiVersion`,
/// `kind` and `metadata` blocks are decoded, as long as they exist. Other errors stand, worded as
/// go-yaml words the common ones.
fn parse_head(doc: &str) -> Result<Json, crate::yaml::YamlError> {
    let error = match crate::yaml::head_from_str(doc, &["kind", "metadata"]) {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if !error
        .0
        .contains("invalid indentation in multiline quoted scalar")
    {
        return Err(go_yaml_wording(error));
    }
    let mut head = String::new();
    let mut keep = false;
    for line in doc.lines() {
        let top_level = !line.starts_with([' ', '\t', '#', '-']) && !line.trim().is_empty();
        if top_level {
            keep = ["apiVersion:", "kind:", "metadata:"]
                .iter()
                .any(|k| line.starts_with(k));
        }
        if keep {
            head.push_str(line);
            head.push('\n');
        }
    }
    match crate::yaml::from_str(&head) {
        Ok(v @ Json::Object(_)) if !head.is_empty() => Ok(v),
        _ => Err(error),
    }
}

/// sigs.k8s.io/yaml's message for an unclosed flow collection (`[a, b` or `{a: b`); other
/// messages are kept.
fn go_yaml_wording(error: crate::yaml::YamlError) -> crate::yaml::YamlError {
    let message = &error.0;
    let closing = if message.contains("unclosed bracket '['") {
        ']'
    } else if message.contains("unclosed bracket '{'") {
        '}'
    } else {
        return error;
    };
    let line = message
        .split(" line ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or("0");
    crate::yaml::YamlError(format!(
        "error converting YAML to JSON: yaml: line {line}: did not find expected ',' or '{closing}'"
    ))
}

/// Helm's `lessByKind` as an ordering (the sort is stable, so equal kinds keep file order).
fn kind_order(a: &str, b: &str) -> std::cmp::Ordering {
    let pos = |k: &str| INSTALL_ORDER.iter().position(|o| *o == k);
    match (pos(a), pos(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        assert_eq!(
            split_documents("\n# lead\na: 1  \n\n---  \n\n  b: 2\n---\n---\nc: 3"),
            vec!["# lead\na: 1  \n\n", "b: 2\n", "c: 3"]
        );
        assert_eq!(split_documents("a: 1\n---b: 2"), vec!["a: 1\n", "b: 2"]);
        assert_eq!(
            split_documents("x: |\n  a\n  ---\n  b\n"),
            vec!["x: |\n  a\n  ---\n  b\n"]
        );
        assert_eq!(
            split_documents("# only a comment\n"),
            vec!["# only a comment\n"]
        );
    }

    #[test]
    fn splits_as_the_regular_expression_does() {
        let separator = regex::Regex::new(r"(?m)^---\s*").unwrap();
        let by_regex = |file: &str| -> Vec<String> {
            separator
                .split(file.trim_start())
                .filter(|d| !d.is_empty())
                .map(|d| d.trim_start().to_string())
                .collect()
        };
        for file in [
            "",
            "---",
            "---\n---\n",
            "a: 1\n---\n---   \n  ---\nb: 2\n",
            "---a\n--- b\n----\nc\n---\u{a0}\u{2003}d\n",
            "x: 1\r\n---\r\ny: 2\r\n",
            "  \n\n---\n# c\n--- \n\n\n--- x\n",
            "a\n -- -\n---",
            "a: |\n  ---\n---\n\u{85}---\n",
        ] {
            assert_eq!(split_documents(file), by_regex(file), "{file:?}");
        }
    }

    #[test]
    fn orders_by_kind_then_path_and_separates_hooks() {
        let files = vec![
            (
                "c/templates/svc.yaml".to_string(),
                "kind: Service\nmetadata: {name: s}".to_string(),
            ),
            (
                "c/templates/a.yaml".to_string(),
                "kind: Deployment\n---\nkind: Foo\n---\nkind: ConfigMap".to_string(),
            ),
            ("c/templates/_h.tpl".to_string(), "kind: Secret".to_string()),
            (
                "c/templates/test.yaml".to_string(),
                "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test"
                    .to_string(),
            ),
        ];
        let (hooks, manifests) = sort_manifests(files).unwrap();
        let kinds: Vec<_> = manifests.iter().map(|m| m.kind.as_str()).collect();
        assert_eq!(kinds, vec!["ConfigMap", "Service", "Deployment", "Foo"]);
        assert_eq!(hooks.len(), 1);
        assert_eq!(hooks[0].events, vec!["test"]);
    }
}
