//! Checking values against a schema without compiling it, for the common case: values that pass.
//!
//! Compiling a schema builds a validator for each of its sub-schemas, patterns included, while
//! a check only visits the parts the values reach. For traefik's 181 KB schema, compiling takes
//! ~7 M instructions and the check ~0.1 M. So values are first walked together with the schema,
//! for the keywords chart schemas use. The walk only ever answers "certainly valid"; everything
//! else (a violation, a keyword it does not know, a reference it cannot follow) is left to the
//! compiled validator, which also words the errors.
//!
//! Being certain takes three things here:
//! - the schema is one the compiled validator accepts: it passes the meta-schema of a draft
//!   this module knows, every `$ref` in it is a pointer into the same document, and every
//!   pattern in it compiles (jsonschema refuses a schema with a broken one even where no value
//!   reaches it);
//! - each keyword met is checked at least as strictly as jsonschema checks it, or the answer is
//!   "not sure" (stricter is safe: a value this module wrongly calls invalid only goes to the
//!   compiled validator; `if` is evaluated even under draft 6, which has no such keyword);
//! - patterns are matched by jsonschema itself (a one-keyword schema per pattern), so they mean
//!   what they mean to the compiled validator.

use std::cmp::Ordering;
use std::collections::HashMap;

use jsonschema::Draft;
use serde_json::{Map, Number, Value as Json};

/// Whether `values` satisfies `schema` for certain. `false` means "not known": compile the
/// schema and let the validator decide.
pub(super) fn certainly_valid(schema: &Json, values: &Json) -> bool {
    let draft = match Draft::default().detect(schema) {
        // Draft 4 words several keywords differently (boolean exclusiveMinimum, no boolean
        // schemas); an unknown `$schema` names a meta-schema this module cannot fetch.
        Draft::Draft4 | Draft::Unknown => return false,
        draft => draft,
    };
    let mut checker = Checker {
        root: schema,
        draft,
        patterns: HashMap::new(),
    };
    checker.accepts_whole(schema, true)
        && jsonschema::meta::is_valid(schema)
        && checker.check(schema, values, 0) == Verdict::Valid
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Valid,
    Invalid,
    Unsure,
}

use Verdict::{Invalid, Unsure, Valid};

impl Verdict {
    fn from_bool(ok: bool) -> Verdict {
        if ok { Valid } else { Invalid }
    }

    /// Both must hold: invalid if either is certainly invalid.
    fn and(self, other: Verdict) -> Verdict {
        match (self, other) {
            (Invalid, _) | (_, Invalid) => Invalid,
            (Valid, Valid) => Valid,
            _ => Unsure,
        }
    }
}

/// Keywords of the JSON Schema drafts that assert nothing: skipped.
const ANNOTATIONS: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "definitions",
    "title",
    "description",
    "default",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
];

/// Keywords of the JSON Schema drafts this module does not check: meeting one means "not sure".
/// (Keywords outside the drafts, such as Bitnami's `form` or `hidden`, are ignored by every
/// validator, and here too.)
const NOT_CHECKED: &[&str] = &[
    "multipleOf",
    "uniqueItems",
    "contains",
    "minContains",
    "maxContains",
    "prefixItems",
    "additionalItems",
    "patternProperties",
    "propertyNames",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "unevaluatedItems",
    "unevaluatedProperties",
    "format",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$recursiveRef",
    "$recursiveAnchor",
    "$vocabulary",
    "id",
];

/// How deep `$ref`s and combinators may nest on one value before the answer is "not sure" (a
/// schema that refers to itself for the same value would never end).
const MAX_DEPTH: usize = 64;

struct Checker<'s> {
    root: &'s Json,
    draft: Draft,
    /// Each pattern's one-keyword validator (`None`: jsonschema refuses the pattern).
    patterns: HashMap<&'s str, Option<jsonschema::Validator>>,
}

