//! How go-yaml writes one string scalar: plain, single-quoted, double-quoted or literal block,
//! with its folding of long lines.

use std::fmt::Write as _;

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Style {
    Plain,
    Single,
    Double,
}

impl Style {
    /// The quotes around a scalar in this style.
    fn delimiters(self) -> (&'static str, &'static str) {
        match self {
            Style::Plain => ("", ""),
            Style::Single => ("'", "'"),
            Style::Double => ("\"", "\""),
        }
    }

    /// Appends `c` as it is written inside a scalar of this style.
    fn push_char(self, out: &mut String, c: char) {
        match self {
            Style::Single if c == '\'' => out.push_str("''"),
            Style::Double => push_double_escaped(out, c),
            _ => out.push(c),
        }
    }
}

/// Writes a flow scalar in `style`, folding it like libyaml's emitter when `fold_at` gives the
/// starting column and the continuation indent: at a single space past column 80 (not the first
/// or last character for quoted styles; a double-quoted break before a second space escapes it).
pub(super) fn quoted(s: &str, style: Style, fold_at: Option<(usize, usize)>) -> String {
    let (open, close) = style.delimiters();
    // Most scalars are short: written out directly, unless a space past column 80 may fold.
    let mut out = String::with_capacity(s.len() + 2);
    out.push_str(open);
    for c in s.chars() {
        style.push_char(&mut out, c);
    }
    // A space folds only where the column before it is past 80; no column exceeds the last.
    let fits = fold_at.is_none_or(|(start, _)| start + out.chars().count() <= 80);
    if fits {
        out.push_str(close);
        return out;
    }
    fold(s, style, fold_at.unwrap_or_default())
}

/// `quoted` for a scalar that may fold: go-yaml v2 breaks at a single space once the column is
/// past 80, continuing at `indent`.
fn fold(s: &str, style: Style, (start, indent): (usize, usize)) -> String {
    let (open, close) = style.delimiters();
    let units: Vec<(String, bool)> = s
        .chars()
        .map(|c| {
            let mut text = String::new();
            style.push_char(&mut text, c);
            (text, c == ' ')
        })
        .collect();
    let mut out = String::from(open);
    let mut col = start + open.len();
    let mut spaces = false;
    let last = units.len().saturating_sub(1);
    for (i, (text, is_space)) in units.iter().enumerate() {
        if !is_space {
            out.push_str(text);
            col += text.chars().count();
            spaces = false;
            continue;
        }
        let next_space = units.get(i + 1).is_some_and(|u| u.1);
        let can_break = !spaces
            && col > 80
            && match style {
                Style::Plain => !next_space,
                Style::Single => i != 0 && i != last && !next_space,
                Style::Double => i != 0 && i != last,
            };
        if can_break {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
            if style == Style::Double && next_space {
                out.push('\\');
                col += 1;
            }
        } else {
            out.push(' ');
            col += 1;
        }
        spaces = true;
    }
    out.push_str(close);
    out
}

pub(super) fn printable(s: &str) -> bool {
    s.chars().all(|c| {
        c == '\n'
            || c == '\u{85}'
            || (c >= ' ' && c != '\u{7f}' && c != '\u{feff}' && !('\u{80}'..='\u{9f}').contains(&c))
    })
}

pub(super) fn block_allowed(s: &str) -> bool {
    printable(s) && !s.contains(" \n") && !s.contains("\t\n") && !s.starts_with(' ')
        || (printable(s) && s.starts_with(' ') && !s.contains(" \n"))
}

pub(super) fn literal(s: &str, indent: usize) -> String {
    let trailing = s.len() - s.trim_end_matches('\n').len();
    let chomp = match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    };
    let ind = if s.starts_with([' ', '\n']) { "2" } else { "" };
    let mut out = format!("|{ind}{chomp}");
    let body = if trailing == 1 {
        &s[..s.len() - 1]
    } else {
        s.trim_end_matches('\n')
    };
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
    }
    if trailing > 1 {
        for _ in 1..trailing {
            out.push('\n');
        }
    }
    out
}

/// Appends `c` as it appears inside a double-quoted YAML scalar.
fn push_double_escaped(out: &mut String, c: char) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c if (c as u32) < 0x20 || c == '\u{7f}' => {
            let _ = write!(out, "\\x{:02X}", c as u32);
        }
        '\u{feff}' => out.push_str("\\uFEFF"),
        c => out.push(c),
    }
}

