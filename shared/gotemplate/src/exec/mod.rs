//! Executing a parse tree against data, with Go's `text/template` semantics; functions that
//! execute templates themselves (Helm's `include`, `tpl`) do it through [`Exec`].

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use super::ast::{Arg, Branch, BranchKind, Command, Fields, Node, Pipe, Source, Template};
use super::error::TemplateError;
use super::format::print_action;
use super::funcs::Fnv;

use super::Templates;
use super::value::Value;

mod call;
mod nested;

pub use nested::Exec;

/// Stack for executing one top-level template (virtual memory; only what is used is committed).
const EXEC_STACK_BYTES: usize = 256 << 20;

/// Why a walk stopped early.
enum Flow {
    Error(TemplateError),
    Break,
    Continue,
}

impl From<TemplateError> for Flow {
    fn from(e: TemplateError) -> Self {
        Flow::Error(e)
    }
}

type Res<T> = Result<T, Flow>;

/// Shared across one top-level render: how deep runs of each name through [`Exec::run`] nest
/// (for recursion guards such as Helm's on `include`).
#[derive(Default)]
struct Shared {
    nesting: HashMap<String, usize, BuildHasherDefault<Fnv>>,
}

/// The node execution is at, kept by reference and printed only when an error needs it.
#[derive(Clone, Copy)]
enum Ctx<'n> {
    None,
    Pipe(&'n Pipe),
    Command(&'n Command),
    Arg(&'n Arg),
    Name(&'n str),
    Template(&'n str),
}

impl std::fmt::Display for Ctx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ctx::None => Ok(()),
            Ctx::Pipe(p) => write!(f, "{p}"),
            Ctx::Command(c) => write!(f, "{c}"),
            Ctx::Arg(a) => write!(f, "{a}"),
            Ctx::Name(n) => write!(f, "{n}"),
            Ctx::Template(n) => write!(f, "{{{{template {n:?}}}}}"),
        }
    }
}

struct State<'a, 'n> {
    set: &'a Templates,
    /// The executing template's name (for errors).
    template: &'n str,
    source: Arc<Source>,
    /// Variables in scope, innermost last (names borrowed from the tree).
    vars: Vec<(&'n str, Value)>,
    at: (usize, Ctx<'n>),
    shared: &'a mut Shared,
    undefined_assign: Option<String>,
}

/// Executes `template` from `set` with `data`, on a large stack (see [`with_exec_stack`]).
pub fn execute(
    set: &Templates,
    template: &Template,
    data: &Value,
) -> Result<String, TemplateError> {
    with_exec_stack(|| run(set, template, data, &mut Shared::default()))
        .unwrap_or_else(|_| Err(TemplateError::Other("template execution panicked".into())))
}

thread_local! {
    /// Whether this thread was started by [`with_exec_stack`] (its stack is large).
    static ON_EXEC_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` on a thread with a large stack, or directly when already on one; `Err` when `f`
/// panicked on that thread.
///
/// Templates recurse (`include` may nest up to Helm's limit of 1000) and the caller's thread may
/// have a small stack. Spawning a thread costs tens of microseconds, so callers that execute many
/// templates (a chart render) run them all on one such thread ([`spawn_exec_thread`]).
pub fn with_exec_stack<R: Send>(f: impl FnOnce() -> R + Send) -> std::thread::Result<R> {
    if ON_EXEC_STACK.get() {
        return Ok(f());
    }
    let mut task = Some(f);
    // The caller waits for the thread, which therefore may start on the caller's CPU.
    let joined = std::thread::scope(|scope| {
        exec_thread()
            .spawn_scoped(scope, || {
                ON_EXEC_STACK.set(true);
                task.take().map(|f| f())
            })
            .map(|handle| handle.join())
    });
    match joined {
        Ok(Ok(Some(r))) => Ok(r),
        Ok(Err(panic)) => Err(panic),
        // No thread available (or it never ran `f`): run here and hope the stack suffices.
        Ok(Ok(None)) | Err(_) => match task.take() {
            Some(f) => Ok(f()),
            None => Err(Box::new("template execution did not run")),
        },
    }
}

/// Starts a thread with a stack large enough for any template execution; templates executed on
/// it run there directly.
pub fn spawn_exec_thread<R: Send + 'static>(
    f: impl FnOnce() -> R + Send + 'static,
) -> std::io::Result<std::thread::JoinHandle<R>> {
    exec_thread().spawn(move || {
        ON_EXEC_STACK.set(true);
        f()
    })
}

fn exec_thread() -> std::thread::Builder {
    std::thread::Builder::new()
        .name("template-exec".into())
        .stack_size(EXEC_STACK_BYTES)
}

fn run(
    set: &Templates,
    template: &Template,
    data: &Value,
    shared: &mut Shared,
) -> Result<String, TemplateError> {
    let mut st = State {
        set,
        template: &template.name,
        source: template.source.clone(),
        vars: vec![("$", data.clone())],
        at: (0, Ctx::None),
        shared,
        undefined_assign: None,
    };
    let mut out = String::new();
    match st.walk_list(&mut out, data, &template.body) {
        Ok(()) => Ok(out),
        Err(Flow::Error(e)) => Err(e),
        Err(_) => Ok(out),
    }
}

impl<'n> State<'_, 'n> {
    fn error(&self, message: impl Into<String>) -> Flow {
        let (line, col) = self.source.line_col(self.at.0);
        Flow::Error(TemplateError::Exec {
            file: self.source.name.clone(),
            line,
            col,
            template: self.template.to_string(),
            context: self.at.1.to_string(),
            message: message.into(),
        })
    }

    fn at(&mut self, pos: usize, context: Ctx<'n>) {
        self.at = (pos, context);
    }

    fn walk_list(&mut self, out: &mut String, dot: &Value, nodes: &'n [Node]) -> Res<()> {
        for n in nodes {
            self.walk(out, dot, n)?;
        }
        Ok(())
    }

    fn walk(&mut self, out: &mut String, dot: &Value, node: &'n Node) -> Res<()> {
        match node {
            Node::Text(range) => out.push_str(&self.source.text[range.clone()]),
            Node::Action(pipe) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if pipe.decl.is_empty() {
                    out.push_str(&print_action(&v));
                }
            }
            Node::Branch(b) => self.walk_branch(out, dot, b)?,
            Node::Break => return Err(Flow::Break),
            Node::Continue => return Err(Flow::Continue),
            Node::Template { pos, name, pipe } => {
                self.at(*pos, Ctx::Template(name));
                let data = match pipe {
                    Some(p) => self.eval_pipeline(dot, p)?,
                    None => Value::Nil,
                };
                let set = self.set;
                let Some(t) = set.get(name) else {
                    return Err(self.error(format!("template {name:?} not defined")));
                };
                let text = run(set, t, &data, self.shared)?;
                out.push_str(&text);
            }
        }
        Ok(())
    }

    fn walk_branch(&mut self, out: &mut String, dot: &Value, b: &'n Branch) -> Res<()> {
        let mark = self.vars.len();
        let result = if b.kind == BranchKind::Range {
            self.walk_range(out, dot, b)
        } else {
            self.walk_if_with(out, dot, b)
        };
        self.vars.truncate(mark);
        result
    }

    fn walk_if_with(&mut self, out: &mut String, dot: &Value, b: &'n Branch) -> Res<()> {
        let v = self.eval_pipeline(dot, &b.pipe)?;
        if v.is_truthy() {
            let new_dot = if b.kind == BranchKind::With {
                v
            } else {
                dot.clone()
            };
            self.walk_list(out, &new_dot, &b.list)
        } else if let Some(el) = &b.else_list {
            self.walk_list(out, dot, el)
        } else {
            Ok(())
        }
    }

    fn walk_range(&mut self, out: &mut String, dot: &Value, b: &'n Branch) -> Res<()> {
        let decl = &b.pipe.decl;
        let v = self.eval_commands(dot, &b.pipe)?.resolved();
        let items: Vec<(Value, Value)> = match &v {
            Value::List(l) => l
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::Int(i as i64), x.clone()))
                .collect(),
            Value::Map(m) => m.with(|m| {
                m.iter()
                    .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                    .collect()
            }),
            Value::Bytes(bs) => bs
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::Int(i as i64), Value::Int(*x as i64)))
                .collect(),
            Value::Int(n) | Value::Int64(n) => {
                if decl.len() > 1 {
                    return Err(self.error(format!(
                        "can't use {n} to iterate over more than one variable"
                    )));
                }
                {
                    let typed = |i: i64| {
                        if matches!(v, Value::Int64(_)) {
                            Value::Int64(i)
                        } else {
                            Value::Int(i)
                        }
                    };
                    (0..*n).map(|i| (typed(i), typed(i))).collect()
                }
            }
            Value::Nil => Vec::new(),
            other => {
                return Err(self.error(format!(
                    "range can't iterate over {}",
                    super::format::fmt_v(other)
                )));
            }
        };
        if items.is_empty() {
            if let Some(el) = &b.else_list {
                return self.walk_list(out, dot, el);
            }
            return Ok(());
        }
        let mark = self.vars.len();
        for (k, elem) in items {
            self.vars.truncate(mark);
            match decl.len() {
                1 => self.declare(&decl[0], elem.clone(), b.pipe.is_assign),
                2 => {
                    self.declare(&decl[0], k, b.pipe.is_assign);
                    self.declare(&decl[1], elem.clone(), b.pipe.is_assign);
                }
                _ => {}
            }
            match self.walk_list(out, &elem, &b.list) {
                Ok(()) | Err(Flow::Continue) => {}
                Err(Flow::Break) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    fn declare(&mut self, name: &'n str, v: Value, assign: bool) {
        if assign {
            if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| *n == name) {
                slot.1 = v;
            } else {
                self.undefined_assign = Some(name.to_string());
            }
        } else {
            self.vars.push((name, v));
        }
    }

    /// The pipeline's value, without its declarations (`range` binds those itself).
    fn eval_commands(&mut self, dot: &Value, pipe: &'n Pipe) -> Res<Value> {
        self.at(pipe.pos, Ctx::Pipe(pipe));
        let mut val: Option<Value> = None;
        for cmd in &pipe.cmds {
            val = Some(self.eval_command(dot, cmd, val)?);
        }
        Ok(val.unwrap_or_default())
    }

    fn eval_pipeline(&mut self, dot: &Value, pipe: &'n Pipe) -> Res<Value> {
        let v = self.eval_commands(dot, pipe)?;
        for d in &pipe.decl {
            self.declare(d, v.clone(), pipe.is_assign);
        }
        if let Some(name) = self.undefined_assign.take() {
            return Err(self.error(format!("undefined variable: {name}")));
        }
        Ok(v)
    }

    fn eval_command(&mut self, dot: &Value, cmd: &'n Command, fin: Option<Value>) -> Res<Value> {
        let first = &cmd.args[0];
        match first {
            Arg::Field(pos, names) => {
                self.at(*pos, Ctx::Arg(first));
                let args = &cmd.args[1..];
                self.eval_field_chain(dot, dot.clone(), true, names, args, fin)
            }
            Arg::Variable(pos, name, names) => {
                self.at(*pos, Ctx::Arg(first));
                let v = self.lookup_var(name)?;
                if names.is_empty() {
                    self.no_args(cmd, &fin)?;
                    return Ok(v);
                }
                self.eval_field_chain(dot, v, false, names, &cmd.args[1..], fin)
            }
            Arg::Chain(pos, pipe, names) => {
                let v = self.eval_pipeline(dot, pipe)?;
                self.at(*pos, Ctx::Arg(first));
                if names.is_empty() {
                    self.no_args(cmd, &fin)?;
                    return Ok(v);
                }
                self.eval_field_chain(dot, v, false, names, &cmd.args[1..], fin)
            }
            Arg::Ident(pos, name) => self.eval_function(dot, *pos, name, Some(cmd), first, fin),
            _ => {
                self.at(first.pos(), Ctx::Arg(first));
                if let Arg::Nil(_) = first {
                    return Err(self.error("nil is not a command"));
                }
                self.no_args(cmd, &fin)?;
                self.eval_arg(dot, first)
            }
        }
    }

    fn no_args(&mut self, cmd: &'n Command, fin: &Option<Value>) -> Res<()> {
        if cmd.args.len() > 1 || fin.is_some() {
            return Err(self.error(format!(
                "can't give argument to non-function {}",
                cmd.args[0]
            )));
        }
        Ok(())
    }

    fn lookup_var(&self, name: &str) -> Res<Value> {
        match self.vars.iter().rev().find(|(n, _)| *n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => Err(self.error(format!("undefined variable: {name}"))),
        }
    }

    fn eval_field_chain(
        &mut self,
        dot: &Value,
        mut recv: Value,
        from_dot: bool,
        names: &Fields,
        args: &'n [Arg],
        fin: Option<Value>,
    ) -> Res<Value> {
        let mut names = names.iter().enumerate().peekable();
        while let Some((i, name)) = names.next() {
            let last = names.peek().is_none();
            // A chain that starts from nothing (nil dot, variable or `(pipeline)`: Go's pipelines
            // turn a nil interface into an invalid value) yields nothing: `($x.a).b` is the
            // safe-navigation idiom. Only a nil reached inside the chain is an error.
            if i == 0 && matches!(recv, Value::Nil) {
                if self.set.options.strict {
                    return Err(self.error(format!("nil data; no entry for key {name:?}")));
                }
                let _ = from_dot;
                return Ok(Value::Nil);
            }
            recv = if last {
                self.eval_field(dot, &recv, name, args, fin.clone())?
            } else {
                self.eval_field(dot, &recv, name, &[], None)?
            };
        }
        Ok(recv)
    }

    fn eval_field(
        &mut self,
        dot: &Value,
        recv: &Value,
        name: &str,
        args: &'n [Arg],
        fin: Option<Value>,
    ) -> Res<Value> {
        let has_args = !args.is_empty() || fin.is_some();
        match recv {
            Value::Nil => Err(self.error(format!("nil pointer evaluating interface {{}}.{name}"))),
            Value::Map(m) => {
                if has_args {
                    return Err(self.error(format!("{name} is not a method but has arguments")));
                }
                match m.get(name) {
                    Some(v) => Ok(v.clone()),
                    None if self.set.options.strict => {
                        Err(self.error(format!("map has no entry for key {name:?}")))
                    }
                    None => Ok(Value::Nil),
                }
            }
            Value::Object(o) => {
                if !has_args && let Some(v) = o.field(name) {
                    return Ok(v);
                }
                let mut vals = Vec::new();
                for a in args {
                    vals.push(self.eval_arg(dot, a)?);
                }
                if let Some(f) = fin {
                    vals.push(f);
                }
                match o.call_method(name, &vals) {
                    Some(Ok(v)) => Ok(v),
                    Some(Err(e)) => Err(self.error(format!("error calling {name}: {e}"))),
                    // A map type with methods (Helm's `Values`): other names are keys.
                    None if matches!(o.as_value(), Some(Value::Map(_))) => {
                        let map = o.as_value().unwrap_or_default();
                        self.eval_field(dot, &map, name, args, None)
                    }
                    None => Err(self.error(format!(
                        "can't evaluate field {name} in type {}",
                        o.type_name()
                    ))),
                }
            }
            // Values reached through maps have Go's static type `interface {}`.
            _ => Err(self.error(format!(
                "can't evaluate field {name} in type interface {{}}"
            ))),
        }
    }

    fn eval_arg(&mut self, dot: &Value, arg: &'n Arg) -> Res<Value> {
        self.at(arg.pos(), Ctx::Arg(arg));
        Ok(match arg {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(_) => Value::Nil,
            Arg::Bool(_, b) => Value::Bool(*b),
            Arg::Number(_, n, _) => match n {
                super::ast::Number::Int(i) => Value::Int(*i),
                super::ast::Number::Float(f) => Value::Float(*f),
            },
            Arg::Str(_, s, _) => Value::String(s.clone()),
            Arg::Field(_, names) => {
                self.eval_field_chain(dot, dot.clone(), true, names, &[], None)?
            }
            Arg::Variable(_, name, names) => {
                let v = self.lookup_var(name)?;
                if names.is_empty() {
                    v
                } else {
                    self.eval_field_chain(dot, v, false, names, &[], None)?
                }
            }
            Arg::Chain(_, pipe, names) => {
                let v = self.eval_pipeline(dot, pipe)?;
                if names.is_empty() {
                    v
                } else {
                    self.eval_field_chain(dot, v, false, names, &[], None)?
                }
            }
            Arg::Ident(pos, name) => self.eval_function(dot, *pos, name, None, arg, None)?,
        })
    }
}
