//! RSA-2048 keys for `genCA`, `genSelfSignedCert` and `genSignedCert`, made side by side. One
//! takes ~50 ms, far longer than the rest of a render, and charts that make one make another
//! right after (a CA, then the certificate it signs). Once enabled, a call that has to make its
//! key also starts the next one on another thread, which the next call takes. A key made earlier
//! is as fresh and random as one made at the call: nothing is weakened, only the wait is shorter.
//! Nothing is started before a template actually asks for a key.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::thread::JoinHandle;

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
static ENABLED: AtomicBool = AtomicBool::new(false);
static PLACE: OnceLock<Place> = OnceLock::new();

/// Called with each key-making thread just started (to choose the CPUs it runs on).
pub type Place = fn(&JoinHandle<()>);

/// Lets key-making calls start the next key ahead (for a one-shot process with free cores);
/// `place`, if given, is called with each such thread as it starts (the first one given stays).
pub fn enable(place: Option<Place>) {
    if let Some(place) = place {
        let _ = PLACE.set(place);
    }
    ENABLED.store(true, Ordering::Relaxed);
}

/// A new RSA-2048 key: one made ahead if there is one (or is being made), else made now, with
/// the next one started meanwhile when enabled.
pub fn rsa2048() -> Option<Key> {
    if let Some(key) = take() {
        return Some(key);
    }
    if ENABLED.load(Ordering::Relaxed) {
        pregenerate(1);
    }
    super::certs::rsa_key(aws_lc_rs::rsa::KeySize::Rsa2048)
}

/// Starts making `count` keys on background threads (each thread makes one).
fn pregenerate(count: usize) {
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
        match (&started, PLACE.get()) {
            (Ok(handle), Some(place)) => place(handle),
            (Ok(_), None) => {}
            (Err(_), _) => POOL.lock().unwrap_or_else(PoisonError::into_inner).pending -= 1,
        }
    }
}

/// A key made ahead, waiting for one still being made; `None` when none was started.
fn take() -> Option<Key> {
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