impl<'s> Checker<'s> {
    /// Whether the compiled validator would accept the schema as far as references and
    /// patterns go: every `$ref` points into this document, no sub-schema has its own `$id`
    /// or `$schema` (they change what references mean), every pattern compiles. Looks at every
    /// object in the document, data such as `default` included: a false "no" is harmless.
    fn accepts_whole(&mut self, node: &'s Json, at_root: bool) -> bool {
        match node {
            Json::Array(items) => items.iter().all(|item| self.accepts_whole(item, false)),
            Json::Object(map) => map.iter().all(|(key, value)| {
                let fits = match (key.as_str(), value) {
                    ("$ref", Json::String(reference)) => self.resolve(reference).is_some(),
                    ("$ref", _) => false,
                    ("$id" | "$schema", _) => at_root,
                    ("pattern", Json::String(pattern)) => self.pattern(pattern).is_some(),
                    // Its names are patterns too; the keyword is not checked anyway.
                    ("patternProperties", _) => false,
                    _ => true,
                };
                fits && self.accepts_whole(value, false)
            }),
            _ => true,
        }
    }

    /// The sub-schema a local reference (`#` or `#/json/pointer`) names.
    fn resolve(&self, reference: &str) -> Option<&'s Json> {
        let pointer = reference.strip_prefix('#')?;
        // Percent-encoded pointers are left to the validator.
        if pointer.contains('%') || !(pointer.is_empty() || pointer.starts_with('/')) {
            return None;
        }
        self.root.pointer(pointer)
    }

    /// The validator of the one-keyword schema `{"pattern": pattern}`.
    fn pattern(&mut self, pattern: &'s str) -> Option<&jsonschema::Validator> {
        self.patterns
            .entry(pattern)
            .or_insert_with(|| {
                jsonschema::validator_for(&serde_json::json!({ "pattern": pattern })).ok()
            })
            .as_ref()
    }

    fn check(&mut self, schema: &'s Json, value: &Json, depth: usize) -> Verdict {
        if depth > MAX_DEPTH {
            return Unsure;
        }
        let map = match schema {
            Json::Bool(accepts) => return Verdict::from_bool(*accepts),
            Json::Object(map) => map,
            _ => return Unsure,
        };
        // Before 2019-09, `$ref` makes the other keywords beside it count for nothing.
        if let Some(Json::String(reference)) = map.get("$ref")
            && matches!(self.draft, Draft::Draft6 | Draft::Draft7)
        {
            return match self.resolve(reference) {
                Some(target) => self.check(target, value, depth + 1),
                None => Unsure,
            };
        }
        let mut verdict = Valid;
        for (keyword, argument) in map {
            verdict = verdict.and(self.keyword(map, keyword, argument, value, depth));
            if verdict == Invalid {
                break;
            }
        }
        verdict
    }

    fn keyword(
        &mut self,
        schema: &'s Map<String, Json>,
        keyword: &str,
        argument: &'s Json,
        value: &Json,
        depth: usize,
    ) -> Verdict {
        match keyword {
            "type" => match argument {
                Json::String(name) => type_matches(name, value),
                Json::Array(names) => any(names.iter().map(|name| match name {
                    Json::String(name) => type_matches(name, value),
                    _ => Unsure,
                })),
                _ => Unsure,
            },
            "enum" => match argument {
                Json::Array(options) => any(options.iter().map(|o| equal(o, value))),
                _ => Unsure,
            },
            "const" => equal(argument, value),
            "$ref" => match argument {
                Json::String(reference) => match self.resolve(reference) {
                    Some(target) => self.check(target, value, depth + 1),
                    None => Unsure,
                },
                _ => Unsure,
            },
            "properties" => match (argument, value) {
                (Json::Object(properties), Json::Object(object)) => {
                    all(object.iter().filter_map(|(name, item)| {
                        let sub = properties.get(name)?;
                        Some(self.check(sub, item, depth + 1))
                    }))
                }
                (Json::Object(_), _) => Valid,
                _ => Unsure,
            },
            "additionalProperties" => {
                let Json::Object(object) = value else {
                    return Valid;
                };
                // Which names count as additional also depends on patternProperties: that
                // keyword alone already makes the schema "not sure".
                let declared = schema.get("properties").and_then(Json::as_object);
                let mut verdict = Valid;
                for (name, item) in object {
                    if !declared.is_some_and(|d| d.contains_key(name)) {
                        verdict = verdict.and(self.check(argument, item, depth + 1));
                    }
                }
                verdict
            }
            "required" => match (argument, value) {
                (Json::Array(names), Json::Object(object)) => all(names.iter().map(|n| match n {
                    Json::String(name) => Verdict::from_bool(object.contains_key(name)),
                    _ => Unsure,
                })),
                (Json::Array(_), _) => Valid,
                _ => Unsure,
            },
            "items" => match (argument, value) {
                (Json::Array(_), _) => Unsure,
                (_, Json::Array(items)) => all(items
                    .iter()
                    .map(|item| self.check(argument, item, depth + 1))),
                _ => Valid,
            },
            "minItems" | "maxItems" => match value {
                Json::Array(items) => count_within(keyword, argument, items.len()),
                _ => Valid,
            },
            "minProperties" | "maxProperties" => match value {
                Json::Object(object) => count_within(keyword, argument, object.len()),
                _ => Valid,
            },
            "minLength" | "maxLength" => match value {
                Json::String(text) => count_within(keyword, argument, text.chars().count()),
                _ => Valid,
            },
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                match (argument, value) {
                    (Json::Number(limit), Json::Number(number)) => match compare(number, limit) {
                        Some(order) => Verdict::from_bool(match keyword {
                            "minimum" => order != Ordering::Less,
                            "maximum" => order != Ordering::Greater,
                            "exclusiveMinimum" => order == Ordering::Greater,
                            _ => order == Ordering::Less,
                        }),
                        None => Unsure,
                    },
                    (Json::Number(_), _) => Valid,
                    _ => Unsure,
                }
            }
            "pattern" => match (argument, value) {
                (Json::String(pattern), Json::String(_)) => match self.pattern(pattern) {
                    Some(validator) => Verdict::from_bool(validator.is_valid(value)),
                    None => Unsure,
                },
                (Json::String(_), _) => Valid,
                _ => Unsure,
            },
            "allOf" | "anyOf" | "oneOf" => {
                let Json::Array(branches) = argument else {
                    return Unsure;
                };
                let verdicts: Vec<Verdict> = branches
                    .iter()
                    .map(|branch| self.check(branch, value, depth + 1))
                    .collect();
                match keyword {
                    "allOf" => all(verdicts),
                    "anyOf" => any(verdicts),
                    _ => one(&verdicts),
                }
            }
            "not" => match self.check(argument, value, depth + 1) {
                Valid => Invalid,
                Invalid => Valid,
                Unsure => Unsure,
            },
            "if" => {
                let branch = match self.check(argument, value, depth + 1) {
                    Valid => "then",
                    Invalid => "else",
                    Unsure => return Unsure,
                };
                match schema.get(branch) {
                    Some(sub) => self.check(sub, value, depth + 1),
                    None => Valid,
                }
            }
            // Only count with `if` (checked there).
            "then" | "else" => Valid,
            _ if ANNOTATIONS.contains(&keyword) => Valid,
            _ if NOT_CHECKED.contains(&keyword) => Unsure,
            // Not a keyword of any draft: every validator ignores it.
            _ => Valid,
        }
    }
}

