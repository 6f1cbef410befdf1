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

/// Formats with a Go layout.
pub fn format(z: &Zoned, layout: &str) -> String {
    let mut out = String::new();
    let mut rest = layout;
    while !rest.is_empty() {
        // Fractional seconds: `.000` / `.999` (also with `,`).
        if (rest.starts_with(".0")
            || rest.starts_with(".9")
            || rest.starts_with(",0")
            || rest.starts_with(",9"))
            && {
                let d = rest.as_bytes()[1];
                let n = rest[1..].bytes().take_while(|b| *b == d).count();
                !rest[1 + n..].starts_with(|c: char| c.is_ascii_digit())
            }
        {
            let d = rest.as_bytes()[1];
            let n = rest[1..].bytes().take_while(|b| *b == d).count();
            let digits = format!("{:09}", z.subsec_nanosecond());
            let mut frac = digits[..n.min(9)].to_string();
            if d == b'9' {
                frac = frac.trim_end_matches('0').to_string();
                if !frac.is_empty() {
                    out.push(rest.as_bytes()[0] as char);
                    out.push_str(&frac);
                }
            } else {
                out.push(rest.as_bytes()[0] as char);
                out.push_str(&frac);
            }
            rest = &rest[1 + n..];
            continue;
        }
        let Some(tok) = TOKENS.iter().find(|t| rest.starts_with(**t)) else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let hour12 = |h: i8| if h % 12 == 0 { 12 } else { h % 12 };
        let off = z.offset().seconds();
        let s = match *tok {
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
        };
        out.push_str(&s);
        rest = &rest[tok.len()..];
    }
    out
}

/// Parses `value` with a Go layout (numeric fields, month names, offsets, `Z`), in local time
/// unless the value carries an offset.
pub fn parse_time(layout: &str, value: &str) -> Option<Zoned> {
    let (mut y, mut mo, mut d, mut h, mut mi, mut s, mut ns) =
        (1i16, 1i8, 1i8, 0i8, 0i8, 0i8, 0i32);
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let (mut l, mut v) = (layout, value);
    let num = |v: &mut &str, min: usize, max: usize| -> Option<i64> {
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
    };
    while !l.is_empty() {
        if l.starts_with(".0") || l.starts_with(".9") {
            let n = l[1..].bytes().take_while(|b| *b == l.as_bytes()[1]).count();
            l = &l[1 + n..];
            if let Some(r) = v.strip_prefix('.') {
                let k = r.bytes().take_while(|b| b.is_ascii_digit()).count();
                ns = format!("{:0<9}", &r[..k.min(9)]).parse().ok()?;
                v = &r[k..];
            }
            continue;
        }
        let tok = TOKENS.iter().find(|t| l.starts_with(**t));
        match tok {
            None => {
                let c = l.chars().next()?;
                v = v.strip_prefix(c)?;
                l = &l[c.len_utf8()..];
            }
            Some(t) => {
                l = &l[t.len()..];
                match *t {
                    "2006" => y = num(&mut v, 4, 4)? as i16,
                    "06" => y = 2000 + num(&mut v, 2, 2)? as i16,
                    "01" => mo = num(&mut v, 2, 2)? as i8,
                    "1" => mo = num(&mut v, 1, 2)? as i8,
                    "02" => d = num(&mut v, 2, 2)? as i8,
                    "2" | "_2" => {
                        v = v.trim_start_matches(' ');
                        d = num(&mut v, 1, 2)? as i8
                    }
                    "15" => h = num(&mut v, 1, 2)? as i8,
                    "03" | "3" => h = num(&mut v, 1, 2)? as i8,
                    "04" | "4" => mi = num(&mut v, 1, 2)? as i8,
                    "05" | "5" => s = num(&mut v, 1, 2)? as i8,
                    "PM" | "pm" => {
                        let up = v.get(..2)?.to_ascii_uppercase();
                        pm = Some(up == "PM");
                        v = &v[2..];
                    }
                    "Jan" | "January" => {
                        let i = MONTHS.iter().position(|m| {
                            let m = if *t == "Jan" { &m[..3] } else { m };
                            v.starts_with(m)
                        })?;
                        v = &v[if *t == "Jan" { 3 } else { MONTHS[i].len() }..];
                        mo = i as i8 + 1;
                    }
                    "Mon" | "Monday" => {
                        let i = DAYS
                            .iter()
                            .position(|m| v.starts_with(if *t == "Mon" { &m[..3] } else { m }))?;
                        v = &v[if *t == "Mon" { 3 } else { DAYS[i].len() }..];
                    }
                    "MST" => {
                        let n = v.bytes().take_while(|b| b.is_ascii_uppercase()).count();
                        if &v[..n] == "UTC" || &v[..n] == "GMT" {
                            offset = Some(0);
                        }
                        v = &v[n..];
                    }
                    tz if tz.contains("07") => {
                        if tz.starts_with('Z')
                            && let Some(r) = v.strip_prefix('Z')
                        {
                            v = r;
                            offset = Some(0);
                            continue;
                        }
                        let sign = if v.starts_with('-') {
                            -1
                        } else if v.starts_with('+') {
                            1
                        } else {
                            return None;
                        };
                        v = &v[1..];
                        let hh = num(&mut v, 2, 2)?;
                        let mut mm = 0;
                        if tz.contains(':') {
                            v = v.strip_prefix(':')?;
                        }
                        if tz.len() > 3 {
                            mm = num(&mut v, 2, 2)?;
                        }
                        offset = Some(sign * (hh * 3600 + mm * 60) as i32);
                    }
                    _ => return None,
                }
            }
        }
    }
    if !v.is_empty() {
        return None;
    }
    if let Some(p) = pm {
        if p && h < 12 {
            h += 12;
        } else if !p && h == 12 {
            h = 0;
        }
    }
    let dt = jiff::civil::DateTime::new(y, mo, d, h, mi, s, ns).ok()?;
    let tz = match offset {
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
}
