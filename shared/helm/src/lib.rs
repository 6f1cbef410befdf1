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
mod yaml_block;
mod yaml_comments;
mod yaml_head;

pub use chart::Chart;
pub use error::Error;
pub use placement::keep_helpers_off_this_cpu;
pub use render::{Crd, Hook, Manifest, PrintOptions, RenderOptions, Rendered, print, render};
pub use values::Table;
