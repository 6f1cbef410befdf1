//! sprig's `encryptAES` / `decryptAES`: AES-256-CBC, the password zero-padded (or cut) to 32
//! bytes as the key, PKCS#7 padding, a random IV prepended, base64 around it all.

use aes::Aes256;
use aes::cipher::block_padding::{NoPadding, Pkcs7};
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::super::value::Value;
use super::FuncResult;
use super::args::{arity, fail, string};

/// Calls `encryptAES` or `decryptAES`.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "encryptAES" => arity(a, 2).and_then(|_| encrypt(&string(a, 0)?, &string(a, 1)?)),
        "decryptAES" => arity(a, 2).and_then(|_| decrypt(&string(a, 0)?, &string(a, 1)?)),
        _ => return None,
    })
}

fn key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let p = password.as_bytes();
    let n = p.len().min(32);
    key[..n].copy_from_slice(&p[..n]);
    key
}

fn encrypt(password: &str, plaintext: &str) -> FuncResult {
    if plaintext.is_empty() {
        return Ok(Value::from(""));
    }
    let mut iv = [0u8; 16];
    iv.iter_mut().for_each(|b| *b = fastrand::u8(..));
    let enc = cbc::Encryptor::<Aes256>::new(&key(password).into(), &iv.into());
    let ct = enc.encrypt_padded_vec_mut::<Pkcs7>(plaintext.as_bytes());
    let mut out = iv.to_vec();
    out.extend(ct);
    Ok(Value::String(STANDARD.encode(out)))
}

fn decrypt(password: &str, crypt64: &str) -> FuncResult {
    if crypt64.is_empty() {
        return Ok(Value::from(""));
    }
    let raw = STANDARD
        .decode(crypt64)
        .or_else(|e| fail(format!("illegal base64 data: {e}")))?;
    if raw.len() < 32 || raw.len() % 16 != 0 {
        return fail("crypto/cipher: input not full blocks");
    }
    let (iv, body) = raw.split_at(16);
    let dec = cbc::Decryptor::<Aes256>::new(&key(password).into(), iv.into());
    let plain = dec
        .decrypt_padded_vec_mut::<NoPadding>(body)
        .or_else(|_| fail("crypto/cipher: input not full blocks"))?;
    // Like sprig: drop as many bytes as the last byte says, unchecked.
    let pad = *plain.last().unwrap_or(&0) as usize;
    let keep = plain.len().saturating_sub(pad);
    Ok(Value::String(
        String::from_utf8_lossy(&plain[..keep]).into_owned(),
    ))
}
