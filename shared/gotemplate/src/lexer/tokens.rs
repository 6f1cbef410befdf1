//! The lexer's tokens inside an action, one function per kind (Go's `lexQuote`, `lexRawQuote`,
//! `lexChar`, `lexVariable`, `lexField`, `lexNumber`, `lexIdentifier`): each returns the token and
//! the byte after it.

use std::borrow::Cow;

use super::{LexError, Tok, is_alnum};

pub(super) fn unrecognized(pos: usize, c: char) -> LexError {
    LexError {
        pos,
        message: format!("unrecognized character in action: U+{:04X} '{c}'", c as u32),
    }
}

/// `lexRawQuote`: a back-quoted string (no escapes) and the byte after it.
pub(super) fn lex_raw_quote(src: &str, pos: usize) -> Result<(Tok<'_>, usize), LexError> {
    let end = src[pos + 1..]
        .find('`')
        .map(|o| pos + 1 + o)
        .ok_or(LexError {
            pos,
            message: "unterminated raw quoted string".into(),
        })?;
    Ok((
        Tok::Str(Cow::Borrowed(&src[pos + 1..end]), &src[pos..=end]),
        end + 1,
    ))
}

/// `lexChar`: a character constant (a number to the parser) and the byte after it.
pub(super) fn lex_char(src: &str, pos: usize) -> Result<(Tok<'_>, usize), LexError> {
    let b = src.as_bytes();
    let unterminated = || LexError {
        pos,
        message: "unterminated character constant".into(),
    };
    let mut j = pos + 1;
    while j < b.len() && b[j] != b'\'' {
        if b[j] == b'\\' {
            j += 1;
        }
        if j < b.len() && b[j] == b'\n' {
            return Err(unterminated());
        }
        j += 1;
    }
    if j >= b.len() {
        return Err(unterminated());
    }
    Ok((Tok::Number(&src[pos..=j]), j + 1))
}

/// `lexVariable`: `$` and the name after it.
pub(super) fn lex_variable(src: &str, pos: usize) -> (Tok<'_>, usize) {
    let end = ident_end(src, pos + 1);
    (Tok::Variable(&src[pos..end]), end)
}

/// `lexField`, or a number starting with `.`, or `.` alone.
pub(super) fn lex_field(src: &str, pos: usize) -> (Tok<'_>, usize) {
    let next = src[pos + 1..].chars().next().unwrap_or(' ');
    if next.is_ascii_digit() {
        let end = lex_number_end(src, pos);
        (Tok::Number(&src[pos..end]), end)
    } else if is_alnum(next) {
        let end = ident_end(src, pos + 1);
        (Tok::Field(&src[pos + 1..end]), end)
    } else {
        (Tok::Dot, pos + 1)
    }
}

/// `lexNumber`: a number (checked by the parser) starting with `c`, a sign or a digit.
pub(super) fn lex_number(src: &str, pos: usize, c: char) -> Result<(Tok<'_>, usize), LexError> {
    let end = lex_number_end(src, pos);
    if end == pos + 1 && !c.is_ascii_digit() {
        return Err(unrecognized(pos, c));
    }
    Ok((Tok::Number(&src[pos..end]), end))
}

/// `lexIdentifier`: a keyword or a function name.
pub(super) fn lex_identifier(src: &str, pos: usize) -> (Tok<'_>, usize) {
    let end = ident_end(src, pos);
    (Tok::Ident(&src[pos..end]), end)
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

pub(super) fn lex_quote(src: &str, start: usize) -> Result<(usize, Cow<'_, str>), LexError> {
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
