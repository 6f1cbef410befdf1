use super::*;

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (p, c) in files {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, c).unwrap();
    }
    dir
}

#[test]
fn defaults_apply_without_user_patterns() {
    let d = tree(&[("a.yaml", "")]);
    let f = SourceIgnore::load(d.path(), None).unwrap();
    assert!(f.excluded(".git", true));
    assert!(f.excluded(".gitignore", false));
    assert!(f.excluded("img/logo.png", false));
    assert!(f.excluded(".github", true));
    assert!(f.excluded("sub/.sops.yaml", false));
    assert!(!f.excluded("a.yaml", false));
}

#[test]
fn user_patterns_replace_defaults_but_vcs_stays_excluded() {
    let d = tree(&[
        ("a.yaml", ""),
        (".sourceignore", "# comment\n*.txt\n!keep.txt\n"),
    ]);
    let f = SourceIgnore::load(d.path(), None).unwrap();
    assert!(f.excluded("notes.txt", false));
    assert!(!f.excluded("keep.txt", false));
    assert!(!f.excluded("logo.png", false));
    assert!(f.excluded(".git", true));
}

#[test]
fn spec_ignore_and_nested_sourceignore_are_scoped() {
    let d = tree(&[
        ("apps/.sourceignore", "secret.yaml\n"),
        ("apps/secret.yaml", ""),
    ]);
    let f = SourceIgnore::load(d.path(), Some("/docs/\n")).unwrap();
    assert!(f.excluded("apps/secret.yaml", false));
    assert!(!f.excluded("secret.yaml", false));
    assert!(f.excluded("docs", true));
    assert!(!f.excluded("apps/docs", true));
}
