//! Encodings and hashes: base64, base32, sha1/sha256/adler32 sums, `uuidv4`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::super::value::Value;
use super::FuncResult;
use super::args::{arity, string};

/// Calls an encoding or hash function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    let s = |v: String| Ok(Value::String(v));
    Some(match name {
        "b64enc" => arity(a, 1).and_then(|_| s(STANDARD.encode(string(a, 0)?))),
        "b64dec" => arity(a, 1).and_then(|_| match STANDARD.decode(string(a, 0)?) {
            Ok(b) => s(crate::utf8::lossy(&b).into_owned()),
            Err(e) => s(go_b64_error(&e)),
        }),
        "b32enc" => {
            arity(a, 1).and_then(|_| s(data_encoding::BASE32.encode(string(a, 0)?.as_bytes())))
        }
        "b32dec" => {
            arity(a, 1).and_then(
                |_| match data_encoding::BASE32.decode(string(a, 0)?.as_bytes()) {
                    Ok(b) => s(crate::utf8::lossy(&b).into_owned()),
                    Err(e) => s(format!("illegal base32 data at input byte {}", e.position)),
                },
            )
        }
        "sha1sum" => arity(a, 1).and_then(|_| s(hex(&Sha1::digest(string(a, 0)?.as_bytes())))),
        "sha512sum" => arity(a, 1).and_then(|_| s(hex(&Sha512::digest(string(a, 0)?.as_bytes())))),
        "randBytes" => arity(a, 1).and_then(|_| {
            let n = super::args::int(a, 0)?.max(0) as usize;
            s(STANDARD.encode((0..n).map(|_| fastrand::u8(..)).collect::<Vec<u8>>()))
        }),
        "sha256sum" => arity(a, 1).and_then(|_| s(hex(&Sha256::digest(string(a, 0)?.as_bytes())))),
        "adler32sum" => arity(a, 1).and_then(|_| s(adler32(string(a, 0)?.as_bytes()).to_string())),
        "uuidv4" => arity(a, 0).and_then(|_| s(uuidv4())),
        _ => return None,
    })
}

fn go_b64_error(e: &base64::DecodeError) -> String {
    let pos = match e {
        base64::DecodeError::InvalidByte(p, _) | base64::DecodeError::InvalidLastSymbol(p, _) => *p,
        _ => 0,
    };
    format!("illegal base64 data at input byte {pos}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Adler-32 checksum (zlib's).
pub fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + x as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

fn uuidv4() -> String {
    let mut b = [0u8; 16];
    for x in b.iter_mut() {
        *x = fastrand::u8(..);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums() {
        assert_eq!(adler32(b"Wikipedia"), 300286872);
        let r = call("sha256sum", &[Value::from("abc")]).unwrap().unwrap();
        assert_eq!(
            r,
            Value::from("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        );
        assert_eq!(uuidv4().len(), 36);
    }
}
