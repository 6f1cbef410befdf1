//! Aligned plain-text tables like `kubectl get` prints: columns padded to the widest cell,
//! the last column left ragged so long messages do not pad every row.

use std::fmt::Write as _;

/// A table built row by row and printed at once.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push<S: Into<String>>(&mut self, row: impl IntoIterator<Item = S>) {
        self.rows.push(row.into_iter().map(Into::into).collect());
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The header and rows, each line ending in `\n`.
    pub fn render(&self) -> String {
        let widths = self.widths();
        let mut out = String::new();
        for row in std::iter::once(&self.headers).chain(&self.rows) {
            out.push_str(&render_row(row, &widths));
        }
        out
    }

    /// Column widths, for printing further rows aligned with this table (`get --watch`).
    pub fn widths(&self) -> Vec<usize> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate() {
                if i < widths.len() {
                    widths[i] = widths[i].max(cell.chars().count());
                }
            }
        }
        widths
    }
}

/// One row padded to `widths`, ending in `\n`.
pub fn render_row(row: &[String], widths: &[usize]) -> String {
    let mut line = String::new();
    for (i, cell) in row.iter().enumerate() {
        let cell = cell.replace('\n', " ");
        if i + 1 == row.len() {
            line.push_str(&cell);
        } else {
            let width = widths.get(i).copied().unwrap_or(0);
            let _ = write!(line, "{cell:<width$}   ");
        }
    }
    line.truncate(line.trim_end().len());
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_aligned_and_last_is_ragged() {
        let mut t = Table::new(["NAME", "READY", "MESSAGE"]);
        t.push(["a", "True", "Applied revision: main@sha1:abc"]);
        t.push(["longer-name", "False", "x"]);
        let out = t.render();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "NAME          READY   MESSAGE");
        assert_eq!(
            lines[1],
            "a             True    Applied revision: main@sha1:abc"
        );
        assert_eq!(lines[2], "longer-name   False   x");
    }

    #[test]
    fn newlines_in_cells_do_not_break_rows() {
        let mut t = Table::new(["NAME", "MESSAGE"]);
        t.push(["a", "line one\nline two"]);
        assert_eq!(t.render().lines().count(), 2);
    }
}
