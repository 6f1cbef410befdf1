//! The one check every path from outside goes through before it touches the filesystem:
//! archive entries, links inside archives, include paths, URL paths of the artifact server.

use std::path::{Component, Path, PathBuf};

/// `path` as a path of normal components only, `.` components dropped; `None` when it is
/// absolute or has a `..`, so it could leave the directory it is joined to. `.` gives an
/// empty path.
pub fn safe_relative(path: impl AsRef<Path>) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for c in path.as_ref().components() {
        match c {
            Component::Normal(p) => out.push(p),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_that_stay_inside_pass() {
        assert_eq!(safe_relative("./a/b"), Some(PathBuf::from("a/b")));
        assert_eq!(safe_relative("."), Some(PathBuf::new()));
        assert_eq!(safe_relative("a/./b/"), Some(PathBuf::from("a/b")));
        for bad in ["../x", "/etc", "a/../../b", "a/.."] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
