//! Template corpus: every case is rendered by the real `helm template` (the reference, built by
//! `hack/gotool helm`) and by our engine, and the outputs must match.
//!
//! Case files are `tests/corpus/*.txt`:
//! ```text
//! ### case_name [error] [shape=REGEX]
//! template text (up to the next `### ` line; the final newline is dropped)
//! ```
//! All cases share `tests/corpus/values.yaml`. Passing cases run in one chart, each case body in
//! `templates/_c_<name>.tpl` included by `templates/<name>.yaml` as `out: <b64 of the output>`, so
//! any output (even not YAML) survives Helm's manifest parsing. `error` cases run one chart each
//! and must fail in both, with our message's last part present in Helm's. `shape=` cases (random,
//! time) must match the regex in both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use ferroflux_helm::template::{self, Value};

const CHART: &str = "corpus";

struct Case {
    file: String,
    name: String,
    body: String,
    error: bool,
    shape: Option<String>,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn load_cases() -> Vec<Case> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let file = f.file_name().unwrap().to_string_lossy().to_string();
        let mut cur: Option<Case> = None;
        for line in text.split_inclusive('\n') {
            if let Some(header) = line.strip_prefix("### ") {
                if let Some(c) = cur.take() {
                    cases.push(c);
                }
                let mut parts = header.trim().splitn(2, ' ');
                let name = parts.next().unwrap().to_string();
                let flags = parts.next().unwrap_or("").trim();
                let shape = flags.find("shape=").map(|i| flags[i + 6..].to_string());
                cur = Some(Case {
                    file: file.clone(),
                    name,
                    body: String::new(),
                    error: flags.starts_with("error"),
                    shape,
                });
            } else if let Some(c) = cur.as_mut() {
                c.body.push_str(line);
            }
        }
        cases.extend(cur);
    }
    for c in &mut cases {
        if c.body.ends_with('\n') {
            c.body.pop();
        }
    }
    let mut seen = std::collections::HashSet::new();
    for c in &cases {
        assert!(
            seen.insert(c.name.clone()),
            "duplicate case name {}",
            c.name
        );
        assert!(
            c.name
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '_' || ch == '-'),
            "bad case name {}",
            c.name
        );
    }
    cases
}

fn helm_bin() -> PathBuf {
    if let Ok(p) = std::env::var("FERROFLUX_HELM") {
        return PathBuf::from(p);
    }
    let out = Command::new(repo_root().join("hack/gotool"))
        .arg("helm")
        .current_dir(repo_root())
        .output()
        .expect("run hack/gotool helm");
    assert!(
        out.status.success(),
        "hack/gotool helm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn values_text() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/values.yaml"))
        .unwrap()
}

fn write_chart(dir: &Path, files: &[(String, String)]) {
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        format!("apiVersion: v2\nname: {CHART}\nversion: 0.1.0\nappVersion: \"1.16.0\"\n"),
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), values_text()).unwrap();
    for (name, body) in files {
        std::fs::write(dir.join("templates").join(name), body).unwrap();
    }
}

fn wrapper(name: &str) -> String {
    format!("out: {{{{ include \"{CHART}/templates/_c_{name}.tpl\" . | b64enc | quote }}}}\n")
}

