//! Same inputs, same image: two builds of the same binary give the same digest and the same
//! bytes, and a different revision label gives another digest.

use std::process::Command;

fn build(out: &std::path::Path, revision: &str) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_imagebuild"))
        .args(["build", "--version", "v1.2.3", "--revision", revision])
        .arg("--out")
        .arg(out)
        .arg("demo-controller=/bin/true")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push((
                path.strip_prefix(dir).unwrap().display().to_string(),
                std::fs::read(&path).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn same_inputs_give_the_same_digest() {
    let dir = tempfile::tempdir().unwrap();
    let first = build(&dir.path().join("a"), "abc");
    let second = build(&dir.path().join("b"), "abc");
    assert!(first.starts_with("demo-controller sha256:"), "{first}");
    assert_eq!(first, second);
    assert_eq!(
        files(&dir.path().join("a/demo-controller")),
        files(&dir.path().join("b/demo-controller"))
    );
    assert_ne!(build(&dir.path().join("c"), "def"), first);
}
