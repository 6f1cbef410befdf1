//! Number and character constants, typed as Go's exec types untyped constants.

use super::ast::Number;

/// Parses a Go number or character constant, typed as exec types untyped constants.
pub fn parse_number(text: &str) -> Option<Number> {
    if text.starts_with('\'') {
        let inner = &text[1..text.len() - 1];
        let s = if inner.starts_with('\\') {
            super::lexer::unquote(inner).ok()?
        } else {
            inner.to_string()
        };
        let mut cs = s.chars();
        let c = cs.next()?;
        if cs.next().is_some() {
            return None;
        }
        return Some(Number::Int(c as i64));
    }
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b.to_string()),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean).to_string()),
    };
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        if h.contains('p') || h.contains('.') {
            None
        } else {
            Some(i64::from_str_radix(h, 16).ok()?)
        }
    } else if let Some(o) = lower.strip_prefix("0o") {
        Some(i64::from_str_radix(o, 8).ok()?)
    } else if let Some(b) = lower.strip_prefix("0b") {
        Some(i64::from_str_radix(b, 2).ok()?)
    } else if lower.len() > 1 && lower.starts_with('0') && lower.chars().all(|c| c.is_ascii_digit())
    {
        Some(i64::from_str_radix(&lower[1..], 8).ok()?)
    } else if lower.chars().all(|c| c.is_ascii_digit()) {
        match lower.parse::<i64>() {
            Ok(i) => Some(i),
            Err(_) => {
                return lower
                    .parse::<f64>()
                    .ok()
                    .map(|f| Number::Float(if neg { -f } else { f }));
            }
        }
    } else {
        None
    };
    if let Some(i) = int {
        return Some(Number::Int(if neg { -i } else { i }));
    }
    if let Some(h) = lower.strip_prefix("0x") {
        let f = hex_float(h)?;
        return Some(Number::Float(if neg { -f } else { f }));
    }
    let f: f64 = lower.parse().ok()?;
    Some(Number::Float(if neg { -f } else { f }))
}

/// The text Go's lexer reports for a malformed number: up to and including the first character
/// that cannot continue it (`1x2` -> `1x`).
pub fn bad_number_prefix(text: &str) -> &str {
    let body = text.trim_start_matches(['+', '-']);
    let start = text.len() - body.len();
    let digits = if body.starts_with("0x") || body.starts_with("0X") {
        2
    } else {
        0
    };
    for (i, c) in body.char_indices().skip(digits) {
        if !(c.is_ascii_digit() || c == '_' || c == '.' || (digits == 2 && c.is_ascii_hexdigit())) {
            return &text[..start + i + c.len_utf8()];
        }
    }
    text
}

/// A hex float body after `0x`: `1p60`, `1.8p-2` (mantissa in hex, binary exponent required).
fn hex_float(h: &str) -> Option<f64> {
    let (mant, exp) = h.split_once('p')?;
    let exp: i32 = exp.parse().ok()?;
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + c.to_digit(16)? as f64;
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}
