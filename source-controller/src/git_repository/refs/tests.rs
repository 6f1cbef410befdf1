use super::*;

fn spec(branch: &str, tag: &str, semver: &str, name: &str, commit: &str) -> GitRepositoryRef {
    let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
    GitRepositoryRef {
        branch: s(branch),
        tag: s(tag),
        semver: s(semver),
        name: s(name),
        commit: s(commit),
    }
}

#[test]
fn precedence_follows_flux() {
    let cases = [
        (
            spec("", "", "", "", ""),
            Checkout::Branch {
                branch: "master".into(),
                commit: None,
            },
        ),
        (
            spec("main", "", "", "", ""),
            Checkout::Branch {
                branch: "main".into(),
                commit: None,
            },
        ),
        (spec("main", "v1", "", "", ""), Checkout::Tag("v1".into())),
        (
            spec("main", "v1", ">=1", "", ""),
            Checkout::Semver(">=1".into()),
        ),
        (
            spec("main", "v1", ">=1", "refs/heads/x", ""),
            Checkout::Name("refs/heads/x".into()),
        ),
        (
            spec("", "v1", ">=1", "refs/heads/x", "abc"),
            Checkout::Commit("abc".into()),
        ),
        (
            spec("dev", "", "", "", "abc"),
            Checkout::Branch {
                branch: "dev".into(),
                commit: Some("abc".into()),
            },
        ),
    ];
    for (input, want) in cases {
        assert_eq!(Checkout::from_spec(Some(&input)), want, "{input:?}");
    }
    assert_eq!(
        Checkout::from_spec(None),
        Checkout::Branch {
            branch: "master".into(),
            commit: None
        }
    );
}

#[test]
fn revisions_use_flux_format() {
    let h = "0123456789abcdef0123456789abcdef01234567";
    let branch = Checkout::Branch {
        branch: "main".into(),
        commit: None,
    };
    assert_eq!(branch.revision(None, h), format!("main@sha1:{h}"));
    assert_eq!(
        Checkout::Tag("v1.0.0".into()).revision(None, h),
        format!("v1.0.0@sha1:{h}")
    );
    assert_eq!(
        Checkout::Semver(">=1".into()).revision(Some("v1.2.0"), h),
        format!("v1.2.0@sha1:{h}")
    );
    assert_eq!(
        Checkout::Commit(h.into()).revision(None, h),
        format!("sha1:{h}")
    );
    assert_eq!(
        Checkout::Name("refs/heads/main".into()).revision(None, h),
        format!("refs/heads/main@sha1:{h}")
    );
}

#[test]
fn semver_picks_the_highest_matching_tag() {
    let tags = [
        "v0.9.0",
        "v1.0.0",
        "v1.2.3",
        "1.3.0-rc.1",
        "v2.0.0",
        "not-a-version",
        "v1.4",
    ];
    let pick = |r: &str| highest_matching_tag(r, tags.iter().copied()).unwrap();
    // `v1.4` has two parts: Flux's ParseVersion ignores it.
    assert_eq!(pick(">=1.0.0 <2.0.0").as_deref(), Some("v1.2.3"));
    assert_eq!(pick(">=1.0.0-0 <2.0.0").as_deref(), Some("1.3.0-rc.1"));
    assert_eq!(pick("^1.2 || ^2").as_deref(), Some("v2.0.0"));
    assert_eq!(pick("1.2.x").as_deref(), Some("v1.2.3"));
    assert_eq!(pick("~1.2").as_deref(), Some("v1.2.3"));
    assert_eq!(pick("*").as_deref(), Some("v2.0.0"));
    assert_eq!(pick(">= v1.0.0, < v1.3.0").as_deref(), Some("v1.2.3"));
    assert_eq!(pick(">=5.0.0"), None);
    assert!(highest_matching_tag("not a range", tags.iter().copied()).is_err());
    let same = ["1.0.0+b", "v1.0.0", "1.0.0+a"];
    let got = highest_matching_tag("1.0.0", same.iter().copied()).unwrap();
    assert_eq!(got.as_deref(), Some("1.0.0+a"));
}
