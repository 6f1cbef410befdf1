//! A fast path for the YAML that values files are made of: block mappings and sequences whose
//! scalars fit on their line, literal block scalars (`|`), empty flow collections, comments.
//!
//! The YAML scanner costs ~100 instructions per byte of a values file, and decoding values is
//! the largest part of loading a chart. This decoder reads such documents line by line, and
//! gives up (`None`) on anything else: flow collections with content, anchors, aliases, tags,
//! merge keys, scalars continued on the next line, folded block scalars, tabs, carriage
//! returns, control characters, several documents, and whatever looks wrong. The full decoder
//! then reads the text, so errors and rare forms are its business. What this one returns is
//! what the full decoder returns for the same text (checked on every YAML file of the fixture
//! charts, and on cases made to differ).

use serde_json::{Map, Value};

use crate::yaml::{key_string, resolve_plain};

/// The document's value, or `None` when the text is not in the form this decoder reads.
pub(crate) fn decode(source: &str) -> Option<Value> {
    if !plain_text(source) {
        return None;
    }
    let mut reader = Reader {
        source,
        next: 0,
        peeked: None,
    };
    let Some(first) = reader.peek() else {
        return Some(Value::Null);
    };
    let value = reader.block(first.indent)?;
    // Anything left over (less indented than the top node, or a document marker) is the full
    // decoder's business.
    reader.peek().is_none().then_some(value)
}

/// No byte the scanner would refuse or treat specially: control characters (tabs and carriage
/// returns included), DEL, C1 controls, non-characters, a byte order mark.
fn plain_text(source: &str) -> bool {
    let bytes = source.as_bytes();
    if bytes.iter().any(|&b| (b < 0x20 && b != b'\n') || b == 0x7f) {
        return false;
    }
    // In UTF-8, C1 controls are 0xC2 0x80-0x9F; U+FEFF, U+FFFE and U+FFFF are 0xEF 0xBB 0xBF,
    // 0xEF 0xBF 0xBE and 0xEF 0xBF 0xBF (the text is valid UTF-8: continuation bytes follow).
    memchr::memchr2_iter(0xc2, 0xef, bytes).all(|i| match bytes[i] {
        0xc2 => !(0x80..=0x9f).contains(&bytes[i + 1]),
        _ => !matches!(
            &bytes[i + 1..i + 3],
            [0xbb, 0xbf] | [0xbf, 0xbe] | [0xbf, 0xbf]
        ),
    })
}

#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    /// The line after its indentation, trailing spaces removed.
    text: &'a str,
    /// Where the line after it starts.
    next: usize,
}

struct Reader<'a> {
    source: &'a str,
    /// Where the next line to read starts.
    next: usize,
    /// The last line `peek` found, and where it looked from.
    peeked: Option<(usize, Line<'a>)>,
}

