//! The lexer: splits template source into text and the tokens of actions, like Go's `parse/lex.go`.
//! Tokens borrow from the source; only string literals with escapes allocate.

use std::borrow::Cow;
use std::sync::LazyLock;

use memchr::memmem;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok<'a> {
    /// Text outside actions (already trimmed by `{{-`/`-}}`).
    Text(&'a str),
    /// `{{` (the trim marker is already applied).
    Left,
    /// `}}`
    Right,
    /// An identifier or keyword (`if`, `range`, `printf`, `true`, `nil` ...).
    Ident(&'a str),
    /// `.name` (name only)
    Field(&'a str),
    /// `$name` (with `$`)
    Variable(&'a str),
    /// `.`
    Dot,
    /// A number or character constant (its text).
    Number(&'a str),
    /// A string constant: value and quoted text.
    Str(Cow<'a, str>, &'a str),
    /// `|`
    Pipe,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `:=`
    Declare,
    /// `=`
    Assign,
    /// `,`
    Comma,
    /// End of input.
    Eof,
}

/// A token with its byte position and whether spaces came right before it.
#[derive(Debug, Clone)]
pub struct Token<'a> {
    /// What it is.
    pub tok: Tok<'a>,
    /// Byte offset in the source.
    pub pos: usize,
    /// Preceded by white space (arguments are separated by it).
    pub space_before: bool,
}

/// A lexing error at a byte position.
#[derive(Debug)]
pub struct LexError {
    /// Byte offset.
    pub pos: usize,
    /// Message, worded like Go's.
    pub message: String,
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Tokenizes a whole template.
#[cfg(test)]
pub fn lex(src: &str) -> Result<Vec<Token<'_>>, LexError> {
    let mut out = Vec::new();
    lex_into(src, &mut out)?;
    Ok(out)
}

/// Tokenizes a whole template into `out` (emptied first; its room is reused).
pub fn lex_into<'a>(src: &'a str, out: &mut Vec<Token<'a>>) -> Result<(), LexError> {
    let b = src.as_bytes();
    out.clear();
    // About one token per 8 bytes in chart templates.
    out.reserve(src.len() / 8 + 4);
    let mut i = 0;
    let mut trim_next_text = false;
    while i < b.len() {
        let start = i;
        let next = find_left_delim(src, i).unwrap_or(b.len());
        let mut text = &src[start..next];
        if trim_next_text {
            text = text.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
        }
        let mut trim_left = false;
        if next < b.len()
            && next + 3 < b.len() + 1
            && b.get(next + 2) == Some(&b'-')
            && b.get(next + 3).is_some_and(|c| is_space(*c))
        {
            trim_left = true;
        }
        if trim_left {
            text = text.trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
        }
        if !text.is_empty() {
            out.push(Token {
                tok: Tok::Text(text),
                pos: start,
                space_before: false,
            });
        }
        trim_next_text = false;
        if next >= b.len() {
            break;
        }
        // Inside an action.
        i = next + 2;
        if trim_left {
            i += 2;
        }
        // Comments: `{{/*` or `{{- /*`, ending with `*/}}` or `*/ -}}`.
        if src[i..].starts_with("/*") {
            let end = src[i + 2..].find("*/").map(|o| i + 2 + o).ok_or(LexError {
                pos: next,
                message: "unclosed comment".into(),
            })?;
            let mut j = end + 2;
            if src[j..].starts_with(" -}}")
                || src[j..].starts_with("\t-}}")
                || src[j..].starts_with("\n-}}")
                || src[j..].starts_with("\r-}}")
            {
                trim_next_text = true;
                j += 4;
            } else if src[j..].starts_with("}}") {
                j += 2;
            } else {
                return Err(LexError {
                    pos: next,
                    message: "comment ends before closing delimiter".into(),
                });
            }
            i = j;
            continue;
        }
        out.push(Token {
            tok: Tok::Left,
            pos: next,
            space_before: false,
        });
        let mut parens = 0i32;
        loop {
            let mut space = false;
            while i < b.len() && is_space(b[i]) {
                // A trim marker: ` -}}`
                space = true;
                i += 1;
            }
            if space && src[i..].starts_with("-}}") {
                out.push(Token {
                    tok: Tok::Right,
                    pos: i,
                    space_before: true,
                });
                i += 3;
                trim_next_text = true;
                break;
            }
            if src[i..].starts_with("}}") {
                if parens > 0 {
                    return Err(LexError {
                        pos: i,
                        message: "unclosed left paren".into(),
                    });
                }
                out.push(Token {
                    tok: Tok::Right,
                    pos: i,
                    space_before: space,
                });
                i += 2;
                break;
            }
            if i >= b.len() {
                return Err(LexError {
                    pos: i,
                    message: "unclosed action".into(),
                });
            }
            let pos = i;
            let c = match b[i] {
                ascii @ 0..0x80 => ascii as char,
                _ => src[i..].chars().next().unwrap_or('\0'),
            };
            let push = |out: &mut Vec<Token<'a>>, tok: Tok<'a>| {
                out.push(Token {
                    tok,
                    pos,
                    space_before: space,
                })
            };
            match c {
                '|' => {
                    push(out, Tok::Pipe);
                    i += 1;
                }
                '(' => {
                    parens += 1;
                    push(out, Tok::LParen);
                    i += 1;
                }
                ')' => {
                    parens -= 1;
                    if parens < 0 {
                        return Err(LexError {
                            pos,
                            message: "unexpected right paren".into(),
                        });
                    }
                    push(out, Tok::RParen);
                    i += 1;
                }
                ',' => {
                    push(out, Tok::Comma);
                    i += 1;
                }
                ':' => {
                    if b.get(i + 1) != Some(&b'=') {
                        return Err(LexError {
                            pos,
                            message: "expected :=".into(),
                        });
                    }
                    push(out, Tok::Declare);
                    i += 2;
                }
                '=' => {
                    push(out, Tok::Assign);
                    i += 1;
                }
                '"' => {
                    let (end, value) = lex_quote(src, i)?;
                    push(out, Tok::Str(value, &src[i..end]));
                    i = end;
                }
                '`' => {
                    let end = src[i + 1..].find('`').map(|o| i + 1 + o).ok_or(LexError {
                        pos,
                        message: "unterminated raw quoted string".into(),
                    })?;
                    push(
                        out,
                        Tok::Str(Cow::Borrowed(&src[i + 1..end]), &src[i..=end]),
                    );
                    i = end + 1;
                }
                '\'' => {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != b'\'' {
                        if b[j] == b'\\' {
                            j += 1;
                        }
                        if j < b.len() && b[j] == b'\n' {
                            return Err(LexError {
                                pos,
                                message: "unterminated character constant".into(),
                            });
                        }
                        j += 1;
                    }
                    if j >= b.len() {
                        return Err(LexError {
                            pos,
                            message: "unterminated character constant".into(),
                        });
                    }
                    push(out, Tok::Number(&src[i..=j]));
                    i = j + 1;
                }
                '$' => {
                    let j = ident_end(src, i + 1);
                    push(out, Tok::Variable(&src[i..j]));
                    i = j;
                }
                '.' => {
                    let nc = src[i + 1..].chars().next().unwrap_or(' ');
                    if nc.is_ascii_digit() {
                        let end = lex_number_end(src, i);
                        push(out, Tok::Number(&src[i..end]));
                        i = end;
                    } else if is_alnum(nc) {
                        let j = ident_end(src, i + 1);
                        push(out, Tok::Field(&src[i + 1..j]));
                        i = j;
                    } else {
                        push(out, Tok::Dot);
                        i += 1;
                    }
                }
                '+' | '-' | '0'..='9' => {
                    let end = lex_number_end(src, i);
                    if end == i + 1 && !c.is_ascii_digit() {
                        return Err(LexError {
                            pos,
                            message: format!(
                                "unrecognized character in action: U+{:04X} '{c}'",
                                c as u32
                            ),
                        });
                    }
                    push(out, Tok::Number(&src[i..end]));
                    i = end;
                }
                c if is_alnum(c) => {
                    let j = ident_end(src, i);
                    push(out, Tok::Ident(&src[i..j]));
                    i = j;
                }
                other => {
                    return Err(LexError {
                        pos,
                        message: format!(
                            "unrecognized character in action: U+{:04X} '{other}'",
                            other as u32
                        ),
                    });
                }
            }
        }
    }
    out.push(Token {
        tok: Tok::Eof,
        pos: b.len(),
        space_before: false,
    });
    Ok(())
}

/// The ASCII bytes that identifiers are made of: letters, digits and `_`.
const IDENT_ASCII: [bool; 128] = {
    let mut table = [false; 128];
    let mut c = 0;
    while c < 128 {
        table[c] = (c as u8).is_ascii_alphanumeric() || c as u8 == b'_';
        c += 1;
    }
    table
};

/// The end of the identifier characters (letters, digits, `_`) from byte `j` on: bytes while
/// they are ASCII, characters from the first that is not.
#[inline]
fn ident_end(src: &str, mut j: usize) -> usize {
    let b = src.as_bytes();
    while let Some(&c) = b.get(j) {
        if let Some(&ident) = IDENT_ASCII.get(usize::from(c)) {
            if !ident {
                break;
            }
            j += 1;
        } else {
            match src[j..].chars().next() {
                Some(ch) if is_alnum(ch) => j += ch.len_utf8(),
                _ => break,
            }
        }
    }
    j
}

/// The position of the next `{{` from `from` (a vectorized search for the pair).
fn find_left_delim(src: &str, from: usize) -> Option<usize> {
    static LEFT: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("{{"));
    LEFT.find(&src.as_bytes()[from..])
        .map(|offset| from + offset)
}

fn lex_number_end(src: &str, start: usize) -> usize {
    let b = src.as_bytes();
    let mut j = start;
    if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
        j += 1;
    }
    while j < b.len() {
        let c = b[j];
        let prev = if j > start { b[j - 1] } else { 0 };
        let ok = c.is_ascii_alphanumeric()
            || c == b'.'
            || c == b'_'
            || ((c == b'+' || c == b'-') && matches!(prev, b'e' | b'E' | b'p' | b'P'));
        if !ok {
            break;
        }
        j += 1;
    }
    j
}

