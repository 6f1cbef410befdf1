//! Engine tests through the public API: objects, options, errors, data shapes the chart layer uses.

use std::sync::Arc;

use super::{RenderOptions, TemplateError, TemplateObject, Templates, Value};

/// A stand-in for the chart layer's `.Files`.
struct Files;

impl TemplateObject for Files {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match name {
            "Get" => Some(Ok(Value::from(format!(
                "content of {}",
                args.first().and_then(Value::as_str).unwrap_or("")
            )))),
            "Fail" => Some(Err("boom".into())),
            _ => None,
        }
    }
    fn type_name(&self) -> &str {
        "files.Files"
    }
}

/// A list with a method, like `.Capabilities.APIVersions`.
struct Versions;

impl TemplateObject for Versions {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        (name == "Has").then(|| {
            Ok(Value::Bool(
                args.first().and_then(Value::as_str) == Some("apps/v1"),
            ))
        })
    }
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn as_value(&self) -> Option<Value> {
        Some(Value::from(vec![Value::from("apps/v1"), Value::from("v1")]))
    }
}

fn data() -> Value {
    let caps = Value::map_from([("APIVersions".to_string(), Value::Object(Arc::new(Versions)))]);
    Value::map_from([
        ("Files".to_string(), Value::Object(Arc::new(Files))),
        ("Capabilities".to_string(), caps),
        (
            "Values".to_string(),
            Value::from_json(&serde_json::json!({"n": 1000000, "s": "x"})),
        ),
    ])
}

fn render(src: &str) -> Result<String, TemplateError> {
    let mut t = Templates::new();
    t.parse("t", src)?;
    t.render("t", &data())
}

#[test]
fn object_methods_and_values() {
    assert_eq!(
        render(r#"{{ .Files.Get "a.txt" | upper }}"#).unwrap(),
        "CONTENT OF A.TXT"
    );
    assert_eq!(
        render(r#"{{ .Capabilities.APIVersions.Has "apps/v1" }}"#).unwrap(),
        "true"
    );
    assert_eq!(
        render("{{ .Capabilities.APIVersions }}").unwrap(),
        "[apps/v1 v1]"
    );
    assert_eq!(
        render("{{ range .Capabilities.APIVersions }}{{ . }};{{ end }}").unwrap(),
        "apps/v1;v1;"
    );
    assert_eq!(render("{{ len .Capabilities.APIVersions }}").unwrap(), "2");
    let err = render(r#"{{ .Files.Fail }}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:9: executing "t" at <.Files.Fail>: error calling Fail: boom"#
    );
    let err = render(r#"{{ .Files.Nope }}"#).unwrap_err();
    assert!(
        err.to_string()
            .ends_with("can't evaluate field Nope in type files.Files"),
        "{err}"
    );
}

#[test]
fn helm_number_semantics() {
    assert_eq!(render("{{ .Values.n }}").unwrap(), "1e+06");
    assert_eq!(render("{{ .Values.n | int }}").unwrap(), "1000000");
}

#[test]
fn missing_keys_render_empty_but_strict_errors() {
    assert_eq!(render("[{{ .Values.nope }}]").unwrap(), "[]");
    let mut t = Templates::new();
    t.set_options(RenderOptions { strict: true });
    t.parse("t", "{{ .Values.nope }}").unwrap();
    let err = t.render("t", &data()).unwrap_err();
    assert!(
        err.to_string()
            .ends_with(r#"map has no entry for key "nope""#),
        "{err}"
    );
}

#[test]
fn errors_look_like_go() {
    let err = render("{{ .Values.nope.x }}").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1:10: executing "t" at <.Values.nope.x>: nil pointer evaluating interface {}.x"#
    );
    assert_eq!(err.location().as_deref(), Some("t:1:10"));
    let err = render("line1\n{{ nosuch }}").unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:2: function "nosuch" not defined"#
    );
    let err = Templates::new().render("missing", &Value::Nil).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: no template "missing" associated with template "gotpl""#
    );
    assert_eq!(
        render(r#"{{ fail "stop" }}"#).unwrap_err().message(),
        "error calling fail: stop"
    );
}

#[test]
fn later_files_override_defines_and_empty_bodies_keep_templates() {
    let mut t = Templates::new();
    t.parse("a", r#"{{ define "x" }}A{{ end }}"#).unwrap();
    t.parse("b", r#"{{ define "x" }}B{{ end }}"#).unwrap();
    t.parse("c", r#"{{ include "x" . }}"#).unwrap();
    assert_eq!(t.render("c", &Value::Nil).unwrap(), "B");
    assert!(t.contains("a") && t.contains("x"));
}

#[test]
fn deep_include_recursion_is_an_error_not_a_crash() {
    let err =
        render(r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#).unwrap_err();
    assert!(
        err.to_string()
            .contains("rendering template has a nested reference name: r")
    );
}

#[test]
fn empty_define_does_not_replace_and_tpl_does_not_leak() {
    let mut t = Templates::new();
    t.parse("a", r#"{{ define "x" }}A{{ end }}"#).unwrap();
    t.parse("b", r#"{{ define "x" }}{{ end }}"#).unwrap();
    t.parse(
        "c",
        r#"{{ include "x" . }}{{ tpl "{{ define \"y\" }}Y{{ end }}{{ include \"y\" . }}" . }}"#,
    )
    .unwrap();
    assert_eq!(t.render("c", &Value::Nil).unwrap(), "AY");
    assert!(!t.contains("y"), "tpl defines stay inside the tpl call");
}

/// A map type with methods, like Helm's `Values` (`.Values.AsMap`, keys otherwise).
struct ValuesObject(Value);

impl TemplateObject for ValuesObject {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        (name == "AsMap").then(|| Ok(self.0.clone()))
    }
    fn type_name(&self) -> &str {
        "common.Values"
    }
    fn as_value(&self) -> Option<Value> {
        Some(self.0.clone())
    }
}

#[test]
fn map_objects_fall_back_to_keys() {
    let values = Value::from_json(&serde_json::json!({"a": {"b": "x"}}));
    let data = Value::map_from([(
        "Values".to_string(),
        Value::Object(Arc::new(ValuesObject(values))),
    )]);
    let mut t = Templates::new();
    t.parse(
        "t",
        r#"{{ .Values.a.b }}|{{ .Values.nope }}|{{ .Values.AsMap.a.b }}|{{ typeOf .Values }}|{{ $_ := set .Values "k" "v" }}{{ .Values.k }}"#,
    )
    .unwrap();
    assert_eq!(t.render("t", &data).unwrap(), "x||x|common.Values|v");
}
