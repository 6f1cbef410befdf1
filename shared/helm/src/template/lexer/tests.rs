//! Lexer tests: trim markers, comments, literals and Go's error messages.

use super::*;

fn kinds(src: &str) -> Vec<Tok<'_>> {
    lex(src).unwrap().into_iter().map(|t| t.tok).collect()
}

#[test]
fn trim_markers_and_comments() {
    assert_eq!(
        kinds("a  {{- 1 -}}  b"),
        vec![
            Tok::Text("a"),
            Tok::Left,
            Tok::Number("1"),
            Tok::Right,
            Tok::Text("b"),
            Tok::Eof
        ]
    );
    assert_eq!(
        kinds("a {{/* c */}} b"),
        vec![Tok::Text("a "), Tok::Text(" b"), Tok::Eof]
    );
    assert_eq!(
        kinds("a {{- /* c */ -}} b"),
        vec![Tok::Text("a"), Tok::Text("b"), Tok::Eof]
    );
    // `{{-3}}` is the number -3, not a trim marker.
    assert_eq!(
        kinds("{{-3}}"),
        vec![Tok::Left, Tok::Number("-3"), Tok::Right, Tok::Eof]
    );
}

#[test]
fn strings_fields_and_variables() {
    assert_eq!(
        kinds(r#"{{ $x := .a.b "q\"}}" `r}}` }}"#),
        vec![
            Tok::Left,
            Tok::Variable("$x"),
            Tok::Declare,
            Tok::Field("a"),
            Tok::Field("b"),
            Tok::Str("q\"}}".into(), r#""q\"}}""#),
            Tok::Str("r}}".into(), "`r}}`"),
            Tok::Right,
            Tok::Eof
        ]
    );
}

#[test]
fn errors() {
    assert_eq!(
        lex("{{ \"open }}").unwrap_err().message,
        "unterminated quoted string"
    );
    assert_eq!(
        lex("{{ /* x").unwrap_err().message,
        "unrecognized character in action: U+002F '/'"
    );
    assert_eq!(lex("{{/* x").unwrap_err().message, "unclosed comment");
    assert_eq!(lex("{{ 1 ").unwrap_err().message, "unclosed action");
}