fn run_helm(helm: &Path, dir: &Path) -> Result<String, String> {
    let out = Command::new(helm)
        .args(["template", "rel", "--namespace", "default"])
        .arg(dir)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `name -> decoded output` from helm's stream of `# Source:` documents.
fn split_helm_output(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for doc in text.split("---\n# Source: ").skip(1) {
        let (src, rest) = doc.split_once('\n').unwrap();
        let name = src
            .trim_start_matches(&format!("{CHART}/templates/"))
            .trim_end_matches(".yaml")
            .to_string();
        out.insert(name, decode_out(rest));
    }
    out
}

fn decode_out(doc: &str) -> String {
    let line = doc
        .lines()
        .find(|l| l.starts_with("out: "))
        .unwrap_or("out: \"\"");
    let b64 = line.trim_start_matches("out: ").trim_matches('"');
    String::from_utf8_lossy(
        &base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap(),
    )
    .into_owned()
}

/// The chart's values, shared by every render like in Helm (templates may `set` into them).
fn shared_values() -> Value {
    static VALUES: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    VALUES
        .get_or_init(|| {
            let json: serde_json::Value = serde_saphyr::from_str(&values_text()).unwrap();
            Value::from_json(&json)
        })
        .clone()
}

fn data_for(file: &str) -> Value {
    let m = |pairs: Vec<(&str, Value)>| {
        Value::map_from(pairs.into_iter().map(|(k, v)| (k.to_string(), v)))
    };
    m(vec![
        ("Values", shared_values()),
        (
            "Release",
            m(vec![
                ("Name", "rel".into()),
                ("Namespace", "default".into()),
                ("Service", "Helm".into()),
                ("Revision", Value::Int(1)),
                ("IsInstall", true.into()),
                ("IsUpgrade", false.into()),
            ]),
        ),
        (
            "Chart",
            m(vec![
                ("Name", CHART.into()),
                ("Version", "0.1.0".into()),
                ("AppVersion", "1.16.0".into()),
            ]),
        ),
        (
            "Capabilities",
            m(vec![(
                "KubeVersion",
                m(vec![
                    ("Version", "v1.37.0".into()),
                    ("Major", "1".into()),
                    ("Minor", "37".into()),
                ]),
            )]),
        ),
        (
            "Template",
            m(vec![
                ("Name", format!("{CHART}/templates/{file}").into()),
                ("BasePath", format!("{CHART}/templates").into()),
            ]),
        ),
    ])
}

/// Renders a chart's files with our engine like Helm: all files parsed into one set in Helm's
/// order (reverse by name at one depth), every non-partial file rendered in that order.
fn render_ours(files: &[(String, String)]) -> Result<BTreeMap<String, String>, String> {
    let mut t = template::templates();
    let mut sorted: Vec<&(String, String)> = files.iter().collect();
    sorted.sort_by(|a, b| b.0.cmp(&a.0));
    for (name, body) in &sorted {
        t.parse(&format!("{CHART}/templates/{name}"), body)
            .map_err(|e| e.to_string())?;
    }
    let mut out = BTreeMap::new();
    for (name, _) in &sorted {
        let text = t
            .render(&format!("{CHART}/templates/{name}"), &data_for(name))
            .map_err(|e| e.to_string())?;
        if !name.starts_with('_') {
            out.insert(name.trim_end_matches(".yaml").to_string(), text);
        }
    }
    Ok(out)
}

fn check_shape(case: &Case, what: &str, got: &str, failures: &mut Vec<String>) {
    let re = regex::Regex::new(case.shape.as_deref().unwrap()).unwrap();
    if !re.is_match(got) {
        failures.push(format!(
            "[{}] {}: {what} output {got:?} does not match shape {}",
            case.file, case.name, re
        ));
    }
}

#[test]
fn corpus_matches_helm() {
    let cases = load_cases();
    let helm = helm_bin();
    let tmp = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let (ok_cases, err_cases): (Vec<&Case>, Vec<&Case>) = cases.iter().partition(|c| !c.error);

    // Passing cases, all in one chart.
    let mut files = Vec::new();
    for c in &ok_cases {
        files.push((format!("_c_{}.tpl", c.name), c.body.clone()));
        files.push((format!("{}.yaml", c.name), wrapper(&c.name)));
    }
    let dir = tmp.path().join("all");
    write_chart(&dir, &files);
    let helm_out = match run_helm(&helm, &dir) {
        Ok(text) => split_helm_output(&text),
        Err(e) => {
            let mut bad = Vec::new();
            for c in &ok_cases {
                let d = tmp.path().join(format!("one_{}", c.name));
                write_chart(
                    &d,
                    &[
                        (format!("_c_{}.tpl", c.name), c.body.clone()),
                        (format!("{}.yaml", c.name), wrapper(&c.name)),
                    ],
                );
                if let Err(e) = run_helm(&helm, &d) {
                    bad.push(format!("[{}] {}: {}", c.file, c.name, e.trim()));
                }
            }
            panic!(
                "helm fails on cases meant to pass:\n{}\n(first error: {e})",
                bad.join("\n")
            );
        }
    };
    let ours = match render_ours(&files) {
        Ok(o) => o
            .into_iter()
            .map(|(k, v)| (k, decode_out(&v)))
            .collect::<BTreeMap<_, _>>(),
        Err(e) => {
            // Find the culprit case by case.
            for c in &ok_cases {
                let f = vec![
                    (format!("_c_{}.tpl", c.name), c.body.clone()),
                    (format!("{}.yaml", c.name), wrapper(&c.name)),
                ];
                if let Err(e) = render_ours(&f) {
                    failures.push(format!(
                        "[{}] {}: we fail, helm renders: {e}",
                        c.file, c.name
                    ));
                }
            }
            assert!(!failures.is_empty(), "render failed: {e}");
            BTreeMap::new()
        }
    };
    let mut passed = 0;
    for c in &ok_cases {
        let (Some(h), Some(o)) = (helm_out.get(&c.name), ours.get(&c.name)) else {
            if !ours.is_empty() {
                failures.push(format!(
                    "[{}] {}: missing output (helm: {}, ours: {})",
                    c.file,
                    c.name,
                    helm_out.contains_key(&c.name),
                    ours.contains_key(&c.name)
                ));
            }
            continue;
        };
        let before = failures.len();
        if c.shape.is_some() {
            check_shape(c, "helm", h, &mut failures);
            check_shape(c, "our", o, &mut failures);
        } else if h != o {
            failures.push(format!(
                "[{}] {}:\n  template: {:?}\n  helm: {h:?}\n  ours: {o:?}",
                c.file, c.name, c.body
            ));
        }
        if failures.len() == before {
            passed += 1;
        }
    }

    // Error cases: one chart each, the body as a plain template.
    for c in &err_cases {
        let files = vec![(format!("{}.yaml", c.name), c.body.clone())];
        let dir = tmp.path().join(&c.name);
        write_chart(&dir, &files);
        let helm_res = run_helm(&helm, &dir);
        let our_res = render_ours(&files);
        match (helm_res, our_res) {
            (Err(h), Err(o)) => {
                let tail = o.rsplit(": ").next().unwrap_or(&o).trim().to_string();
                if h.contains(&tail) {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "[{}] {}: error texts differ\n  helm: {}\n  ours: {o}",
                        c.file,
                        c.name,
                        h.trim()
                    ));
                }
            }
            (Ok(h), Err(o)) => failures.push(format!(
                "[{}] {}: helm renders {h:?}, we fail: {o}",
                c.file, c.name
            )),
            (Err(h), Ok(o)) => failures.push(format!(
                "[{}] {}: helm fails ({}), we render {o:?}",
                c.file,
                c.name,
                h.trim()
            )),
            (Ok(h), Ok(_)) => failures.push(format!(
                "[{}] {}: marked error but both render: {h:?}",
                c.file, c.name
            )),
        }
    }
    println!("{passed} passed, {} failed", failures.len());
    assert!(
        failures.is_empty(),
        "{} of {} corpus cases differ from helm:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
