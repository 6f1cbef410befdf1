//! Decoding only the head of a rendered manifest. Helm reads `kind` and `metadata` of every
//! document it prints; building the whole tree of a large document (a ConfigMap's data, a
//! Deployment's pod spec) only to drop it was most of the cost of sorting the output. The dropped
//! entries are still read event by event, so the document's errors are the same.

use granit_parser::{Event, ScalarStyle};
use serde_json::Value;

use crate::yaml::{Builder, YamlError, resolve_scalar};

/// A collection inside a dropped value.
struct Dropped {
    is_map: bool,
    /// For a map: whether the next node is a key.
    key_next: bool,
}

/// Decodes `events` keeping only the top-level entries under `keep`; `None` when the document
/// needs the whole tree to be decoded right (anchors, aliases, merge keys, collection keys).
pub(crate) fn decode_head<'a, I>(keep: &[&str], events: I) -> Option<Result<Value, YamlError>>
where
    I: Iterator<Item = Result<(Event<'a>, granit_parser::Span), granit_parser::ScanError>>,
{
    let mut builder = Builder::default();
    // While a dropped value is being read: its open collections (empty before its first event).
    let mut dropping: Option<Vec<Dropped>> = None;
    for event in events {
        let event = match event {
            Ok((event, _span)) => event,
            Err(e) => return Some(Err(YamlError(format!("yaml: {e}")))),
        };
        let Some(stack) = dropping.as_mut() else {
            if let Event::Scalar(text, _, 0, None) = &event
                && builder.expects_top_level_key()
                && !keep.contains(&text.as_ref())
            {
                // Drop this key and the value that follows.
                if text.as_ref() == "<<" {
                    return None;
                }
                dropping = Some(Vec::new());
                continue;
            }
            match builder.feed(event) {
                Ok(true) => return Some(Ok(builder.into_result())),
                Ok(false) => continue,
                Err(e) => return Some(Err(e)),
            }
        };
        let value_done = match event {
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return None;
                }
                let in_key = stack.last().is_some_and(|f| f.is_map && f.key_next);
                if in_key && style == ScalarStyle::Plain && text == "<<" {
                    return None;
                }
                // Only these scalars can fail to decode (`.inf`, `.nan`, tagged ones).
                if (tag.is_some() || (style == ScalarStyle::Plain && may_fail(&text)))
                    && let Err(e) = resolve_scalar(&text, style, tag.as_deref())
                {
                    return Some(Err(e));
                }
                node_done(stack)
            }
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if anchor != 0 || stack.last().is_some_and(|f| f.is_map && f.key_next) {
                    return None;
                }
                let is_map = matches!(event, Event::MappingStart(..));
                stack.push(Dropped {
                    is_map,
                    key_next: true,
                });
                false
            }
            Event::SequenceEnd | Event::MappingEnd => {
                stack.pop();
                node_done(stack)
            }
            Event::Alias(_) => return None,
            // The document cannot end inside a value; let the full decoder say why.
            _ => return None,
        };
        if value_done {
            dropping = None;
        }
    }
    Some(Ok(builder.into_result()))
}

/// A node ended inside a dropped value; returns whether that was the whole value.
fn node_done(stack: &mut [Dropped]) -> bool {
    match stack.last_mut() {
        None => true,
        Some(frame) => {
            if frame.is_map {
                frame.key_next = !frame.key_next;
            }
            false
        }
    }
}

/// Whether a plain scalar may be one that does not decode (an infinity or NaN).
fn may_fail(text: &str) -> bool {
    let t = text.trim_start_matches(['+', '-']);
    t.len() == 4 && t.starts_with('.') && {
        let lower = t.to_ascii_lowercase();
        lower == ".inf" || lower == ".nan"
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// The head and the errors are those of decoding the whole document.
    #[test]
    fn keeps_the_head_and_the_errors() {
        let docs = [
            "kind: A\nmetadata:\n  name: x\nspec:\n  a: [1, {b: c}]\n  d: |\n    text\n",
            "data:\n  x: .inf\nkind: B\n",
            "data:\n  - [-.NaN]\n",
            "spec: {a: 1\nkind: C\n",
            "a: &x 1\nkind: D\nb: *x\n",
            "<<: {kind: E}\n",
            "- a\n- b\n",
            "just text\n",
            "? [a]\n: b\nkind: F\n",
            "spec:\n  ? [a]\n  : b\n",
            "spec: !!float .inf\n",
            "kind: G\nspec:\n  m: {x: {y: [1, 2, {z: 3}]}}\n  n: 1\nmetadata: {name: g}\n",
            "",
        ];
        for doc in docs {
            let full = crate::yaml::from_str(doc);
            let head = crate::yaml::head_from_str(doc, &["kind", "metadata"]);
            match (&full, &head) {
                (Ok(Value::Object(f)), Ok(Value::Object(h))) => {
                    assert_eq!(f.get("kind"), h.get("kind"), "{doc}");
                    assert_eq!(f.get("metadata"), h.get("metadata"), "{doc}");
                }
                _ => assert_eq!(full, head, "{doc}"),
            }
        }
    }
}