/// The line starting at `start` (without its line break), and where the next one starts; `None`
/// at the end of the text.
fn line_at(source: &str, start: usize) -> Option<(&str, usize)> {
    let rest = source.get(start..).filter(|rest| !rest.is_empty())?;
    Some(match memchr::memchr(b'\n', rest.as_bytes()) {
        Some(end) => (&rest[..end], start + end + 1),
        None => (rest, source.len()),
    })
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

impl<'a> Reader<'a> {
    /// The next line with content (blank lines and comment lines skipped).
    fn peek(&mut self) -> Option<Line<'a>> {
        if let Some((from, line)) = self.peeked
            && from == self.next
        {
            return Some(line);
        }
        while let Some((raw, next)) = line_at(self.source, self.next) {
            let text = raw.trim_start_matches(' ').trim_end_matches(' ');
            if text.is_empty() || text.starts_with('#') {
                self.next = next;
                continue;
            }
            let line = Line {
                indent: indent_of(raw),
                text,
                next,
            };
            // Looking again from here (the blank lines skipped) finds the same line.
            self.peeked = Some((self.next, line));
            return Some(line);
        }
        None
    }

    /// The node whose first line is the next one, at `indent`.
    fn block(&mut self, indent: usize) -> Option<Value> {
        let line = self.peek()?;
        if is_entry(line.text) {
            self.sequence(indent)
        } else {
            self.mapping(indent, None)
        }
    }

    /// A block mapping at `indent`; `first` is its first entry (the key, and the text after its
    /// `:`) when it starts on a sequence entry's line (`- key: value`).
    fn mapping(&mut self, indent: usize, first: Option<(String, &'a str)>) -> Option<Value> {
        let mut map = Map::new();
        let mut pending = first;
        loop {
            let (key, rest) = match pending.take() {
                Some(entry) => entry,
                None => {
                    let Some(line) = self.peek() else { break };
                    if line.indent < indent || (line.indent == indent && is_entry(line.text)) {
                        break;
                    }
                    if line.indent > indent {
                        return None;
                    }
                    self.next = line.next;
                    split_key(line.text)?
                }
            };
            let value = self.value_after_key(indent, rest)?;
            map.insert(key, value);
        }
        Some(Value::Object(map))
    }

    /// A block sequence at `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || !is_entry(line.text) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            self.next = line.next;
            let after_dash = &line.text[1..];
            let rest = after_dash.trim_start_matches(' ');
            let item = if rest.is_empty() || rest.starts_with('#') {
                self.nested_or_null(indent, false)?
            } else if is_entry(rest) {
                return None;
            } else if let Some(entry) = split_key(rest) {
                let column = indent + 1 + (after_dash.len() - rest.len());
                self.mapping(column, Some(entry))?
            } else {
                self.scalar(rest, indent)?
            };
            items.push(item);
        }
        Some(Value::Array(items))
    }

    /// The value of a mapping entry at `indent` whose text after `key:` is `rest`.
    fn value_after_key(&mut self, indent: usize, rest: &'a str) -> Option<Value> {
        if rest.is_empty() || rest.starts_with('#') {
            self.nested_or_null(indent, true)
        } else {
            self.scalar(rest, indent)
        }
    }

    /// What follows a key or a dash with nothing after it: a deeper block, a one-line flow
    /// collection on the next line (`resources:` then `{}`, as charts render `toYaml` of an empty
    /// map), a sequence at the key's own indentation (`key:` then `- item`), or null.
    fn nested_or_null(&mut self, indent: usize, after_key: bool) -> Option<Value> {
        match self.peek() {
            Some(next) if next.indent > indent && next.text.starts_with(['{', '[']) => {
                self.next = next.next;
                self.scalar(next.text, indent)
            }
            Some(next) if next.indent > indent => self.block(next.indent),
            Some(next) if after_key && next.indent == indent && is_entry(next.text) => {
                self.sequence(indent)
            }
            _ => Some(Value::Null),
        }
    }

    /// A scalar written after `key:` or `-` of a node at `indent`.
    fn scalar(&mut self, text: &'a str, indent: usize) -> Option<Value> {
        let value = match text.as_bytes()[0] {
            b'"' => Value::String(after_quoted(double_quoted(text)?)?),
            b'\'' => Value::String(after_quoted(single_quoted(text)?)?),
            b'|' => return self.literal(text, indent),
            b'[' => Value::Array(after_quoted(flow_sequence(text)?)?),
            b'{' => {
                let flow = strip_comment(text);
                let inside = flow.strip_prefix('{')?.strip_suffix('}')?;
                if !inside.bytes().all(|b| b == b' ') {
                    return None;
                }
                Value::Object(Map::new())
            }
            b'>' | b'&' | b'*' | b'!' | b'%' | b'@' | b'`' | b'?' | b',' | b']' | b'}' => {
                return None;
            }
            b'-' | b':' if text.len() == 1 || text.as_bytes()[1] == b' ' => return None,
            _ => {
                let plain = strip_comment(text);
                if find_pair(plain, b':', b' ').is_some() || plain.ends_with(':') {
                    return None;
                }
                resolve_plain(plain).ok()?
            }
        };
        // A deeper line after a one-line scalar continues it (or is an error).
        match self.peek() {
            Some(next) if next.indent > indent => None,
            _ => Some(value),
        }
    }

    /// A literal block scalar (`|`, `|-`) whose header is `header`, in a node at `indent`.
    fn literal(&mut self, header: &str, indent: usize) -> Option<Value> {
        let strip = match strip_comment(header) {
            "|" => false,
            "|-" => true,
            // `|+`, indentation indicators: the full decoder.
            _ => return None,
        };
        let blank = |line: &str| line.bytes().all(|b| b == b' ');
        // The body: lines up to the first with content less indented than the first line with
        // content, which sets the indentation.
        let mut body: Vec<&str> = Vec::new();
        let mut content_indent = None;
        let mut end = self.next;
        let mut last_has_break = true;
        while let Some((line, next)) = line_at(self.source, end) {
            if !blank(line) {
                let n = indent_of(line);
                match content_indent {
                    None if n <= indent => break,
                    None => content_indent = Some(n),
                    Some(m) if n < m => break,
                    Some(_) => {}
                }
            }
            body.push(line);
            last_has_break = next > end + line.len();
            end = next;
        }
        // No content: an empty string with either chomping, when the lines after the header are
        // empty (lines of spaces may set the indentation: the full decoder).
        let Some(content_indent) = content_indent else {
            if !body.iter().all(|line| line.is_empty()) {
                return None;
            }
            self.next = end;
            return Some(Value::String(String::new()));
        };
        // A blank line longer than the indentation holds spaces as content: the full decoder.
        if body
            .iter()
            .any(|line| blank(line) && line.len() > content_indent)
        {
            return None;
        }
        // Trailing blank lines are dropped by both chompings read here.
        let last = body.iter().rposition(|line| !blank(line))?;
        if last + 1 == body.len() && !last_has_break {
            // The last line has no line break: the full decoder.
            return None;
        }
        let mut text = String::new();
        for (i, line) in body[..=last].iter().enumerate() {
            if i > 0 {
                text.push('\n');
            }
            text.push_str(line.get(content_indent..).unwrap_or(""));
        }
        if !strip {
            text.push('\n');
        }
        self.next = end;
        Some(Value::String(text))
    }
}

