//! sprig's date functions over `time.Time`-like values, with Go's layout strings (`2006-01-02`).

use std::sync::Arc;

use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};

use super::super::value::{TemplateObject, Value};
use super::FuncResult;
use super::args::{arity, fail, string};
use super::layout::{format, parse_time};

/// A Go `time.Time`.
pub struct TimeObject(pub Zoned, pub Monotonic);

/// Whether a time came from `now` (Go then prints its monotonic clock reading, `m=+0.01`).
#[derive(Clone, Copy, PartialEq)]
pub enum Monotonic {
    /// Read from the clock.
    Yes,
    /// Parsed or computed.
    No,
}

/// When the process first asked for the time: Go's monotonic readings count from process start.
fn clock_start() -> std::time::Instant {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *START.get_or_init(std::time::Instant::now)
}

impl TemplateObject for TimeObject {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let z = &self.0;
        Some(Ok(match name {
            "Year" => Value::Int(z.year() as i64),
            "Month" => Value::Int(z.month() as i64),
            "Day" => Value::Int(z.day() as i64),
            "Hour" => Value::Int(z.hour() as i64),
            "Minute" => Value::Int(z.minute() as i64),
            "Second" => Value::Int(z.second() as i64),
            "Unix" => Value::Int64(z.timestamp().as_second()),
            "UTC" => time(z.with_time_zone(TimeZone::UTC)),
            "Format" => match args.first() {
                Some(Value::String(l)) => Value::String(format(z, l)),
                _ => return Some(Err("Format needs a layout".into())),
            },
            "String" => Value::String(go_string(z)),
            _ => return None,
        }))
    }
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn display(&self) -> Option<String> {
        let mut s = go_string(&self.0);
        if self.1 == Monotonic::Yes {
            s.push_str(&format!(" m=+{:.9}", clock_start().elapsed().as_secs_f64()));
        }
        Some(s)
    }
}

fn time(z: Zoned) -> Value {
    Value::Object(Arc::new(TimeObject(z, Monotonic::No)))
}

fn go_string(z: &Zoned) -> String {
    format(z, "2006-01-02 15:04:05.999999999 -0700 MST")
}

fn zone(name: &str) -> TimeZone {
    match name {
        "Local" | "" => TimeZone::system(),
        "UTC" => TimeZone::UTC,
        n => TimeZone::get(n).unwrap_or(TimeZone::UTC),
    }
}

/// The time a date argument stands for: a time, or unix seconds; anything else is "now".
fn to_time(v: &Value, tz: &TimeZone) -> Zoned {
    match v {
        Value::Object(o) if o.type_name() == "time.Time" => {
            let secs = o.call_method("Unix", &[]).and_then(|r| r.ok());
            let nanos = match o
                .call_method("Format", &[Value::from(".000000000")])
                .and_then(|r| r.ok())
            {
                Some(Value::String(s)) => s.trim_start_matches('.').parse::<i32>().unwrap_or(0),
                _ => 0,
            };
            match secs {
                Some(Value::Int64(s)) => Timestamp::new(s, nanos)
                    .unwrap_or_else(|_| Timestamp::now())
                    .to_zoned(tz.clone()),
                _ => Zoned::now().with_time_zone(tz.clone()),
            }
        }
        Value::Int(s) | Value::Int64(s) => Timestamp::from_second(*s)
            .unwrap_or_else(|_| Timestamp::now())
            .to_zoned(tz.clone()),
        _ => Zoned::now().with_time_zone(tz.clone()),
    }
}

