//! sprig's key, certificate and password functions: `genPrivateKey`, `genCA`,
//! `genSelfSignedCert`, `genSignedCert` (and `WithKey` variants), `buildCustomCert`,
//! `htpasswd`, `bcrypt`, `derivePassword`.
//!
//! Like sprig, generated certificate keys are RSA-2048 (PKCS#1 `RSA PRIVATE KEY`) and
//! `genPrivateKey "rsa"` is RSA-4096. RSA keys come from aws-lc (as fast as Go's generator; the
//! `rsa` crate's, which we still use to parse keys, takes ~10x longer).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SanType,
};
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;

use super::super::value::{Map, Value};
use super::FuncResult;
use super::args::{arity, fail, int, map, string, strval, uint32};

/// Calls a key/certificate/password function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "genPrivateKey" => {
            arity(a, 1).and_then(|_| Ok(Value::String(gen_private_key(&string(a, 0)?))))
        }
        "genCA" => arity(a, 2).and_then(|_| ca(&string(a, 0)?, int(a, 1)?, None)),
        "genCAWithKey" => {
            arity(a, 3).and_then(|_| ca(&string(a, 0)?, int(a, 1)?, Some(string(a, 2)?)))
        }
        "genSelfSignedCert" => arity(a, 4).and_then(|_| leaf(a, None, None)),
        "genSelfSignedCertWithKey" => arity(a, 5).and_then(|_| leaf(a, None, Some(string(a, 4)?))),
        "genSignedCert" => arity(a, 5).and_then(|_| leaf(a, Some(&a[4]), None)),
        "genSignedCertWithKey" => {
            arity(a, 6).and_then(|_| leaf(a, Some(&a[4]), Some(string(a, 5)?)))
        }
        "buildCustomCert" => arity(a, 2).and_then(|_| {
            let decode = |i: usize| -> Result<String, super::FuncError> {
                let raw = STANDARD
                    .decode(string(a, i)?)
                    .or_else(|e| fail(format!("unable to decode base64: {e}")))?;
                Ok(String::from_utf8_lossy(&raw).into_owned())
            };
            Ok(certificate(decode(0)?, decode(1)?))
        }),
        "htpasswd" => arity(a, 2).and_then(|_| {
            let user = string(a, 0)?;
            if user.contains(':') {
                return Ok(Value::String(format!("invalid username: {user}")));
            }
            Ok(Value::String(format!(
                "{user}:{}",
                bcrypt_hash(&string(a, 1)?)?
            )))
        }),
        "bcrypt" => arity(a, 1).and_then(|_| Ok(Value::String(bcrypt_hash(&string(a, 0)?)?))),
        "derivePassword" => arity(a, 5).and_then(|_| {
            Ok(Value::String(super::derive_password::derive_password(
                uint32(a, 0)?,
                &string(a, 1)?,
                &string(a, 2)?,
                &string(a, 3)?,
                &string(a, 4)?,
            )))
        }),
        _ => return None,
    })
}

fn bcrypt_hash(password: &str) -> Result<String, super::FuncError> {
    // Go's bcrypt.DefaultCost is 10 (the Rust crate's default is 12).
    bcrypt::hash_with_result(password, 10)
        .map(|h| h.format_for_version(bcrypt::Version::TwoA))
        .or_else(|e| fail(e.to_string()))
}

fn certificate(cert: String, key: String) -> Value {
    Value::from(
        [
            ("Cert".to_string(), Value::String(cert)),
            ("Key".to_string(), Value::String(key)),
        ]
        .into_iter()
        .collect::<Map>(),
    )
}

fn pem(tag: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {tag}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push('\n');
    }
    out.push_str(&format!("-----END {tag}-----\n"));
    out
}

/// sprig's `genPrivateKey`: `rsa`, `ecdsa`, `ed25519` (`dsa` is not offered).
fn gen_private_key(kind: &str) -> String {
    match kind {
        "rsa" => match rsa_key(aws_lc_rs::rsa::KeySize::Rsa4096) {
            Some((_, pkcs1)) => pem("RSA PRIVATE KEY", &pkcs1),
            None => "failed to generate private key".into(),
        },
        "ecdsa" => match KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256) {
            Ok(k) => key_from_pkcs8(&k.serialize_der())
                .map(|d| pem("EC PRIVATE KEY", &d))
                .unwrap_or_else(|| k.serialize_pem()),
            Err(e) => format!("failed to generate private key: {e}"),
        },
        "ed25519" => match KeyPair::generate_for(&rcgen::PKCS_ED25519) {
            Ok(k) => k.serialize_pem(),
            Err(e) => format!("failed to generate private key: {e}"),
        },
        other => format!("Unknown type {other}"),
    }
}

/// A new RSA key as (PKCS#8, PKCS#1) DER.
pub(super) fn rsa_key(size: aws_lc_rs::rsa::KeySize) -> Option<(Vec<u8>, Vec<u8>)> {
    use aws_lc_rs::encoding::AsDer;
    let key = aws_lc_rs::rsa::KeyPair::generate(size).ok()?;
    let pkcs8 = key.as_der().ok()?.as_ref().to_vec();
    let pkcs1 = key_from_pkcs8(&pkcs8)?;
    Some((pkcs8, pkcs1))
}