/// Whether a line's text is a sequence entry (`-` then a space, or alone).
fn is_entry(text: &str) -> bool {
    text == "-" || text.starts_with("- ")
}

/// The text before a comment (`#` after a space), trailing spaces removed.
fn strip_comment(text: &str) -> &str {
    match find_pair(text, b' ', b'#') {
        Some(i) => text[..i].trim_end_matches(' '),
        None => text,
    }
}

/// Where the two bytes `first` then `second` first occur in `text` (`str::find` with a
/// two-byte pattern sets up a general substring search on every call; lines are short).
fn find_pair(text: &str, first: u8, second: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(second, bytes)
        .find(|&i| i > 0 && bytes[i - 1] == first)
        .map(|i| i - 1)
}

/// A mapping entry's key and the text after its `: `, when `text` is one.
fn split_key(text: &str) -> Option<(String, &str)> {
    let (key, after) = match text.as_bytes()[0] {
        b'"' => double_quoted(text)?,
        b'\'' => single_quoted(text)?,
        b'-' | b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!'
        | b'|' | b'>' | b'%' | b'@' | b'`' => return None,
        _ => {
            let bytes = text.as_bytes();
            let colon = (0..bytes.len())
                .find(|&i| bytes[i] == b':' && bytes.get(i + 1).is_none_or(|&b| b == b' '))?;
            let key = text[..colon].trim_end_matches(' ');
            if find_pair(key, b' ', b'#').is_some() || key == "<<" {
                return None;
            }
            let key = match resolve_plain(key).ok()? {
                Value::String(key) => key,
                other => key_string(&other).ok()?,
            };
            return Some((key, text[colon + 1..].trim_start_matches(' ')));
        }
    };
    let after = after.strip_prefix(':')?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((key, after.trim_start_matches(' ')))
}

