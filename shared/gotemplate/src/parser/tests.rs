//! Parser tests: tree shapes and Go's error messages.
use super::super::ast::Node;
use super::parse;
use crate::Functions;

fn err(src: &str) -> String {
    parse(Functions::standard(), "t", src)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
}

#[test]
fn structure() {
    let p = parse(
        Functions::standard(),
        "t",
        r#"{{ define "d" }}x{{ end }}{{ if .a }}1{{ else if .b }}2{{ else }}3{{ end }}"#,
    )
    .unwrap();
    assert_eq!(p.defines.len(), 1);
    let Node::Branch(b) = &p.main.body[0] else {
        panic!("expected a branch")
    };
    assert_eq!(b.pipe.to_string(), ".a");
    let Some(else_list) = &b.else_list else {
        panic!("expected else")
    };
    assert!(matches!(&else_list[0], Node::Branch(inner) if inner.pipe.to_string() == ".b"));
}

#[test]
fn go_error_messages() {
    assert_eq!(err("{{ end }}"), "template: t:1: unexpected {{end}}");
    assert_eq!(err("{{ if 1 }}"), "template: t:1: unexpected EOF");
    assert_eq!(
        err("\n{{ nope }}"),
        r#"template: t:2: function "nope" not defined"#
    );
    assert_eq!(err("{{ $x }}"), r#"template: t:1: undefined variable "$x""#);
    assert_eq!(err("{{ }}"), "template: t:1: missing value for command");
    assert_eq!(
        err("{{ break }}"),
        "template: t:1: {{break}} outside {{range}}"
    );
    assert_eq!(err("{{ 1x }}"), r#"template: t:1: bad number syntax: "1x""#);
}

#[test]
fn field_chain_position_is_the_second_field() {
    let p = parse(Functions::standard(), "t", "{{ .Values.x.y }}").unwrap();
    let Node::Action(pipe) = &p.main.body[0] else {
        panic!("expected an action")
    };
    assert_eq!(pipe.cmds[0].args[0].pos(), 10);
}

#[test]
fn the_token_buffer_is_reused() {
    let text = String::from("{{ .a }} {{ .b | quote }}");
    let mut tokens = Vec::new();
    crate::lexer::lex_into(&text, &mut tokens).unwrap();
    let (room, at) = (tokens.capacity(), tokens.as_ptr() as usize);
    let recycled: Vec<crate::lexer::Token<'static>> = super::recycle(tokens);
    drop(text);
    assert_eq!((recycled.len(), recycled.capacity()), (0, room));
    assert_eq!(recycled.as_ptr() as usize, at);
}
