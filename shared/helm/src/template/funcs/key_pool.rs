//! RSA-2048 keys generated ahead of time, on other threads, for `genCA`, `genSelfSignedCert` and
//! `genSignedCert`. Generating one takes ~50 ms, far longer than the rest of a render; a caller
//! that knows keys will be needed (the chart's templates call those functions) starts them while
//! the templates are still being parsed, and the keys are generated side by side on free cores.
//! A key made earlier is as fresh and random as one made at the call: nothing is weakened, only
//! the time the render waits for it.

use std::sync::{Condvar, Mutex, PoisonError};

/// Keys as (PKCS#8, PKCS#1) DER.
type Key = (Vec<u8>, Vec<u8>);

#[derive(Default)]
struct Pool {
    ready: Vec<Key>,
    /// Keys being generated.
    pending: usize,
}

static POOL: Mutex<Pool> = Mutex::new(Pool {
    ready: Vec::new(),
    pending: 0,
});
static KEY_DONE: Condvar = Condvar::new();

/// Starts generating `count` keys on background threads (each thread makes one).
pub fn pregenerate(count: usize) {
    for _ in 0..count {
        POOL.lock().unwrap_or_else(PoisonError::into_inner).pending += 1;
        let started = std::thread::Builder::new()
            .name("rsa-keygen".into())
            .spawn(|| {
                let key = super::certs::rsa_key(aws_lc_rs::rsa::KeySize::Rsa2048);
                let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
                pool.pending -= 1;
                pool.ready.extend(key);
                KEY_DONE.notify_all();
            });
        if started.is_err() {
            POOL.lock().unwrap_or_else(PoisonError::into_inner).pending -= 1;
        }
    }
}

/// A key generated ahead of time, waiting for one still being generated; `None` when none was
/// started (the caller generates its own).
pub fn take() -> Option<Key> {
    let mut pool = POOL.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        if let Some(key) = pool.ready.pop() {
            return Some(key);
        }
        if pool.pending == 0 {
            return None;
        }
        pool = KEY_DONE.wait(pool).unwrap_or_else(PoisonError::into_inner);
    }
}

/// How many RSA-2048 keys the template sources may ask for: calls of the functions that generate
/// one (the `WithKey` variants take theirs), at most `limit`.
pub fn wanted<'a>(sources: impl IntoIterator<Item = &'a str>, limit: usize) -> usize {
    let mut count = 0;
    for text in sources {
        for name in ["genCA", "genSelfSignedCert", "genSignedCert"] {
            count += text
                .match_indices(name)
                .filter(|(at, _)| !text[at + name.len()..].starts_with("WithKey"))
                .count();
        }
        if count >= limit {
            return limit;
        }
    }
    count
}
