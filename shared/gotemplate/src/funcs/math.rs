//! sprig's math functions: integer math on `int64` (lenient conversion), float math through
//! decimals like sprig's `shopspring/decimal` so `addf 1.1 2.2` is `3.3`.

use super::super::format::format_f_shortest;
use super::super::value::Value;
use super::FuncResult;
use super::args::{arity, arity_min, fail, to_float64, to_int64};

/// Calls a math function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    let ints = || a.iter().map(to_int64).collect::<Vec<_>>();
    Some(match name {
        "add" => Ok(Value::Int64(
            ints().iter().fold(0i64, |x, y| x.wrapping_add(*y)),
        )),
        "add1" => arity(a, 1).map(|_| Value::Int64(to_int64(&a[0]).wrapping_add(1))),
        "sub" => arity(a, 2).map(|_| Value::Int64(to_int64(&a[0]).wrapping_sub(to_int64(&a[1])))),
        "mul" => arity_min(a, 1)
            .map(|_| Value::Int64(ints().iter().fold(1i64, |x, y| x.wrapping_mul(*y)))),
        "div" | "mod" => arity(a, 2).and_then(|_| {
            let (x, y) = (to_int64(&a[0]), to_int64(&a[1]));
            if y == 0 {
                return fail("runtime error: integer divide by zero");
            }
            Ok(Value::Int64(if name == "div" {
                x.wrapping_div(y)
            } else {
                x.wrapping_rem(y)
            }))
        }),
        "max" | "biggest" => {
            arity_min(a, 1).map(|_| Value::Int64(ints().into_iter().max().unwrap_or(0)))
        }
        "min" => arity_min(a, 1).map(|_| Value::Int64(ints().into_iter().min().unwrap_or(0))),
        "floor" => arity(a, 1).map(|_| Value::Float(to_float64(&a[0]).floor())),
        "ceil" => arity(a, 1).map(|_| Value::Float(to_float64(&a[0]).ceil())),
        "round" => arity_min(a, 2).map(|_| {
            let r = a.get(2).map(to_float64).unwrap_or(0.5);
            Value::Float(round(to_float64(&a[0]), to_int64(&a[1]), r))
        }),
        "add1f" => arity(a, 1)
            .map(|_| Value::Float(fold_dec(&[a[0].clone(), Value::Int(1)], |x, y| x + y))),
        "addf" => Ok(Value::Float(fold_dec(a, |x, y| x + y))),
        "subf" => arity_min(a, 1).map(|_| Value::Float(fold_dec(a, |x, y| x - y))),
        "mulf" => arity_min(a, 1).map(|_| Value::Float(fold_dec(a, |x, y| x * y))),
        "divf" => arity_min(a, 1).and_then(|_| {
            let mut acc = to_float64(&a[0]);
            for v in &a[1..] {
                let d = to_float64(v);
                if d == 0.0 {
                    return fail("decimal division by 0");
                }
                acc = dec_div(acc, d).unwrap_or(acc / d);
            }
            Ok(Value::Float(acc))
        }),
        "maxf" => arity_min(a, 1)
            .map(|_| Value::Float(a.iter().map(to_float64).fold(f64::NEG_INFINITY, f64::max))),
        "minf" => arity_min(a, 1)
            .map(|_| Value::Float(a.iter().map(to_float64).fold(f64::INFINITY, f64::min))),
        "randInt" => arity(a, 2).map(|_| {
            let (lo, hi) = (to_int64(&a[0]), to_int64(&a[1]));
            Value::Int(if hi > lo { fastrand::i64(lo..hi) } else { lo })
        }),
        _ => return None,
    })
}

/// A decimal: `mantissa × 10^-scale`.
#[derive(Clone, Copy)]
struct Dec {
    m: i128,
    scale: u32,
}

