//! `cargo run --example gen_large -- <dir> [apps]`: write the large benchmark overlay tree and
//! print the overlay directory.

#[path = "../tests/support/large_overlay.rs"]
mod large_overlay;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: gen_large <dir> [apps]"));
    let apps = args
        .next()
        .map(|a| a.parse().expect("apps is a number"))
        .unwrap_or(240);
    println!(
        "{}",
        large_overlay::write_large_overlay(&dir, apps).display()
    );
}
