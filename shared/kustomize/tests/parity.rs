//! Parity with the reference: every case under tests/cases and every fixture overlay is built by
//! `kubectl kustomize` (kustomize v5.5) and by our engine in the same test, and the parsed objects
//! are compared, order included, then the printed YAML byte for byte. A case the reference refuses must be refused by ours too; a case
//! with an `expect-error.txt` must fail with a message containing that text. A case with an
//! `unsupported.txt` is a documented gap: kustomize builds it, ours must refuse it with a message
//! containing that text.

use ferroflux_kustomize::yaml_in::parse_documents;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn reference(dir: &Path) -> Result<(Vec<Value>, String), String> {
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .map_err(|e| format!("running kubectl: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let docs = parse_documents(&text)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|d| !d.is_null())
        .collect();
    Ok((docs, text))
}

/// Compare one directory; Err describes the difference.
fn compare(dir: &Path) -> Result<(), String> {
    // A documented gap: kustomize builds it, ferroflux refuses it with a clear message.
    if let Ok(want) = std::fs::read_to_string(dir.join("unsupported.txt")) {
        return match ferroflux_kustomize::build(dir) {
            Err(e) if e.to_string().contains(want.trim()) => Ok(()),
            Err(e) => Err(format!(
                "refused, but {e:?} does not mention {:?}",
                want.trim()
            )),
            Ok(_) => Err("unsupported.txt present but ferroflux built it".into()),
        };
    }
    let expected_error = std::fs::read_to_string(dir.join("expect-error.txt")).ok();
    let theirs = reference(dir);
    let ours = ferroflux_kustomize::build(dir);
    match (theirs, ours) {
        (Ok((t, text)), Ok(o)) => {
            if expected_error.is_some() {
                return Err("expect-error.txt present but both tools succeeded".into());
            }
            if t.len() != o.len() {
                return Err(format!(
                    "kustomize gave {} objects, ours {}\n--- kustomize\n{}\n--- ours\n{}",
                    t.len(),
                    o.len(),
                    ferroflux_kustomize::to_yaml(&t),
                    ferroflux_kustomize::to_yaml(&o)
                ));
            }
            for (i, (a, b)) in t.iter().zip(o.iter()).enumerate() {
                if a != b {
                    return Err(format!(
                        "object {i} differs\n--- kustomize\n{}--- ours\n{}",
                        ferroflux_kustomize::to_yaml(std::slice::from_ref(a)),
                        ferroflux_kustomize::to_yaml(std::slice::from_ref(b))
                    ));
                }
            }
            // Same objects; the printed YAML must be the same bytes too.
            let ours_text = ferroflux_kustomize::to_yaml(&o);
            if ours_text != text {
                let line = ours_text
                    .lines()
                    .zip(text.lines())
                    .position(|(a, b)| a != b)
                    .unwrap_or(0);
                return Err(format!(
                    "same objects but the YAML text differs at line {}: ours {:?}, kustomize {:?}",
                    line + 1,
                    ours_text.lines().nth(line),
                    text.lines().nth(line)
                ));
            }
            Ok(())
        }
        (Err(_), Err(e)) => {
            let msg = e.to_string();
            if let Some(want) = expected_error {
                let want = want.trim();
                if !msg.contains(want) {
                    return Err(format!(
                        "both refused, but our error {msg:?} does not contain {want:?}"
                    ));
                }
            }
            Ok(())
        }
        (Ok(_), Err(e)) => Err(format!("kustomize succeeded, ours failed: {e}")),
        (Err(t), Ok(_)) => Err(format!("kustomize refused ({}), ours succeeded", t.trim())),
    }
}

fn run_all(dirs: &[PathBuf]) {
    let mut failures = Vec::new();
    for dir in dirs {
        match compare(dir) {
            Ok(()) => println!("ok   {}", dir.display()),
            Err(e) => {
                println!("FAIL {}", dir.display());
                failures.push(format!("{}: {e}", dir.display()));
            }
        }
    }
    println!(
        "{} of {} directories match kustomize",
        dirs.len() - failures.len(),
        dirs.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn corpus_matches_kustomize() {
    let cases = manifest_dir().join("tests/cases");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&cases)
        .expect("tests/cases")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with('_'))
        })
        .collect();
    dirs.sort();
    if let Ok(only) = std::env::var("CASE") {
        dirs.retain(|d| d.to_string_lossy().contains(&only));
    }
    assert!(
        dirs.len() >= 80 || std::env::var("CASE").is_ok(),
        "the corpus has {} cases",
        dirs.len()
    );
    run_all(&dirs);
}

/// Every directory with a kustomization under the fixture repositories.
pub fn fixture_overlays() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for top in [
        "podinfo/deploy",
        "podinfo/kustomize",
        "flux2-kustomize-helm-example",
    ] {
        walk(&ferroflux_e2e::fixture(top), &mut out);
    }
    out.sort();
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    if ["kustomization.yaml", "kustomization.yml", "Kustomization"]
        .iter()
        .any(|n| dir.join(n).is_file())
    {
        out.push(dir.to_path_buf());
    }
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_dir() {
                walk(&e.path(), out);
            }
        }
    }
}

#[test]
fn fixture_overlays_match_kustomize() {
    let dirs = fixture_overlays();
    assert!(
        dirs.len() >= 15,
        "found only {} fixture overlays",
        dirs.len()
    );
    run_all(&dirs);
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        let dest = to.join(e.file_name());
        if p.is_dir() {
            copy_tree(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// Directories without a kustomization, as Flux builds them: generate one, then build.
#[test]
fn flux_generated_kustomizations_match_kustomize() {
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs = Vec::new();
    for rel in [
        "podinfo/deploy/webapp",
        "podinfo/deploy/secure",
        "podinfo/deploy/webapp/backend",
        "podinfo/deploy/secure/frontend",
    ] {
        let dest = tmp.path().join(rel.replace('/', "_"));
        copy_tree(&ferroflux_e2e::fixture(rel), &dest);
        assert!(ferroflux_kustomize::generate_kustomization(&dest).unwrap());
        assert!(
            !ferroflux_kustomize::generate_kustomization(&dest).unwrap(),
            "second call must keep the file"
        );
        dirs.push(dest);
    }
    run_all(&dirs);
}

#[path = "support/large_overlay.rs"]
mod large_overlay;

/// 240 applications, ~2,170 objects, three layers with patches, a component and replacements.
#[test]
fn large_generated_overlay_matches_kustomize() {
    let tmp = tempfile::tempdir().unwrap();
    let overlay = large_overlay::write_large_overlay(tmp.path(), 240);
    run_all(&[overlay]);
}
