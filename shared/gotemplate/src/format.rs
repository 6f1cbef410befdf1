//! Go's `fmt` printing rules for template values: `%v`, `Sprint`, `Sprintln`, `Sprintf`.

use super::value::Value;

/// Decimal digits and exponent of `x` (x = 0.d1d2d3... × 10^dp), shortest or to `prec` significant digits.
fn digits(x: f64, prec: Option<usize>) -> (String, i32) {
    let s = match prec {
        None => format!("{:e}", x.abs()),
        Some(p) => format!("{:.*e}", p.saturating_sub(1), x.abs()),
    };
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digs: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    (digs, exp + 1)
}

fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        })
    } else {
        None
    }
}

fn exp_form(neg: bool, digs: &str, dp: i32, min_frac: Option<usize>) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&digs[..1]);
    let mut frac = digs[1..].to_string();
    if let Some(n) = min_frac {
        while frac.len() < n {
            frac.push('0');
        }
    }
    if !frac.is_empty() {
        s.push('.');
        s.push_str(&frac);
    }
    let e = if digs.chars().all(|c| c == '0') {
        0
    } else {
        dp - 1
    };
    s.push('e');
    s.push(if e < 0 { '-' } else { '+' });
    s.push_str(&format!("{:02}", e.abs()));
    s
}

fn plain_form(neg: bool, digs: &str, dp: i32) -> String {
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if dp <= 0 {
        s.push_str("0.");
        for _ in 0..(-dp) {
            s.push('0');
        }
        s.push_str(digs);
    } else if dp as usize >= digs.len() {
        s.push_str(digs);
        for _ in 0..(dp as usize - digs.len()) {
            s.push('0');
        }
    } else {
        s.push_str(&digs[..dp as usize]);
        s.push('.');
        s.push_str(&digs[dp as usize..]);
    }
    s
}

/// `strconv.FormatFloat(x, 'g', prec, 64)`; `prec` None is shortest (what `%v` prints).
pub fn format_g(x: f64, prec: Option<usize>) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let neg = x.is_sign_negative() && x != 0.0 || (x == 0.0 && x.is_sign_negative());
    let (mut digs, dp) = digits(x, prec.map(|p| p.max(1)));
    if x == 0.0 {
        digs = "0".into();
    }
    // Go trims trailing zeros in %g.
    while digs.len() > 1 && digs.ends_with('0') {
        digs.pop();
    }
    let eprec = match prec {
        None => 6,
        Some(p) => {
            let p = p.max(1) as i32;
            if p > digs.len() as i32 && digs.len() as i32 >= dp {
                digs.len() as i32
            } else {
                p
            }
        }
    };
    let exp = if x == 0.0 { 0 } else { dp - 1 };
    if exp < -4 || exp >= eprec {
        exp_form(neg, &digs, dp, None)
    } else {
        plain_form(neg, &digs, if x == 0.0 { 1 } else { dp })
    }
}

/// `%e` with a precision (default 6).
pub fn format_e(x: f64, prec: usize) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    let (digs, dp) = digits(x, Some(prec + 1));
    exp_form(
        x.is_sign_negative(),
        &digs,
        if x == 0.0 { 1 } else { dp },
        Some(prec),
    )
}

/// `%f` with a precision.
pub fn format_f(x: f64, prec: usize) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    format!("{:.*}", prec, x)
}

/// `strconv.FormatFloat(x, 'f', -1, 64)`: shortest digits without exponent.
pub fn format_f_shortest(x: f64) -> String {
    if let Some(s) = special(x) {
        return s;
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0".into()
        } else {
            "0".into()
        };
    }
    let (mut digs, dp) = digits(x, None);
    while digs.len() > 1 && digs.ends_with('0') {
        digs.pop();
    }
    plain_form(x < 0.0, &digs, dp)
}

/// Go's `%v` of a value (`fmt.Sprint` of one operand): `<nil>`, `[a b]`, `map[a:1 b:2]`, `1e+06`.
pub fn fmt_v(v: &Value) -> String {
    let mut s = String::new();
    write_v(&mut s, v);
    s
}

fn write_v(out: &mut String, v: &Value) {
    match v {
        Value::Nil => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => out.push_str(&i.to_string()),
        Value::Float(x) => out.push_str(&format_g(*x, None)),
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            out.push('[');
            let parts: Vec<String> = b.iter().map(|x| x.to_string()).collect();
            out.push_str(&parts.join(" "));
            out.push(']');
        }
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_v(out, x);
            }
            out.push(']');
        }
        Value::Map(m) => m.with(|m| {
            out.push_str("map[");
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_v(out, x);
            }
            out.push(']');
        }),
        Value::Object(o) => match o.as_value() {
            Some(v) => write_v(out, &v),
            None => match o.display() {
                Some(d) => out.push_str(&d),
                None => {
                    out.push('{');
                    out.push_str(o.type_name());
                    out.push('}');
                }
            },
        },
    }
}

/// How a pipeline result is written into the output: like `%v`, but nil is `<no value>`.
pub fn print_action(v: &Value) -> String {
    match v {
        Value::Nil => "<no value>".into(),
        _ => fmt_v(v),
    }
}

/// `fmt.Sprint`: spaces between operands when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::String(_)) && !matches!(args[i - 1], Value::String(_)) {
            out.push(' ');
        }
        out.push_str(&fmt_v(a));
    }
    out
}

/// `fmt.Sprintln`: always spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args.iter().map(fmt_v).collect();
    format!("{}\n", parts.join(" "))
}

/// Go's `%q` of a string (strconv.Quote).
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if !is_go_printable(c) && (c as u32) < 0x10000 => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if !is_go_printable(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint`: no control, format or non-ASCII space characters.
fn is_go_printable(c: char) -> bool {
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_go() {
        assert_eq!(format_g(1000000.0, None), "1e+06");
        assert_eq!(format_g(100000.0, None), "100000");
        assert_eq!(format_g(1.5, None), "1.5");
        assert_eq!(format_g(123456789.0, None), "1.23456789e+08");
        assert_eq!(format_g(-0.00001, None), "-1e-05");
        assert_eq!(format_g(0.0001, None), "0.0001");
        assert_eq!(format_g(0.0, None), "0");
        assert_eq!(format_g(3.0, None), "3");
        assert_eq!(format_f_shortest(1e21), "1000000000000000000000");
        assert_eq!(format_e(1234.5678, 2), "1.23e+03");
    }
}
