use ferroflux_helm::values::ValueFlags;
use ferroflux_helm::{Chart, PrintOptions, RenderOptions};
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).unwrap();
    let chart = Chart::load(&dir)?;
    let values = ferroflux_helm::values::user_values(&ValueFlags::default())?;
    let options = RenderOptions {
        release_name: "rel".into(),
        values,
        pregenerate_keys: true,
        ..Default::default()
    };
    let rendered = ferroflux_helm::render(&chart, &options)?;
    let out = ferroflux_helm::print(&rendered, &PrintOptions::default())?;
    println!("{}", out.len());
    Ok(())
}
