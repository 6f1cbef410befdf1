//! Printing a rendered chart exactly as `helm template` prints it.

use std::sync::LazyLock;

use regex::Regex;

use super::Rendered;
use super::sort::split_documents;
use crate::error::Error;
use crate::pathmatch::{self, Dialect};

/// Printing choices (`helm template` flags that filter the output).
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    /// `--show-only`: only templates matching these paths (relative to the chart, e.g.
    /// `templates/service.yaml`; shell patterns allowed).
    pub show_only: Vec<String>,
    /// `--skip-tests`: leave out `test` hooks.
    pub skip_tests: bool,
}

static SOURCE_LINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"# Source: [^/]+/(.+)").expect("valid regex"));

/// The text `helm template` writes to stdout for this render.
pub fn print(rendered: &Rendered, options: &PrintOptions) -> Result<String, Error> {
    let mut manifest = String::new();
    for crd in &rendered.crds {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", crd.source, crd.content));
    }
    for m in &rendered.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.content));
    }
    let mut out = String::with_capacity(manifest.len() + 64);
    out.push_str(manifest.trim());
    out.push('\n');
    for hook in &rendered.hooks {
        if options.skip_tests
            && hook
                .events
                .iter()
                .any(|e| e == "test" || e == "test-success")
        {
            continue;
        }
        out.push_str(&format!(
            "---\n# Source: {}\n{}\n",
            hook.manifest.source, hook.manifest.content
        ));
    }
    if options.show_only.is_empty() {
        return Ok(out);
    }
    let documents = split_documents(&out);
    let mut shown = String::new();
    for pattern in &options.show_only {
        let pattern = pattern.replace('\\', "/");
        let mut found = false;
        for doc in &documents {
            let Some(caps) = SOURCE_LINE.captures(doc) else {
                continue;
            };
            if pathmatch::matches(&pattern, &caps[1], Dialect::FilepathMatch) {
                shown.push_str(&format!("---\n{doc}\n"));
                found = true;
            }
        }
        if !found {
            return Err(Error::ShowOnly(pattern));
        }
    }
    Ok(shown)
}
