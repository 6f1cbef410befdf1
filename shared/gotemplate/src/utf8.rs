//! Bytes read as text, invalid UTF-8 replaced (as Go's `string(bytes)` shows it when printed).

use std::borrow::Cow;

/// `String::from_utf8_lossy`, with the fast validation first: chart files are nearly always valid
/// UTF-8, and `from_utf8` checks that several times faster than the lossy decoder's byte loop.
pub fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}
