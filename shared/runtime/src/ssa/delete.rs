//! Deleting (pruning) a set of objects, keeping the ones marked to be kept.

use super::object::{annotation, label};
use super::{Action, ChangeSet, ChangeSetEntry, Error, ObjectRef, ResourceManager};
use kube::api::DeleteParams;
use std::collections::BTreeMap;

/// Which objects may be deleted.
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    /// Only objects carrying all of these labels are deleted (the owner labels), so objects
    /// someone else adopted are never removed.
    pub required_labels: BTreeMap<String, String>,
}

impl ResourceManager {
    /// Deletes each object that still exists, carries `required_labels` and is not annotated
    /// `<group>/prune: disabled`; the others are reported `Skipped`. Every object is tried;
    /// failures are reported together at the end.
    pub async fn delete_all(
        &self,
        objects: &[ObjectRef],
        opts: &DeleteOptions,
    ) -> Result<ChangeSet, Error> {
        let mut changes = ChangeSet::default();
        let mut failures = Vec::new();
        for id in objects {
            match self.delete_one(id, opts).await {
                Ok(action) => changes.entries.push(ChangeSetEntry {
                    object: id.clone(),
                    action,
                }),
                Err(e) => failures.push(e.to_string()),
            }
        }
        if failures.is_empty() {
            Ok(changes)
        } else {
            Err(Error::Delete { failures })
        }
    }

    async fn delete_one(&self, id: &ObjectRef, opts: &DeleteOptions) -> Result<Action, Error> {
        let api = match self.api_for(id).await {
            Ok(api) => api,
            // The kind is gone (its CRD was removed), so the object is gone too.
            Err(Error::UnknownKind { .. }) => return Ok(Action::Skipped),
            Err(e) => return Err(e),
        };
        let live = api.get_opt(&id.name).await.map_err(|source| Error::Read {
            object: id.to_string(),
            source,
        })?;
        let Some(live) = live else {
            return Ok(Action::Skipped);
        };
        let live = serde_json::to_value(live).unwrap_or_default();
        if annotation(&live, &self.owner.annotation_key("prune")) == Some("disabled") {
            return Ok(Action::Skipped);
        }
        if !opts
            .required_labels
            .iter()
            .all(|(k, v)| label(&live, k) == Some(v.as_str()))
        {
            return Ok(Action::Skipped);
        }
        match api.delete(&id.name, &DeleteParams::background()).await {
            Ok(_) => Ok(Action::Deleted),
            Err(kube::Error::Api(s)) if s.code == 404 => Ok(Action::Skipped),
            Err(source) => Err(Error::Read {
                object: id.to_string(),
                source,
            }),
        }
    }
}
