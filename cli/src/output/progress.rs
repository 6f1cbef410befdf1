//! A spinner that names what is being awaited. On a terminal it animates on stderr; otherwise it
//! prints one line when waiting starts so logs still say what the command waited for.

use std::io::IsTerminal as _;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

pub struct Spinner {
    bar: Option<ProgressBar>,
}

impl Spinner {
    /// Starts waiting for `what` (e.g. "Deployment flux-system/source-controller to become Available").
    pub fn waiting_for(what: impl Into<String>) -> Self {
        let message = format!("waiting for {}", what.into());
        if !std::io::stderr().is_terminal() {
            eprintln!("◎ {message}");
            return Spinner { bar: None };
        }
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(message);
        bar.enable_steady_tick(Duration::from_millis(100));
        Spinner { bar: Some(bar) }
    }

    /// Stops the spinner without printing (the caller reports the error).
    pub fn clear(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
