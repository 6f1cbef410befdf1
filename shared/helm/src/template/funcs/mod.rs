//! The function table: Go's built-ins, sprig's functions and Helm's pure functions.
//!
//! Each family lives in its own file and exposes `call(name, args) -> Option<FuncResult>`;
//! `None` means "not mine". Functions that need the executing template set (`include`, `tpl`)
//! are in `exec.rs`.

pub mod args;
mod builtins;

pub use args::FuncError;

use super::value::Value;

/// The result of calling a function.
pub type FuncResult = Result<Value, FuncError>;

/// Names handled by the executor itself.
const EXEC_FUNCS: &[&str] = &["and", "or", "include", "tpl"];

type Family = fn(&str, &[Value]) -> Option<FuncResult>;

const FAMILIES: &[Family] = &[builtins::call];

/// Whether `name` is a known function (the parser rejects unknown ones like Go does).
pub fn is_defined(name: &str) -> bool {
    EXEC_FUNCS.contains(&name) || NAMES.contains(&name)
}

/// Calls the plain function `name`; `None` if there is no such function.
pub fn call(name: &str, args: &[Value]) -> Option<FuncResult> {
    FAMILIES.iter().find_map(|f| f(name, args))
}

/// Every function name templates may use.
pub const NAMES: &[&str] = &[
    // Go built-ins
    "call", "eq", "ge", "gt", "html", "index", "js", "le", "len", "lt", "ne", "not", "print",
    "printf", "println", "slice", "urlquery",
];
