//! The parse tree of a template, as Go's `text/template/parse` shapes it.

use std::fmt;
use std::sync::Arc;

/// The source a tree was parsed from: its name (file) and text, for error locations.
#[derive(Debug)]
pub struct Source {
    /// The parse name (the file).
    pub name: String,
    /// The full text (shared with whoever read the file).
    pub text: Arc<str>,
}

impl Source {
    /// Go's `ErrorContext` location: 1-based line and 0-based byte column of `pos`.
    pub fn line_col(&self, pos: usize) -> (usize, usize) {
        let before = &self.text[..pos.min(self.text.len())];
        let line = 1 + before.matches('\n').count();
        let col = match before.rfind('\n') {
            Some(nl) => pos - (nl + 1),
            None => pos,
        };
        (line, col)
    }
}

/// One named template: its body and where it was parsed.
#[derive(Debug, Clone)]
pub struct Template {
    /// The template's name (file name or `define` name).
    pub name: String,
    /// Where it came from.
    pub source: Arc<Source>,
    /// The body.
    pub body: Arc<Vec<Node>>,
}

/// A statement of a template body.
#[derive(Debug, Clone)]
pub enum Node {
    /// Literal text: its byte range in the template's [`Source`] text (not a copy of it).
    Text(std::ops::Range<usize>),
    /// `{{ pipeline }}`.
    Action(Pipe),
    /// `{{if}}`, `{{with}}`, `{{range}}`: a pipeline, a body and an optional else body (boxed:
    /// most nodes are text and actions, which need far less room).
    Branch(Box<Branch>),
    /// `{{template "name" pipeline}}`.
    Template {
        /// Position of the action.
        pos: usize,
        /// Template to run.
        name: String,
        /// Its data.
        pipe: Option<Box<Pipe>>,
    },
    /// `{{break}}`.
    Break,
    /// `{{continue}}`.
    Continue,
}

/// Which control structure a [`Branch`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchKind {
    /// `if`
    If,
    /// `with`
    With,
    /// `range`
    Range,
}

/// `if`/`with`/`range` with their bodies.
#[derive(Debug, Clone)]
pub struct Branch {
    /// Which keyword.
    pub kind: BranchKind,
    /// The condition or range expression.
    pub pipe: Pipe,
    /// The body.
    pub list: Vec<Node>,
    /// The `else` body (an `else if` is a nested branch here).
    pub else_list: Option<Vec<Node>>,
}

/// A pipeline: optional variable declarations and `|`-separated commands.
#[derive(Debug, Clone)]
pub struct Pipe {
    /// Position of the pipeline.
    pub pos: usize,
    /// `$x := ` / `$i, $v :=` names (with `$`).
    pub decl: Vec<String>,
    /// `=` instead of `:=`.
    pub is_assign: bool,
    /// The commands.
    pub cmds: Vec<Command>,
}

/// A command: a function/method call or a single operand, with arguments.
#[derive(Debug, Clone)]
pub struct Command {
    /// Position of its first word.
    pub pos: usize,
    /// The words.
    pub args: Vec<Arg>,
}

/// An operand.
#[derive(Debug, Clone)]
pub enum Arg {
    /// `.a.b`
    Field(usize, Fields),
    /// `$x.a.b` (name with `$`, then fields)
    Variable(usize, String, Fields),
    /// `.`
    Dot(usize),
    /// `nil`
    Nil(usize),
    /// `true`/`false`
    Bool(usize, bool),
    /// A number literal with its text.
    Number(usize, Number, String),
    /// A string literal: value and quoted text.
    Str(usize, String, String),
    /// A function name (one of the functions templates may call).
    Ident(usize, &'static str),
    /// `(pipeline)` or `(pipeline).a.b`
    Chain(usize, Box<Pipe>, Fields),
}

/// The names of a field chain such as `.a.b.c`, kept as one string `a.b.c` (one allocation for
/// the chain; a name is an identifier, which has no dot).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields(Box<str>);

impl Fields {
    /// A chain of the names in `dotted` (`a.b.c`; empty for none).
    pub(crate) fn new(dotted: &str) -> Fields {
        Fields(Box::from(dotted))
    }

    /// Whether there are no names.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The names, in order.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split('.').filter(|n| !n.is_empty())
    }
}

impl fmt::Display for Fields {
    /// `.a.b.c` (nothing for no names).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            Ok(())
        } else {
            write!(f, ".{}", self.0)
        }
    }
}

/// A number constant, typed like Go's exec does for untyped constants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An int constant.
    Int(i64),
    /// A float constant (has `.`, `e` or `p`).
    Float(f64),
}

impl Arg {
    /// Position of the operand.
    pub fn pos(&self) -> usize {
        match self {
            Arg::Field(p, _)
            | Arg::Variable(p, _, _)
            | Arg::Dot(p)
            | Arg::Nil(p)
            | Arg::Bool(p, _)
            | Arg::Number(p, _, _)
            | Arg::Str(p, _, _)
            | Arg::Ident(p, _)
            | Arg::Chain(p, _, _) => *p,
        }
    }
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Field(_, names) => write!(f, "{names}"),
            Arg::Variable(_, name, names) => write!(f, "{name}{names}"),
            Arg::Dot(_) => write!(f, "."),
            Arg::Nil(_) => write!(f, "nil"),
            Arg::Bool(_, b) => write!(f, "{b}"),
            Arg::Number(_, _, text) => write!(f, "{text}"),
            Arg::Str(_, _, quoted) => write!(f, "{quoted}"),
            Arg::Ident(_, name) => write!(f, "{name}"),
            Arg::Chain(_, pipe, names) => write!(f, "({pipe}){names}"),
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                write!(f, " ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            write!(f, "{}", self.decl.join(", "))?;
            write!(f, "{}", if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                write!(f, " | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}
