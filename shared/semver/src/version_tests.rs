use std::cmp::Ordering;

use super::*;

#[test]
fn parses_leniently_like_new_version() {
    // (input, parses)
    let cases = [
        ("1.2.3", true),
        ("v1.2.3", true),
        ("1.0", true),
        ("v1.0", true),
        ("1", true),
        ("v1", true),
        ("01.02.3", true),
        ("1.2-5", true),
        ("1.2-beta.5", true),
        ("1.2.3+test.01", true),
        ("1.2.3-alpha.-1", true),
        ("1.2.0-x.Y.0+metadata-with-hyphen", true),
        ("1.2.3-rc1-with-hyphen", true),
        ("1.2.3-0abc123", true),
        ("1.2.2147483648", true),
        ("20221209-update-renovatejson-v4", true),
        ("1.2.3-alpha.01", false),
        ("1.2.3-beta.01", false),
        ("1.2.beta", false),
        ("foo", false),
        ("", false),
        ("v", false),
        ("V1.2.3", false),
        ("vv1.2.3", false),
        ("\n1.2", false),
        (" 1.2.3", false),
        ("1.2.3.4", false),
        ("12.3.4.1234", false),
        ("1.1.2+.123", false),
        ("1.0.0-alpha_beta", false),
        ("1.0.0-alpha..1", false),
        ("9.8.7+meta+meta", false),
        ("1.2.31----RC-SNAPSHOT.12.09.1--.12+788", false),
        ("99999999999999999999.0.0", false),
        ("1.2.", false),
        (".1.2", false),
    ];
    for (input, ok) in cases {
        assert_eq!(Version::parse(input).is_ok(), ok, "{input:?}");
    }
}

#[test]
fn keeps_parts_and_original() {
    let v = Version::parse("v1.2-beta.1+build.5").unwrap();
    assert_eq!((v.major, v.minor, v.patch), (1, 2, 0));
    assert_eq!((v.pre.as_str(), v.metadata.as_str()), ("beta.1", "build.5"));
    assert_eq!(v.original, "v1.2-beta.1+build.5");
    assert_eq!(v.to_string(), "1.2.0-beta.1+build.5");
    assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
    assert_eq!(Version::new(1, 2, 3).original, "1.2.3");
}

#[test]
fn error_messages_are_masterminds() {
    let cases = [
        ("foo", "invalid semantic version"),
        ("1.2.3-beta.01", "version segment starts with 0"),
        (
            "99999999999999999999",
            "error parsing version segment: value out of range",
        ),
    ];
    for (input, msg) in cases {
        assert_eq!(
            Version::parse(input).unwrap_err().to_string(),
            msg,
            "{input:?}"
        );
    }
    let long = format!("1.2.3-{}", "a".repeat(300));
    assert_eq!(Version::parse(&long), Err(VersionError::TooLong));
}

#[test]
fn orders_by_precedence() {
    use Ordering::*;
    let cases = [
        ("1.2.3", "1.5.1", Less),
        ("2.2.3", "1.5.1", Greater),
        ("2.2.3", "2.2.2", Greater),
        ("3.2-beta", "3.2-beta", Equal),
        ("1.3", "1.1.4", Greater),
        ("4.2", "4.2-beta", Greater),
        ("4.2-beta", "4.2", Less),
        ("4.2-alpha", "4.2-beta", Less),
        ("4.2-beta.2", "4.2-beta.1", Greater),
        ("4.2-beta2", "4.2-beta1", Greater),
        ("4.2-beta", "4.2-beta.2", Less),
        ("4.2-beta", "4.2-beta.foo", Less),
        ("4.2-beta.foo", "4.2-beta", Greater),
        ("1.2+bar", "1.2+baz", Equal),
        ("1.0.0-beta.4", "1.0.0-beta.-2", Less),
        ("1.0.0-beta.-2", "1.0.0-beta.-3", Less),
        ("1.0.0-alpha.9", "1.0.0-alpha.10", Less),
        ("1.0.0-1", "1.0.0-alpha", Less),
        ("v1.0.0", "1.0.0", Equal),
        ("1.0.0-rc.1", "0.9.9", Greater),
    ];
    for (a, b, want) in cases {
        let (va, vb) = (Version::parse(a).unwrap(), Version::parse(b).unwrap());
        assert_eq!(va.cmp(&vb), want, "{a} vs {b}");
        assert_eq!(vb.cmp(&va), want.reverse(), "{b} vs {a}");
        assert_eq!(va == vb, want == Equal, "{a} == {b}");
    }
}
