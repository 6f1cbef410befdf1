//! Function calls: plain functions, `and`/`or` short-circuit, and Helm's `include`/`tpl`,
//! which need the executing template set.

use super::super::ROOT_NAME;
use super::super::ast::{Arg, Command};
use super::super::error::TemplateError;
use super::super::funcs::{self, FuncError};
use super::super::value::Value;
use super::{MAX_INCLUDE_DEPTH, Res, State, run};

impl State<'_> {
    pub(super) fn eval_function(
        &mut self,
        dot: &Value,
        pos: usize,
        name: &str,
        cmd: &Command,
        fin: Option<Value>,
    ) -> Res<Value> {
        self.at(pos, name.to_string());
        if name == "and" || name == "or" {
            return self.eval_and_or(dot, name == "and", cmd, fin);
        }
        let mut args = Vec::with_capacity(cmd.args.len());
        for a in &cmd.args[1..] {
            args.push(self.eval_arg(dot, a)?);
        }
        if let Some(f) = fin {
            args.push(f);
        }
        self.at(cmd.pos, cmd.to_string());
        let result = match name {
            "include" => self.call_include(&args),
            // Templates here have no function values: `call` always fails like Go's does on one.
            "call" => match (cmd.args.get(1), args.first()) {
                (Some(node), Some(v)) => Err(FuncError::Call(format!(
                    "non-function {node} of type {}",
                    v.type_name()
                ))),
                _ => Err(FuncError::Arity("at least 1".into())),
            },
            "tpl" => self.call_tpl(&args),
            _ => funcs::call(name, &args)
                .unwrap_or_else(|| Err(FuncError::Call(format!("function {name:?} not defined")))),
        };
        match result {
            Ok(v) => Ok(v),
            Err(FuncError::Call(msg)) => Err(self.error(format!("error calling {name}: {msg}"))),
            Err(FuncError::Arity(want)) => Err(self.error(format!(
                "wrong number of args for {name}: want {want} got {}",
                args.len()
            ))),
            Err(FuncError::Type(i, msg)) => {
                let Some(a) = cmd.args.get(i + 1) else {
                    return Err(self.error(msg));
                };
                self.at(a.pos(), a.to_string());
                Err(self.error(literal_type_error(a, msg)))
            }
        }
    }

    fn eval_and_or(
        &mut self,
        dot: &Value,
        is_and: bool,
        cmd: &Command,
        fin: Option<Value>,
    ) -> Res<Value> {
        let n = cmd.args.len() - 1 + usize::from(fin.is_some());
        if n == 0 {
            let name = if is_and { "and" } else { "or" };
            self.at(cmd.pos, cmd.to_string());
            return Err(self.error(format!(
                "wrong number of args for {name}: want at least 1 got 0"
            )));
        }
        let mut last = Value::Nil;
        for a in &cmd.args[1..] {
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

    fn call_include(&mut self, args: &[Value]) -> Result<Value, FuncError> {
        if args.len() != 2 {
            return Err(FuncError::Arity("2".into()));
        }
        let name = match &args[0] {
            Value::String(s) => s.clone(),
            other => {
                return Err(FuncError::Type(
                    0,
                    format!(
                        "wrong type for value; expected string; got {}",
                        other.type_name()
                    ),
                ));
            }
        };
        let depth = self.shared.include_depth.get(&name).copied().unwrap_or(0);
        if depth > MAX_INCLUDE_DEPTH {
            return Err(FuncError::Call(format!(
                "rendering template has a nested reference name: {name}: unable to execute template"
            )));
        }
        let Some(t) = self.set.get(&name).cloned() else {
            return Err(FuncError::Call(
                TemplateError::NoTemplate {
                    name,
                    root: ROOT_NAME.into(),
                }
                .to_string(),
            ));
        };
        *self.shared.include_depth.entry(name.clone()).or_default() += 1;
        let r = run(self.set, &t, &args[1], self.shared);
        *self.shared.include_depth.entry(name).or_default() -= 1;
        r.map(Value::String)
            .map_err(|e| FuncError::Call(e.to_string()))
    }

    fn call_tpl(&mut self, args: &[Value]) -> Result<Value, FuncError> {
        if args.len() != 2 {
            return Err(FuncError::Arity("2".into()));
        }
        let text = match &args[0] {
            Value::String(s) => s.clone(),
            other => {
                return Err(FuncError::Type(
                    0,
                    format!(
                        "wrong type for value; expected string; got {}",
                        other.type_name()
                    ),
                ));
            }
        };
        let mut set = self.set.overlay();
        set.parse(ROOT_NAME, &text)
            .map_err(|e| FuncError::Call(format!("cannot parse template {text:?}: {e}")))?;
        let Some(t) = set.get(ROOT_NAME).cloned() else {
            return Ok(Value::String(String::new()));
        };
        match run(&set, &t, &args[1], self.shared) {
            Ok(s) => Ok(Value::String(s.replace("<no value>", ""))),
            Err(e) => Err(FuncError::Call(format!(
                "error during tpl function execution for {text:?}: {e}"
            ))),
        }
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
        other => format!("can't handle {arg} for arg of type {other}"),
    }
}
