//! HTTP transport options for gix: bearer token header and a custom CA on the reqwest client.

use std::sync::{Arc, Mutex};

use gix::protocol::transport::client::blocking_io::http;

use super::auth::GitAuth;

/// Transport options for `remote` with the bearer header and CA from `auth` applied.
pub fn http_options(
    remote: &gix::Remote<'_>,
    auth: &GitAuth,
) -> Result<Box<dyn std::any::Any>, Box<dyn std::error::Error + Send + Sync>> {
    let url = remote
        .url(gix::remote::Direction::Fetch)
        .ok_or("remote has no URL")?;
    let url = url.to_bstring();
    let any = remote
        .repo()
        .transport_options(url.as_slice(), None::<&gix::bstr::BStr>)?;
    let mut options = match any.and_then(|a| a.downcast::<http::Options>().ok()) {
        Some(o) => *o,
        None => http::Options::default(),
    };
    if let Some(token) = &auth.bearer {
        options
            .extra_headers
            .push(format!("Authorization: Bearer {token}"));
    }
    if let Some(pem) = &auth.ca_pem {
        let certs = reqwest::Certificate::from_pem_bundle(pem)?;
        let backend = http::reqwest::Options {
            configure_client: Some(Box::new(move |mut builder| {
                for cert in &certs {
                    builder = builder.add_root_certificate(cert.clone());
                }
                Ok(builder)
            })),
            ..Default::default()
        };
        options.backend = Some(Arc::new(Mutex::new(backend)));
    }
    Ok(Box::new(options))
}
