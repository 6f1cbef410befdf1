//! Go's time layouts (`2006-01-02T15:04:05Z07:00`): formatting and parsing.

use jiff::Zoned;
use jiff::tz::TimeZone;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Layout tokens, longest first where they share a prefix.
const TOKENS: &[&str] = &[
    "January",
    "Jan",
    "Monday",
    "Mon",
    "MST",
    "2006",
    "-07:00:00",
    "-0700",
    "-07:00",
    "-07",
    "Z07:00:00",
    "Z0700",
    "Z07:00",
    "Z07",
    "01",
    "02",
    "_2",
    "002",
    "03",
    "04",
    "05",
    "06",
    "15",
    "1",
    "2",
    "3",
    "4",
    "5",
    "PM",
    "pm",
];

fn abbreviation(z: &Zoned) -> String {
    let info = z.time_zone().to_offset_info(z.timestamp());
    let abbr = info.abbreviation().to_string();
    if abbr.is_empty() {
        offset_str(z.offset().seconds(), "", false)
    } else {
        abbr
    }
}

fn offset_str(secs: i32, sep: &str, z: bool) -> String {
    if z && secs == 0 {
        return "Z".into();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    format!("{sign}{:02}{sep}{:02}", a / 3600, (a / 60) % 60)
}

/// One piece of a layout, as Go's `nextStdChunk` splits it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Chunk {
    /// A character printed (or expected) as is.
    Literal(char),
    /// A field: one of [`TOKENS`].
    Field(&'static str),
    /// Fractional seconds (`.000`, `,999`): the separator, the repeated digit and its count.
    Fraction { sep: char, digit: u8, width: usize },
}

/// The first chunk of a non-empty `layout`, and the rest.
fn next_chunk(layout: &str) -> (Chunk, &str) {
    let b = layout.as_bytes();
    if let [sep @ (b'.' | b','), digit @ (b'0' | b'9'), ..] = b {
        let width = b[1..].iter().take_while(|c| *c == digit).count();
        // Only a run of the digit that ends there is a fraction.
        if !b.get(1 + width).is_some_and(u8::is_ascii_digit) {
            let chunk = Chunk::Fraction {
                sep: char::from(*sep),
                digit: *digit,
                width,
            };
            return (chunk, &layout[1 + width..]);
        }
    }
    match TOKENS.iter().find(|t| layout.starts_with(**t)) {
        Some(tok) => (Chunk::Field(tok), &layout[tok.len()..]),
        None => {
            let c = layout.chars().next().unwrap_or(' ');
            (Chunk::Literal(c), &layout[c.len_utf8()..])
        }
    }
}

/// Formats with a Go layout.
pub fn format(z: &Zoned, layout: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        let (chunk, after) = next_chunk(rest);
        rest = after;
        match chunk {
            Chunk::Literal(c) => out.push(c),
            Chunk::Fraction { sep, digit, width } => {
                let digits = format!("{:09}", z.subsec_nanosecond());
                let mut frac = &digits[..width.min(9)];
                if digit == b'9' {
                    frac = frac.trim_end_matches('0');
                }
                if !frac.is_empty() || digit == b'0' {
                    out.push(sep);
                    out.push_str(frac);
                }
            }
            Chunk::Field(tok) => out.push_str(&format_field(z, tok)),
        }
    }
    out
}

