//! `cargo run -p crdgen`: regenerates `config/crd/bases/*.yaml` from the Rust types.

fn main() -> anyhow::Result<()> {
    let dir = crdgen::workspace_root().join(crdgen::CRD_DIR);
    std::fs::create_dir_all(&dir)?;
    for (file_name, yaml) in crdgen::render_all()? {
        std::fs::write(dir.join(&file_name), yaml)?;
        println!("wrote {}/{file_name}", crdgen::CRD_DIR);
    }
    Ok(())
}
