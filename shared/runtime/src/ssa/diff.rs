//! Dry-run diff: what applying a set would change, without changing anything.

use super::object::{annotation, comparable};
use super::{Action, Error, ObjectRef, ResourceManager};
use kube::api::{Patch, PatchParams};
use serde_json::Value;

/// The difference between the live object and what applying would make of it.
#[derive(Debug, Clone, PartialEq)]
pub struct DiffEntry {
    /// The object.
    pub object: ObjectRef,
    /// `Created`, `Configured`, `Unchanged` or `Skipped`.
    pub action: Action,
    /// The live object without server-owned fields (`None` when it does not exist).
    pub live: Option<Value>,
    /// The server's dry-run result without server-owned fields (`None` when skipped).
    pub desired: Option<Value>,
}

impl ResourceManager {
    /// Dry-runs each object and reports how it differs from the cluster. Secret values are
    /// replaced by a mask that only tells whether a value changed.
    pub async fn diff(&self, objects: &[Value]) -> Result<Vec<DiffEntry>, Error> {
        let mut entries = Vec::with_capacity(objects.len());
        for object in objects {
            entries.push(self.diff_one(object).await?);
        }
        Ok(entries)
    }

    async fn diff_one(&self, object: &Value) -> Result<DiffEntry, Error> {
        let id = super::object_ref(object)?;
        let skipped = |live| DiffEntry {
            object: id.clone(),
            action: Action::Skipped,
            live,
            desired: None,
        };
        if annotation(object, &self.owner.annotation_key("reconcile")) == Some("disabled")
            || annotation(object, &self.owner.annotation_key("ssa"))
                .is_some_and(|p| p.eq_ignore_ascii_case("ignore"))
        {
            return Ok(skipped(None));
        }
        let api = self.api_for(&id).await?;
        let read_err = |source| Error::Read {
            object: id.to_string(),
            source,
        };
        let live = api.get_opt(&id.name).await.map_err(read_err)?;
        let live = live.map(|l| comparable(&serde_json::to_value(l).unwrap_or_default()));
        let params = PatchParams::apply(&self.owner.field_manager)
            .force()
            .dry_run();
        let dry = api
            .patch(&id.name, &params, &Patch::Apply(object))
            .await
            .map_err(|source| {
                let message = match &source {
                    kube::Error::Api(s) => s.message.clone(),
                    other => other.to_string(),
                };
                Error::DryRun {
                    failures: vec![format!("{id} dry-run failed: {message}")],
                }
            })?;
        let desired = comparable(&serde_json::to_value(dry).unwrap_or_default());
        let action = match &live {
            None => Action::Created,
            Some(l) if *l == desired => Action::Unchanged,
            Some(_) => Action::Configured,
        };
        let (live, desired) = if id.group.is_empty() && id.kind == "Secret" {
            mask_secret_values(live, desired)
        } else {
            (live, desired)
        };
        Ok(DiffEntry {
            object: id,
            action,
            live,
            desired: Some(desired),
        })
    }
}

/// Replaces Secret `data` values with `*** (before)` / `*** (after)` where they differ and
/// `***` where they are equal, so a diff shows which keys change but never a value.
fn mask_secret_values(live: Option<Value>, mut desired: Value) -> (Option<Value>, Value) {
    let mut live = live;
    let live_data = live
        .as_ref()
        .and_then(|l| l.get("data"))
        .cloned()
        .unwrap_or(Value::Null);
    if let Some(data) = desired.get_mut("data").and_then(Value::as_object_mut) {
        for (key, value) in data.iter_mut() {
            let same = live_data.get(key) == Some(value);
            *value = Value::String(if same { "***" } else { "*** (after)" }.into());
        }
    }
    let desired_data = desired.get("data").cloned().unwrap_or(Value::Null);
    if let Some(data) = live
        .as_mut()
        .and_then(|l| l.get_mut("data"))
        .and_then(Value::as_object_mut)
    {
        for (key, value) in data.iter_mut() {
            let same = desired_data.get(key).is_some_and(|v| v == "***");
            *value = Value::String(if same { "***" } else { "*** (before)" }.into());
        }
    }
    (live, desired)
}

#[cfg(test)]
mod tests {
    use super::mask_secret_values;
    use serde_json::json;

    #[test]
    fn secret_values_never_appear_in_a_diff() {
        let live = json!({"data": {"same": "YQ==", "changed": "Yg==", "gone": "Yw=="}});
        let desired = json!({"data": {"same": "YQ==", "changed": "ZA==", "new": "ZQ=="}});
        let (live, desired) = mask_secret_values(Some(live), desired);
        assert_eq!(
            desired,
            json!({"data": {"same": "***", "changed": "*** (after)", "new": "*** (after)"}})
        );
        assert_eq!(
            live.unwrap(),
            json!({"data": {"same": "***", "changed": "*** (before)", "gone": "*** (before)"}})
        );
    }
}