/// Calls a date function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "now" => arity(a, 0).map(|_| {
            clock_start();
            Value::Object(Arc::new(TimeObject(Zoned::now(), Monotonic::Yes)))
        }),
        "date" => arity(a, 2).and_then(|_| {
            Ok(Value::String(format(
                &to_time(&a[1], &TimeZone::system()),
                &string(a, 0)?,
            )))
        }),
        "dateInZone" | "date_in_zone" => arity(a, 3).and_then(|_| {
            let tz = zone(&string(a, 2)?);
            Ok(Value::String(format(&to_time(&a[1], &tz), &string(a, 0)?)))
        }),
        "htmlDate" => arity(a, 1)
            .map(|_| Value::String(format(&to_time(&a[0], &TimeZone::system()), "2006-01-02"))),
        "htmlDateInZone" => arity(a, 2).and_then(|_| {
            Ok(Value::String(format(
                &to_time(&a[0], &zone(&string(a, 1)?)),
                "2006-01-02",
            )))
        }),
        "unixEpoch" => arity(a, 1).map(|_| {
            Value::String(
                to_time(&a[0], &TimeZone::UTC)
                    .timestamp()
                    .as_second()
                    .to_string(),
            )
        }),
        "dateModify" | "date_modify" | "mustDateModify" | "must_date_modify" => arity(a, 2)
            .and_then(|_| {
                let t = to_time(&a[1], &TimeZone::system());
                match parse_duration(&string(a, 0)?) {
                    Some(ns) => Ok(time(
                        t.checked_add(jiff::SignedDuration::from_nanos(ns as i64))
                            .unwrap_or(t),
                    )),
                    None if name.starts_with("must") => {
                        fail(format!("time: invalid duration {:?}", string(a, 0)?))
                    }
                    None => Ok(time(t)),
                }
            }),
        "ago" => arity(a, 1).map(|_| {
            let t = to_time(&a[0], &TimeZone::UTC);
            let secs = Timestamp::now().as_second() - t.timestamp().as_second();
            Value::String(go_duration(secs as i128 * 1_000_000_000))
        }),
        "duration" => arity(a, 1).map(|_| {
            let n: i64 = match &a[0] {
                Value::String(s) => s.parse().unwrap_or(0),
                // sprig only takes `int64` here (a plain `int` is 0).
                Value::Int64(i) => *i,
                _ => 0,
            };
            Value::String(go_duration(n as i128 * 1_000_000_000))
        }),
        "durationRound" => arity(a, 1).map(|_| {
            let ns: i128 = match &a[0] {
                Value::String(s) => parse_duration(s).unwrap_or(0),
                Value::Int64(i) => *i as i128,
                v @ Value::Object(_) => {
                    Timestamp::now().as_nanosecond()
                        - to_time(v, &TimeZone::UTC).timestamp().as_nanosecond()
                }
                _ => 0,
            };
            Value::String(duration_round(ns))
        }),
        "toDate" | "mustToDate" => {
            arity(a, 2).and_then(|_| match parse_time(&string(a, 0)?, &string(a, 1)?) {
                Some(z) => Ok(time(z)),
                None if name == "mustToDate" => fail(format!(
                    "parsing time {:?} as {:?}: cannot parse",
                    string(a, 1)?,
                    string(a, 0)?
                )),
                None => Ok(time(
                    Timestamp::from_second(-62135596800)
                        .unwrap_or(Timestamp::UNIX_EPOCH)
                        .to_zoned(TimeZone::UTC),
                )),
            })
        }
        _ => return None,
    })
}

const UNITS: &[(&str, i128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    ("μs", 1_000),
    ("ms", 1_000_000),
    ("s", 1_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
];

/// Go's `time.ParseDuration`, in nanoseconds.
pub fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if n == 0 {
            return None;
        }
        let num: f64 = rest[..n].parse().ok()?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = UNITS.iter().find(|(name, _)| *name == &rest[..u])?.1;
        total += num * unit as f64;
        rest = &rest[u..];
    }
    let ns = total.round() as i128;
    Some(if neg { -ns } else { ns })
}

/// Go's `time.Duration.String`.
pub fn go_duration(ns: i128) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let neg = ns < 0;
    let u = ns.unsigned_abs();
    let sign = if neg { "-" } else { "" };
    if u < 1_000 {
        return format!("{sign}{u}ns");
    }
    if u < 1_000_000 {
        return format!("{sign}{}µs", trim_frac(u, 1_000));
    }
    if u < 1_000_000_000 {
        return format!("{sign}{}ms", trim_frac(u, 1_000_000));
    }
    let secs_total = u / 1_000_000_000;
    let frac = u % 1_000_000_000;
    let (h, m, s) = (secs_total / 3600, (secs_total / 60) % 60, secs_total % 60);
    let sec = if frac == 0 {
        s.to_string()
    } else {
        format!("{s}.{}", format!("{frac:09}").trim_end_matches('0'))
    };
    if h > 0 {
        format!("{sign}{h}h{m}m{sec}s")
    } else if m > 0 {
        format!("{sign}{m}m{sec}s")
    } else {
        format!("{sign}{sec}s")
    }
}

fn trim_frac(u: u128, unit: u128) -> String {
    let (i, f) = (u / unit, u % unit);
    if f == 0 {
        return i.to_string();
    }
    let width = unit.to_string().len() - 1;
    format!("{i}.{}", format!("{f:0width$}").trim_end_matches('0'))
}

fn duration_round(ns: i128) -> String {
    let u = ns.unsigned_abs();
    let second = 1_000_000_000u128;
    let (minute, hour) = (60 * second, 3600 * second);
    let (day, month, year) = (24 * hour, 30 * 24 * hour, 365 * 24 * hour);
    for (unit, suffix) in [
        (year, "y"),
        (month, "mo"),
        (day, "d"),
        (hour, "h"),
        (minute, "m"),
        (second, "s"),
    ] {
        if u > unit {
            return format!("{}{suffix}", u / unit);
        }
    }
    "0s".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_like_go() {
        assert_eq!(go_duration(95_000_000_000), "1m35s");
        assert_eq!(go_duration(7_200_000_000_000), "2h0m0s");
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(duration_round(parse_duration("2h10m").unwrap()), "2h");
    }
}
