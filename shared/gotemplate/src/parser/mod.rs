//! The parser: tokens to a tree, checking functions and variables like Go's `parse` package.

use std::ops::ControlFlow;
use std::sync::Arc;

use super::ast::{Arg, Branch, BranchKind, Command, Node, Source, Template};
use super::error::TemplateError;
use super::funcs::Functions;
use super::lexer::{Tok, Token, lex_into};
use super::number::{bad_number_prefix, parse_number};

mod expr;
#[cfg(test)]
mod tests;

/// A parsed source: its own body and the templates it defines.
#[derive(Clone)]
pub struct Parsed {
    /// The template named after the source.
    pub main: Template,
    /// `{{define}}` and `{{block}}` templates, in source order.
    pub defines: Vec<Template>,
}

/// Whether a body (parsed from `text`) has nothing but white space (Go's `IsEmptyTree`).
pub fn is_empty_body(body: &[Node], text: &str) -> bool {
    body.iter()
        .all(|n| matches!(n, Node::Text(t) if text[t.clone()].trim().is_empty()))
}

/// Parses `text` under `name`, knowing the functions of `funcs`.
pub fn parse(funcs: &'static Functions, name: &str, text: &str) -> Result<Parsed, TemplateError> {
    parse_shared(funcs, name, Arc::from(text))
}

/// Parses `text` under `name`, the tree keeping `text` (not a copy of it) for error locations.
pub fn parse_shared(
    funcs: &'static Functions,
    name: &str,
    text: Arc<str>,
) -> Result<Parsed, TemplateError> {
    let source = Arc::new(Source {
        name: name.to_string(),
        text: text.clone(),
    });
    let mut tokens = recycle(TOKENS.take());
    lex_into(&text, &mut tokens).map_err(|e| TemplateError::Parse {
        name: name.to_string(),
        line: source.line_col(e.pos).0,
        message: e.message,
    })?;
    let mut p = Parser {
        funcs,
        toks: tokens,
        i: 0,
        source: source.clone(),
        vars: vec!["$".into()],
        range_depth: 0,
        defines: Vec::new(),
        nodes: Vec::new(),
        cmds: Vec::new(),
        args: Vec::new(),
        chain: String::new(),
    };
    let (body, end) = p.list(true)?;
    if let Some((what, pos)) = end {
        return Err(p.err_at(pos, format!("unexpected {{{{{what}}}}}")));
    }
    TOKENS.set(recycle(std::mem::take(&mut p.toks)));
    Ok(Parsed {
        main: Template {
            name: name.to_string(),
            source,
            body: Arc::new(body),
        },
        defines: p.defines,
    })
}

thread_local! {
    /// The token buffer of this thread's last parse, for the next one: a chart's files are parsed
    /// one after the other, and one buffer keeps the memory touched to what the largest needs.
    static TOKENS: std::cell::Cell<Vec<Token<'static>>> = const { std::cell::Cell::new(Vec::new()) };
}

/// An empty token buffer with the room of `tokens` (whose text may be gone).
fn recycle<'b>(mut tokens: Vec<Token<'_>>) -> Vec<Token<'b>> {
    tokens.clear();
    // Collecting from a vector's own iterator into a same-sized type reuses its allocation.
    tokens
        .into_iter()
        .map(|_| unreachable!("the buffer was emptied"))
        .collect()
}

struct Parser<'a> {
    /// The functions identifiers may name.
    funcs: &'static Functions,
    toks: Vec<Token<'a>>,
    i: usize,
    source: Arc<Source>,
    vars: Vec<String>,
    range_depth: usize,
    defines: Vec<Template>,
    /// Nodes of the lists being parsed, innermost last: each list takes its own off the top when
    /// it ends, in one allocation of the right size (the tree stays in memory for the whole
    /// render, and growing a vector per list cost more than the rest of the parse).
    nodes: Vec<Node>,
    /// The same for the commands of the pipelines being parsed.
    cmds: Vec<Command>,
    /// The same for the operands of the commands being parsed.
    args: Vec<Arg>,
    /// The names of the field chain being parsed, `a.b.c`.
    chain: String,
}

type PResult<T> = Result<T, TemplateError>;

