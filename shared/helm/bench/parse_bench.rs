//! Template parse time and chart load time, in-process: parses every template file of a chart
//! (subcharts included) into one set N times, then loads the chart N times; prints the mean of each.
//!
//! `cargo run --release -p ferroflux-helm --example parse_bench -- <chart-dir> [iterations]`

use ferroflux_helm::{Chart, template};
use std::time::Instant;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every template file of `c` and its subcharts, named by path as the renderer names them.
fn collect(c: &Chart, prefix: &str, out: &mut Vec<(String, String)>) {
    for t in &c.templates {
        out.push((
            format!("{prefix}/{}", t.name),
            String::from_utf8_lossy(t.data().unwrap()).into_owned(),
        ));
    }
    for d in &c.dependencies {
        collect(d, &format!("{prefix}/charts/{}", d.name()), out);
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let chart = Chart::load(&args[0]).unwrap();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(100);
    let mut files = Vec::new();
    collect(&chart, chart.name(), &mut files);
    let start = Instant::now();
    for _ in 0..n {
        let mut t = template::templates();
        for (name, src) in &files {
            t.parse(name, src).unwrap();
        }
        std::hint::black_box(&t);
    }
    let parse = start.elapsed().as_secs_f64() * 1e3 / n as f64;
    let start = Instant::now();
    for _ in 0..n {
        std::hint::black_box(Chart::load(&args[0]).unwrap());
    }
    let load = start.elapsed().as_secs_f64() * 1e3 / n as f64;
    println!(
        "parse {parse:.3} ms  load {load:.3} ms  ({} files)",
        files.len()
    );
}
