//! Terminal output: aligned tables, status lines and spinners.

pub mod progress;
pub mod table;
pub mod unified_diff;

/// A step that is starting, as Flux prints it.
pub fn step(message: impl std::fmt::Display) {
    eprintln!("► {message}");
}

/// A step that finished well.
pub fn success(message: impl std::fmt::Display) {
    eprintln!("✔ {message}");
}

/// Something worth noticing that is not an error.
pub fn warning(message: impl std::fmt::Display) {
    eprintln!("⚠ {message}");
}