/// Whether go-yaml would read `s` back as something other than a string.
pub(super) fn resolves_to_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan",
        ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    if looks_like_timestamp(s) {
        return true;
    }
    let first = s.chars().next().unwrap_or(' ');
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return false;
    }
    let plain = s.replace('_', "");
    if plain.parse::<f64>().is_ok() && !plain.ends_with('.') || plain.parse::<f64>().is_ok() {
        return true;
    }
    let (neg, body) = match plain.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let _ = neg;
    if let Some(h) = body.strip_prefix("0x") {
        return !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit());
    }
    if let Some(o) = body.strip_prefix("0o") {
        return !o.is_empty() && o.chars().all(|c| ('0'..='7').contains(&c));
    }
    if let Some(b) = body.strip_prefix("0b") {
        return !b.is_empty() && b.chars().all(|c| c == '0' || c == '1');
    }
    // Base 60 (`1:20`) reads as a number in YAML 1.1.
    let parts: Vec<&str> = body.split(':').collect();
    parts.len() > 1
        && parts[0].chars().all(|c| c.is_ascii_digit())
        && !parts[0].is_empty()
        && parts[1..]
            .iter()
            .all(|p| p.len() <= 2 && !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
}

pub(super) fn plain_allowed(s: &str) -> bool {
    let cs: Vec<char> = s.chars().collect();
    let Some(&first) = cs.first() else {
        return false;
    };
    if first == ' ' || cs.last() == Some(&' ') {
        return false;
    }
    // Unicode line breaks make a scalar multi-line: not plain.
    if cs
        .iter()
        .any(|c| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
    {
        return false;
    }
    if "#,[]{}&*!|>'\"%@`".contains(first) {
        return false;
    }
    if matches!(first, '-' | '?' | ':') && (cs.len() == 1 || cs[1] == ' ') {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    for (i, &c) in cs.iter().enumerate() {
        let next = cs.get(i + 1).copied();
        if c == ':' && (next.is_none() || next == Some(' ')) {
            return false;
        }
        if c == '#' && i > 0 && cs[i - 1] == ' ' {
            return false;
        }
        if c == '\t' {
            return false;
        }
    }
    true
}

/// go-yaml v2 reads `2006-1-2`, `2006-1-2T15:4:5Z07:00` and `2006-1-2 15:4:5` as timestamps.
fn looks_like_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let n = b
            .get(from..)?
            .iter()
            .take(max)
            .take_while(|c| c.is_ascii_digit())
            .count();
        (n >= min).then_some(from + n)
    };
    let date_end = (|| {
        let i = digits(0, 4, 4)?;
        (b.get(i) == Some(&b'-')).then_some(())?;
        let i = digits(i + 1, 1, 2)?;
        (b.get(i) == Some(&b'-')).then_some(())?;
        digits(i + 1, 1, 2)
    })();
    let Some(end) = date_end else { return false };
    if end == b.len() {
        return true;
    }
    if !matches!(b[end], b'T' | b't' | b' ') {
        return false;
    }
    // A time part: parse it loosely with Go's layouts.
    let rest = &s[end + 1..];
    let time_ok = (|| {
        let t = rest.as_bytes();
        let mut i = 0;
        for part in 0..3 {
            let n = t
                .get(i..)?
                .iter()
                .take(2)
                .take_while(|c| c.is_ascii_digit())
                .count();
            if n == 0 {
                return None;
            }
            i += n;
            if part < 2 {
                (t.get(i) == Some(&b':')).then_some(())?;
                i += 1;
            }
        }
        if t.get(i) == Some(&b'.') {
            i += 1 + t
                .get(i + 1..)?
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
        }
        let zone = &rest[i..];
        let ok = zone.is_empty()
            || zone == "Z"
            || (zone.len() == 6
                && (zone.starts_with('+') || zone.starts_with('-'))
                && &zone[3..4] == ":");
        ok.then_some(())
    })();
    time_ok.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_written_directly_are_what_folding_would_write() {
        let texts = [
            "a few words that fit",
            "it's \"quoted\" with\ttab and back\\slash",
            "word ".repeat(20).trim_end(),
            "two  spaces  between  words  ".repeat(4).as_str(),
            "ünïcödé wörds ".repeat(7).as_str(),
        ]
        .map(str::to_string);
        for text in &texts {
            for style in [Style::Plain, Style::Single, Style::Double] {
                // Every start column, including those where the last space lands at 80 and 81.
                for start in 0..90 {
                    assert_eq!(
                        quoted(text, style, Some((start, 4))),
                        fold(text, style, (start, 4)),
                        "{text:?} from column {start}"
                    );
                }
            }
        }
    }
}
