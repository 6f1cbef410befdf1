use super::*;

/// (constraint, version, matches): Masterminds' own check table and the cases Ferroflux's
/// earlier implementations were tested with.
const CHECKS: &[(&str, &str, bool)] = &[
    ("*", "1.2.3", true),
    ("*", "3.0.0", true),
    ("~0.0.0", "1.2.3", true),
    ("0.x.x", "1.2.3", false),
    ("0.0.x", "1.2.3", false),
    ("0.0.0", "1.2.3", false),
    ("^0.0.0", "1.2.3", false),
    ("= 2.0", "1.2.3", false),
    ("= 2.0", "2.0.0", true),
    ("4.1", "4.1.0", true),
    ("4.1.x", "4.1.3", true),
    ("1.x", "1.4", true),
    ("1.x", "1.9.9", true),
    ("2.x.x", "2.3.4", true),
    ("1.2.x", "1.2.7", true),
    ("1.2.x", "1.3.0", false),
    ("=1.2.3", "1.2.3", true),
    ("1.2.3", "1.2.4", false),
    ("v1.2.3", "1.2.3", true),
    ("!=1.2.3", "1.2.3", false),
    ("!=4.1", "4.1.0", false),
    ("!=4.1-alpha", "4.1.0-alpha", false),
    ("!=4.1-alpha", "4.1.1-alpha", false),
    ("!=4.1-alpha", "4.1.0", true),
    ("!=4.1", "5.1.0", true),
    ("!=4.x", "5.1.0", true),
    ("!=4.x", "4.1.0", false),
    ("!=4.1.x", "4.2.0", true),
    ("!=4.2.x", "4.2.3", false),
    (">1.1", "4.1.0", true),
    (">1.1", "1.1.0", false),
    (">1.2", "1.2.5", false),
    (">1", "1.5.0", false),
    ("<1.1", "0.1.0", true),
    ("<1.1", "1.1.0", false),
    ("<1.1", "1.1.1", false),
    ("<1.x", "1.1.1", false),
    ("<1.x", "0.1.1", true),
    ("<1.x", "2.0.0", false),
    ("<1.1.x", "1.2.1", false),
    ("<1.1.x", "1.1.500", false),
    ("<1.1.x", "1.0.500", true),
    ("<1.2.x", "1.1.1", true),
    (">=1.1", "4.1.0", true),
    (">=1.1", "4.1.0-beta", false),
    (">=1.1", "1.1.0", true),
    (">=1.1", "0.0.9", false),
    ("<=1.1", "0.1.0", true),
    ("<=1.1", "0.1.0-alpha", false),
    ("<=1.1-a", "0.1.0-alpha", true),
    ("<=1.1", "1.1.0", true),
    ("<=1.x", "1.1.0", true),
    ("<=2.x", "3.0.0", false),
    ("<=1.1", "1.1.1", true),
    ("<=1.2", "1.2.9", true),
    ("<=1.1.x", "1.2.500", false),
    ("<=4.5", "3.7.0", true),
    ("<=4.5", "4.6.3", false),
    ("=>1.2", "1.3.0", true),
    ("=<1.2", "1.3.0", false),
    (">1.1, <2", "1.1.1", false),
    (">1.1, <2", "1.2.1", true),
    (">1.1, <3", "4.3.2", false),
    (">=1.2, <2", "1.5.0", true),
    (">=1.2 <2", "1.5.0", true),
    (">=1.2 <2", "2.0.0", false),
    (">=1.1 <2 !=1.2.3", "1.2.3", false),
    (">=1.1, <2, !=1.2.3 || > 3", "4.1.2", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.1.2", false),
    (">=1.1, <2, !=1.2.3 || >= 3", "3.0.0", true),
    (">=1.1, <2, !=1.2.3 || > 3", "3.0.0", false),
    ("> 1.1 < 2", "1.1.1", false),
    (">1.1 < 2", "1.2.1", true),
    (">=1.1 < 2 != 1.2.3", "1.2.3", false),
    (">= 1.0.0 <= 2.0.0-beta", "1.0.1-beta", true),
    (">= 1.0.0 <= 2.0.0-beta", "1.0.1", true),
    (">= 1.0.0 <= 2.0.0-beta", "3.0.0", false),
    (">= 1.0.0 <= 2.0.0-beta || > 3", "1.0.1-beta", true),
    (">= 1.0.0 <= 2.0.0-beta || > 3", "3.0.1-beta", false),
    (">= 1.0.0 <= 2.0.0-beta != 1.0.1 || > 3", "1.0.1-beta", true),
    (
        ">= 1.0.0 <= 2.0.0-beta != 1.0.1-beta || > 3",
        "1.0.1-beta",
        false,
    ),
    (">= 1.0.0-0 <= 2.0.0", "1.0.1-beta", true),
    (">= 1.21-0", "1.25.3-gke.1", true),
    (">=1.21-0 <2", "1.25.3-gke.1", true),
    (">= 1.21", "1.25.3-gke.1", false),
    (">=1.19.0-0", "v1.37.0", true),
    (">=1.19.0", "1.37.0-rc.1", false),
    (">1.0.0-alpha", "1.0.0-beta", true),
    ("<1.0.0-alpha.10", "1.0.0-alpha.9", true),
    ("<1 || >=3", "3.1.0", true),
    ("<1 || >=3", "2.0.0", false),
    ("<1.0 || >=2.0", "1.5.0", false),
    ("1.1 - 2", "1.1.1", true),
    ("1.5.0 - 4.5", "3.7.0", true),
    ("1.2 - 1.4", "1.3.0", true),
    ("1.2 - 1.4", "1.4.9", true),
    ("1.2 - 1.4", "1.5.0", false),
    ("1.1-3", "4.3.2", false),
    ("1.0.0 - 2.0.0 <=2.0.0", "1.5.0", true),
    ("1.0.0 - 2.0.0, <=2.0.0", "1.5.0", true),
    ("^1.1", "1.1.1", true),
    ("^1.1", "4.3.2", false),
    ("^1.2", "1.9.9", true),
    ("^1.2", "2.0.0", false),
    ("^1.x", "1.1.1", true),
    ("^2.x", "1.1.1", false),
    ("^1.x", "2.1.1", false),
    ("^1.x", "1.1.1-beta1", false),
    ("^1.1.2-alpha", "1.2.1-beta1", true),
    ("^1.2.x-alpha", "1.1.1-beta1", false),
    ("^0.2.3", "0.2.9", true),
    ("^0.2.3", "0.3.0", false),
    ("^0.0.1", "0.0.1", true),
    ("^0.0.1", "0.3.1", false),
    ("^0.0.3", "0.0.4", false),
    ("^0.0", "0.0.9", true),
    ("^0", "0.9.0", true),
    ("~*", "2.1.1", true),
    ("~1", "2.1.1", false),
    ("~1", "1.3.5", true),
    ("~1", "1.4", true),
    ("~1.x", "2.1.1", false),
    ("~1.x", "1.3.5", true),
    ("~1.1", "1.1.1", true),
    ("~1.1", "1.1.1-alpha", false),
    ("~1.1-alpha", "1.1.1-beta", true),
    ("~1.1.1-beta", "1.1.1-alpha", false),
    ("~1.1.1-beta", "1.1.1", true),
    ("~1.2.3", "1.2.5", true),
    ("~1.2.3", "1.2.2", false),
    ("~1.2.3", "1.3.2", false),
    ("~1.2", "1.3.0", false),
    ("~>1.2", "1.2.9", true),
    ("~1.3", "2.4.5", false),
    (">= v1.2.0", "v1.3.0", true),
    (">=1.0", "notaversion", false),
];

#[test]
fn checks_like_masterminds() {
    for &(constraint, version, want) in CHECKS {
        let c = Constraint::parse(constraint).unwrap_or_else(|e| panic!("{constraint:?}: {e}"));
        assert_eq!(
            c.matches_str(version),
            want,
            "{constraint:?} vs {version:?}"
        );
        assert_eq!(crate::is_compatible_range(constraint, version), want);
    }
}

#[test]
fn parses_groups_like_new_constraint() {
    // (input, Some((or-groups, comparisons in the first group)) or None for an error)
    let cases: &[(&str, Option<(usize, usize)>)] = &[
        (">= 1.1", Some((1, 1))),
        (">40.50.60, < 50.70", Some((1, 2))),
        ("2.0", Some((1, 1))),
        ("v2.3.5-20161202202307-sha.e8fc5e5", Some((1, 1))),
        ("v1.2.3-0abc", Some((1, 1))),
        (">= 1.2.3 < 2.0", Some((1, 2))),
        (">= 1.2.3 < 2.0 || => 3.0 < 4", Some((2, 2))),
        (">= 1.2.3, < 2.0 || => 3.0, < 4", Some((2, 2))),
        ("3 - 4 || => 3.0, < 4", Some((2, 2))),
        ("12.3.34 ~1.2.3", Some((1, 2))),
        ("1.0.0 - 2.0.0, <=2.0.0", Some((1, 3))),
        ("v1.2.3-beta.01", None),
        (">= bar", None),
        ("BAR >= 1.2.3", None),
        ("12.3.4.1234", None),
        ("12.3.34~ 1.2.3", None),
        ("", None),
        ("1.2 ||", None),
        ("abc", None),
        ("not a range", None),
        (">=1.2,", None),
        (">=1.2,,<2", None),
        ("1.2<2", None),
        (">>1.2", None),
        ("1x.2", None),
    ];
    for &(input, want) in cases {
        let got = Constraint::parse(input)
            .ok()
            .map(|c| (c.groups.len(), c.groups[0].items.len()));
        assert_eq!(got, want, "{input:?}");
    }
}

#[test]
fn errors_are_masterminds() {
    let err = |s: &str| Constraint::parse(s).unwrap_err().to_string();
    assert_eq!(err("abc"), r#"improper constraint: "abc""#);
    assert_eq!(err(">=1 || x y z"), r#"improper constraint: " x y z""#);
    assert_eq!(err("1x.2"), "constraint parser error");
    assert_eq!(
        err(&"1".repeat(600)),
        "constraint string is too long (max 512 bytes)"
    );
    assert_eq!(
        err(&["1"; 33].join("||")),
        "too many constraint groups (max 32)"
    );
    assert!(Constraint::parse(&["1"; 32].join("||")).is_ok());
}

#[test]
fn rewrites_hyphen_ranges() {
    let cases = [
        ("2 - 3", ">= 2, <= 3 "),
        ("2 - 3, 2 - 3", ">= 2, <= 3 ,>= 2, <= 3 "),
        ("2 - 3, 4.0.0 - 5.1", ">= 2, <= 3 ,>= 4.0.0, <= 5.1 "),
        (
            "2 - 3, 4.0.0 - 5.1 || 1 - 2",
            ">= 2, <= 3 ,>= 4.0.0, <= 5.1 ||>= 1, <= 2 ",
        ),
        ("2 - 3 4.0.0 - 5.1", ">= 2, <= 3 >= 4.0.0, <= 5.1 "),
        ("1.0.0 - 2.0.0 <=2.0.0", ">= 1.0.0, <= 2.0.0 <=2.0.0"),
        ("1.2-3", "1.2-3"),
    ];
    for (input, want) in cases {
        assert_eq!(rewrite_ranges(input), want, "{input:?}");
    }
}

#[test]
fn displays_its_text() {
    assert_eq!(
        Constraint::parse(">= 1.2, <2").unwrap().to_string(),
        ">= 1.2, <2"
    );
}
