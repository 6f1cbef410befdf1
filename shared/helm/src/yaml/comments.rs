//! Emptying full-line comments before YAML decoding. Chart values files are mostly comments
//! (bitnami's `values.yaml`: 1,300 comment lines of 2,000), and the YAML scanner reads comment
//! text one character at a time; a comment emptied to its `#` decodes to the same document.
//!
//! Only lines that are certainly comments are emptied: lines whose first non-blank character is
//! `#`, outside block scalars (every line after a `|`/`>` header that is blank or indented deeper
//! than the header line is left alone), and only in files where no line leaves a quoted scalar
//! open (a `#` line inside a multi-line quoted scalar is text). Any doubt leaves the file as is.

/// The source with full-line comments emptied, or `None` when there is nothing to gain or the
/// file is not plain enough to be sure. One pass over the bytes: it must cost far less than the
/// scanner's reading of the comments it saves.
pub(crate) fn empty_comment_lines(source: &str) -> Option<String> {
    let b = source.as_bytes();
    let mut out = String::with_capacity(source.len() / 2);
    // The end of the text copied to `out` so far; and of the line being looked at.
    let mut copied = 0;
    let mut emptied = 0usize;
    // The indentation of the last block scalar header, while its content may continue.
    let mut block_indent: Option<usize> = None;
    let mut start = 0;
    while start < b.len() {
        let end = memchr::memchr(b'\n', &b[start..]).map_or(b.len(), |n| start + n);
        let line = &b[start..end];
        let next = (end + 1).min(b.len());
        let indent = line
            .iter()
            .position(|&c| c != b' ' && c != b'\t')
            .unwrap_or(line.len());
        let content = &line[indent..];
        if let Some(header) = block_indent {
            if indent > header || content.iter().all(|&c| c == b'\r') {
                start = next;
                continue;
            }
            block_indent = None;
        }
        if content.first() == Some(&b'#') {
            let text = content.strip_suffix(b"\r").unwrap_or(content);
            // The scanner refuses non-printable characters even in comments, and reads
            // non-ASCII ones one by one: such a comment stays (no branch per byte here).
            let unusual = text.iter().fold(false, |bad, &c| {
                bad | ((c < 0x20) & (c != b'\t')) | (c >= 0x7f)
            });
            if text.len() > 1 && !unusual {
                // Keep everything up to the `#`, drop its text, keep the line end.
                let hash = start + indent + 1;
                out.push_str(&source[copied..hash]);
                copied = hash + text.len() - 1;
                emptied += 1;
            }
            start = next;
            continue;
        }
        match scan_code(content) {
            Code::OpenQuote => return None,
            Code::BlockHeader => block_indent = Some(indent),
            Code::Plain => {}
        }
        start = next;
    }
    if emptied == 0 {
        return None;
    }
    out.push_str(&source[copied..]);
    Some(out)
}

/// What the code part of a line (up to a comment) shows.
enum Code {
    /// Nothing that matters here.
    Plain,
    /// A quote is left open (counting conservatively: an apostrophe in plain text counts too).
    OpenQuote,
    /// It may end with a block scalar header (`|`, `>`, with indicators).
    BlockHeader,
}

fn scan_code(content: &[u8]) -> Code {
    let (mut double, mut single, mut escaped) = (0usize, 0usize, false);
    let mut code_end = content.len();
    let mut prev = b' ';
    for (i, &c) in content.iter().enumerate() {
        match c {
            b'#' if prev == b' ' || prev == b'\t' => {
                code_end = i;
                break;
            }
            b'\\' => escaped = !escaped,
            b'"' if !escaped => double += 1,
            b'\'' => single += 1,
            _ => {}
        }
        if c != b'\\' {
            escaped = false;
        }
        prev = c;
    }
    if double % 2 == 1 || single % 2 == 1 {
        return Code::OpenQuote;
    }
    let code = &content[..code_end];
    let trimmed = code.trim_ascii_end();
    let before_indicators = trimmed
        .iter()
        .rposition(|&c| !(c.is_ascii_digit() || c == b'-' || c == b'+'))
        .map(|i| trimmed[i]);
    match before_indicators {
        Some(b'|' | b'>') => Code::BlockHeader,
        _ => Code::Plain,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empties_comment_lines_only_where_certain() {
        let src = "## a comment\nkey: value # trailing\n  # indented\nblock: |\n  # text\n\n  more\n# after\n# \u{85}kept\n";
        assert_eq!(
            empty_comment_lines(src).as_deref(),
            Some("#\nkey: value # trailing\n  #\nblock: |\n  # text\n\n  more\n#\n# \u{85}kept\n")
        );
        assert_eq!(empty_comment_lines("a: 1\n"), None);
        assert_eq!(empty_comment_lines("a: \"open\n# inside\n b\"\n"), None);
        assert_eq!(empty_comment_lines("a: it's\n# c\n"), None);
        assert_eq!(
            empty_comment_lines("- >-\n # text\n# c\r\n").as_deref(),
            Some("- >-\n # text\n#\r\n")
        );
    }

    #[test]
    fn decodes_the_same_with_and_without_comment_text() {
        let src =
            "# top\na: 1\nb:\n  # inner\n  c: [1, 2] # x\n  d: |\n    # kept\n    line\n# end\n";
        let emptied = empty_comment_lines(src).expect("has comment lines");
        assert_eq!(crate::yaml::from_str(src), crate::yaml::from_str(&emptied));
    }

    /// Every values file and Chart.yaml of the fixture charts decodes the same either way.
    #[test]
    fn fixture_values_decode_the_same() {
        let fixtures = crate::fixtures();
        let mut checked = 0;
        let mut dirs = vec![fixtures];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                if path.is_dir() {
                    dirs.push(path);
                } else if name.ends_with(".yaml") {
                    let src = std::fs::read_to_string(&path).expect("read");
                    let Some(emptied) = empty_comment_lines(&src) else {
                        continue;
                    };
                    assert_eq!(
                        crate::yaml::from_str(&src),
                        crate::yaml::from_str(&emptied),
                        "{}",
                        path.display()
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 10,
            "only {checked} fixture files had comment lines"
        );
    }
}
