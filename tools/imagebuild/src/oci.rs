//! An image as an OCI image layout on disk, and pushing or pulling it with `oci-client`.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::manifest::OciDescriptor;
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const LAYER: &str = "application/vnd.oci.image.layer.v1.tar+gzip";

/// What an image says about itself.
pub struct ImageMeta<'a> {
    pub name: &'a str,
    pub version: &'a str,
    pub revision: &'a str,
    pub entrypoint: &'a str,
    pub user: &'a str,
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn descriptor(media_type: &str, bytes: &[u8]) -> Value {
    json!({ "mediaType": media_type, "digest": digest(bytes), "size": bytes.len() })
}

/// Writes an OCI image layout with one layer (`tar`, uncompressed) into `dir`; returns the
/// manifest's digest.
pub fn write_layout(dir: &Path, meta: &ImageMeta, tar: &[u8]) -> anyhow::Result<String> {
    let layer = crate::layer::gzip(tar)?;
    let labels = json!({
        "org.opencontainers.image.title": meta.name,
        "org.opencontainers.image.version": meta.version,
        "org.opencontainers.image.revision": meta.revision,
        "org.opencontainers.image.licenses": "Apache-2.0",
    });
    let config = serde_json::to_vec(&json!({
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "User": meta.user,
            "Entrypoint": [meta.entrypoint],
            "Env": ["PATH=/usr/local/bin:/usr/bin:/bin", "SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],
            "WorkingDir": "/",
            "Labels": labels,
        },
        "rootfs": { "type": "layers", "diff_ids": [digest(tar)] },
        "history": [{ "created_by": "ferroflux imagebuild" }],
    }))?;
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": MANIFEST,
        "config": descriptor(CONFIG, &config),
        "layers": [descriptor(LAYER, &layer)],
        "annotations": {
            "org.opencontainers.image.version": meta.version,
            "org.opencontainers.image.revision": meta.revision,
        },
    }))?;
    let mut index_entry = descriptor(MANIFEST, &manifest);
    index_entry["annotations"] = json!({ "org.opencontainers.image.ref.name": meta.version });
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.index.v1+json",
        "manifests": [index_entry],
    }))?;

    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("clearing {}", dir.display()))?;
    }
    let blobs = dir.join("blobs/sha256");
    std::fs::create_dir_all(&blobs)?;
    for blob in [&layer, &config, &manifest] {
        let hex = &digest(blob)["sha256:".len()..];
        std::fs::write(blobs.join(hex), blob)?;
    }
    std::fs::write(dir.join("oci-layout"), br#"{"imageLayoutVersion":"1.0.0"}"#)?;
    std::fs::write(dir.join("index.json"), index)?;
    Ok(digest(&manifest))
}

fn read_blob(layout: &Path, digest: &str) -> anyhow::Result<Vec<u8>> {
    let hex = digest
        .strip_prefix("sha256:")
        .with_context(|| format!("unsupported digest {digest}"))?;
    let path: PathBuf = layout.join("blobs/sha256").join(hex);
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

fn client(plain_http: bool) -> Client {
    // oci-client is built without a TLS provider of its own; the workspace uses ring.
    let _ = rustls::crypto::ring::default_provider().install_default();
    Client::new(ClientConfig {
        protocol: if plain_http {
            ClientProtocol::Http
        } else {
            ClientProtocol::Https
        },
        ..Default::default()
    })
}

/// Credentials from `REGISTRY_USERNAME`/`REGISTRY_PASSWORD`, else anonymous.
fn auth() -> RegistryAuth {
    match (
        std::env::var("REGISTRY_USERNAME"),
        std::env::var("REGISTRY_PASSWORD"),
    ) {
        (Ok(user), Ok(password)) => RegistryAuth::Basic(user, password),
        _ => RegistryAuth::Anonymous,
    }
}

/// Pushes the image of the layout `layout` as `image` (`registry/repository:tag`); returns the
/// manifest digest, which is the layout's.
pub async fn push(layout: &Path, image: &str, plain_http: bool) -> anyhow::Result<String> {
    let index: Value = serde_json::from_slice(&std::fs::read(layout.join("index.json"))?)
        .context("index.json is not JSON")?;
    let manifest_digest = index["manifests"][0]["digest"]
        .as_str()
        .context("index.json names no manifest")?
        .to_string();
    let manifest = read_blob(layout, &manifest_digest)?;
    let parsed: Value = serde_json::from_slice(&manifest)?;
    let reference: Reference = image.parse().with_context(|| format!("image {image:?}"))?;
    let client = client(plain_http);
    client
        .auth(&reference, &auth(), RegistryOperation::Push)
        .await
        .with_context(|| format!("authenticating to {}", reference.registry()))?;
    let blobs =
        std::iter::once(&parsed["config"]).chain(parsed["layers"].as_array().into_iter().flatten());
    for blob in blobs {
        let digest = blob["digest"]
            .as_str()
            .context("a descriptor without digest")?;
        if client.blob_exists(&reference, digest).await? {
            continue;
        }
        let data = read_blob(layout, digest)?;
        client
            .push_blob(&reference, data, digest)
            .await
            .with_context(|| format!("pushing blob {digest} to {image}"))?;
    }
    client
        .push_manifest_raw(&reference, manifest, MANIFEST.parse()?)
        .await
        .with_context(|| format!("pushing the manifest of {image}"))?;
    Ok(manifest_digest)
}

/// Pulls `image` (best by digest), checks every digest, unpacks its layers into `root` and
/// returns the image's config.
pub async fn pull(image: &str, root: &Path, plain_http: bool) -> anyhow::Result<Value> {
    let reference: Reference = image.parse().with_context(|| format!("image {image:?}"))?;
    let client = client(plain_http);
    let (manifest, manifest_digest) = client
        .pull_manifest_raw(&reference, &auth(), &[MANIFEST])
        .await
        .with_context(|| format!("pulling the manifest of {image}"))?;
    if let Some(wanted) = reference.digest()
        && (wanted != manifest_digest || digest(&manifest) != wanted)
    {
        bail!("{image}: the registry served manifest {manifest_digest}");
    }
    let parsed: Value = serde_json::from_slice(&manifest)?;
    let config = fetch(&client, &reference, &parsed["config"]).await?;
    std::fs::create_dir_all(root)?;
    for layer in parsed["layers"].as_array().into_iter().flatten() {
        let data = fetch(&client, &reference, layer).await?;
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(data.as_slice()));
        archive.set_preserve_permissions(true);
        archive.set_preserve_ownerships(true);
        archive
            .unpack(root)
            .with_context(|| format!("unpacking a layer into {}", root.display()))?;
    }
    Ok(serde_json::from_slice(&config)?)
}

async fn fetch(
    client: &Client,
    reference: &Reference,
    descriptor: &Value,
) -> anyhow::Result<Vec<u8>> {
    let descriptor = OciDescriptor {
        media_type: descriptor["mediaType"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        digest: descriptor["digest"]
            .as_str()
            .context("descriptor without digest")?
            .to_string(),
        size: descriptor["size"].as_i64().unwrap_or_default(),
        ..Default::default()
    };
    let mut out = Vec::new();
    // pull_blob checks the bytes against the descriptor's digest.
    client
        .pull_blob(reference, &descriptor, &mut out)
        .await
        .with_context(|| format!("pulling blob {}", descriptor.digest))?;
    Ok(out)
}
