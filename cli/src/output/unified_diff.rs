//! A line diff in the unified format (`diff -u`), for `ferroflux diff kustomization`.
//!
//! Objects differ in a few lines, so the common head and tail are cut first and the longest
//! common subsequence is computed on the middle only. A middle too large for that (over
//! [`MAX_CELLS`] line pairs) is shown as all removed, then all added: still a correct diff.

/// Upper bound on the LCS table (line pairs of the differing middle part).
const MAX_CELLS: usize = 4_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    Removed,
    Added,
}

/// The unified diff from `old` to `new` with `context` lines around each change, headed by
/// `--- old_label` / `+++ new_label`. Empty when the texts are equal.
pub fn unified_diff(
    old: &str,
    new: &str,
    old_label: &str,
    new_label: &str,
    context: usize,
) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let ops = line_ops(&old_lines, &new_lines);
    if ops.iter().all(|op| *op == Op::Same) {
        return String::new();
    }
    let mut out = format!("--- {old_label}\n+++ {new_label}\n");
    for hunk in hunks(&ops, context) {
        write_hunk(&mut out, &ops, hunk, &old_lines, &new_lines);
    }
    out
}

/// The edit script: one op per line of the output, in order.
fn line_ops(old: &[&str], new: &[&str]) -> Vec<Op> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (old_mid, new_mid) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    let mut ops = vec![Op::Same; head];
    ops.extend(middle_ops(old_mid, new_mid));
    ops.extend(std::iter::repeat_n(Op::Same, tail));
    ops
}

fn middle_ops(old: &[&str], new: &[&str]) -> Vec<Op> {
    let (n, m) = (old.len(), new.len());
    if n.saturating_mul(m) > MAX_CELLS {
        let mut ops = vec![Op::Removed; n];
        ops.extend(std::iter::repeat_n(Op::Added, m));
        return ops;
    }
    // lcs[i][j]: length of the longest common subsequence of old[i..] and new[j..].
    let width = m + 1;
    let mut lcs = vec![0u32; (n + 1) * width];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * width + j] = if old[i] == new[j] {
                lcs[(i + 1) * width + j + 1] + 1
            } else {
                lcs[(i + 1) * width + j].max(lcs[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j, mut ops) = (0, 0, Vec::with_capacity(n + m));
    while i < n || j < m {
        if i < n && j < m && old[i] == new[j] {
            ops.push(Op::Same);
            (i, j) = (i + 1, j + 1);
        } else if j < m && (i == n || lcs[i * width + j + 1] >= lcs[(i + 1) * width + j]) {
            ops.push(Op::Added);
            j += 1;
        } else {
            ops.push(Op::Removed);
            i += 1;
        }
    }
    // Removed lines read better before the lines that replace them.
    for window_start in 0..ops.len() {
        let mut k = window_start;
        while k > 0 && ops[k] == Op::Removed && ops[k - 1] == Op::Added {
            ops.swap(k, k - 1);
            k -= 1;
        }
    }
    ops
}

/// Ranges of `ops` to print: each change with `context` lines around it, joined when close.
fn hunks(ops: &[Op], context: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for (index, op) in ops.iter().enumerate() {
        if *op == Op::Same {
            continue;
        }
        let start = index.saturating_sub(context);
        let end = (index + 1 + context).min(ops.len());
        match ranges.last_mut() {
            Some(last) if start <= last.end => last.end = end,
            _ => ranges.push(start..end),
        }
    }
    ranges
}

fn write_hunk(
    out: &mut String,
    ops: &[Op],
    hunk: std::ops::Range<usize>,
    old: &[&str],
    new: &[&str],
) {
    // Line numbers (0-based) in old and new where the hunk starts.
    let before = &ops[..hunk.start];
    let old_start = before.iter().filter(|op| **op != Op::Added).count();
    let new_start = before.iter().filter(|op| **op != Op::Removed).count();
    let inside = &ops[hunk.clone()];
    let old_count = inside.iter().filter(|op| **op != Op::Added).count();
    let new_count = inside.iter().filter(|op| **op != Op::Removed).count();
    // As diff -u: an empty side is numbered by the line before it.
    let number = |start: usize, count: usize| if count == 0 { start } else { start + 1 };
    out.push_str(&format!(
        "@@ -{},{old_count} +{},{new_count} @@\n",
        number(old_start, old_count),
        number(new_start, new_count)
    ));
    let (mut i, mut j) = (old_start, new_start);
    for op in inside {
        match op {
            Op::Same => {
                out.push_str(&format!(" {}\n", old[i]));
                (i, j) = (i + 1, j + 1);
            }
            Op::Removed => {
                out.push_str(&format!("-{}\n", old[i]));
                i += 1;
            }
            Op::Added => {
                out.push_str(&format!("+{}\n", new[j]));
                j += 1;
            }
        }
    }
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
    fn distant_changes_make_separate_hunks_and_close_ones_join() {
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

    #[test]
    fn added_and_removed_lines_at_the_ends() {
        assert_eq!(
            unified_diff("a\n", "a\nb\n", "x", "y", 3),
            "--- x\n+++ y\n@@ -1,1 +1,2 @@\n a\n+b\n"
        );
        assert_eq!(
            unified_diff("a\nb\n", "b\n", "x", "y", 0),
            "--- x\n+++ y\n@@ -1,1 +0,0 @@\n-a\n"
        );
        assert_eq!(
            unified_diff("", "new\n", "x", "y", 3),
            "--- x\n+++ y\n@@ -0,0 +1,1 @@\n+new\n"
        );
    }

    #[test]
    fn replaced_blocks_list_removals_first() {
        let diff = unified_diff("k\nx1\nx2\nz\n", "k\ny1\ny2\nz\n", "a", "b", 0);
        assert_eq!(diff, "--- a\n+++ b\n@@ -2,2 +2,2 @@\n-x1\n-x2\n+y1\n+y2\n");
    }

    #[test]
    fn a_huge_middle_is_still_a_correct_diff() {
        let old: String = (0..3000).map(|i| format!("o{i}\n")).collect();
        let new: String = (0..3000).map(|i| format!("n{i}\n")).collect();
        let diff = unified_diff(&old, &new, "a", "b", 3);
        assert_eq!(diff.lines().filter(|l| l.starts_with('-')).count(), 3001);
        assert_eq!(diff.lines().filter(|l| l.starts_with('+')).count(), 3001);
    }
}
