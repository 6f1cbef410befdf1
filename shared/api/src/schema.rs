//! Schema helpers for fields the apiserver must store as arbitrary JSON.

use schemars::{Schema, SchemaGenerator, json_schema};

/// Schema for a field holding any JSON value, kept as is by the apiserver
/// (`x-kubernetes-preserve-unknown-fields: true`), like Helm values.
pub fn preserve_unknown_fields(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "x-kubernetes-preserve-unknown-fields": true })
}

/// Schema for a field holding any JSON object, kept as is by the apiserver.
pub fn preserve_unknown_object(_: &mut SchemaGenerator) -> Schema {
    json_schema!({ "type": "object", "x-kubernetes-preserve-unknown-fields": true })
}
