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
fn quoted_strings_keep_escaped_quotes_and_backslashes() {
    assert_eq!(
        kinds(r#"{{ "a\"b" "c\\" "é\"" }}"#),
        vec![
            Tok::Left,
            Tok::Str("a\"b".into(), r#""a\"b""#),
            Tok::Str("c\\".into(), r#""c\\""#),
            Tok::Str("é\"".into(), r#""é\"""#),
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
    // A quoted string ends at its closing quote, on its line, an escaped quote not counting.
    for open in [
        "{{ \"a\nb\" }}",
        "{{ \"a\\\nb\" }}",
        "{{ \"a\\\" }}",
        "{{ \"a\\",
        "{{ \"é",
    ] {
        assert_eq!(
            lex(open).unwrap_err().message,
            "unterminated quoted string",
            "{open:?}"
        );
    }
    assert_eq!(
        lex("{{ /* x").unwrap_err().message,
        "unrecognized character in action: U+002F '/'"
    );
    assert_eq!(lex("{{/* x").unwrap_err().message, "unclosed comment");
    assert_eq!(lex("{{ 1 ").unwrap_err().message, "unclosed action");
}

#[test]
fn identifiers_may_have_letters_beyond_ascii() {
    assert_eq!(
        kinds("{{ $größe := .Values.café_2.ü | naïve }}"),
        vec![
            Tok::Left,
            Tok::Variable("$größe"),
            Tok::Declare,
            Tok::Field("Values"),
            Tok::Field("café_2"),
            Tok::Field("ü"),
            Tok::Pipe,
            Tok::Ident("naïve"),
            Tok::Right,
            Tok::Eof,
        ]
    );
    // A character that is neither ends the name, and has no place in an action.
    let err = lex("{{ .a€ }}").unwrap_err();
    assert_eq!(
        (err.pos, err.message.as_str()),
        (5, "unrecognized character in action: U+20AC '€'")
    );
}