fn lex_quote(src: &str, start: usize) -> Result<(usize, Cow<'_, str>), LexError> {
    let b = src.as_bytes();
    let unterminated = || LexError {
        pos: start,
        message: "unterminated quoted string".into(),
    };
    // The closing quote, skipping escaped characters; a line break ends the string too early.
    let mut j = start + 1;
    loop {
        j += memchr::memchr3(b'"', b'\\', b'\n', &b[j..]).ok_or_else(unterminated)?;
        match b[j] {
            b'"' => break,
            b'\n' => return Err(unterminated()),
            _ => {
                // A backslash: the character after it is part of the string.
                j += 1;
                if j >= b.len() || b[j] == b'\n' {
                    return Err(unterminated());
                }
                j += 1;
            }
        }
    }
    let inner = &src[start + 1..j];
    if !inner.contains('\\') {
        return Ok((j + 1, Cow::Borrowed(inner)));
    }
    let value = unquote(inner).map_err(|m| LexError {
        pos: start,
        message: m,
    })?;
    Ok((j + 1, Cow::Owned(value)))
}

/// Interprets Go string escapes (the inside of a double-quoted literal).
pub fn unquote(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next().ok_or("invalid syntax")?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' | 'u' | 'U' => {
                let n = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..n).filter_map(|_| chars.next()).collect();
                let code =
                    u32::from_str_radix(&hex, 16).map_err(|_| "invalid syntax".to_string())?;
                out.push(char::from_u32(code).ok_or("invalid syntax")?);
            }
            '0'..='7' => {
                let mut oct = String::from(e);
                for _ in 0..2 {
                    oct.push(chars.next().ok_or("invalid syntax")?);
                }
                let code =
                    u32::from_str_radix(&oct, 8).map_err(|_| "invalid syntax".to_string())?;
                out.push(char::from_u32(code).ok_or("invalid syntax")?);
            }
            _ => return Err("invalid syntax".into()),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