fn to_dec(x: f64) -> Option<Dec> {
    let s = format_f_shortest(x);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    if frac.len() > 30 || int.len() > 30 {
        return None;
    }
    let m: i128 = format!("{int}{frac}").parse().ok()?;
    Some(Dec {
        m,
        scale: frac.len() as u32,
    })
}

fn align(a: Dec, b: Dec) -> Option<(i128, i128, u32)> {
    let s = a.scale.max(b.scale);
    let am = a.m.checked_mul(10i128.checked_pow(s - a.scale)?)?;
    let bm = b.m.checked_mul(10i128.checked_pow(s - b.scale)?)?;
    Some((am, bm, s))
}

fn dec_to_f64(m: i128, scale: u32) -> f64 {
    let neg = m < 0;
    let digits = m.unsigned_abs().to_string();
    let s = if scale == 0 {
        digits
    } else if digits.len() as u32 > scale {
        let (i, f) = digits.split_at(digits.len() - scale as usize);
        format!("{i}.{f}")
    } else {
        format!(
            "0.{}{}",
            "0".repeat((scale as usize) - digits.len()),
            digits
        )
    };
    let v: f64 = s.parse().unwrap_or(0.0);
    if neg { -v } else { v }
}

/// Applies `op` exactly in decimal when it fits, else in floats.
fn fold_dec(a: &[Value], op: fn(i128, i128) -> i128) -> f64 {
    let mut acc = match a.first() {
        Some(v) => to_float64(v),
        None => return 0.0,
    };
    for v in &a[1..] {
        let y = to_float64(v);
        let exact = (|| {
            let (x, y) = (to_dec(acc)?, to_dec(y)?);
            let is_mul = op(2, 3) == 6;
            if is_mul {
                return Some(dec_to_f64(x.m.checked_mul(y.m)?, x.scale + y.scale));
            }
            let (xm, ym, s) = align(x, y)?;
            Some(dec_to_f64(op(xm, ym), s))
        })();
        acc = exact.unwrap_or_else(|| {
            let f = |x: f64, y: f64| {
                if op(2, 3) == 6 {
                    x * y
                } else if op(2, 3) == 5 {
                    x + y
                } else {
                    x - y
                }
            };
            f(acc, y)
        });
    }
    acc
}

/// Division result rounded to 16 decimal places like shopspring's default precision.
/// shopspring's `Div`: the exact quotient rounded half away from zero to 16 decimal places.
fn dec_div(x: f64, y: f64) -> Option<f64> {
    const PRECISION: u32 = 16;
    let (a, b) = (to_dec(x)?, to_dec(y)?);
    let num = a.m.checked_mul(10i128.checked_pow(b.scale + PRECISION)?)?;
    let den = b.m.checked_mul(10i128.checked_pow(a.scale)?)?;
    if den == 0 {
        return None;
    }
    let (mut q, r) = (num / den, num % den);
    if r != 0 && r.unsigned_abs() * 2 >= den.unsigned_abs() {
        q += if (num < 0) == (den < 0) { 1 } else { -1 };
    }
    Some(dec_to_f64(q, PRECISION))
}

/// sprig's `round(x, places, roundOn)`.
fn round(x: f64, places: i64, round_on: f64) -> f64 {
    let pow = 10f64.powi(places as i32);
    let digit = pow * x;
    let (int, frac) = (digit.trunc(), digit.fract());
    let r = if x >= 0.0 {
        if frac >= round_on { int + 1.0 } else { int }
    } else if -frac >= round_on {
        int - 1.0
    } else {
        int
    };
    r / pow
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_math_is_decimal() {
        let r = call("addf", &[Value::Float(1.1), Value::Float(2.2)])
            .unwrap()
            .unwrap();
        assert_eq!(r, Value::Float(3.3));
        let r = call("mulf", &[Value::Float(1.1), Value::Int(3)])
            .unwrap()
            .unwrap();
        assert_eq!(r, Value::Float(3.3));
        assert_eq!(round(1.23456, 2, 0.5), 1.23);
    }
}
