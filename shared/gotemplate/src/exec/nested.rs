//! [`Exec`]: what a function library's exec family sees of the running execution, to run
//! templates within it (Helm's `include` and `tpl`).

use super::super::Templates;
use super::super::error::TemplateError;
use super::super::value::Value;
use super::{Shared, run};

/// The running execution, as a function of an [`ExecFamily`](super::ExecFamily) sees it: it
/// can run other templates within it.
pub struct Exec<'a> {
    pub(super) set: &'a Templates,
    pub(super) shared: &'a mut Shared,
}

impl Exec<'_> {
    /// The set the executing template belongs to.
    pub fn templates(&self) -> &Templates {
        self.set
    }

    /// How many runs of template `name` through [`Exec::run`] are in progress.
    pub fn nesting(&self, name: &str) -> usize {
        self.shared.nesting.get(name).copied().unwrap_or(0)
    }

    /// Runs template `name` of the executing set with `data`, within this execution (Go's plain
    /// output, `<no value>` kept); counted in [`Exec::nesting`] while it runs.
    pub fn run(&mut self, name: &str, data: &Value) -> Result<String, TemplateError> {
        let set = self.set;
        let Some(t) = set.get(name) else {
            return Err(TemplateError::NoTemplate {
                name: name.to_string(),
                root: super::super::ROOT_NAME.into(),
            });
        };
        // The counter's key is allocated once per name, not once per call.
        match self.shared.nesting.get_mut(name) {
            Some(d) => *d += 1,
            None => {
                self.shared.nesting.insert(name.to_string(), 1);
            }
        }
        let r = run(set, t, data, self.shared);
        if let Some(d) = self.shared.nesting.get_mut(name) {
            *d -= 1;
        }
        r
    }

    /// Runs template `name` of `set` (such as an [`Templates::overlay`] of the executing set)
    /// with `data`, within this execution; `Ok(None)` when `set` has no such template.
    pub fn run_in(
        &mut self,
        set: &Templates,
        name: &str,
        data: &Value,
    ) -> Result<Option<String>, TemplateError> {
        match set.get(name) {
            Some(t) => run(set, t, data, self.shared).map(Some),
            None => Ok(None),
        }
    }
}
