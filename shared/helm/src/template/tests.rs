//! Helm's functions on the engine: `include`, `tpl` and the engine's rules seen through them.

use super::{Value, templates};

#[test]
fn deep_include_recursion_is_an_error_not_a_crash() {
    let mut t = templates();
    t.parse(
        "t",
        r#"{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}"#,
    )
    .unwrap();
    let err = t.render("t", &Value::Nil).unwrap_err();
    assert!(
        err.to_string()
            .contains("rendering template has a nested reference name: r"),
        "{err}"
    );
}

#[test]
fn empty_define_does_not_replace_and_tpl_does_not_leak() {
    let mut t = templates();
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

#[test]
fn include_and_tpl_errors_read_as_helms() {
    let mut t = templates();
    t.parse("a", r#"{{ include "nope" . }}"#).unwrap();
    t.parse("b", r#"{{ tpl "{{ if }}" . }}"#).unwrap();
    t.parse("c", r#"{{ include 3 . }}"#).unwrap();
    let err = |name: &str| t.render(name, &Value::Nil).unwrap_err().to_string();
    assert_eq!(
        err("a"),
        r#"template: a:1:3: executing "a" at <include "nope" .>: error calling include: template: no template "nope" associated with template "gotpl""#
    );
    assert!(
        err("b").contains(r#"error calling tpl: cannot parse template "{{ if }}""#),
        "{}",
        err("b")
    );
    assert_eq!(
        err("c"),
        r#"template: c:1:11: executing "c" at <3>: expected string; found 3"#
    );
}
