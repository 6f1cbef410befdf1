//! Engine tests through the public API: objects, options, errors, data shapes the chart layer
//! uses, and function libraries added on top of the standard one.

use std::sync::Arc;

use super::{
    Exec, FuncError, FuncResult, Functions, RenderOptions, TemplateError, TemplateObject,
    Templates, Value, funcs,
};

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
    t.parse("c", r#"{{ template "x" . }}"#).unwrap();
    assert_eq!(t.render("c", &Value::Nil).unwrap(), "B");
    assert!(t.contains("a") && t.contains("x"));
}

/// An exec family: `twice NAME DATA` runs template NAME twice; `depth NAME` tells how deep
/// runs of NAME nest.
fn twice(x: &mut Exec<'_>, name: &str, args: &[Value]) -> Option<FuncResult> {
    let target = args
        .first()
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    Some(match name {
        "twice" => {
            let data = args.get(1).cloned().unwrap_or_default();
            let run = |x: &mut Exec<'_>| {
                x.run(&target, &data)
                    .map_err(|e| FuncError::Call(e.to_string()))
            };
            run(x).and_then(|a| Ok(Value::String(a + &run(x)?)))
        }
        "depth" => Ok(Value::Int(x.nesting(&target) as i64)),
        _ => return None,
    })
}

/// A plain family that shadows a standard function: the families are tried in order.
fn shout(name: &str, args: &[Value]) -> Option<FuncResult> {
    (name == "upper").then(|| {
        Ok(Value::String(format!(
            "{}!",
            args[0].as_str().unwrap_or("")
        )))
    })
}

static EXTENDED: std::sync::LazyLock<Functions> = std::sync::LazyLock::new(|| {
    let families = [&[shout as funcs::Family][..], funcs::STANDARD].concat();
    let names = [funcs::NAMES, &["twice", "depth"]].concat();
    Functions::new(vec![twice], families, &names)
});

#[test]
fn added_functions_are_defined_and_run_templates_of_the_set() {
    let mut t = Templates::with_functions(&EXTENDED);
    t.parse(
        "d",
        r#"{{ define "x" }}<{{ . | upper }}:{{ depth "x" }}>{{ end }}"#,
    )
    .unwrap();
    t.parse(
        "t",
        r#"{{ twice "x" "a" }} {{ depth "x" }} {{ "b" | upper }}"#,
    )
    .unwrap();
    assert_eq!(t.render("t", &Value::Nil).unwrap(), "<a!:1><a!:1> 0 b!");
    let err = t.render_err(r#"{{ twice "nope" . }}"#);
    assert_eq!(
        err,
        r#"template: e:1:3: executing "e" at <twice "nope" .>: error calling twice: template: no template "nope" associated with template "gotpl""#
    );
}

#[test]
fn the_standard_set_rejects_functions_it_does_not_have() {
    let mut t = Templates::new();
    let err = t.parse("t", r#"{{ twice "x" . }}"#).unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"template: t:1: function "twice" not defined"#
    );
    // Helm's functions are not Go's or sprig's.
    for helm_only in ["include", "tpl", "toYaml", "required", "lookup", "fromJson"] {
        let err = t.parse("t", &format!("{{{{ {helm_only} }}}}")).unwrap_err();
        assert!(
            err.to_string().contains("not defined"),
            "{helm_only}: {err}"
        );
    }
}

impl Templates {
    /// Parses `src` as `e` into a copy of this set and renders it, returning the error.
    fn render_err(&self, src: &str) -> String {
        let mut t = self.clone();
        t.parse("e", src).unwrap();
        t.render("e", &Value::Nil).unwrap_err().to_string()
    }
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
