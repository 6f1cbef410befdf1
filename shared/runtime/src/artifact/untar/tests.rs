use super::*;

fn tar_gz(build: impl FnOnce(&mut tar::Builder<Vec<u8>>)) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    build(&mut b);
    let raw = b.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &raw).unwrap();
    gz.finish().unwrap()
}

fn file(b: &mut tar::Builder<Vec<u8>>, name: &str, data: &[u8]) {
    let mut h = tar::Header::new_gnu();
    h.set_size(data.len() as u64);
    h.set_mode(0o600);
    h.set_entry_type(tar::EntryType::Regular);
    // set_path refuses `..`; write the raw name to build hostile archives.
    let bytes = name.as_bytes();
    h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
    h.set_cksum();
    b.append(&h, data).unwrap();
}

fn link(b: &mut tar::Builder<Vec<u8>>, kind: tar::EntryType, name: &str, target: &str) {
    let mut h = tar::Header::new_gnu();
    h.set_size(0);
    h.set_entry_type(kind);
    h.set_mode(0o777);
    let bytes = name.as_bytes();
    h.as_old_mut().name[..bytes.len()].copy_from_slice(bytes);
    let t = target.as_bytes();
    h.as_old_mut().linkname[..t.len()].copy_from_slice(t);
    h.set_cksum();
    b.append(&h, std::io::empty()).unwrap();
}

#[test]
fn regular_archive_unpacks() {
    let data = tar_gz(|b| {
        file(b, "dir/a.yaml", b"a");
        link(b, tar::EntryType::Symlink, "dir/l", "a.yaml");
    });
    let dest = tempfile::tempdir().unwrap();
    unpack_tar_gz(data.as_slice(), dest.path(), 1 << 20).unwrap();
    assert_eq!(std::fs::read(dest.path().join("dir/a.yaml")).unwrap(), b"a");
    assert_eq!(std::fs::read(dest.path().join("dir/l")).unwrap(), b"a");
}

#[test]
fn hostile_archives_are_refused() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("dotdot", tar_gz(|b| file(b, "../evil", b"x"))),
        ("absolute", tar_gz(|b| file(b, "/tmp/evil", b"x"))),
        (
            "symlink out",
            tar_gz(|b| link(b, tar::EntryType::Symlink, "l", "../../etc")),
        ),
        (
            "absolute symlink",
            tar_gz(|b| link(b, tar::EntryType::Symlink, "l", "/etc/passwd")),
        ),
        (
            "hardlink out",
            tar_gz(|b| link(b, tar::EntryType::Link, "l", "../x")),
        ),
        (
            "device",
            tar_gz(|b| link(b, tar::EntryType::Char, "dev", "")),
        ),
    ];
    for (name, data) in cases {
        let dest = tempfile::tempdir().unwrap();
        let err = unpack_tar_gz(data.as_slice(), &dest.path().join("out"), 1 << 20);
        assert!(err.is_err(), "{name} was accepted");
    }
}

#[test]
fn size_cap_is_enforced() {
    let data = tar_gz(|b| file(b, "big", &vec![0u8; 4096]));
    let dest = tempfile::tempdir().unwrap();
    let err = unpack_tar_gz(data.as_slice(), dest.path(), 1000).unwrap_err();
    assert!(matches!(err, UntarError::TooLarge(1000)));
}
