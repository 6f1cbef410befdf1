use super::*;
use serde_json::json;

fn vars() -> BTreeMap<String, String> {
    [
        ("cluster", "prod"),
        ("replicas", "3"),
        ("empty", ""),
        ("enabled", "true"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

#[test]
fn text_substitution_table() {
    let cases = [
        ("${cluster}", "prod"),
        ("$cluster-east", "prod-east"),
        ("name-${cluster}-x", "name-prod-x"),
        ("${missing}", ""),
        ("${missing:-dev}", "dev"),
        ("${missing:=dev}", "dev"),
        ("${empty:-dev}", "dev"),
        ("${empty-dev}", ""),
        ("${missing-dev}", "dev"),
        ("${cluster:-dev}", "prod"),
        ("${cluster:+set}", "set"),
        ("${missing:+set}", ""),
        ("${missing:-${cluster}}", "prod"),
        ("$${cluster}", "${cluster}"),
        ("$$cluster", "$cluster"),
        ("cost: 5$", "cost: 5$"),
        ("$1 and $@", "$1 and $@"),
        ("no vars", "no vars"),
    ];
    for (input, want) in cases {
        assert_eq!(
            substitute_text(input, &vars()).unwrap(),
            want,
            "input {input:?}"
        );
    }
}

#[test]
fn bad_expressions_have_clear_errors() {
    assert_eq!(
        substitute_text("${cluster", &vars()),
        Err(SubstituteError::UnclosedBrace("${cluster".into()))
    );
    assert!(matches!(
        substitute_text("${cluster/a/b}", &vars()),
        Err(SubstituteError::UnsupportedExpression(_))
    ));
    let bad: BTreeMap<String, String> = [("1bad".to_string(), "x".to_string())].into();
    let err = substitute_objects(vec![json!({})], &bad).unwrap_err();
    assert!(
        err.to_string().contains("'1bad' var name is invalid"),
        "{err}"
    );
}

#[test]
fn objects_are_substituted_and_retyped_like_yaml() {
    let obj = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "app-${cluster}", "labels": {"${cluster}-tier": "web"}},
        "spec": {"replicas": "${replicas}", "paused": "${enabled}", "note": "v${replicas}",
                 "list": ["${cluster}", 1]}
    });
    let out = substitute_objects(vec![obj], &vars()).unwrap();
    assert_eq!(
        out[0],
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "app-prod", "labels": {"prod-tier": "web"}},
            "spec": {"replicas": 3, "paused": true, "note": "v3", "list": ["prod", 1]}
        })
    );
}

#[test]
fn opted_out_objects_and_empty_vars_are_untouched() {
    let annotated = json!({"metadata": {"name": "${cluster}",
        "annotations": {"kustomize.toolkit.fluxcd.io/substitute": "disabled"}}});
    let labelled = json!({"metadata": {"name": "${cluster}",
        "labels": {"kustomize.toolkit.fluxcd.io/substitute": "disabled"}}});
    let out = substitute_objects(vec![annotated.clone(), labelled.clone()], &vars()).unwrap();
    assert_eq!(out, vec![annotated, labelled]);
    let plain = json!({"metadata": {"name": "${cluster}"}});
    let out = substitute_objects(vec![plain.clone()], &BTreeMap::new()).unwrap();
    assert_eq!(out, vec![plain]);
}
