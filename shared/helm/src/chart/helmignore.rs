//! `.helmignore`: gitignore-like rules Helm applies when loading a chart directory.

use crate::pathmatch::{self, Dialect};

/// One rule of a `.helmignore` file.
#[derive(Clone, Debug)]
struct Rule {
    pattern: String,
    negate: bool,
    must_dir: bool,
    /// `/x`: matched against the whole path; `a/b`: structural; `x`: against the base name only.
    anchored: bool,
    has_slash: bool,
}

/// The parsed rules, plus Helm's default (`templates/.?*`: no dot files in templates).
#[derive(Clone, Debug, Default)]
pub struct IgnoreRules {
    rules: Vec<Rule>,
}

/// A `.helmignore` rule that Helm refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IgnoreError {
    /// `**` is not supported by Helm's ignore rules.
    #[error("double-star (**) syntax is not supported")]
    DoubleStar,
    /// A pattern `filepath.Match` rejects.
    #[error("syntax error in pattern")]
    BadPattern,
}

impl IgnoreRules {
    /// Parses `.helmignore` content and appends Helm's default rule.
    pub fn parse(content: &str) -> Result<IgnoreRules, IgnoreError> {
        let mut rules = IgnoreRules::default();
        for line in content.lines() {
            rules.add(line)?;
        }
        rules.add("templates/.?*")?;
        Ok(rules)
    }

    fn add(&mut self, line: &str) -> Result<(), IgnoreError> {
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(IgnoreError::DoubleStar);
        }
        if !pathmatch::is_valid(rule) {
            return Err(IgnoreError::BadPattern);
        }
        let (negate, rule) = match rule.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let (must_dir, rule) = match rule.strip_suffix('/') {
            Some(r) => (true, r),
            None => (false, rule),
        };
        let anchored = rule.starts_with('/');
        let pattern = rule.trim_start_matches('/').to_string();
        self.rules.push(Rule {
            has_slash: pattern.contains('/'),
            pattern,
            negate,
            must_dir,
            anchored,
        });
        Ok(())
    }

    /// Whether the chart-relative, `/`-separated `path` is ignored.
    pub fn ignored(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for rule in &self.rules {
            let matched = || {
                if rule.anchored || rule.has_slash {
                    pathmatch::matches(&rule.pattern, path, Dialect::FilepathMatch)
                } else {
                    let base = path.rsplit('/').next().unwrap_or(path);
                    pathmatch::matches(&rule.pattern, base, Dialect::FilepathMatch)
                }
            };
            if rule.negate {
                if rule.must_dir && !is_dir {
                    return true;
                }
                if !matched() {
                    return true;
                }
                continue;
            }
            if rule.must_dir && !is_dir {
                continue;
            }
            if matched() {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_like_helm() {
        let r = IgnoreRules::parse("# comment\n*.tmp\n/secret.txt\nci/\ndocs/*.md\n").unwrap();
        assert!(r.ignored("a/b.tmp", false));
        assert!(r.ignored("secret.txt", false));
        assert!(!r.ignored("x/secret.txt", false));
        assert!(r.ignored("ci", true));
        assert!(!r.ignored("ci", false));
        assert!(r.ignored("docs/a.md", false));
        assert!(r.ignored("templates/.hidden", false));
        assert!(!r.ignored("templates/a.yaml", false));
    }

    #[test]
    fn double_star_is_refused() {
        assert_eq!(
            IgnoreRules::parse("a/**").unwrap_err(),
            IgnoreError::DoubleStar
        );
    }
}
