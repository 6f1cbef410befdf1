//! Go's `fmt.Sprintf` for the verbs templates use (`%s %d %v %q %x %f %e %g %t %T %c`, flags,
//! width and precision), with Go's `%!verb(type=value)` error forms.

use super::format::{fmt_v, format_e, format_f, format_g, go_quote};
use super::value::Value;

struct Spec {
    minus: bool,
    plus: bool,
    sharp: bool,
    zero: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(s: String, spec: &Spec) -> String {
    let Some(w) = spec.width else { return s };
    let n = s.chars().count();
    if n >= w {
        return s;
    }
    let fill = w - n;
    if spec.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if spec.zero {
        let (sign, rest) = if s.starts_with('-') || s.starts_with('+') {
            s.split_at(1)
        } else {
            ("", s.as_str())
        };
        format!("{sign}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

fn bad(verb: char, v: &Value) -> String {
    format!("%!{verb}({}={})", v.type_name(), fmt_v(v))
}

fn sign(s: String, spec: &Spec, nonneg: bool) -> String {
    if nonneg && spec.plus {
        format!("+{s}")
    } else if nonneg && spec.space {
        format!(" {s}")
    } else {
        s
    }
}

fn format_one(verb: char, spec: &Spec, v: &Value) -> String {
    let v = v.resolved();
    // Both integer types format alike; only `%T` tells them apart.
    let v = match v {
        Value::Int64(i) if verb != 'T' => Value::Int(i),
        other => other,
    };
    let s = match (verb, &v) {
        ('v', Value::Float(x)) => sign(format_g(*x, spec.prec), spec, *x >= 0.0),
        ('v', Value::Int(i)) => sign(i.to_string(), spec, *i >= 0),
        ('v', _) => fmt_v(&v),
        ('T', _) => v.type_name(),
        ('s', Value::String(s)) => match spec.prec {
            Some(p) => s.chars().take(p).collect(),
            None => s.clone(),
        },
        ('s', Value::Bytes(b)) => crate::utf8::lossy(b).into_owned(),
        ('s', Value::Map(_)) => fmt_v(&v),
        ('q', Value::String(s)) => go_quote(s),
        ('q', Value::Int(i)) => format!("'{}'", char::from_u32(*i as u32).unwrap_or('\u{fffd}')),
        ('t', Value::Bool(b)) => b.to_string(),
        ('d', Value::Int(i)) => sign(i.to_string(), spec, *i >= 0),
        ('c', Value::Int(i)) => char::from_u32(*i as u32).unwrap_or('\u{fffd}').to_string(),
        ('b', Value::Int(i)) => format!("{:b}", i),
        ('o', Value::Int(i)) => format!("{:o}", i),
        ('x', Value::Int(i)) => {
            let h = if *i < 0 {
                format!("-{:x}", i.unsigned_abs())
            } else {
                format!("{:x}", i)
            };
            if spec.sharp { format!("0x{h}") } else { h }
        }
        ('X', Value::Int(i)) => {
            if *i < 0 {
                format!("-{:X}", i.unsigned_abs())
            } else {
                format!("{:X}", i)
            }
        }
        ('x', Value::String(s)) => s.bytes().map(|b| format!("{b:02x}")).collect(),
        ('X', Value::String(s)) => s.bytes().map(|b| format!("{b:02X}")).collect(),
        ('x', Value::Bytes(s)) => s.iter().map(|b| format!("{b:02x}")).collect(),
        ('f' | 'F', Value::Float(x)) => sign(format_f(*x, spec.prec.unwrap_or(6)), spec, *x >= 0.0),
        ('e', Value::Float(x)) => sign(format_e(*x, spec.prec.unwrap_or(6)), spec, *x >= 0.0),
        ('E', Value::Float(x)) => sign(
            format_e(*x, spec.prec.unwrap_or(6)).to_uppercase(),
            spec,
            *x >= 0.0,
        ),
        ('g', Value::Float(x)) => sign(format_g(*x, spec.prec), spec, *x >= 0.0),
        ('G', Value::Float(x)) => sign(format_g(*x, spec.prec).to_uppercase(), spec, *x >= 0.0),
        ('s' | 'd' | 'q' | 'x' | 'X' | 'f' | 'F' | 'e' | 'g' | 't', Value::List(l)) => {
            let parts: Vec<String> = l.iter().map(|x| format_one(verb, spec, x)).collect();
            return pad(format!("[{}]", parts.join(" ")), spec);
        }
        (_, Value::Nil) => format!("%!{verb}(<nil>)"),
        _ => bad(verb, &v),
    };
    pad(s, spec)
}

/// Go's `fmt.Sprintf` for the verbs templates use.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut chars = format.chars().peekable();
    let mut argi = 0;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec {
            minus: false,
            plus: false,
            sharp: false,
            zero: false,
            space: false,
            width: None,
            prec: None,
        };
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                '#' => spec.sharp = true,
                '0' => spec.zero = true,
                ' ' => spec.space = true,
                _ => break,
            }
            chars.next();
        }
        let mut num = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            num.push(d);
            chars.next();
        }
        if !num.is_empty() {
            spec.width = num.parse().ok();
        }
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            spec.prec = Some(p.parse().unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        match args.get(argi) {
            None => out.push_str(&format!("%!{verb}(MISSING)")),
            Some(a) => out.push_str(&format_one(verb, &spec, a)),
        }
        argi += 1;
    }
    if argi < args.len() {
        let extra: Vec<String> = args[argi..]
            .iter()
            .map(|a| format!("{}={}", a.type_name(), fmt_v(a)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printf_verbs() {
        let args = [Value::from("a"), Value::Int(3), Value::Float(2.5)];
        assert_eq!(sprintf("%s-%d-%v", &args), "a-3-2.5");
        assert_eq!(
            sprintf(
                "%5.2f|%-4d|%q",
                &[Value::Float(4.56789), Value::Int(7), Value::from("x")]
            ),
            " 4.57|7   |\"x\""
        );
        assert_eq!(sprintf("%d", &[Value::from("x")]), "%!d(string=x)");
        assert_eq!(sprintf("%s %s", &[Value::from("x")]), "x %!s(MISSING)");
    }
}