/// The algorithm's own key inside a PKCS#8 document (its third element's OCTET STRING): an
/// ECPrivateKey (SEC1) or an RSAPrivateKey (PKCS#1).
fn key_from_pkcs8(der: &[u8]) -> Option<Vec<u8>> {
    fn header(d: &[u8]) -> Option<(u8, usize, usize)> {
        let tag = *d.first()?;
        let first = *d.get(1)? as usize;
        if first < 0x80 {
            return Some((tag, 2, first));
        }
        let n = first & 0x7f;
        let len = d
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | *b as usize);
        Some((tag, 2 + n, len))
    }
    let (_, hl, _) = header(der)?;
    let mut rest = der.get(hl..)?;
    for _ in 0..2 {
        let (_, h, l) = header(rest)?;
        rest = rest.get(h + l..)?;
    }
    let (tag, h, l) = header(rest)?;
    (tag == 0x04).then(|| rest.get(h..h + l).map(<[u8]>::to_vec))?
}

/// A key pair from a PEM the user gave: PKCS#8, or PKCS#1 RSA (converted).
fn key_from_pem(text: &str) -> Result<KeyPair, super::FuncError> {
    if let Ok(k) = KeyPair::from_pem(text) {
        return Ok(k);
    }
    let rsa_key = rsa::RsaPrivateKey::from_pkcs1_pem(text)
        .or_else(|e| fail(format!("error parsing private key: {e}")))?;
    let der = rsa_key
        .to_pkcs8_der()
        .or_else(|e| fail(format!("error converting private key: {e}")))?;
    KeyPair::try_from(der.as_bytes()).or_else(|e| fail(format!("error parsing private key: {e}")))
}

fn params(cn: &str, days: i64) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, cn);
    p.distinguished_name = dn;
    let now = jiff::Zoned::now().with_time_zone(jiff::tz::TimeZone::UTC);
    let end = now
        .checked_add(jiff::SignedDuration::from_hours(24 * days))
        .unwrap_or_else(|_| now.clone());
    p.not_before = rcgen::date_time_ymd(now.year() as i32, now.month() as u8, now.day() as u8);
    p.not_after = rcgen::date_time_ymd(end.year() as i32, end.month() as u8, end.day() as u8);
    p
}

fn new_key(given: Option<String>) -> Result<(KeyPair, String), super::FuncError> {
    if let Some(text) = given {
        let key = key_from_pem(&text)?;
        return Ok((key, text));
    }
    let Some((pkcs8, pkcs1)) = super::key_pool::rsa2048() else {
        return fail("error generating RSA private key".to_string());
    };
    let key =
        KeyPair::try_from(pkcs8.as_slice()).or_else(|e| fail(format!("error loading key: {e}")))?;
    Ok((key, pem("RSA PRIVATE KEY", &pkcs1)))
}

fn ca(cn: &str, days: i64, key: Option<String>) -> FuncResult {
    let (key, key_pem) = new_key(key)?;
    let mut p = params(cn, days);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    let cert = p
        .self_signed(&key)
        .or_else(|e| fail(format!("error creating certificate: {e}")))?;
    Ok(certificate(cert.pem(), key_pem))
}

fn san_list(v: &Value, ip: bool) -> Result<Vec<SanType>, super::FuncError> {
    let items = match v.resolved() {
        Value::List(l) => l.as_ref().clone(),
        Value::Nil => Vec::new(),
        other => return fail(format!("expected a list, got {}", other.type_name())),
    };
    items
        .iter()
        .map(|x| {
            let s = strval(x);
            if ip {
                s.parse()
                    .map(SanType::IpAddress)
                    .or_else(|_| fail(format!("error parsing ip: {s}")))
            } else {
                s.clone()
                    .try_into()
                    .map(SanType::DnsName)
                    .or_else(|_| fail(format!("invalid DNS name: {s}")))
            }
        })
        .collect()
}

/// `genSelfSignedCert`/`genSignedCert` (`cn, ips, dnsNames, days[, ca][, key]`).
fn leaf(a: &[Value], ca: Option<&Value>, key: Option<String>) -> FuncResult {
    let mut p = params(&string(a, 0)?, int(a, 3)?);
    p.subject_alt_names = san_list(&a[1], true)?;
    p.subject_alt_names.extend(san_list(&a[2], false)?);
    let (key, key_pem) = new_key(key)?;
    p.key_usages = vec![
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = match ca {
        None => p.self_signed(&key),
        Some(_) => {
            let ca = map(a, 4)?;
            let get = |k: &str| ca.get(k).map(|v| strval(&v)).unwrap_or_default();
            let ca_key = key_from_pem(&get("Key"))?;
            let issuer = Issuer::from_ca_cert_pem(&get("Cert"), ca_key)
                .or_else(|e| fail(format!("error parsing ca certificate: {e}")))?;
            p.signed_by(&key, &issuer)
        }
    }
    .or_else(|e| fail(format!("error creating certificate: {e}")))?;
    Ok(certificate(cert.pem(), key_pem))
}
