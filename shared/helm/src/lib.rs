//! A Helm chart renderer: a Go `text/template` engine with sprig and Helm functions, chart
//! loading, values merging and rendering. Pure: a chart and values in, manifests out.
//!
//! ```no_run
//! use ferroflux_helm::{Chart, RenderOptions, render, print, PrintOptions};
//! let chart = Chart::load("charts/podinfo").unwrap();
//! let rendered = render(&chart, &RenderOptions { release_name: "demo".into(), ..Default::default() }).unwrap();
//! print!("{}", print(&rendered, &PrintOptions::default()).unwrap());
//! ```

pub mod chart;
mod error;
pub mod pathmatch;
mod placement;
pub mod render;
pub mod template;
pub mod values;
pub mod yaml;

/// The repository's test data (`testdata/`: fixture charts and repositories), or the directory
/// `FERROFLUX_FIXTURES` names.
#[cfg(test)]
pub(crate) fn fixtures() -> std::path::PathBuf {
    match std::env::var_os("FERROFLUX_FIXTURES") {
        Some(dir) => dir.into(),
        None => std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata"),
    }
}

pub use chart::Chart;
pub use error::Error;
pub use placement::keep_helpers_off_this_cpu;
pub use render::{Crd, Hook, Manifest, PrintOptions, RenderOptions, Rendered, print, render};
pub use values::Table;