fn all(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    verdicts.into_iter().fold(Valid, Verdict::and)
}

fn any(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    let mut result = Invalid;
    for verdict in verdicts {
        match verdict {
            Valid => return Valid,
            Unsure => result = Unsure,
            Invalid => {}
        }
    }
    result
}

/// `oneOf`: exactly one branch valid, known only when every branch is known.
fn one(verdicts: &[Verdict]) -> Verdict {
    if verdicts.contains(&Unsure) {
        return Unsure;
    }
    Verdict::from_bool(verdicts.iter().filter(|v| **v == Valid).count() == 1)
}

/// `minItems` & co.: `count` against a non-negative integer limit.
fn count_within(keyword: &str, limit: &Json, count: usize) -> Verdict {
    let Some(limit) = limit.as_u64() else {
        return Unsure;
    };
    let count = count as u64;
    Verdict::from_bool(if keyword.starts_with("min") {
        count >= limit
    } else {
        count <= limit
    })
}

fn type_matches(name: &str, value: &Json) -> Verdict {
    Verdict::from_bool(match name {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        // Since draft 6 a number without a fraction is an integer, written `1.0` or not (values
        // hold every number as a float, as Helm's do).
        "integer" => match value {
            Json::Number(n) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
            _ => false,
        },
        _ => return Unsure,
    })
}