/// The keyword (`end`/`else`) and position that ended a list, if any.
type Stop = Option<(&'static str, usize)>;

/// How Go prints a token in a parse error (punctuation quoted, keywords in angle brackets).
fn describe(t: &Tok) -> String {
    match t {
        Tok::Text(s) => format!("text {s:?}"),
        Tok::Left => "<left delim>".into(),
        Tok::Right => "<right delim>".into(),
        Tok::Ident(s) => format!("<{s}>"),
        Tok::Field(s) => format!("<.{s}>"),
        Tok::Variable(s) => format!("<{s}>"),
        Tok::Dot => "<.>".into(),
        Tok::Number(s) => format!("number {s:?}"),
        Tok::Str(_, q) => q.to_string(),
        Tok::Pipe => r#""|""#.into(),
        Tok::LParen => r#""(""#.into(),
        Tok::RParen => r#"")""#.into(),
        Tok::Declare => r#"":=""#.into(),
        Tok::Assign => r#""=""#.into(),
        Tok::Comma => r#"",""#.into(),
        Tok::Eof => "EOF".into(),
    }
}

const KEYWORDS: &[&str] = &[
    "block", "break", "continue", "define", "else", "end", "if", "range", "template", "with",
];

/// The keyword `word` is, as a static string.
fn keyword(word: &str) -> Option<&'static str> {
    KEYWORDS.iter().find(|k| **k == word).copied()
}

