//! Helm's functions, added to the engine's standard library: `include` and `tpl` execute
//! templates of the running set; the others are plain functions.

use std::sync::LazyLock;

use ferroflux_gotemplate::funcs::{ExecFamily, Family, FuncError, FuncResult, NAMES, STANDARD};
use ferroflux_gotemplate::{Exec, Functions, ROOT_NAME, Value};

mod helm;
mod yaml;
mod yaml_scalar;

/// Helm's limit on nested `include`s of one name.
const MAX_INCLUDE_DEPTH: usize = 1000;

/// The names Helm adds to Go's and sprig's.
const HELM_NAMES: &[&str] = &[
    "include",
    "tpl",
    "required",
    "lookup",
    "toYaml",
    "mustToYaml",
    "toYamlPretty",
    "fromYaml",
    "fromYamlArray",
    "toToml",
    "mustToToml",
    "fromToml",
    "fromJson",
    "fromJsonArray",
];

/// Go's built-ins, sprig's functions and Helm's. Helm's plain families are tried after the
/// most used standard ones (lists, built-ins, strings, dicts, math, defaults, JSON).
pub(super) static HELM: LazyLock<Functions> = LazyLock::new(|| {
    let (common, rest) = STANDARD.split_at(STANDARD.len().min(7));
    let families: Vec<Family> = [common, &[yaml::call, helm::call], rest].concat();
    let exec: Vec<ExecFamily> = vec![call_exec];
    Functions::new(exec, families, &[NAMES, HELM_NAMES].concat())
});

/// `include` and `tpl`.
fn call_exec(x: &mut Exec<'_>, name: &str, args: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "include" => include(x, args),
        "tpl" => tpl(x, args),
        _ => return None,
    })
}

/// The string argument of `include`/`tpl`, with Go's type error otherwise.
fn first_string(args: &[Value]) -> Result<&str, FuncError> {
    if args.len() != 2 {
        return Err(FuncError::Arity("2".into()));
    }
    match &args[0] {
        Value::String(s) => Ok(s),
        other => Err(FuncError::Type(
            0,
            format!(
                "wrong type for value; expected string; got {}",
                other.type_name()
            ),
        )),
    }
}

fn include(x: &mut Exec<'_>, args: &[Value]) -> FuncResult {
    let name = first_string(args)?;
    if x.nesting(name) > MAX_INCLUDE_DEPTH {
        return Err(FuncError::Call(format!(
            "rendering template has a nested reference name: {name}: unable to execute template"
        )));
    }
    x.run(name, &args[1])
        .map(Value::String)
        .map_err(|e| FuncError::Call(e.to_string()))
}

fn tpl(x: &mut Exec<'_>, args: &[Value]) -> FuncResult {
    let text = first_string(args)?;
    let mut set = x.templates().overlay();
    set.parse(ROOT_NAME, text)
        .map_err(|e| FuncError::Call(format!("cannot parse template {text:?}: {e}")))?;
    match x.run_in(&set, ROOT_NAME, &args[1]) {
        Ok(Some(s)) => Ok(Value::String(s.replace("<no value>", ""))),
        Ok(None) => Ok(Value::String(String::new())),
        Err(e) => Err(FuncError::Call(format!(
            "error during tpl function execution for {text:?}: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_helm_name_has_an_implementation() {
        for name in HELM_NAMES
            .iter()
            .filter(|n| !["include", "tpl"].contains(n))
        {
            assert!(
                [yaml::call, helm::call]
                    .iter()
                    .any(|f| f(name, &[]).is_some()),
                "{name} is listed but not implemented"
            );
        }
    }
}