/// A field of `z` as the layout token `tok` shows it.
fn format_field(z: &Zoned, tok: &str) -> String {
    let hour12 = |h: i8| if h % 12 == 0 { 12 } else { h % 12 };
    let off = z.offset().seconds();
    match tok {
        "January" => MONTHS[z.month() as usize - 1].to_string(),
        "Jan" => MONTHS[z.month() as usize - 1][..3].to_string(),
        "Monday" => DAYS[z.weekday().to_sunday_zero_offset() as usize].to_string(),
        "Mon" => DAYS[z.weekday().to_sunday_zero_offset() as usize][..3].to_string(),
        "MST" => abbreviation(z),
        "2006" => format!("{:04}", z.year()),
        "06" => format!("{:02}", z.year() % 100),
        "01" => format!("{:02}", z.month()),
        "1" => z.month().to_string(),
        "02" => format!("{:02}", z.day()),
        "2" => z.day().to_string(),
        "_2" => format!("{:>2}", z.day()),
        "002" => format!("{:03}", z.day_of_year()),
        "15" => format!("{:02}", z.hour()),
        "03" => format!("{:02}", hour12(z.hour())),
        "3" => hour12(z.hour()).to_string(),
        "04" => format!("{:02}", z.minute()),
        "4" => z.minute().to_string(),
        "05" => format!("{:02}", z.second()),
        "5" => z.second().to_string(),
        "PM" => (if z.hour() >= 12 { "PM" } else { "AM" }).to_string(),
        "pm" => (if z.hour() >= 12 { "pm" } else { "am" }).to_string(),
        "-0700" => offset_str(off, "", false),
        "-07:00" => offset_str(off, ":", false),
        "-07" => offset_str(off, "", false)[..3].to_string(),
        "Z0700" => offset_str(off, "", true),
        "Z07:00" => offset_str(off, ":", true),
        "Z07" => {
            let s = offset_str(off, "", true);
            s[..s.len().min(3)].to_string()
        }
        other => other.to_string(),
    }
}

/// The fields read so far by [`parse_time`].
struct Fields {
    year: i16,
    month: i8,
    day: i8,
    hour: i8,
    minute: i8,
    second: i8,
    nanos: i32,
    pm: Option<bool>,
    offset: Option<i32>,
}

/// Takes `min` to `max` digits off the front of `v`.
fn number(v: &mut &str, min: usize, max: usize) -> Option<i64> {
    let n = v
        .bytes()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if n < min {
        return None;
    }
    let r = v[..n].parse().ok();
    *v = &v[n..];
    r
}

impl Fields {
    /// Reads the field `tok` off the front of `v`.
    fn read(&mut self, tok: &str, v: &mut &str) -> Option<()> {
        match tok {
            "2006" => self.year = number(v, 4, 4)? as i16,
            "06" => self.year = 2000 + number(v, 2, 2)? as i16,
            "01" => self.month = number(v, 2, 2)? as i8,
            "1" => self.month = number(v, 1, 2)? as i8,
            "02" => self.day = number(v, 2, 2)? as i8,
            "2" | "_2" => {
                *v = v.trim_start_matches(' ');
                self.day = number(v, 1, 2)? as i8
            }
            "15" | "03" | "3" => self.hour = number(v, 1, 2)? as i8,
            "04" | "4" => self.minute = number(v, 1, 2)? as i8,
            "05" | "5" => self.second = number(v, 1, 2)? as i8,
            "PM" | "pm" => {
                self.pm = Some(v.get(..2)?.eq_ignore_ascii_case("PM"));
                *v = &v[2..];
            }
            "Jan" | "January" => {
                let short = tok == "Jan";
                let i = MONTHS
                    .iter()
                    .position(|m| v.starts_with(if short { &m[..3] } else { m }))?;
                *v = &v[if short { 3 } else { MONTHS[i].len() }..];
                self.month = i as i8 + 1;
            }
            "Mon" | "Monday" => {
                let short = tok == "Mon";
                let i = DAYS
                    .iter()
                    .position(|m| v.starts_with(if short { &m[..3] } else { m }))?;
                *v = &v[if short { 3 } else { DAYS[i].len() }..];
            }
            "MST" => {
                let n = v.bytes().take_while(|b| b.is_ascii_uppercase()).count();
                if &v[..n] == "UTC" || &v[..n] == "GMT" {
                    self.offset = Some(0);
                }
                *v = &v[n..];
            }
            tz if tz.contains("07") => self.offset = Some(read_offset(tz, v)?),
            _ => return None,
        }
        Some(())
    }
}

