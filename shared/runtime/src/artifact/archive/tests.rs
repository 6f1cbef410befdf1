use super::*;

fn sample_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("b/c")).unwrap();
    std::fs::write(dir.path().join("b/c/z.yaml"), "z").unwrap();
    std::fs::write(dir.path().join("a.yaml"), "a").unwrap();
    dir
}

fn entries(bytes: &[u8]) -> Vec<(String, u32, u64, u64)> {
    let mut ar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    ar.entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let h = e.header();
            (
                e.path().unwrap().to_string_lossy().into_owned(),
                h.mode().unwrap(),
                h.mtime().unwrap(),
                h.uid().unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_tree_gives_same_bytes_with_sorted_normalized_entries() {
    let one = sample_tree();
    let two = sample_tree();
    let a = write_archive(one.path(), &KeepAll, Vec::new()).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = write_archive(two.path(), &KeepAll, Vec::new()).unwrap();
    assert_eq!(a, b);
    let names: Vec<_> = entries(&a).into_iter().collect();
    assert_eq!(
        names,
        vec![
            ("a.yaml".into(), FILE_MODE, 0, 0),
            ("b/".into(), DIR_MODE, 0, 0),
            ("b/c/".into(), DIR_MODE, 0, 0),
            ("b/c/z.yaml".into(), FILE_MODE, 0, 0),
        ]
    );
    // gzip header mtime (bytes 4..8) is zero
    assert_eq!(&a[4..8], &[0, 0, 0, 0]);
}

struct SkipB;
impl ArchiveFilter for SkipB {
    fn excluded(&self, rel: &str, is_dir: bool) -> bool {
        is_dir && rel == "b"
    }
}

#[test]
fn excluded_directories_are_skipped_with_their_content() {
    let dir = sample_tree();
    let a = write_archive(dir.path(), &SkipB, Vec::new()).unwrap();
    let names: Vec<_> = entries(&a).into_iter().map(|e| e.0).collect();
    assert_eq!(names, vec!["a.yaml".to_string()]);
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_archived_and_executables_keep_their_bit() {
    use std::os::unix::fs::PermissionsExt;
    let dir = sample_tree();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("passwd")).unwrap();
    std::os::unix::fs::symlink("/etc", dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("run.sh"), "#!/bin/sh").unwrap();
    std::fs::set_permissions(
        dir.path().join("run.sh"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let a = write_archive(dir.path(), &KeepAll, Vec::new()).unwrap();
    let all = entries(&a);
    assert!(
        all.iter()
            .all(|e| !e.0.starts_with("passwd") && !e.0.starts_with("etc"))
    );
    assert!(all.contains(&("run.sh".into(), EXE_MODE, 0, 0)));
}
