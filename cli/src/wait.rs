//! Polling with a deadline and a spinner naming what is awaited, and the `--timeout` format.

use std::future::Future;
use std::time::{Duration, Instant};

use crate::output::progress::Spinner;

const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// Calls `check` until it returns `Some`, an error, or `timeout` passes. `what` completes
/// "waiting for ..." and "timed out ... waiting for ...".
pub async fn poll_until<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = anyhow::Result<Option<T>>>,
{
    // Most things are already done: only show a spinner when there is something to wait for.
    if let Some(value) = check().await? {
        return Ok(value);
    }
    let spinner = Spinner::waiting_for(what);
    let deadline = Instant::now() + timeout;
    loop {
        if Instant::now() >= deadline {
            spinner.clear();
            anyhow::bail!(
                "timed out after {} waiting for {what}",
                format_duration(timeout)
            );
        }
        tokio::time::sleep(POLL_INTERVAL).await;
        match check().await {
            Ok(Some(value)) => {
                spinner.clear();
                return Ok(value);
            }
            Ok(None) => {}
            Err(err) => {
                spinner.clear();
                return Err(err);
            }
        }
    }
}

/// Parses Go-style durations as Flux's `--timeout` takes them: `90s`, `5m`, `1m30s`, `2h`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {text:?}: use e.g. 30s, 5m, 1m30s");
    let mut total = Duration::ZERO;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        total += match &rest[..unit] {
            "ms" => Duration::from_millis(number),
            "s" => Duration::from_secs(number),
            "m" => Duration::from_secs(number * 60),
            "h" => Duration::from_secs(number * 3600),
            _ => return Err(bad()),
        };
        rest = &rest[unit..];
    }
    Ok(total)
}

/// `1m30s` style, for messages.
pub fn format_duration(d: Duration) -> String {
    let secs = d.as_secs();
    match (secs / 60, secs % 60) {
        (0, 0) => format!("{}ms", d.as_millis()),
        (0, s) => format!("{s}s"),
        (m, 0) => format!("{m}m"),
        (m, s) => format!("{m}m{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_like_go() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1m30s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("abc").is_err());
    }

    #[test]
    fn durations_format_short() {
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_secs(300)), "5m");
        assert_eq!(format_duration(Duration::from_secs(3)), "3s");
    }
}
