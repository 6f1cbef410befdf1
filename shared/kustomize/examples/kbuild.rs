//! `cargo run --example kbuild -- <dir>`: build a kustomization and print YAML (a CLI-free way to
//! run the engine; the real command is `ferroflux kustomize build`).

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    match ferroflux_kustomize::build(std::path::Path::new(&dir)) {
        Ok(objects) => print!("{}", ferroflux_kustomize::to_yaml(&objects)),
        Err(e) => {
            eprintln!("Error: {e}");
            std::process::exit(1);
        }
    }
}
