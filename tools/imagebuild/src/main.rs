//! `imagebuild`: builds one reproducible OCI image per controller without a container daemon or
//! a base image, pushes it, and pulls one back into a directory.
//!
//! An image is one layer: the controller at `/usr/local/bin/<name>` with exactly the shared
//! libraries `ldd` lists, `/etc/passwd` and `/etc/group` with the non-root user 65534, the
//! system's CA bundle and `/tmp`; source-controller also gets the `ssh` client and `/bin/sh`
//! (Git over ssh runs `core.sshCommand` through the shell). Same inputs, same digest.

mod layer;
mod oci;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "imagebuild")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Write an OCI image layout per controller into OUT/<name>; prints `<name> <digest>` lines.
    Build {
        /// Directory of the layouts.
        #[arg(long)]
        out: PathBuf,
        /// Image version (tag and label), e.g. v0.1.0.
        #[arg(long)]
        version: String,
        /// Source revision (label), e.g. the Git commit.
        #[arg(long, default_value = "unknown")]
        revision: String,
        /// Controllers as NAME=BINARY, e.g. source-controller=target/controller/source-controller.
        #[arg(required = true, value_name = "NAME=BINARY")]
        binaries: Vec<String>,
    },
    /// Push OUT/<name> as REGISTRY/<name>:VERSION for each layout; prints `<image>@<digest>` lines.
    Push {
        #[arg(long)]
        out: PathBuf,
        /// Image prefix, e.g. ghcr.io/ferroflux or 127.0.0.1:5000/ferroflux.
        #[arg(long)]
        registry: String,
        #[arg(long)]
        version: String,
        /// Speak plain HTTP to the registry (a local test registry).
        #[arg(long)]
        plain_http: bool,
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// Pull IMAGE (by digest preferably), unpack its layers into ROOT and print its config.
    Pull {
        image: String,
        #[arg(long)]
        root: PathBuf,
        #[arg(long)]
        plain_http: bool,
    },
}

/// Binaries the controllers run besides themselves.
fn helpers(name: &str) -> &'static [(&'static str, &'static str)] {
    match name {
        "source-controller" => &[
            ("/usr/bin/ssh", "/usr/bin/ssh"),
            ("/bin/sh", "/usr/bin/dash"),
        ],
        _ => &[],
    }
}

fn build(
    out: &std::path::Path,
    version: &str,
    revision: &str,
    spec: &str,
) -> anyhow::Result<String> {
    let (name, binary) = spec
        .split_once('=')
        .with_context(|| format!("{spec:?} is not NAME=BINARY"))?;
    let entrypoint = format!("/usr/local/bin/{name}");
    let mut root = layer::Rootfs::base()?;
    root.add_executable(std::path::Path::new(binary), &entrypoint)?;
    for (path, source) in helpers(name) {
        let real =
            std::fs::canonicalize(path).with_context(|| format!("{path} (needed by {name})"))?;
        root.add_executable(&real, source)?;
        if path != source {
            root.add_symlink(&path[1..], source);
        }
    }
    let meta = oci::ImageMeta {
        name,
        version,
        revision,
        entrypoint: &entrypoint,
        user: layer::USER,
    };
    let digest = oci::write_layout(&out.join(name), &meta, &root.tar()?)?;
    Ok(format!("{name} {digest}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Cmd::Build {
            out,
            version,
            revision,
            binaries,
        } => {
            for spec in &binaries {
                println!("{}", build(&out, &version, &revision, spec)?);
            }
        }
        Cmd::Push {
            out,
            registry,
            version,
            plain_http,
            names,
        } => {
            for name in &names {
                let image = format!("{}/{name}:{version}", registry.trim_end_matches('/'));
                let digest = oci::push(&out.join(name), &image, plain_http).await?;
                println!("{image}@{digest}");
            }
        }
        Cmd::Pull {
            image,
            root,
            plain_http,
        } => {
            let config = oci::pull(&image, &root, plain_http).await?;
            println!("{}", serde_json::to_string_pretty(&config)?);
        }
    }
    Ok(())
}
