//! Objects that may not deserialize. A watch of typed objects fails as a whole when one object
//! does not match the Rust type (a field of the wrong type, an enum value this version does not
//! know), and then no object of the kind is reconciled. [`Parsed`] is what the driver watches
//! instead: every object deserializes into it, either as the typed object or as its metadata
//! plus the error, which names the field (`spec.interval: invalid type: ...`). The driver marks
//! such an object Stalled and the others go on.

use std::borrow::Cow;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta};
use kube::Resource;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An object of kind `K` as read from the API: typed, or invalid with the reason.
#[derive(Clone, Debug)]
pub enum Parsed<K> {
    /// The object matches the type.
    Valid(K),
    /// The object does not deserialize into `K` (boxed: rare, and larger than most kinds).
    Invalid(Box<InvalidObject>),
}

/// What is known of an object that does not deserialize.
#[derive(Clone, Debug)]
pub struct InvalidObject {
    /// Its metadata (name, namespace, generation, finalizers ...), when that much parses.
    pub metadata: ObjectMeta,
    /// The field that failed and why, e.g. `spec.interval: invalid type: integer, expected a string`.
    pub error: String,
    /// `status.conditions` as stored, when they parse.
    pub conditions: Vec<Condition>,
    /// `status.observedGeneration` as stored.
    pub observed_generation: Option<i64>,
}

impl<K> Parsed<K> {
    /// The typed object, when it deserialized.
    pub fn valid(&self) -> Option<&K> {
        match self {
            Parsed::Valid(k) => Some(k),
            Parsed::Invalid(_) => None,
        }
    }
}

impl<K: DeserializeOwned> Parsed<K> {
    /// Deserializes `value` into `K`, or keeps its metadata and the path of the failing field.
    pub fn from_value(value: serde_json::Value) -> Self {
        match serde_path_to_error::deserialize::<_, K>(&value) {
            Ok(k) => Parsed::Valid(k),
            Err(e) => {
                let path = e.path().to_string();
                let error = if path.is_empty() || path == "." {
                    e.inner().to_string()
                } else {
                    format!("{path}: {}", e.inner())
                };
                let metadata = value
                    .get("metadata")
                    .and_then(|m| ObjectMeta::deserialize(m).ok())
                    .unwrap_or_default();
                let status = value.get("status");
                let conditions = status
                    .and_then(|s| s.get("conditions"))
                    .and_then(|c| Vec::<Condition>::deserialize(c).ok())
                    .unwrap_or_default();
                let observed_generation = status
                    .and_then(|s| s.get("observedGeneration"))
                    .and_then(|g| g.as_i64());
                Parsed::Invalid(Box::new(InvalidObject {
                    metadata,
                    error,
                    conditions,
                    observed_generation,
                }))
            }
        }
    }
}

impl<'de, K: DeserializeOwned> Deserialize<'de> for Parsed<K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        Ok(Self::from_value(value))
    }
}

/// Serializes the typed object, or only the metadata of an invalid one (what the finalizer
/// helper needs to patch it).
impl<K: Resource<DynamicType = ()> + Serialize> Serialize for Parsed<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Parsed::Valid(k) => k.serialize(serializer),
            Parsed::Invalid(invalid) => serde_json::json!({
                "apiVersion": K::api_version(&()),
                "kind": K::kind(&()),
                "metadata": invalid.metadata,
            })
            .serialize(serializer),
        }
    }
}

impl<K: Resource<DynamicType = ()>> Resource for Parsed<K> {
    type DynamicType = ();
    type Scope = K::Scope;

    fn kind(dt: &()) -> Cow<'_, str> {
        K::kind(dt)
    }
    fn group(dt: &()) -> Cow<'_, str> {
        K::group(dt)
    }
    fn version(dt: &()) -> Cow<'_, str> {
        K::version(dt)
    }
    fn api_version(dt: &()) -> Cow<'_, str> {
        K::api_version(dt)
    }
    fn plural(dt: &()) -> Cow<'_, str> {
        K::plural(dt)
    }
    fn meta(&self) -> &ObjectMeta {
        match self {
            Parsed::Valid(k) => k.meta(),
            Parsed::Invalid(invalid) => &invalid.metadata,
        }
    }
    fn meta_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Parsed::Valid(k) => k.meta_mut(),
            Parsed::Invalid(invalid) => &mut invalid.metadata,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferroflux_api::source::v1::GitRepository;
    use serde_json::json;

    #[test]
    fn a_field_of_the_wrong_type_is_named_and_the_metadata_kept() {
        let value = json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {"name": "app", "namespace": "team", "generation": 3},
            "spec": {"url": "https://example.com/repo", "interval": 5}
        });
        let Parsed::<GitRepository>::Invalid(invalid) = Parsed::from_value(value) else {
            panic!("an integer interval must not deserialize");
        };
        assert!(
            invalid.error.starts_with("spec.interval: "),
            "{}",
            invalid.error
        );
        assert_eq!(invalid.metadata.name.as_deref(), Some("app"));
        assert_eq!(invalid.metadata.generation, Some(3));
    }

    #[test]
    fn a_valid_object_is_typed() {
        let value = json!({
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {"name": "app", "namespace": "team"},
            "spec": {"url": "https://example.com/repo", "interval": "5m"}
        });
        let parsed: Parsed<GitRepository> = serde_json::from_value(value).unwrap();
        assert_eq!(parsed.valid().unwrap().spec.interval, "5m");
        assert_eq!(parsed.meta().namespace.as_deref(), Some("team"));
    }
}
