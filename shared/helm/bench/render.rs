//! In-process render time: loads a chart and renders it N times (load + values + render + print,
//! as one `helm template` call does), printing the mean and median per iteration.
//!
//! `cargo run --release -p ferroflux-helm --example render_bench -- <chart-dir> [iterations] [-f values.yaml]...`

use std::time::Instant;

use ferroflux_helm::values::ValueFlags;
use ferroflux_helm::{Chart, PrintOptions, RenderOptions};

// The allocator of the `ferroflux` binary, so that this measures what the CLI does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let chart_dir = args
        .first()
        .ok_or("usage: render_bench <chart-dir> [iterations] [-f values]...")?;
    let iterations: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(200);
    let values_files: Vec<std::path::PathBuf> = args
        .windows(2)
        .filter(|w| w[0] == "-f")
        .map(|w| w[1].clone().into())
        .collect();
    let mut samples = Vec::with_capacity(iterations);
    let mut bytes = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let chart = Chart::load_parallel(chart_dir)?;
        let values = ferroflux_helm::values::user_values(&ValueFlags {
            files: values_files.clone(),
            ..Default::default()
        })?;
        let options = RenderOptions {
            release_name: "rel".into(),
            values,
            // As `ferroflux helm template` renders.
            pregenerate_keys: true,
            parallel: true,
            ..Default::default()
        };
        let rendered = ferroflux_helm::render(&chart, &options)?;
        bytes = ferroflux_helm::print(&rendered, &PrintOptions::default())?.len();
        samples.push(start.elapsed().as_secs_f64() * 1e3);
    }
    samples.sort_by(f64::total_cmp);
    let mean = samples.iter().sum::<f64>() / samples.len() as f64;
    let median = samples[samples.len() / 2];
    println!(
        "{{\"chart\": {chart_dir:?}, \"iterations\": {iterations}, \"mean_ms\": {mean:.3}, \"median_ms\": {median:.3}, \"output_bytes\": {bytes}}}"
    );
    Ok(())
}