/// An offset (`Z`, `-07`, `-0700`, `-07:00` forms) off the front of `v`, in seconds.
fn read_offset(tz: &str, v: &mut &str) -> Option<i32> {
    if tz.starts_with('Z')
        && let Some(r) = v.strip_prefix('Z')
    {
        *v = r;
        return Some(0);
    }
    let sign = match v.as_bytes().first() {
        Some(b'-') => -1,
        Some(b'+') => 1,
        _ => return None,
    };
    *v = &v[1..];
    let hh = number(v, 2, 2)?;
    let mut mm = 0;
    if tz.contains(':') {
        *v = v.strip_prefix(':')?;
    }
    if tz.len() > 3 {
        mm = number(v, 2, 2)?;
    }
    Some(sign * (hh * 3600 + mm * 60) as i32)
}

/// Parses `value` with a Go layout (numeric fields, month names, offsets, `Z`), in local time
/// unless the value carries an offset.
pub fn parse_time(layout: &str, value: &str) -> Option<Zoned> {
    let mut f = Fields {
        year: 1,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
        nanos: 0,
        pm: None,
        offset: None,
    };
    let (mut l, mut v) = (layout, value);
    while !l.is_empty() {
        let (chunk, after) = next_chunk(l);
        l = after;
        match chunk {
            Chunk::Literal(c) => v = v.strip_prefix(c)?,
            Chunk::Fraction { sep, .. } => {
                if let Some(r) = v.strip_prefix(sep) {
                    let k = r.bytes().take_while(|b| b.is_ascii_digit()).count();
                    f.nanos = format!("{:0<9}", &r[..k.min(9)]).parse().ok()?;
                    v = &r[k..];
                }
            }
            Chunk::Field(tok) => f.read(tok, &mut v)?,
        }
    }
    if !v.is_empty() {
        return None;
    }
    match f.pm {
        Some(true) if f.hour < 12 => f.hour += 12,
        Some(false) if f.hour == 12 => f.hour = 0,
        _ => {}
    }
    let dt =
        jiff::civil::DateTime::new(f.year, f.month, f.day, f.hour, f.minute, f.second, f.nanos)
            .ok()?;
    let tz = match f.offset {
        Some(o) => TimeZone::fixed(jiff::tz::Offset::from_seconds(o).ok()?),
        None => TimeZone::system(),
    };
    dt.to_zoned(tz).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_layouts() {
        let z = parse_time("2006-01-02 15:04:05", "2024-03-05 07:08:09").unwrap();
        let z = z.datetime().to_zoned(TimeZone::UTC).unwrap();
        assert_eq!(
            format(&z, "2006-01-02T15:04:05Z07:00"),
            "2024-03-05T07:08:09Z"
        );
        assert_eq!(
            format(&z, "Jan 2, 2006 at 3:04pm (MST)"),
            "Mar 5, 2024 at 7:08am (UTC)"
        );
    }

    /// One tokenizer serves both ways: fractions (`.000`, `,999`) and fields read back what
    /// they print.
    #[test]
    fn fractions_and_fields_round_trip() {
        let layout = "2006-01-02 15:04:05.000 -07:00";
        let z = parse_time(layout, "2024-03-05 17:08:09.120 +02:00").unwrap();
        assert_eq!(format(&z, layout), "2024-03-05 17:08:09.120 +02:00");
        assert_eq!(format(&z, "05,999 3PM Monday"), "09,12 5PM Tuesday");
        assert_eq!(format(&z, "05.9"), "09.1");
        // A run of 0s followed by another digit is not a fraction (here: `.`, `0`, month `01`).
        assert_eq!(format(&z, ".001"), ".003");
        let z = parse_time("15:04:05,000", "17:08:09,5").unwrap();
        assert_eq!(z.subsec_nanosecond(), 500_000_000);
    }
}
