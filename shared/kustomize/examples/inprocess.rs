//! `cargo run --release --example inprocess -- <dir> [iterations]`: time builds inside one process
//! (engine + YAML printing, no process start), printing the mean and best in milliseconds.

use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: inprocess <dir> [iterations]"));
    let iterations: usize = args
        .next()
        .map(|a| a.parse().expect("a number"))
        .unwrap_or(50);
    let mut times = Vec::with_capacity(iterations);
    let mut objects = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let built = ferroflux_kustomize::build(&dir).expect("build");
        let text = ferroflux_kustomize::to_yaml(&built);
        std::hint::black_box(&text);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        objects = built.len();
    }
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    let best = times.iter().cloned().fold(f64::INFINITY, f64::min);
    println!("{objects} objects: mean {mean:.3} ms, best {best:.3} ms over {iterations} runs");
}