/// A flow sequence of scalars on one line (`["ALL"]`, `[a, 'b']`), and the text after it.
fn flow_sequence(text: &str) -> Option<(Vec<Value>, &str)> {
    let mut items = Vec::new();
    let mut rest = &text[1..];
    loop {
        rest = rest.trim_start_matches(' ');
        if items.is_empty()
            && let Some(after) = rest.strip_prefix(']')
        {
            return Some((items, after));
        }
        let (item, after) = match *rest.as_bytes().first()? {
            b'"' => {
                let (text, after) = double_quoted(rest)?;
                (Value::String(text), after)
            }
            b'\'' => {
                let (text, after) = single_quoted(rest)?;
                (Value::String(text), after)
            }
            _ => {
                let end = rest.find([',', ']'])?;
                let plain = rest[..end].trim_end_matches(' ');
                // Only words: anything with a meaning in flow context is the full decoder's.
                if plain.is_empty()
                    || plain.starts_with('-')
                    || plain.bytes().any(|b| b"[]{}:#\"'&*!|>%@`?".contains(&b))
                {
                    return None;
                }
                (resolve_plain(plain).ok()?, &rest[end..])
            }
        };
        items.push(item);
        let after = after.trim_start_matches(' ');
        if let Some(next) = after.strip_prefix(',') {
            rest = next;
        } else {
            return Some((items, after.strip_prefix(']')?));
        }
    }
}

/// What follows a quoted scalar or a flow sequence on its line may only be a comment.
fn after_quoted<T>((value, after): (T, &str)) -> Option<T> {
    let rest = after.trim_start_matches(' ');
    (rest.is_empty() || (rest.starts_with('#') && after.starts_with(' '))).then_some(value)
}

/// A double-quoted scalar that closes on its line, and the text after it.
fn double_quoted(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text[1..].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 2..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                value.push(match escaped {
                    '\\' => '\\',
                    '"' => '"',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '0' => '\0',
                    // The others (`\/` and `\ ` are not YAML 1.1's, `\x`, `\u`, `\N`, ...,
                    // line breaks): the full decoder.
                    _ => return None,
                });
            }
            c => value.push(c),
        }
    }
    None
}

