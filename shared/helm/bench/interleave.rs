//! Whole-process wall time of several commands run in turn, round after round, so that every
//! command meets the same moments of a busy machine (hyperfine runs all of one command first,
//! and on a shared VM the one that runs after a long, heavy one is slowed by it). Used to compare
//! two builds of `ferroflux` on a chart; output to /dev/null, medians and quartiles in ms.
//!
//! `cargo run --release -p ferroflux-helm --example interleave -- 80 'old/ferroflux helm template rel CHART' 'new/ferroflux helm template rel CHART'`
//!
//! A command is split at spaces; `NAME=value` words before the program set its environment.

use std::process::{Command, Stdio};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: interleave <rounds> '<command>' '<command>'...";
    let rounds: usize = args.next().ok_or(usage)?.parse()?;
    let commands: Vec<String> = args.collect();
    if rounds == 0 || commands.is_empty() {
        return Err(usage.into());
    }
    let run = |line: &str| -> Result<f64, Box<dyn std::error::Error>> {
        let mut words = line.split_whitespace();
        let mut command = None;
        let mut env = Vec::new();
        for word in words.by_ref() {
            match word.split_once('=') {
                Some((name, value)) if command.is_none() && !name.contains('/') => {
                    env.push((name, value))
                }
                _ => {
                    command = Some(word);
                    break;
                }
            }
        }
        let mut child = Command::new(command.ok_or("empty command")?);
        child
            .args(words)
            .envs(env)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let start = Instant::now();
        let status = child.status()?;
        let ms = start.elapsed().as_secs_f64() * 1e3;
        if !status.success() {
            return Err(format!("{line}: {status}").into());
        }
        Ok(ms)
    };
    for line in &commands {
        for _ in 0..3 {
            run(line)?;
        }
    }
    let mut samples = vec![Vec::with_capacity(rounds); commands.len()];
    for round in 0..rounds {
        // Every other round backwards: no command always runs right after the same one.
        let order: Vec<usize> = if round % 2 == 0 {
            (0..commands.len()).collect()
        } else {
            (0..commands.len()).rev().collect()
        };
        for i in order {
            samples[i].push(run(&commands[i])?);
        }
    }
    for (line, times) in commands.iter().zip(&mut samples) {
        times.sort_by(f64::total_cmp);
        let at = |q: usize| times[(times.len() - 1) * q / 4];
        println!(
            "median {:7.3}  p25 {:7.3}  p75 {:7.3}  {line}",
            at(2),
            at(1),
            at(3)
        );
    }
    Ok(())
}
