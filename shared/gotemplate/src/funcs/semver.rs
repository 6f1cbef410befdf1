//! `semver` and `semverCompare`: thin wrappers over [`ferroflux_semver`] (Masterminds/semver v3
//! rules, as sprig uses them) converting to and from template values.

use std::cmp::Ordering;
use std::sync::Arc;

use ferroflux_semver::{Constraint, Version};

use super::super::value::{TemplateObject, Value};
use super::FuncResult;
use super::args::{arity, fail, string};

/// Whether `version` satisfies `constraint` (sprig's `semverCompare`); errors are Masterminds'.
pub fn semver_compare(constraint: &str, version: &str) -> Result<bool, String> {
    let c = Constraint::parse(constraint).map_err(|e| e.to_string())?;
    let v = Version::parse(version).map_err(|e| e.to_string())?;
    Ok(c.matches(&v))
}

/// A `*semver.Version` in a template: its Masterminds methods.
struct VersionObject(Version);

impl TemplateObject for VersionObject {
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let v = &self.0;
        Some(Ok(match name {
            "Major" => Value::Int(v.major as i64),
            "Minor" => Value::Int(v.minor as i64),
            "Patch" => Value::Int(v.patch as i64),
            "Prerelease" => Value::String(v.pre.clone()),
            "Metadata" => Value::String(v.metadata.clone()),
            "Original" => Value::String(v.original.clone()),
            "String" => Value::String(v.to_string()),
            "Compare" | "LessThan" | "GreaterThan" | "Equal" => {
                let Some(Value::Object(o)) = args.first() else {
                    return Some(Err("expected a version".into()));
                };
                let Some(other) = o
                    .call_method("String", &[])
                    .and_then(|r| r.ok())
                    .and_then(|s| s.as_str().and_then(|s| Version::parse(s).ok()))
                else {
                    return Some(Err("expected a version".into()));
                };
                let ord = v.cmp(&other);
                match name {
                    "Compare" => Value::Int(ord as i64),
                    "LessThan" => Value::Bool(ord == Ordering::Less),
                    "GreaterThan" => Value::Bool(ord == Ordering::Greater),
                    _ => Value::Bool(ord == Ordering::Equal),
                }
            }
            _ => return None,
        }))
    }
    fn type_name(&self) -> &str {
        "*semver.Version"
    }
    fn display(&self) -> Option<String> {
        Some(self.0.to_string())
    }
}

/// Calls a semver function.
pub fn call(name: &str, a: &[Value]) -> Option<FuncResult> {
    Some(match name {
        "semver" => arity(a, 1).and_then(|_| match Version::parse(&string(a, 0)?) {
            Ok(v) => Ok(Value::Object(Arc::new(VersionObject(v)))),
            Err(e) => fail(e.to_string()),
        }),
        "semverCompare" => {
            arity(a, 2).and_then(|_| match semver_compare(&string(a, 0)?, &string(a, 1)?) {
                Ok(b) => Ok(Value::Bool(b)),
                Err(e) => fail(e),
            })
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::semver_compare as sc;

    #[test]
    fn wraps_masterminds_rules() {
        assert_eq!(sc(">=1.2 <2", "1.5.0"), Ok(true));
        assert_eq!(sc(">= 1.21-0", "1.25.3-gke.1"), Ok(true));
        assert_eq!(sc(">= 1.21", "1.25.3-gke.1"), Ok(false));
        assert_eq!(
            sc("nope", "1.0.0"),
            Err(r#"improper constraint: "nope""#.into())
        );
        assert_eq!(sc(">=1", "nope"), Err("invalid semantic version".into()));
    }
}
