//! Comparing two `helm template` outputs: document by document, as parsed objects, with random
//! values (generated passwords, keys, certificates and their checksums) compared by shape.

use serde_json::Value as Json;

/// A document of the output: its `# Source:` path and its parsed content.
#[derive(Debug)]
struct Doc {
    source: String,
    text: String,
    value: Option<Json>,
}

fn split(output: &str) -> Vec<Doc> {
    let mut docs = Vec::new();
    for chunk in output.split("---\n").filter(|c| !c.trim().is_empty()) {
        let (source, text) = match chunk.strip_prefix("# Source: ") {
            Some(rest) => rest.split_once('\n').unwrap_or((rest, "")),
            None => ("", chunk),
        };
        let value = serde_saphyr::from_str::<Json>(text).ok();
        docs.push(Doc {
            source: source.trim().to_string(),
            text: text.trim().to_string(),
            value,
        });
    }
    docs
}

/// The error without helm's log lines, `Error: ` prefix and `--debug` hint.
fn error_summary(e: &str) -> String {
    let kept: Vec<&str> = e.lines().filter(|l| !l.starts_with("level=")).collect();
    let e = kept.join("\n");
    let e = e.trim().strip_prefix("Error: ").unwrap_or(e.trim());
    e.split("\n\nUse --debug")
        .next()
        .unwrap_or(e)
        .trim()
        .to_string()
}

/// `Ok(note)` when the outputs match, else a description of the first differences.
pub fn compare(
    helm: &Result<String, String>,
    ours: &Result<String, String>,
) -> Result<String, String> {
    match (helm, ours) {
        (Err(h), Err(o)) => {
            let (h, o) = (error_summary(h), error_summary(o));
            if h == o {
                Ok(format!("(both refused, same message: {h:?})"))
            } else if h.lines().next() == o.lines().next() {
                Ok(format!(
                    "(both refused, same first line)\n  helm: {h:?}\n  ours: {o:?}"
                ))
            } else {
                Err(format!(
                    "both refused, differently:\n  helm: {h:?}\n  ours: {o:?}"
                ))
            }
        }
        (Err(h), Ok(_)) => Err(format!(
            "helm refused but we rendered: {}",
            error_summary(h)
        )),
        (Ok(_), Err(o)) => Err(format!("we refused but helm rendered: {o}")),
        (Ok(h), Ok(o)) if h == o => Ok("(byte-identical)".into()),
        (Ok(h), Ok(o)) => compare_documents(&split(h), &split(o)),
    }
}

fn compare_documents(helm: &[Doc], ours: &[Doc]) -> Result<String, String> {
    let mut problems = Vec::new();
    let mut by_shape = 0;
    if helm.len() != ours.len() {
        problems.push(format!(
            "helm printed {} documents, we printed {}",
            helm.len(),
            ours.len()
        ));
    }
    for (i, (h, o)) in helm.iter().zip(ours).enumerate() {
        if h.source != o.source {
            problems.push(format!(
                "document {i}: source {:?} vs ours {:?}",
                h.source, o.source
            ));
            continue;
        }
        let same = match (&h.value, &o.value) {
            (Some(hv), Some(ov)) => same_shape(hv, ov, &mut by_shape),
            _ => h.text == o.text,
        };
        if !same {
            problems.push(format!(
                "document {i} ({}) differs:\n--- helm\n{}\n--- ours\n{}",
                h.source,
                truncate(&h.text),
                truncate(&o.text)
            ));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "(equal as objects, {} documents, {by_shape} random values compared by shape)",
            helm.len()
        ))
    } else {
        problems.truncate(4);
        Err(problems.join("\n"))
    }
}

fn truncate(s: &str) -> String {
    if s.len() > 3000 {
        format!("{}...", s.chars().take(3000).collect::<String>())
    } else {
        s.to_string()
    }
}

/// Whether a string looks generated: base64/hex/alphanumeric, or a PEM block.
fn looks_random(s: &str) -> bool {
    s.contains("-----BEGIN")
        || (s.len() >= 8
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_')))
}

fn same_shape(h: &Json, o: &Json, by_shape: &mut usize) -> bool {
    match (h, o) {
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len()
                && a.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| same_shape(v, w, by_shape)))
        }
        (Json::Array(a), Json::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(v, w)| same_shape(v, w, by_shape))
        }
        (Json::String(a), Json::String(b)) if a != b => {
            let close_len = a.len().abs_diff(b.len()) <= a.len().max(b.len()) / 5;
            if looks_random(a) && looks_random(b) && close_len {
                *by_shape += 1;
                true
            } else {
                false
            }
        }
        _ => h == o,
    }
}