/// A single-quoted scalar that closes on its line, and the text after it.
fn single_quoted(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let rest = &text[1..];
    let mut i = 0;
    while let Some(c) = rest[i..].chars().next() {
        if c == '\'' {
            if rest[i + 1..].starts_with('\'') {
                value.push('\'');
                i += 2;
                continue;
            }
            return Some((value, &rest[i + 1..]));
        }
        value.push(c);
        i += c.len_utf8();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::full_decode;

    /// The fast decoder's value for `text`, checked against the full decoder's; `None` when the
    /// fast decoder gave up.
    fn checked(text: &str) -> Option<Value> {
        let fast = decode(text)?;
        let full = full_decode(text).unwrap_or_else(|e| {
            panic!("fast decoder accepted what the full one refuses ({e}):\n{text}")
        });
        // Compared as text: key order counts too.
        assert_eq!(
            serde_json::to_string(&fast).unwrap(),
            serde_json::to_string(&full).unwrap(),
            "decoders differ on:\n{text}"
        );
        Some(fast)
    }

    fn yaml_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                yaml_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                found.push(path);
            }
        }
    }

    /// Every YAML file of the fixtures and test charts that is not a template, as written and
    /// with its comment lines emptied (as values files are decoded): both decoders agree, and
    /// the fast one reads every fixture chart's values.
    #[test]
    fn agrees_with_the_full_decoder_on_every_yaml_file_of_the_fixtures() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        yaml_files(&crate::fixtures(), &mut files);
        yaml_files(&root.join("tests"), &mut files);
        let mut read = 0;
        for path in files
            .iter()
            .filter(|p| !p.to_string_lossy().contains("/templates/"))
        {
            let text = std::fs::read_to_string(path).unwrap();
            let emptied = crate::yaml::comments::empty_comment_lines(&text);
            let fast = checked(&text);
            if let Some(emptied) = &emptied {
                checked(emptied);
            }
            let name = path.file_name().unwrap().to_string_lossy();
            // Anchors (alertmanager's) are the full decoder's.
            let anchors = text.contains(": &") || text.contains("- &");
            let fixture = path.starts_with(crate::fixtures().join("charts"))
                || path.starts_with(crate::fixtures().join("podinfo/charts"));
            if name == "values.yaml" && fixture && !anchors {
                assert!(
                    fast.is_some(),
                    "not read by the fast decoder: {}",
                    path.display()
                );
                read += 1;
            }
        }
        assert!(read >= 11, "{read} fixture values files");
    }

    /// What the fixture charts render, document by document: the heads the line decoder gives
    /// are the full decoder's, and it reads most documents.
    #[test]
    fn reads_rendered_manifests_as_the_full_decoder_does() {
        let root = crate::fixtures();
        let charts = [
            "charts/bitnami-postgresql",
            "charts/bitnami-redis",
            "charts/prometheus",
            "charts/traefik",
            "podinfo/charts/podinfo",
        ];
        let (mut docs, mut read) = (0, 0);
        for chart in charts {
            let chart = crate::Chart::load(root.join(chart)).unwrap();
            let rendered = crate::render(&chart, &crate::RenderOptions::default()).unwrap();
            for manifest in &rendered.manifests {
                docs += 1;
                let keep = ["kind", "metadata"];
                let Some(mut fast) = decode(&manifest.content) else {
                    continue;
                };
                if let Value::Object(map) = &mut fast {
                    map.retain(|key, _| keep.contains(&key.as_str()));
                }
                let full = crate::yaml::full_head(&manifest.content, &keep).unwrap();
                assert_eq!(
                    serde_json::to_string(&fast).unwrap(),
                    serde_json::to_string(&full).unwrap(),
                    "{}",
                    manifest.content
                );
                read += 1;
            }
        }
        assert!(read * 10 >= docs * 8, "read {read} of {docs} documents");
    }

    #[test]
    fn reads_the_forms_of_values_files() {
        let cases = [
            "a: 1\nb: text # comment\nc: \"q \\\"x\\\" \\n\"\nd: 'it''s'\ne:\nf: ~\n",
            "list:\n- a\n- 'b'\n-\n  - nested\n- k: v\n  k2: [ ] \nafter: {}\nspaced: { } # c\n",
            "a:\n  b:\n    c: yes\n  d: 0755\n  e: 1e3\n  f: 1.2.3\n",
            "script: |\n  line one\n\n    indented\n  # not a comment\nnext: x\n",
            "strip: |-\n  text\n\n\nnext: 1\n",
            "\"quoted key\": 1\n'single': 2\ntrue: 3\n1: 4\n~: 5\n",
            "  indented: top\n  level: 2\n",
            "url: http://example.com:8080/x#frag\nempty: \"\"\ndash: -1\n",
            "seq:\n  - name: a\n    items:\n    - 1\n    - 2\n  - name: b\n",
            "dup: 1\ndup: 2\n",
            "accents: é\nsymbols: ¢ € 𝄞\n",
            "caps:\n  drop: [\"ALL\"]\n  add: [NET_ADMIN, 'SYS_TIME', 1, yes] # c\n",
            "resources:\n  {}\nports:\n    [80, 443] # c\nlist:\n- \n  {}\nnext: 1\n",
            "empty: |-\n\nclip: |\nlast: |-\n",
            "at_end: |\n\n\n",
            "",
            "# only a comment\n",
        ];
        for text in cases {
            assert!(checked(text).is_some(), "not read:\n{text}");
        }
    }

    #[test]
    fn gives_up_on_forms_it_does_not_read() {
        let cases = [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: [1, [2]]\n",
            "a: [x: 1]\n",
            "a: [1, 2,]\n",
            "a: {b: 1}\n",
            "a: multi\n  line\n",
            "a: \"multi\n  line\"\n",
            "a: >\n  folded\n",
            "a: |+\n  keep\n",
            "a: |2\n   x\n",
            "a:\tb\n",
            "a: 1\r\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "<<: {a: 1}\n",
            "? complex\n: key\n",
            "a: b: c\n",
            "a: 1\n - b\n",
            "- a\nb: 1\n",
            "a: \"\\u00e9\"\n",
            "plain scalar\n",
            "a: |\n  x",
            "a:\n  {}\n  b: 1\n",
            "a:\n  {}\n    b\n",
            "a:\n  [1,\n  2]\n",
            "a: |\n   \nb: 1\n",
            "a: |\n  x\n     \n  y\n",
            "a: \"\\/\"\n",
            "a: x\u{85}y\n",
            "\u{feff}a: 1\n",
            "a: \u{ffff}\n",
        ];
        for text in cases {
            assert_eq!(decode(text), None, "read:\n{text}");
        }
    }
}
