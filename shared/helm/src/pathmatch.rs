//! Shell-style path patterns: Go's `filepath.Match` (used by .helmignore and `--show-only`) and
//! the `gobwas/glob` dialect behind `.Files.Glob` (`**` and `{a,b}` as well).

/// Which pattern dialect to match with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Dialect {
    /// Go's `filepath.Match`: `*`, `?`, `[...]`, `\` escapes; `*` never crosses `/`.
    FilepathMatch,
    /// `gobwas/glob` with `/` as separator: adds `**` (crosses `/`) and `{a,b}` alternatives.
    Glob,
}

/// Whether `pattern` is syntactically valid for Go's `filepath.Match` (unbalanced `[` or a
/// trailing `\` are errors there).
pub fn is_valid(pattern: &str) -> bool {
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if i + 1 >= chars.len() {
                    return false;
                }
                i += 2;
            }
            '[' => match class_end(&chars, i) {
                Some(end) => i = end + 1,
                None => return false,
            },
            _ => i += 1,
        }
    }
    true
}

/// Matches `name` against `pattern` in the given dialect.
pub fn matches(pattern: &str, name: &str, dialect: Dialect) -> bool {
    if dialect == Dialect::Glob
        && let Some(expanded) = expand_braces(pattern)
    {
        return expanded.iter().any(|p| matches(p, name, dialect));
    }
    // The common .helmignore rules (`OWNERS`, `*.swp`) need no pattern machinery: loading a chart
    // matches every file against every rule.
    let special = |s: &str| {
        s.contains(['*', '?', '[', '\\']) || (dialect == Dialect::Glob && s.contains('{'))
    };
    if !special(pattern) {
        return pattern == name;
    }
    if let Some(suffix) = pattern.strip_prefix('*')
        && !special(suffix)
        && !suffix.contains('/')
    {
        return name
            .strip_suffix(suffix)
            .is_some_and(|head| !head.contains('/'));
    }
    // The pattern's literal start must begin the name: most names fail here, before the
    // matcher and its two allocations (`templates/.?*`, Helm's default rule, against every path).
    let literal = &pattern[..pattern
        .find(['*', '?', '[', '\\', '{'])
        .unwrap_or(pattern.len())];
    if !name.starts_with(literal) {
        return false;
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_from(&p, &n, dialect)
}

fn match_from(p: &[char], n: &[char], dialect: Dialect) -> bool {
    if p.is_empty() {
        return n.is_empty();
    }
    match p[0] {
        '*' => {
            let (crosses, rest) = if dialect == Dialect::Glob && p.get(1) == Some(&'*') {
                (true, &p[2..])
            } else {
                (false, &p[1..])
            };
            for skip in 0..=n.len() {
                if match_from(rest, &n[skip..], dialect) {
                    return true;
                }
                if skip < n.len() && n[skip] == '/' && !crosses {
                    return false;
                }
            }
            false
        }
        '?' => !n.is_empty() && n[0] != '/' && match_from(&p[1..], &n[1..], dialect),
        '[' => {
            let Some(end) = class_end(p, 0) else {
                return false;
            };
            if n.is_empty() || n[0] == '/' {
                return false;
            }
            class_matches(&p[1..end], n[0], dialect) && match_from(&p[end + 1..], &n[1..], dialect)
        }
        '\\' if dialect == Dialect::FilepathMatch || p.len() > 1 => {
            p.len() > 1 && !n.is_empty() && n[0] == p[1] && match_from(&p[2..], &n[1..], dialect)
        }
        c => !n.is_empty() && n[0] == c && match_from(&p[1..], &n[1..], dialect),
    }
}

/// Index of the `]` closing the class opened at `start`.
fn class_end(p: &[char], start: usize) -> Option<usize> {
    let mut i = start + 1;
    if i < p.len() && (p[i] == '^' || p[i] == '!') {
        i += 1;
    }
    let first = i;
    while i < p.len() {
        match p[i] {
            '\\' => i += 2,
            ']' if i > first => return Some(i),
            _ => i += 1,
        }
    }
    None
}

fn class_matches(class: &[char], c: char, dialect: Dialect) -> bool {
    let (negated, body) = match class.first() {
        Some('^') => (true, &class[1..]),
        Some('!') if dialect == Dialect::Glob => (true, &class[1..]),
        _ => (false, class),
    };
    let mut i = 0;
    let mut found = false;
    while i < body.len() {
        let mut lo = body[i];
        if lo == '\\' && i + 1 < body.len() {
            i += 1;
            lo = body[i];
        }
        let mut hi = lo;
        if i + 2 < body.len() && body[i + 1] == '-' {
            hi = body[i + 2];
            i += 2;
        }
        if lo <= c && c <= hi {
            found = true;
        }
        i += 1;
    }
    found != negated
}

/// Expands the first `{a,b}` group into alternatives (nested groups expand recursively).
fn expand_braces(pattern: &str) -> Option<Vec<String>> {
    let open = pattern.find('{')?;
    let mut depth = 0;
    let mut close = None;
    for (i, c) in pattern[open..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    close = Some(open + i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let inner = &pattern[open + 1..close];
    let mut parts = Vec::new();
    let (mut depth, mut last) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[last..i]);
                last = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[last..]);
    Some(
        parts
            .into_iter()
            .map(|alt| format!("{}{}{}", &pattern[..open], alt, &pattern[close + 1..]))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filepath_match_rules() {
        let m = |p, n| matches(p, n, Dialect::FilepathMatch);
        assert!(m("*.yaml", "a.yaml"));
        assert!(!m("*.yaml", "dir/a.yaml"));
        assert!(m("templates/*.yaml", "templates/a.yaml"));
        assert!(m("a?c", "abc"));
        assert!(m("templates/.?*", "templates/.hidden"));
        assert!(!m("templates/.?*", "templates/."));
        assert!(!m("templates/.?*", "charts/templates/.hidden"));
        assert!(m("a\\*b", "a*b"));
        assert!(!m("a\\*b", "axb"));
        assert!(m("[a-c]x", "bx"));
        assert!(!m("[^a-c]x", "bx"));
        assert!(m(".?*", ".git"));
        assert!(!m(".?*", "."));
        // The literal and `*suffix` shortcuts.
        assert!(m("OWNERS", "OWNERS") && !m("OWNERS", "OWNERS2"));
        assert!(m("*~", "a~") && !m("*~", "d/a~") && m("*", "abc") && !m("*", "a/b"));
        assert!(m("*.swp", ".swp") && !m("*.swp", "a.swpx"));
    }

    #[test]
    fn glob_dialect() {
        let m = |p, n| matches(p, n, Dialect::Glob);
        assert!(m("files/**", "files/a/b.txt"));
        assert!(m("files/*.{yaml,json}", "files/x.json"));
        assert!(!m("files/*", "files/a/b.txt"));
    }

    #[test]
    fn validity() {
        assert!(is_valid("a[b]c"));
        assert!(!is_valid("a[bc"));
    }
}
