//! A compiled regular expression for the template functions: regex-automata's meta engine with
//! the same syntax and match semantics as the `regex` crate's `Regex`, but with neither a full
//! nor a lazy DFA. A template calls a pattern on a few short strings; the full DFA (which `Regex`
//! builds for every small pattern) cost more than all of those searches together, and the lazy
//! one needs a reverse NFA, whose compilation of a negated class (`[^a-z]`, Unicode) touches
//! ~0.5 MB of fresh memory. The NFA simulations left search a long text a few times slower.

use regex_automata::meta::{self, BuildError};
use regex_automata::util::syntax;

/// A compiled pattern. Share it rather than clone it: a clone starts with no search caches.
#[derive(Clone, Debug)]
pub struct Pattern(meta::Regex);

impl Pattern {
    /// Compiles `pattern` (Rust regex syntax; octal escapes allowed).
    pub fn new(pattern: &str) -> Result<Pattern, String> {
        meta::Builder::new()
            .configure(meta::Config::new().dfa(false).hybrid(false))
            .syntax(syntax::Config::new().octal(true))
            .build(pattern)
            .map(Pattern)
            .map_err(|e| describe(&e))
    }

    /// Whether it matches anywhere in `s`.
    pub fn is_match(&self, s: &str) -> bool {
        self.0.is_match(s)
    }

    /// The leftmost match.
    pub fn find<'h>(&self, s: &'h str) -> Option<&'h str> {
        self.0.find(s).map(|m| &s[m.range()])
    }

    /// Every non-overlapping match, left to right.
    pub fn find_iter<'h>(&'h self, s: &'h str) -> impl Iterator<Item = &'h str> + 'h {
        self.0.find_iter(s).map(move |m| &s[m.range()])
    }

    /// `s` with every match replaced by `replacement`; with `expand`, `$1`, `${name}` and `$$` in it
    /// are expanded as the `regex` crate's `replace_all` does.
    pub fn replace_all(&self, s: &str, replacement: &str, expand: bool) -> String {
        let mut out = String::with_capacity(s.len());
        let mut last = 0;
        if expand && replacement.contains('$') {
            for caps in self.0.captures_iter(s) {
                let Some(m) = caps.get_match() else { continue };
                out.push_str(&s[last..m.start()]);
                caps.interpolate_string_into(s, replacement, &mut out);
                last = m.end();
            }
        } else {
            for m in self.0.find_iter(s) {
                out.push_str(&s[last..m.start()]);
                out.push_str(replacement);
                last = m.end();
            }
        }
        out.push_str(&s[last..]);
        out
    }

    /// The pieces between matches; at most `limit` pieces when given.
    pub fn split<'h>(&self, s: &'h str, limit: Option<usize>) -> Vec<&'h str> {
        match limit {
            None => self.0.split(s).map(|span| &s[span.range()]).collect(),
            Some(n) => self.0.splitn(s, n).map(|span| &s[span.range()]).collect(),
        }
    }
}

/// The error text as the `regex` crate shows it (the syntax error's own multi-line report).
fn describe(e: &BuildError) -> String {
    match e.syntax_error() {
        Some(syntax) => syntax.to_string(),
        None => e.to_string(),
    }
}
