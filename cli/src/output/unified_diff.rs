//! A line diff in the unified format (`diff -u`), for `ferroflux diff kustomization`, computed by
//! the `similar` crate (Myers' algorithm with a deadline, so huge objects stay fast).

use similar::TextDiff;

/// The unified diff from `old` to `new` with `context` lines around each change, headed by
/// `--- old_label` / `+++ new_label`. Empty when the texts are equal.
pub fn unified_diff(
    old: &str,
    new: &str,
    old_label: &str,
    new_label: &str,
    context: usize,
) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(context)
        .header(old_label, new_label)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_have_no_diff() {
        assert_eq!(unified_diff("a\nb\n", "a\nb\n", "old", "new", 3), "");
    }

    #[test]
    fn a_changed_line_shows_with_its_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\n";
        let new = "a\nb\nc\nd\nE\nf\ng\nh\n";
        assert_eq!(
            unified_diff(old, new, "live", "merged", 2),
            "--- live\n+++ merged\n@@ -3,5 +3,5 @@\n c\n d\n-e\n+E\n f\n g\n"
        );
    }

    #[test]
    fn distant_changes_make_separate_hunks() {
        let old: String = (1..=20).map(|i| format!("{i}\n")).collect();
        let new: String = (1..=20)
            .map(|i| match i {
                2 => "two\n".to_string(),
                18 => "eighteen\n".to_string(),
                i => format!("{i}\n"),
            })
            .collect();
        let diff = unified_diff(&old, &new, "a", "b", 1);
        assert_eq!(
            diff,
            "--- a\n+++ b\n@@ -1,3 +1,3 @@\n 1\n-2\n+two\n 3\n@@ -17,3 +17,3 @@\n 17\n-18\n+eighteen\n 19\n"
        );
        let joined = unified_diff(&old, &new, "a", "b", 10);
        assert_eq!(joined.matches("@@ -").count(), 1, "{joined}");
    }
}
