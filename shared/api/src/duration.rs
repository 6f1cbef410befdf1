//! Go-style durations (`1m30s`, `500ms`, `1.5h`) as Flux writes them in specs.

use std::time::Duration;

/// Pattern Flux's CRDs use for intervals and timeouts that may be given in hours.
pub const DURATION_PATTERN: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$";
/// Pattern Flux's CRDs use for timeouts limited to minutes.
pub const DURATION_PATTERN_NO_HOURS: &str = r"^([0-9]+(\.[0-9]+)?(ms|s|m))+$";

/// A duration string that is not in Go's `time.ParseDuration` format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid duration {input:?}: {problem}")]
pub struct ParseDurationError {
    /// The text that failed to parse.
    pub input: String,
    /// What is wrong with it.
    pub problem: &'static str,
}

/// Parses a Go duration string: a sequence of decimal numbers, each with a unit
/// (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`), e.g. `1h30m`, `1.5s`, `0`. Negative durations are refused.
pub fn parse_duration(input: &str) -> Result<Duration, ParseDurationError> {
    let fail = |problem| ParseDurationError {
        input: input.to_string(),
        problem,
    };
    let text = input.strip_prefix('+').unwrap_or(input);
    if text.starts_with('-') {
        return Err(fail("negative durations are not allowed"));
    }
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    if text.is_empty() {
        return Err(fail("empty string"));
    }
    let mut rest = text;
    let mut total_nanos: u128 = 0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| fail("missing unit"))?;
        if number_len == 0 {
            return Err(fail("expected a number"));
        }
        let (number, after_number) = rest.split_at(number_len);
        let unit_len = after_number
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(after_number.len());
        let (unit, after_unit) = after_number.split_at(unit_len);
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            _ => return Err(fail("unknown unit")),
        };
        total_nanos += scaled_nanos(number, unit_nanos).ok_or_else(|| fail("bad number"))?;
        rest = after_unit;
    }
    let nanos = u64::try_from(total_nanos).map_err(|_| fail("overflow"))?;
    Ok(Duration::from_nanos(nanos))
}

/// `number` (decimal, maybe fractional) times `unit_nanos`, without floating point.
fn scaled_nanos(number: &str, unit_nanos: u128) -> Option<u128> {
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    let whole: u128 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let mut nanos = whole.checked_mul(unit_nanos)?;
    let mut scale = unit_nanos;
    for digit in fraction.chars() {
        scale /= 10;
        nanos += u128::from(digit.to_digit(10)?) * scale;
    }
    Some(nanos)
}

/// Formats a duration the way Go prints it (`1h30m0s`, `1.5s`, `500ms`, `0s`).
pub fn format_duration(duration: Duration) -> String {
    let nanos = duration.as_nanos();
    if nanos == 0 {
        return "0s".into();
    }
    if nanos < 1_000_000_000 {
        let (value, unit) = if nanos < 1_000 {
            (nanos.to_string(), "ns")
        } else if nanos < 1_000_000 {
            (decimal(nanos, 1_000), "µs")
        } else {
            (decimal(nanos, 1_000_000), "ms")
        };
        return format!("{value}{unit}");
    }
    let hours = nanos / 3_600_000_000_000;
    let minutes = (nanos / 60_000_000_000) % 60;
    let seconds = decimal(nanos % 60_000_000_000, 1_000_000_000);
    let mut out = String::new();
    if hours > 0 {
        out.push_str(&format!("{hours}h"));
    }
    if hours > 0 || minutes > 0 {
        out.push_str(&format!("{minutes}m"));
    }
    out.push_str(&format!("{seconds}s"));
    out
}

/// `value / unit` as a decimal without trailing zeros.
fn decimal(value: u128, unit: u128) -> String {
    let whole = value / unit;
    let fraction = value % unit;
    if fraction == 0 {
        return whole.to_string();
    }
    let width = unit.ilog10() as usize;
    let digits = format!("{fraction:0width$}");
    format!("{whole}.{}", digits.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        let cases = [
            ("0", 0),
            ("5s", 5_000),
            ("1m30s", 90_000),
            ("1h", 3_600_000),
            ("1.5h", 5_400_000),
            ("500ms", 500),
            ("2h45m10s", 9_910_000),
            ("1.5s", 1_500),
            (".5s", 500),
        ];
        for (text, millis) in cases {
            assert_eq!(
                parse_duration(text).unwrap(),
                Duration::from_millis(millis),
                "{text}"
            );
        }
        assert_eq!(parse_duration("10us").unwrap(), Duration::from_micros(10));
        assert_eq!(parse_duration("7ns").unwrap(), Duration::from_nanos(7));
    }

    #[test]
    fn refuses_invalid_durations_with_a_reason() {
        for text in ["", "5", "5 minutes", "1d", "-1s", "m", "1..5s", "1h30"] {
            let error = parse_duration(text).unwrap_err();
            assert!(
                error.to_string().contains("invalid duration"),
                "{text}: {error}"
            );
        }
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format_duration(Duration::ZERO), "0s");
        assert_eq!(format_duration(Duration::from_secs(90)), "1m30s");
        assert_eq!(format_duration(Duration::from_secs(3600)), "1h0m0s");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_millis(500)), "500ms");
        assert_eq!(format_duration(Duration::from_micros(1500)), "1.5ms");
    }

    #[test]
    fn format_then_parse_is_identity() {
        for millis in [1, 999, 1_000, 61_001, 3_600_000, 86_400_123] {
            let duration = Duration::from_millis(millis);
            assert_eq!(
                parse_duration(&format_duration(duration)).unwrap(),
                duration
            );
        }
    }
}