impl<'a> Parser<'a> {
    fn peek(&self) -> &Token<'a> {
        &self.toks[self.i.min(self.toks.len() - 1)]
    }
    /// Takes the next token. Tokens are consumed once, so it is moved out (leaving an `Eof` in
    /// its place) rather than cloned; past the end, `Eof` again.
    fn next(&mut self) -> Token<'a> {
        if self.i + 1 >= self.toks.len() {
            // The final `Eof` stays for later peeks.
            return self.peek().clone();
        }
        let slot = &mut self.toks[self.i];
        let placeholder = Token {
            tok: Tok::Eof,
            pos: slot.pos,
            space_before: slot.space_before,
        };
        self.i += 1;
        std::mem::replace(slot, placeholder)
    }
    fn err_at(&self, pos: usize, message: String) -> TemplateError {
        TemplateError::Parse {
            name: self.source.name.clone(),
            line: self.source.line_col(pos).0,
            message,
        }
    }
    fn expect_right(&mut self, context: &str) -> PResult<()> {
        let t = self.next();
        if t.tok != Tok::Right {
            return Err(self.err_at(
                t.pos,
                format!("unexpected {} in {context}", describe(&t.tok)),
            ));
        }
        Ok(())
    }

    /// The nodes a list pushed since it started at `base`, off the stack.
    fn take_nodes(&mut self, base: usize) -> Vec<Node> {
        self.nodes.split_off(base)
    }

    /// Go's `itemList`: nodes until `{{end}}`, `{{else}}` or EOF. Returns the keyword that
    /// stopped it.
    fn list(&mut self, top: bool) -> PResult<(Vec<Node>, Stop)> {
        let base = self.nodes.len();
        loop {
            if let ControlFlow::Break(stop) = self.text_or_action(top)? {
                return Ok((self.take_nodes(base), stop));
            }
        }
    }

    /// Go's `textOrAction`: one node of a list (pushed), or what ends the list.
    fn text_or_action(&mut self, top: bool) -> PResult<ControlFlow<Stop>> {
        let t = self.next();
        match t.tok {
            Tok::Eof if top => Ok(ControlFlow::Break(None)),
            Tok::Eof => Err(self.err_at(t.pos, "unexpected EOF".into())),
            Tok::Text(s) => {
                // The token borrows from the source: its offset there.
                let start = s.as_ptr() as usize - self.source.text.as_ptr() as usize;
                self.nodes.push(Node::Text(start..start + s.len()));
                Ok(ControlFlow::Continue(()))
            }
            Tok::Left => self.action(top),
            other => Err(self.err_at(t.pos, format!("unexpected {}", describe(&other)))),
        }
    }

    /// Go's `action`: after `{{`, a keyword's clause or a pipeline.
    fn action(&mut self, top: bool) -> PResult<ControlFlow<Stop>> {
        let kw = match &self.peek().tok {
            Tok::Ident(k) => keyword(k),
            _ => None,
        };
        let Some(kw) = kw else {
            let pipe = self.pipeline("command", false)?;
            self.nodes.push(Node::Action(pipe));
            return Ok(ControlFlow::Continue(()));
        };
        let pos = self.next().pos;
        let node = match kw {
            "end" => {
                self.expect_right("end")?;
                if top {
                    return Err(self.err_at(pos, "unexpected {{end}}".into()));
                }
                return Ok(ControlFlow::Break(Some(("end", pos))));
            }
            "else" => {
                if top {
                    return Err(self.err_at(pos, "unexpected {{else}}".into()));
                }
                return Ok(ControlFlow::Break(Some(("else", pos))));
            }
            "if" => self.branch(BranchKind::If, pos)?,
            "with" => self.branch(BranchKind::With, pos)?,
            "range" => self.branch(BranchKind::Range, pos)?,
            "break" | "continue" => self.break_control(kw, pos)?,
            "template" | "block" => self.template_control(kw == "block", pos)?,
            "define" => {
                self.define(top, pos)?;
                return Ok(ControlFlow::Continue(()));
            }
            _ => unreachable!("keyword list"),
        };
        self.nodes.push(node);
        Ok(ControlFlow::Continue(()))
    }

    /// Go's `breakControl` and `continueControl`: only inside a `range`.
    fn break_control(&mut self, kw: &str, pos: usize) -> PResult<Node> {
        if self.range_depth == 0 {
            return Err(self.err_at(pos, format!("{{{{{kw}}}}} outside {{{{range}}}}")));
        }
        self.expect_right(&format!("{{{{{kw}}}}}"))?;
        Ok(if kw == "break" {
            Node::Break
        } else {
            Node::Continue
        })
    }

    /// Go's `templateControl` and `blockControl`: `{{template "name" pipeline}}`; a block also
    /// defines `name` with the body up to its `{{end}}`.
    fn template_control(&mut self, block: bool, pos: usize) -> PResult<Node> {
        let ctx = if block {
            "block clause"
        } else {
            "template clause"
        };
        let nt = self.next();
        let Tok::Str(name, _) = nt.tok else {
            return Err(self.err_at(nt.pos, format!("unexpected {} in {ctx}", describe(&nt.tok))));
        };
        let pipe = if self.peek().tok == Tok::Right {
            self.next();
            None
        } else {
            Some(self.pipeline(ctx, false)?)
        };
        if block {
            let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
            let (body, end) = self.list(false)?;
            self.vars = saved;
            if let Some((e, p)) = end
                && e != "end"
            {
                return Err(self.err_at(p, "unexpected {{else}}".into()));
            }
            self.defines.push(Template {
                name: name.to_string(),
                source: self.source.clone(),
                body: Arc::new(body),
            });
        }
        Ok(Node::Template {
            pos,
            name: name.into_owned(),
            pipe: pipe.map(Box::new),
        })
    }

    /// Go's `parseDefinition`: `{{define "name"}}` and its body, at the top level only.
    fn define(&mut self, top: bool, pos: usize) -> PResult<()> {
        if !top {
            return Err(self.err_at(pos, "unexpected <define> in command".into()));
        }
        let nt = self.next();
        let Tok::Str(name, _) = nt.tok else {
            return Err(self.err_at(
                nt.pos,
                format!("unexpected {} in define clause", describe(&nt.tok)),
            ));
        };
        self.expect_right("define clause")?;
        let saved = std::mem::replace(&mut self.vars, vec!["$".into()]);
        let (body, end) = self.list(false)?;
        self.vars = saved;
        if let Some((e, p)) = end
            && e != "end"
        {
            return Err(self.err_at(p, "unexpected {{else}}".into()));
        }
        if !is_empty_body(&body, &self.source.text)
            && self
                .defines
                .iter()
                .any(|d| d.name == name && !is_empty_body(&d.body, &d.source.text))
        {
            return Err(self.err_at(
                pos,
                format!("template: multiple definition of template {name:?}"),
            ));
        }
        self.defines.push(Template {
            name: name.into_owned(),
            source: self.source.clone(),
            body: Arc::new(body),
        });
        Ok(())
    }

    fn branch(&mut self, kind: BranchKind, pos: usize) -> PResult<Node> {
        let ctx = match kind {
            BranchKind::If => "if",
            BranchKind::With => "with",
            BranchKind::Range => "range",
        };
        let vars_mark = self.vars.len();
        let pipe = self.pipeline(ctx, kind == BranchKind::Range)?;
        if kind == BranchKind::Range {
            self.range_depth += 1;
        }
        let (list, end) = self.list(false)?;
        if kind == BranchKind::Range {
            self.range_depth -= 1;
        }
        let mut else_list = None;
        if let Some((e, _)) = end
            && e == "else"
        {
            self.vars.truncate(vars_mark);
            // `{{else if ...}}` / `{{else with ...}}` chain into a nested branch sharing the `{{end}}`.
            let nested = match (&self.peek().tok, kind) {
                (Tok::Ident(k), BranchKind::If) if *k == "if" => Some(BranchKind::If),
                (Tok::Ident(k), BranchKind::With) if *k == "with" => Some(BranchKind::With),
                _ => None,
            };
            if let Some(nk) = nested {
                let t = self.next();
                else_list = Some(vec![self.branch(nk, t.pos)?]);
            } else {
                self.expect_right("else")?;
                let (el, end2) = self.list(false)?;
                if let Some((e2, p2)) = end2
                    && e2 == "else"
                {
                    return Err(self.err_at(p2, "expected end; found {{else}}".into()));
                }
                else_list = Some(el);
            }
        }
        let _ = pos;
        self.vars.truncate(vars_mark);
        Ok(Node::Branch(Box::new(Branch {
            kind,
            pipe,
            list,
            else_list,
        })))
    }
}