/// How `a` compares to `b`; `None` when it cannot be told exactly here (a float beside an
/// integer too large for a float to hold).
fn compare(a: &Number, b: &Number) -> Option<Ordering> {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return Some(x.cmp(&y));
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return Some(x.cmp(&y));
    }
    if a.is_f64() || b.is_f64() {
        let exact = |n: &Number| -> Option<f64> {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                return Some(f);
            }
            let i = n.as_i64().map(i128::from).or(n.as_u64().map(i128::from))?;
            (i.unsigned_abs() <= 1 << 53).then_some(i as f64)
        };
        return exact(a)?.partial_cmp(&exact(b)?);
    }
    // One negative i64 and one u64 above i64::MAX.
    Some(if a.as_i64().is_some() {
        Ordering::Less
    } else {
        Ordering::Greater
    })
}

/// JSON equality as schemas mean it (`1` equals `1.0`).
fn equal(a: &Json, b: &Json) -> Verdict {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match compare(x, y) {
            Some(order) => Verdict::from_bool(order == Ordering::Equal),
            None => Unsure,
        },
        (Json::Array(xs), Json::Array(ys)) => {
            if xs.len() != ys.len() {
                return Invalid;
            }
            all(xs.iter().zip(ys).map(|(x, y)| equal(x, y)))
        }
        (Json::Object(xs), Json::Object(ys)) => {
            if xs.len() != ys.len() {
                return Invalid;
            }
            all(xs.iter().map(|(k, x)| match ys.get(k) {
                Some(y) => equal(x, y),
                None => Invalid,
            }))
        }
        _ => Verdict::from_bool(a == b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compiled_says_valid(schema: &Json, value: &Json) -> bool {
        jsonschema::validator_for(schema)
            .map(|v| v.is_valid(value))
            .unwrap_or(false)
    }

    /// Schemas with the keywords chart schemas use, and some the quick check leaves alone.
    fn schemas() -> Vec<Json> {
        vec![
            json!({"type": "object", "properties": {"a": {"type": "integer", "minimum": 1, "maximum": 5}}}),
            json!({"type": "object", "required": ["a"], "additionalProperties": false,
                   "properties": {"a": {"type": ["string", "null"]}, "b": {"type": "boolean"}}}),
            json!({"properties": {"a": {"enum": ["x", 1, null, [1, "y"], {"k": "v"}]}}}),
            json!({"properties": {"a": {"const": 1.5}}}),
            json!({"properties": {"a": {"type": "string", "pattern": "^v[0-9]+$", "minLength": 2, "maxLength": 3}}}),
            json!({"properties": {"a": {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 2}}}),
            json!({"properties": {"a": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}),
            json!({"properties": {"a": {"oneOf": [{"type": "number"}, {"type": "integer"}]}}}),
            json!({"properties": {"a": {"not": {"type": "string"}}}}),
            json!({"properties": {"a": {"if": {"type": "string"}, "then": {"minLength": 2}, "else": {"type": "integer"}}}}),
            json!({"properties": {"a": {"exclusiveMinimum": 0, "exclusiveMaximum": 2.5}}}),
            json!({"properties": {"a": {"minProperties": 1, "maxProperties": 1}}}),
            json!({"$defs": {"port": {"type": "integer", "maximum": 65535}},
                   "properties": {"a": {"$ref": "#/$defs/port", "minimum": 1}}}),
            json!({"$schema": "http://json-schema.org/draft-07/schema#",
                   "definitions": {"port": {"type": "integer"}},
                   "properties": {"a": {"$ref": "#/definitions/port", "type": "string"}}}),
            json!({"$schema": "http://json-schema.org/schema#",
                   "properties": {"a": {"type": "object", "additionalProperties": {"type": "string"}}}}),
            json!({"properties": {"a": {"allOf": [{"minimum": 0}, {"maximum": 3}]}}}),
            json!({"properties": {"a": true, "b": false}}),
            json!({"properties": {"a": {"form": true, "hidden": {"value": 1}, "type": "integer"}}}),
            // Left to the compiled validator.
            json!({"properties": {"a": {"multipleOf": 0.5}}}),
            json!({"properties": {"a": {"uniqueItems": true}}}),
            json!({"properties": {"a": {"format": "ipv4"}}}),
            json!({"patternProperties": {"^a": {"type": "string"}}}),
            json!({"properties": {"a": {"$ref": "other.json#/x"}}}),
            json!({"$schema": "http://json-schema.org/draft-04/schema#", "properties": {"a": {"type": "integer"}}}),
        ]
    }

    fn values() -> Vec<Json> {
        vec![
            json!({}),
            json!({"a": 1}),
            json!({"a": 3, "b": true}),
            json!({"a": 7}),
            json!({"a": 0}),
            json!({"a": -1}),
            json!({"a": 2.5}),
            json!({"a": 1.5}),
            json!({"a": 1.0}),
            json!({"a": "x"}),
            json!({"a": "v1"}),
            json!({"a": "v12"}),
            json!({"a": "v123"}),
            json!({"a": "é"}),
            json!({"a": null}),
            json!({"a": [1, "y"]}),
            json!({"a": [1.5]}),
            json!({"a": []}),
            json!({"a": [1, 2, 3]}),
            json!({"a": {"k": "v"}}),
            json!({"a": {"k": 1}}),
            json!({"a": {}}),
            json!({"a": 70000}),
            json!({"a": "1.2.3.4"}),
            json!({"a": 18446744073709551615u64}),
            json!({"b": 1}),
            json!({"a": "s", "c": 1}),
        ]
    }

    #[test]
    fn what_the_quick_check_calls_valid_the_compiled_validator_calls_valid() {
        let mut answered = 0;
        let mut valid = 0;
        let schemas = schemas();
        let (meant, left) = schemas.split_at(schemas.len() - 6);
        for schema in meant {
            for value in values() {
                let full = compiled_says_valid(schema, &value);
                valid += usize::from(full);
                if certainly_valid(schema, &value) {
                    assert!(
                        full,
                        "quick says valid, jsonschema does not: {schema} / {value}"
                    );
                    answered += 1;
                }
            }
        }
        // It answers for the valid pairs of the schemas it is meant for, but for one: `1.0`
        // against `{"a": 18446744073709551615}`-sized limits it cannot compare exactly.
        assert!(
            answered + 1 >= valid,
            "answered {answered} of {valid} valid pairs"
        );
        for schema in left {
            for value in values().iter().filter(|v| v.get("a").is_some()) {
                assert!(!certainly_valid(schema, value), "{schema} / {value}");
            }
        }
    }

    #[test]
    fn each_keyword_decides_as_the_validator_does() {
        let cases = [
            (json!({"type": "integer", "minimum": 1}), json!(1), true),
            (json!({"type": "integer", "minimum": 1}), json!(0), false),
            (json!({"maximum": 2.5}), json!(2), true),
            (json!({"exclusiveMaximum": 2}), json!(2), false),
            (json!({"enum": ["x", 1]}), json!(1), true),
            (json!({"enum": ["x", 1]}), json!(1.0), true),
            (json!({"enum": ["x", 1]}), json!(1.5), false),
            (json!({"type": "integer"}), json!(65534.0), true),
            (json!({"type": "integer"}), json!(0.5), false),
            (json!({"pattern": "^v[0-9]+$"}), json!("v12"), true),
            (json!({"pattern": "^v[0-9]+$"}), json!("w12"), false),
            (json!({"maxLength": 1}), json!("é"), true),
            (json!({"required": ["a"]}), json!({"b": 1}), false),
            (
                json!({"additionalProperties": false, "properties": {"a": {}}}),
                json!({"a": 1}),
                true,
            ),
            (
                json!({"additionalProperties": false, "properties": {"a": {}}}),
                json!({"b": 1}),
                false,
            ),
            (
                json!({"oneOf": [{"type": "number"}, {"type": "integer"}]}),
                json!(1),
                false,
            ),
            (
                json!({"oneOf": [{"type": "number"}, {"type": "string"}]}),
                json!(1),
                true,
            ),
            (json!({"not": {"type": "string"}}), json!(1), true),
            (
                json!({"if": {"type": "string"}, "then": {"minLength": 2}}),
                json!("a"),
                false,
            ),
            (json!({"items": {"type": "string"}}), json!(["a", 1]), false),
            (
                json!({"$defs": {"p": {"maximum": 9}}, "$ref": "#/$defs/p"}),
                json!(5),
                true,
            ),
            (
                json!({"$defs": {"p": {"maximum": 9}}, "$ref": "#/$defs/p"}),
                json!(10),
                false,
            ),
            // Beside `$ref`, draft 7 ignores the other keywords.
            (
                json!({"$schema": "http://json-schema.org/draft-07/schema#",
                       "definitions": {"p": {"type": "integer"}}, "$ref": "#/definitions/p", "type": "string"}),
                json!(5),
                true,
            ),
            // Bitnami's own keywords are not JSON Schema's: ignored.
            (
                json!({"form": true, "hidden": {"value": false}}),
                json!(5),
                true,
            ),
        ];
        for (schema, value, expected) in cases {
            assert_eq!(
                compiled_says_valid(&schema, &value),
                expected,
                "jsonschema on {schema} / {value}"
            );
            assert_eq!(
                certainly_valid(&schema, &value),
                expected,
                "quick check on {schema} / {value}"
            );
        }
    }

    #[test]
    fn schemas_the_compiled_validator_refuses_are_left_to_it() {
        let refused = [
            // Not a type name: the meta-schema refuses it.
            json!({"properties": {"a": {"type": "strin"}}}),
            // A pattern that is no regex, where no value reaches it.
            json!({"properties": {"unused": {"pattern": "(["}}}),
            // A reference to nothing, where no value reaches it.
            json!({"properties": {"unused": {"$ref": "#/$defs/missing"}}}),
            // A custom meta-schema.
            json!({"$schema": "https://example.com/my-meta", "type": "object"}),
        ];
        for schema in refused {
            assert!(jsonschema::validator_for(&schema).is_err(), "{schema}");
            assert!(!certainly_valid(&schema, &json!({"a": 1})), "{schema}");
        }
    }

    /// The point of the module: the fixture charts' schemas pass their own default values
    /// without being compiled.
    #[test]
    fn fixture_chart_schemas_are_checked_without_compiling() {
        let fixtures = crate::fixtures().join("charts");
        let mut checked = 0;
        for entry in std::fs::read_dir(&fixtures).unwrap() {
            let path = entry.unwrap().path();
            if !path.join("Chart.yaml").exists() {
                continue;
            }
            let chart = crate::Chart::load(path).unwrap();
            let mut stack = vec![&chart];
            while let Some(chart) = stack.pop() {
                stack.extend(&chart.dependencies);
                let Some(bytes) = &chart.schema else { continue };
                let schema: Json = serde_json::from_slice(bytes).unwrap();
                let values = Json::Object((*chart.values).clone());
                assert!(compiled_says_valid(&schema, &values), "{}", chart.name());
                assert!(certainly_valid(&schema, &values), "{}", chart.name());
                checked += 1;
            }
        }
        assert!(checked >= 6, "{checked} schemas");
    }
}
