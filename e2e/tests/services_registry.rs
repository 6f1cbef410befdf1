//! The OCI registry: push a Flux-style artifact (custom media types) and pull it back by digest.

use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use sha2::{Digest, Sha256};

use ferroflux_e2e::{ensure_cluster, unique_name};

// The media types Flux uses for OCIRepository artifacts.
const FLUX_CONFIG: &str = "application/vnd.cncf.flux.config.v1+json";
const FLUX_CONTENT: &str = "application/vnd.cncf.flux.content.v1.tar+gzip";

fn client() -> Client {
    Client::new(ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    })
}

#[tokio::test]
async fn push_artifact_and_pull_it_back_by_digest() {
    let registry = &ensure_cluster().services().registry;
    let repository = format!("e2e/{}", unique_name("artifact"));
    let tagged: Reference = format!("{registry}/{repository}:v1").parse().unwrap();
    let content = b"not really a tarball, but bytes the registry must keep exactly".to_vec();
    let layer = ImageLayer::new(content.clone(), FLUX_CONTENT.to_string(), None);
    let config = Config::new(b"{}".to_vec(), FLUX_CONFIG.to_string(), None);

    let client = client();
    let auth = RegistryAuth::Anonymous;
    client
        .push(&tagged, &[layer], config, &auth, None)
        .await
        .expect("push to the test registry");

    let digest = client.fetch_manifest_digest(&tagged, &auth).await.unwrap();
    assert!(digest.starts_with("sha256:"), "digest {digest}");

    let by_digest = Reference::with_digest(registry.clone(), repository, digest.clone());
    let (raw_manifest, _) = client
        .pull_manifest_raw(
            &by_digest,
            &auth,
            &["application/vnd.oci.image.manifest.v1+json"],
        )
        .await
        .unwrap();
    assert_eq!(
        format!("sha256:{}", hex::encode(Sha256::digest(&raw_manifest))),
        digest,
        "manifest bytes do not hash to their digest"
    );

    let image = client
        .pull(&by_digest, &auth, vec![FLUX_CONTENT])
        .await
        .unwrap();
    assert_eq!(image.layers.len(), 1);
    assert_eq!(image.layers[0].data.as_ref(), content.as_slice());
    assert_eq!(image.config.media_type, FLUX_CONFIG);
}

#[tokio::test]
async fn pulling_an_unknown_tag_fails() {
    let registry = &ensure_cluster().services().registry;
    let missing: Reference = format!("{registry}/e2e/{}:nope", unique_name("missing"))
        .parse()
        .unwrap();
    let result = client()
        .pull(&missing, &RegistryAuth::Anonymous, vec![FLUX_CONTENT])
        .await;
    assert!(result.is_err(), "pulled a tag that was never pushed");
}
