//! Function calls: `and`/`or` short-circuit, Go's `call`, and the set's function library.

use super::super::ast::{Arg, Command};
use super::super::funcs::FuncError;
use super::super::value::Value;
use super::{Ctx, Exec, Res, State};

impl<'n> State<'_, 'n> {
    pub(super) fn eval_function(
        &mut self,
        dot: &Value,
        pos: usize,
        name: &'n str,
        cmd: Option<&'n Command>,
        site: &'n Arg,
        fin: Option<Value>,
    ) -> Res<Value> {
        self.at(pos, Ctx::Name(name));
        // A function used as an argument (`{{ f (g) }}`'s `g` alone) has no arguments of its own.
        let arg_nodes: &'n [Arg] = cmd.map(|c| &c.args[1..]).unwrap_or(&[]);
        if name == "and" || name == "or" {
            return self.eval_and_or(dot, name == "and", cmd, site, arg_nodes, fin);
        }
        let mut args = Vec::with_capacity(arg_nodes.len() + 1);
        for a in arg_nodes {
            args.push(self.eval_arg(dot, a)?);
        }
        if let Some(f) = fin {
            args.push(f);
        }
        match cmd {
            Some(c) => self.at(c.pos, Ctx::Command(c)),
            None => self.at(pos, Ctx::Arg(site)),
        }
        let result = match name {
            // Templates here have no function values: `call` always fails like Go's does on one.
            "call" => match (arg_nodes.first(), args.first()) {
                (Some(node), Some(v)) => Err(FuncError::Call(format!(
                    "non-function {node} of type {}",
                    v.type_name()
                ))),
                _ => Err(FuncError::Arity("at least 1".into())),
            },
            _ => {
                let funcs = self.set.funcs;
                let mut exec = Exec {
                    set: self.set,
                    shared: self.shared,
                };
                funcs.call(&mut exec, name, &args).unwrap_or_else(|| {
                    Err(FuncError::Call(format!("function {name:?} not defined")))
                })
            }
        };
        match result {
            Ok(v) => Ok(v),
            Err(FuncError::Call(msg)) => Err(self.error(format!("error calling {name}: {msg}"))),
            Err(FuncError::Arity(want)) => Err(self.error(format!(
                "wrong number of args for {name}: want {want} got {}",
                args.len()
            ))),
            Err(FuncError::Type(i, msg)) => {
                let Some(a) = arg_nodes.get(i) else {
                    return Err(self.error(msg));
                };
                self.at(a.pos(), Ctx::Arg(a));
                Err(self.error(literal_type_error(a, msg)))
            }
        }
    }

    fn eval_and_or(
        &mut self,
        dot: &Value,
        is_and: bool,
        cmd: Option<&'n Command>,
        site: &'n Arg,
        arg_nodes: &'n [Arg],
        fin: Option<Value>,
    ) -> Res<Value> {
        let n = arg_nodes.len() + usize::from(fin.is_some());
        if n == 0 {
            let name = if is_and { "and" } else { "or" };
            match cmd {
                Some(c) => self.at(c.pos, Ctx::Command(c)),
                None => self.at(site.pos(), Ctx::Arg(site)),
            }
            return Err(self.error(format!(
                "wrong number of args for {name}: want at least 1 got 0"
            )));
        }
        let mut last = Value::Nil;
        for a in arg_nodes {
            last = self.eval_arg(dot, a)?;
            if last.is_truthy() != is_and {
                return Ok(last);
            }
        }
        if let Some(f) = fin {
            last = f;
        }
        Ok(last)
    }
}

/// Go words a type mismatch differently when the argument is a literal in the template
/// (`expected string; found 3`) than when it is a computed value (`wrong type for value; ...`).
fn literal_type_error(arg: &Arg, msg: String) -> String {
    let literal = matches!(arg, Arg::Str(..) | Arg::Number(..) | Arg::Bool(..));
    let Some(rest) = msg.strip_prefix("wrong type for value; expected ") else {
        return msg;
    };
    if !literal {
        return msg;
    }
    let want = rest.split(';').next().unwrap_or(rest);
    match want {
        "string" => format!("expected string; found {arg}"),
        "int" | "int64" => format!("expected integer; found {arg}"),
        "bool" => format!("expected bool; found {arg}"),
        "float64" => format!("expected float; found {arg}"),
        "uint32" => format!("expected unsigned integer; found {arg}"),
        other => format!("can't handle {arg} for arg of type {other}"),
    }
}
