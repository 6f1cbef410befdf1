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
    out.clear();
    // About one token per 8 bytes in chart templates.
    out.reserve(src.len() / 8 + 4);
    let mut lexer = Lexer {
        src,
        out,
        i: 0,
        trim_next_text: false,
        parens: 0,
    };
    while let Some(left) = lexer.lex_text() {
        lexer.lex_left_delim(left)?;
    }
    lexer.push(Tok::Eof, src.len(), false);
    Ok(())
}

/// The lexer's state between its steps, which follow Go's state functions (`lexText`,
/// `lexLeftDelim`, `lexComment`, `lexInsideAction`, `lexSpace`, then one per kind of token).
struct Lexer<'a, 'o> {
    src: &'a str,
    out: &'o mut Vec<Token<'a>>,
    /// The byte the next step starts at.
    i: usize,
    /// The action before ended with ` -}}`: the next text loses its leading spaces.
    trim_next_text: bool,
    /// Parentheses open in the current action.
    parens: i32,
}

impl<'a> Lexer<'a, '_> {
    fn push(&mut self, tok: Tok<'a>, pos: usize, space_before: bool) {
        self.out.push(Token {
            tok,
            pos,
            space_before,
        });
    }

    fn rest(&self) -> &'a str {
        &self.src[self.i..]
    }

    /// Whether the `{{` at `left` is followed by a trim marker (`{{- `).
    fn left_trim_marker(&self, left: usize) -> bool {
        let b = self.src.as_bytes();
        b.get(left + 2) == Some(&b'-') && b.get(left + 3).is_some_and(|c| is_space(*c))
    }

    /// `lexText`: the text up to the next `{{`, trimmed by the markers on either side; the
    /// position of that `{{`, `None` at the end of the source.
    fn lex_text(&mut self) -> Option<usize> {
        let len = self.src.len();
        if self.i >= len {
            return None;
        }
        let start = self.i;
        let next = find_left_delim(self.src, start).unwrap_or(len);
        let mut text = &self.src[start..next];
        if self.trim_next_text {
            text = text.trim_start_matches(|c: char| c.is_ascii() && is_space(c as u8));
        }
        if next < len && self.left_trim_marker(next) {
            text = text.trim_end_matches(|c: char| c.is_ascii() && is_space(c as u8));
        }
        if !text.is_empty() {
            self.push(Tok::Text(text), start, false);
        }
        self.trim_next_text = false;
        (next < len).then_some(next)
    }

    /// `lexLeftDelim`: after the `{{` at `left` (and its trim marker), a comment or an action.
    fn lex_left_delim(&mut self, left: usize) -> Result<(), LexError> {
        self.i = left + if self.left_trim_marker(left) { 4 } else { 2 };
        if self.rest().starts_with("/*") {
            return self.lex_comment(left);
        }
        self.push(Tok::Left, left, false);
        self.parens = 0;
        self.lex_inside_action()
    }

    /// `lexComment`: `/* ... */`, then `}}` or ` -}}`.
    fn lex_comment(&mut self, left: usize) -> Result<(), LexError> {
        let i = self.i;
        let end = self.src[i + 2..]
            .find("*/")
            .map(|o| i + 2 + o)
            .ok_or(LexError {
                pos: left,
                message: "unclosed comment".into(),
            })?;
        let after = &self.src[end + 2..];
        if [" -}}", "\t-}}", "\n-}}", "\r-}}"]
            .iter()
            .any(|close| after.starts_with(close))
        {
            self.trim_next_text = true;
            self.i = end + 6;
        } else if after.starts_with("}}") {
            self.i = end + 4;
        } else {
            return Err(LexError {
                pos: left,
                message: "comment ends before closing delimiter".into(),
            });
        }
        Ok(())
    }

    /// `lexInsideAction`: tokens up to the closing `}}` (or ` -}}`).
    fn lex_inside_action(&mut self) -> Result<(), LexError> {
        loop {
            let space = self.lex_space();
            if space && self.rest().starts_with("-}}") {
                self.push(Tok::Right, self.i, true);
                self.i += 3;
                self.trim_next_text = true;
                return Ok(());
            }
            if self.rest().starts_with("}}") {
                if self.parens > 0 {
                    return Err(LexError {
                        pos: self.i,
                        message: "unclosed left paren".into(),
                    });
                }
                self.push(Tok::Right, self.i, space);
                self.i += 2;
                return Ok(());
            }
            if self.i >= self.src.len() {
                return Err(LexError {
                    pos: self.i,
                    message: "unclosed action".into(),
                });
            }
            self.lex_token(space)?;
        }
    }

    /// `lexSpace`: skips white space; whether there was any.
    fn lex_space(&mut self) -> bool {
        let b = self.src.as_bytes();
        let start = self.i;
        while self.i < b.len() && is_space(b[self.i]) {
            self.i += 1;
        }
        self.i > start
    }

    /// One token of an action, by its first character.
    fn lex_token(&mut self, space: bool) -> Result<(), LexError> {
        let (src, pos) = (self.src, self.i);
        let c = match src.as_bytes()[pos] {
            ascii @ 0..0x80 => ascii as char,
            _ => src[pos..].chars().next().unwrap_or('\0'),
        };
        let (tok, end) = match c {
            '|' => (Tok::Pipe, pos + 1),
            '(' => {
                self.parens += 1;
                (Tok::LParen, pos + 1)
            }
            ')' => {
                self.parens -= 1;
                if self.parens < 0 {
                    return Err(LexError {
                        pos,
                        message: "unexpected right paren".into(),
                    });
                }
                (Tok::RParen, pos + 1)
            }
            ',' => (Tok::Comma, pos + 1),
            ':' => {
                if src.as_bytes().get(pos + 1) != Some(&b'=') {
                    return Err(LexError {
                        pos,
                        message: "expected :=".into(),
                    });
                }
                (Tok::Declare, pos + 2)
            }
            '=' => (Tok::Assign, pos + 1),
            '"' => {
                let (end, value) = lex_quote(src, pos)?;
                (Tok::Str(value, &src[pos..end]), end)
            }
            '`' => lex_raw_quote(src, pos)?,
            '\'' => lex_char(src, pos)?,
            '$' => lex_variable(src, pos),
            '.' => lex_field(src, pos),
            '+' | '-' | '0'..='9' => lex_number(src, pos, c)?,
            c if is_alnum(c) => lex_identifier(src, pos),
            other => return Err(unrecognized(pos, other)),
        };
        self.push(tok, pos, space);
        self.i = end;
        Ok(())
    }
}

/// The position of the next `{{` from `from` (a vectorized search for the pair).
fn find_left_delim(src: &str, from: usize) -> Option<usize> {
    static LEFT: LazyLock<memmem::Finder<'static>> = LazyLock::new(|| memmem::Finder::new("{{"));
    LEFT.find(&src.as_bytes()[from..])
        .map(|offset| from + offset)
}

mod tokens;

pub use tokens::unquote;
use tokens::{
    lex_char, lex_field, lex_identifier, lex_number, lex_quote, lex_raw_quote, lex_variable,
    unrecognized,
};

#[cfg(test)]
mod tests;
