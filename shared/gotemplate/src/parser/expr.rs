//! Pipelines, commands and operands: the expression half of the parser.

use super::super::ast::{Arg, Command, Fields, Pipe};
use super::super::funcs;
use super::super::lexer::Tok;
use super::{KEYWORDS, PResult, Parser, bad_number_prefix, describe, parse_number};

impl Parser<'_> {
    /// Parses a pipeline up to `}}` (consumed).
    pub(super) fn pipeline(&mut self, context: &str, allow_two: bool) -> PResult<Pipe> {
        let pos = self.peek().pos;
        let mut decl = Vec::new();
        let mut is_assign = false;
        // Declarations: `$x :=`, `$x =`, `$i, $v :=`.
        // Looked at before consuming anything: tokens are moved out when consumed.
        let after_variable = match (&self.peek().tok, self.toks.get(self.i + 1)) {
            (Tok::Variable(_), Some(t)) => Some(&t.tok),
            _ => None,
        };
        let is_decl = matches!(
            after_variable,
            Some(Tok::Declare | Tok::Assign | Tok::Comma)
        );
        if is_decl {
            let Tok::Variable(v) = self.next().tok else {
                unreachable!("checked above")
            };
            match self.peek().tok {
                Tok::Declare | Tok::Assign => {
                    is_assign = self.next().tok == Tok::Assign;
                    decl.push(v.to_string());
                }
                Tok::Comma if allow_two => {
                    self.next();
                    let t2 = self.next();
                    let Tok::Variable(v2) = t2.tok else {
                        return Err(
                            self.err_at(t2.pos, "range can only initialize variables".to_string())
                        );
                    };
                    let op = self.next();
                    if op.tok == Tok::Comma {
                        return Err(
                            self.err_at(op.pos, format!("too many declarations in {context}"))
                        );
                    }
                    if op.tok != Tok::Declare && op.tok != Tok::Assign {
                        return Err(self.err_at(
                            op.pos,
                            format!("unexpected {} in {context}", describe(&op.tok)),
                        ));
                    }
                    if op.tok == Tok::Comma {
                        return Err(
                            self.err_at(op.pos, format!("too many declarations in {context}"))
                        );
                    }
                    is_assign = op.tok == Tok::Assign;
                    decl.push(v.to_string());
                    decl.push(v2.to_string());
                }
                Tok::Comma => {
                    return Err(self.err_at(
                        self.peek().pos,
                        format!("too many declarations in {context}"),
                    ));
                }
                _ => unreachable!("checked above"),
            }
        }
        // Go checks assignments to undeclared variables only when executing.
        if !is_assign {
            self.vars.extend(decl.iter().cloned());
        }
        let base = self.cmds.len();
        loop {
            match self.peek().tok {
                Tok::Right | Tok::RParen => {
                    let t = self.next();
                    let closing = t.tok;
                    if self.cmds.len() == base {
                        return Err(self.err_at(t.pos, format!("missing value for {context}")));
                    }
                    if closing == Tok::RParen && context != "parenthesized pipeline" {
                        return Err(self.err_at(t.pos, "unexpected right paren".into()));
                    }
                    if closing == Tok::Right && context == "parenthesized pipeline" {
                        return Err(self.err_at(t.pos, "unclosed left paren".into()));
                    }
                    break;
                }
                Tok::Eof => return Err(self.err_at(self.peek().pos, "unclosed action".into())),
                ref t if starts_operand(t) => {
                    let cmd = self.command()?;
                    self.cmds.push(cmd);
                }
                ref other => {
                    let message = format!("unexpected {} in {context}", describe(other));
                    return Err(self.err_at(self.peek().pos, message));
                }
            }
        }
        let cmds = self.cmds.split_off(base);
        Ok(Pipe {
            pos,
            decl,
            is_assign,
            cmds,
        })
    }

    fn command(&mut self) -> PResult<Command> {
        let pos = self.peek().pos;
        let base = self.args.len();
        loop {
            let arg = self.operand()?;
            self.args.push(arg);
            let t = self.peek();
            match t.tok {
                Tok::Right | Tok::RParen => break,
                // Go accepts a pipe before the closing delimiter (`{{ x | }}`).
                Tok::Pipe => {
                    self.next();
                    break;
                }
                _ if t.space_before => continue,
                ref other => {
                    return Err(
                        self.err_at(t.pos, format!("unexpected {} in operand", describe(other)))
                    );
                }
            }
        }
        let args = self.args.split_off(base);
        if let [Arg::Ident(_, name), Arg::Str(_, pattern, _), ..] = args.as_slice()
            && funcs::regex::takes_pattern(name)
        {
            funcs::regex::precompile(pattern);
        }
        Ok(Command { pos, args })
    }

    fn operand(&mut self) -> PResult<Arg> {
        let t = self.next();
        let pos = t.pos;
        let mut first_field = None;
        let mut arg = match t.tok {
            Tok::Ident(name) => match name {
                "true" => Arg::Bool(pos, true),
                "false" => Arg::Bool(pos, false),
                "nil" => Arg::Nil(pos),
                k if KEYWORDS.contains(&k) => {
                    return Err(self.err_at(pos, format!("unexpected <{k}> in operand")));
                }
                _ => {
                    let Some(name) = self.funcs.defined(name) else {
                        return Err(self.err_at(pos, format!("function {name:?} not defined")));
                    };
                    Arg::Ident(pos, name)
                }
            },
            Tok::Dot => Arg::Dot(pos),
            Tok::Field(f) => {
                first_field = Some(f);
                Arg::Field(pos, Fields::default())
            }
            Tok::Variable(v) => {
                if !self.vars.iter().any(|known| known == v) {
                    return Err(self.err_at(pos, format!("undefined variable {v:?}")));
                }
                Arg::Variable(pos, v.to_string(), Fields::default())
            }
            Tok::Str(v, q) => Arg::Str(pos, v.into_owned(), q.to_string()),
            Tok::Number(text) => {
                let n = parse_number(text).ok_or_else(|| {
                    self.err_at(
                        pos,
                        format!("bad number syntax: {:?}", bad_number_prefix(text)),
                    )
                })?;
                Arg::Number(pos, n, text.to_string())
            }
            Tok::LParen => {
                let pipe = self.pipeline("parenthesized pipeline", false)?;
                Arg::Chain(pos, Box::new(pipe), Fields::default())
            }
            other => {
                return Err(self.err_at(pos, format!("unexpected {} in operand", describe(&other))));
            }
        };
        // Field chains directly after the term: `.a.b`, `$x.a`, `(pipe).a`. The names are
        // gathered in `self.chain` (free again now that the term is parsed).
        self.chain.clear();
        self.chain.push_str(first_field.unwrap_or_default());
        while let Tok::Field(_) = &self.peek().tok {
            if self.peek().space_before {
                break;
            }
            let t = self.next();
            let (Tok::Field(f), fpos) = (t.tok, t.pos) else {
                unreachable!("checked above")
            };
            match &mut arg {
                Arg::Field(p, _) => {
                    // Go reports a field chain at the position of its second field.
                    if !self.chain.contains('.') {
                        *p = fpos;
                    }
                }
                Arg::Variable(..) | Arg::Chain(..) => {}
                other => {
                    return Err(self.err_at(
                        fpos,
                        format!("unexpected . after term {:?}", other.to_string()),
                    ));
                }
            }
            if !self.chain.is_empty() {
                self.chain.push('.');
            }
            self.chain.push_str(f);
        }
        if let Arg::Field(_, names) | Arg::Variable(_, _, names) | Arg::Chain(_, _, names) =
            &mut arg
        {
            *names = Fields::new(&self.chain);
        }
        Ok(arg)
    }
}

/// Whether a command can start with this token (Go's `pipeline` refuses the others).
fn starts_operand(t: &Tok) -> bool {
    match t {
        Tok::Ident(name) => !KEYWORDS.contains(name),
        Tok::Field(_)
        | Tok::Variable(_)
        | Tok::Dot
        | Tok::Number(_)
        | Tok::Str(..)
        | Tok::LParen => true,
        _ => false,
    }
}
