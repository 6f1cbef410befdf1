//! The OCI registry: push a Flux-style artifact (custom media types) and pull it back by digest.

use oci_client::client::{
    Certificate, CertificateEncoding, ClientConfig, ClientProtocol, Config, ImageLayer,
};
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

/// A client for the HTTPS registry that trusts the test CA.
fn tls_client() -> Client {
    let ca = std::fs::read(&ensure_cluster().services().ca_cert).unwrap();
    Client::new(ClientConfig {
        extra_root_certificates: vec![Certificate {
            encoding: CertificateEncoding::Pem,
            data: ca,
        }],
        ..ClientConfig::default()
    })
}

#[tokio::test]
async fn registry_with_tls_and_basic_auth_requires_the_password() {
    let services = ensure_cluster().services();
    let reference: Reference = format!(
        "{}/e2e/{}:v1",
        services.registry_auth,
        unique_name("private")
    )
    .parse()
    .unwrap();
    let push = |auth: RegistryAuth| {
        let reference = reference.clone();
        async move {
            let layer = ImageLayer::new(b"private".to_vec(), FLUX_CONTENT.to_string(), None);
            let config = Config::new(b"{}".to_vec(), FLUX_CONFIG.to_string(), None);
            tls_client()
                .push(&reference, &[layer], config, &auth, None)
                .await
        }
    };

    assert!(
        push(RegistryAuth::Anonymous).await.is_err(),
        "anonymous push accepted"
    );
    let wrong = RegistryAuth::Basic(services.git_username.clone(), "wrong".into());
    assert!(
        push(wrong).await.is_err(),
        "push with a wrong password accepted"
    );

    let good = RegistryAuth::Basic(services.git_username.clone(), services.git_password.clone());
    push(good.clone())
        .await
        .expect("push with the right password");
    let image = tls_client()
        .pull(&reference, &good, vec![FLUX_CONTENT])
        .await
        .unwrap();
    assert_eq!(image.layers[0].data.as_ref(), b"private");
    assert!(
        tls_client()
            .pull(&reference, &RegistryAuth::Anonymous, vec![FLUX_CONTENT])
            .await
            .is_err(),
        "anonymous pull accepted"
    );
}
