//! Staged server-side apply: dry-run everything, then apply what differs.

use super::cleanup::{CleanupOptions, cleanup_patch};
use super::object::{annotation, apply_order, comparable, is_cluster_definition};
use super::{Action, ChangeSet, ChangeSetEntry, Error, ObjectRef, ResourceManager, WaitOptions};
use futures::StreamExt;
use kube::api::{DeleteParams, Patch, PatchParams};
use serde_json::Value;
use std::collections::BTreeSet;
use std::time::Duration;

/// How many objects are dry-run at once.
const CONCURRENT_DRY_RUNS: usize = 4;

/// How a set of objects is applied.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Recreate objects whose change the API server refuses as immutable (for every object;
    /// a single object opts in with the `<group>/force: enabled` annotation).
    pub force: bool,
    /// How long to wait for the first stage (CRDs Established, Namespaces active).
    pub wait_timeout: Duration,
    /// Fields and annotations of other managers to take over (skipped for objects annotated
    /// `<group>/ssa: Merge`).
    pub cleanup: CleanupOptions,
}

impl Default for ApplyOptions {
    fn default() -> Self {
        ApplyOptions {
            force: false,
            wait_timeout: Duration::from_secs(60),
            cleanup: CleanupOptions::default(),
        }
    }
}

/// What applying one object will do, decided from a server-side dry-run.
enum Step {
    Skip,
    Unchanged,
    Apply {
        exists: bool,
        cleanup: Option<Value>,
    },
    Recreate,
}

struct Planned {
    object: Value,
    id: ObjectRef,
    step: Step,
}

/// Kinds and namespaces the first stage will create: in the early dry-run of the second stage,
/// an object is not refused just because they do not exist yet.
#[derive(Default)]
struct Deferrable {
    /// Group, version and kind of every version a CRD in the set serves.
    kinds: BTreeSet<(String, String, String)>,
    namespaces: BTreeSet<String>,
}

impl Deferrable {
    fn from_stage_one(objects: &[Value]) -> Self {
        let mut d = Deferrable::default();
        for obj in objects {
            match obj.get("kind").and_then(Value::as_str) {
                Some("CustomResourceDefinition") => {
                    let group = obj.pointer("/spec/group").and_then(Value::as_str);
                    let kind = obj.pointer("/spec/names/kind").and_then(Value::as_str);
                    let (Some(g), Some(k)) = (group, kind) else {
                        continue;
                    };
                    let versions = obj.pointer("/spec/versions").and_then(Value::as_array);
                    let served = versions
                        .into_iter()
                        .flatten()
                        .filter(|v| v.get("served").and_then(Value::as_bool) != Some(false));
                    for name in served.filter_map(|v| v.get("name").and_then(Value::as_str)) {
                        d.kinds
                            .insert((g.to_string(), name.to_string(), k.to_string()));
                    }
                }
                Some("Namespace") => {
                    if let Some(n) = obj.pointer("/metadata/name").and_then(Value::as_str) {
                        d.namespaces.insert(n.to_string());
                    }
                }
                _ => {}
            }
        }
        d
    }

    fn defers(&self, id: &ObjectRef, err: &Error) -> bool {
        match err {
            Error::UnknownKind { .. } => {
                let gvk = (id.group.clone(), id.version.clone(), id.kind.clone());
                self.kinds.contains(&gvk)
            }
            Error::Read {
                source: kube::Error::Api(s),
                ..
            } => s.code == 404 && self.namespaces.contains(&id.namespace),
            _ => false,
        }
    }
}

impl ResourceManager {
    /// Applies a set in two stages. Everything is dry-run first, so one invalid object fails the
    /// whole set before anything changes (objects whose CRD or Namespace the set itself creates
    /// are dry-run after the first stage). Stage one (CRDs, Namespaces, cluster RBAC) is applied
    /// and waited for, discovery is refreshed, then the rest is applied.
    ///
    /// A failure after something was applied is [`Error::PartialApply`], listing what was.
    pub async fn apply_all_staged(
        &self,
        objects: &[Value],
        opts: &ApplyOptions,
    ) -> Result<ChangeSet, Error> {
        let mut changes = ChangeSet::default();
        match self.apply_staged_into(objects, opts, &mut changes).await {
            Ok(()) => Ok(changes),
            Err(e) if changes.entries.is_empty() => Err(e),
            Err(e) => Err(Error::PartialApply {
                applied: changes,
                source: Box::new(e),
            }),
        }
    }

    /// [`ResourceManager::apply_all_staged`], recording each handled object in `changes` as it
    /// goes.
    async fn apply_staged_into(
        &self,
        objects: &[Value],
        opts: &ApplyOptions,
        changes: &mut ChangeSet,
    ) -> Result<(), Error> {
        let (mut stage_one, mut stage_two) = (Vec::new(), Vec::new());
        for obj in objects {
            if is_cluster_definition(&super::object_ref(obj)?) {
                stage_one.push(obj.clone());
            } else {
                stage_two.push(obj.clone());
            }
        }
        let by_kind = |o: &Value| apply_order(o.get("kind").and_then(Value::as_str).unwrap_or(""));
        stage_one.sort_by_key(by_kind);
        stage_two.sort_by_key(by_kind);

        let deferrable = Deferrable::from_stage_one(&stage_one);
        let none = Deferrable::default();
        let (plan_one, mut failures) = self.plan(&stage_one, opts, &none).await?;
        let (plan_two, failures_two) = self.plan(&stage_two, opts, &deferrable).await?;
        failures.extend(failures_two);
        if !failures.is_empty() {
            return Err(Error::DryRun { failures });
        }

        let deferred = plan_two.len() < stage_two.len();
        self.execute(plan_one, changes).await?;
        let plan_two = if changes.changes().next().is_some() || deferred {
            let refs: Vec<ObjectRef> = changes.entries.iter().map(|e| e.object.clone()).collect();
            let wait = WaitOptions {
                timeout: opts.wait_timeout,
                fail_fast: true,
            };
            self.wait_for_set(&refs, &wait).await?;
            self.plan_after_stage_one(&stage_two, opts, &deferrable)
                .await?
        } else {
            plan_two
        };
        self.execute(plan_two, changes).await
    }

    /// Plans stage two once stage one is applied and ready. The API server can call a CRD
    /// Established a moment before its discovery serves the new kind, so while objects of kinds
    /// that stage one defined are still unknown, discovery is asked again (backing off up to the
    /// wait timeout). Past the timeout they fail the dry-run like any unknown kind.
    async fn plan_after_stage_one(
        &self,
        stage_two: &[Value],
        opts: &ApplyOptions,
        deferrable: &Deferrable,
    ) -> Result<Vec<Planned>, Error> {
        let deadline = tokio::time::Instant::now() + opts.wait_timeout;
        let mut delay = Duration::from_millis(50);
        loop {
            self.resolver.refresh();
            let now = tokio::time::Instant::now();
            let excused = if now < deadline {
                deferrable
            } else {
                &Deferrable::default()
            };
            let (plan, failures) = self.plan(stage_two, opts, excused).await?;
            if !failures.is_empty() {
                return Err(Error::DryRun { failures });
            }
            if plan.len() == stage_two.len() || now >= deadline {
                return Ok(plan);
            }
            tokio::time::sleep(delay.min(deadline - now)).await;
            delay = (delay * 2).min(Duration::from_secs(1));
        }
    }

    /// Applies a set in one stage: dry-runs every object, and only when all pass, applies the
    /// ones that differ from the cluster.
    pub async fn apply_all(
        &self,
        objects: &[Value],
        opts: &ApplyOptions,
    ) -> Result<ChangeSet, Error> {
        let (plan, failures) = self.plan(objects, opts, &Deferrable::default()).await?;
        if !failures.is_empty() {
            return Err(Error::DryRun { failures });
        }
        let mut changes = ChangeSet::default();
        match self.execute(plan, &mut changes).await {
            Ok(()) => Ok(changes),
            Err(e) if changes.entries.is_empty() => Err(e),
            Err(e) => Err(Error::PartialApply {
                applied: changes,
                source: Box::new(e),
            }),
        }
    }

    /// Dry-runs each object and decides its step, a few objects at a time (as Flux's
    /// `--concurrent-ssa`, 4). Refusals are collected as messages, in the set's order; objects
    /// that `deferrable` excuses are left out of the plan.
    async fn plan(
        &self,
        objects: &[Value],
        opts: &ApplyOptions,
        deferrable: &Deferrable,
    ) -> Result<(Vec<Planned>, Vec<String>), Error> {
        let ids = objects
            .iter()
            .map(super::object_ref)
            .collect::<Result<Vec<_>, _>>()?;
        let steps: Vec<Result<Step, Error>> =
            // Indices, not references, go through the closure: a closure taking references is
            // not general enough over lifetimes for the controller's Send bounds.
            futures::stream::iter(0..objects.len())
                .map(|i| self.plan_one(&objects[i], &ids[i], opts))
                .buffered(CONCURRENT_DRY_RUNS)
                .collect()
                .await;
        let (mut plan, mut failures) = (Vec::new(), Vec::new());
        for ((object, id), step) in objects.iter().zip(ids).zip(steps) {
            match step {
                Ok(step) => plan.push(Planned {
                    object: object.clone(),
                    id,
                    step,
                }),
                Err(e) if deferrable.defers(&id, &e) => {}
                Err(e @ (Error::UnknownKind { .. } | Error::MissingNamespace { .. })) => {
                    failures.push(e.to_string())
                }
                Err(Error::Read {
                    object,
                    source: kube::Error::Api(s),
                }) => failures.push(format!("{object} dry-run failed: {}", s.message)),
                Err(e) => return Err(e),
            }
        }
        Ok((plan, failures))
    }

    async fn plan_one(
        &self,
        object: &Value,
        id: &ObjectRef,
        opts: &ApplyOptions,
    ) -> Result<Step, Error> {
        let owner = &self.owner;
        let explicit_policy = annotation(object, &owner.annotation_key("ssa"));
        let ssa_policy = explicit_policy.unwrap_or("Merge");
        if annotation(object, &owner.annotation_key("reconcile")) == Some("disabled")
            || ssa_policy.eq_ignore_ascii_case("ignore")
        {
            return Ok(Step::Skip);
        }
        let api = self.api_for(id).await?;
        let read_err = |source| Error::Read {
            object: id.to_string(),
            source,
        };
        let if_not_present = ssa_policy.eq_ignore_ascii_case("ifnotpresent");
        if if_not_present && api.get_opt(&id.name).await.map_err(read_err)?.is_some() {
            return Ok(Step::Skip);
        }
        let params = PatchParams::apply(&owner.field_manager).force().dry_run();
        let dry = match api.patch(&id.name, &params, &Patch::Apply(object)).await {
            Ok(dry) => dry,
            Err(kube::Error::Api(s)) if is_immutable(&s) => {
                let forced = opts.force
                    || annotation(object, &owner.annotation_key("force")) == Some("enabled");
                return if forced {
                    Ok(Step::Recreate)
                } else {
                    Err(read_err(kube::Error::Api(s)))
                };
            }
            Err(source) => return Err(read_err(source)),
        };
        // A dry-run that would create the object answers without a resourceVersion (nothing was
        // stored); one that would update it carries the stored object's. Only an existing
        // object needs reading, to compare it with what the apply would make of it.
        let would_create = dry
            .metadata
            .resource_version
            .as_deref()
            .is_none_or(str::is_empty);
        let existing = if would_create {
            None
        } else {
            api.get_opt(&id.name).await.map_err(read_err)?
        };
        // `None` also when it was deleted between the dry-run and the read: create it.
        let Some(existing) = existing else {
            return Ok(Step::Apply {
                exists: false,
                cleanup: None,
            });
        };
        let dry = serde_json::to_value(dry).unwrap_or_default();
        let live = serde_json::to_value(existing).unwrap_or_default();
        let cleanup = match explicit_policy {
            Some(p) if p.eq_ignore_ascii_case("merge") => None,
            _ => cleanup_patch(&live, &owner.field_manager, &opts.cleanup),
        };
        if cleanup.is_none() && comparable(&dry) == comparable(&live) {
            Ok(Step::Unchanged)
        } else {
            Ok(Step::Apply {
                exists: true,
                cleanup,
            })
        }
    }

    /// Carries out a plan, in order, recording each object in `changes`; stops at the first
    /// failure.
    async fn execute(&self, plan: Vec<Planned>, changes: &mut ChangeSet) -> Result<(), Error> {
        for Planned { object, id, step } in plan {
            let action = match step {
                Step::Skip => Action::Skipped,
                Step::Unchanged => Action::Unchanged,
                Step::Apply { exists, cleanup } => {
                    if let Some(patch) = cleanup {
                        self.patch_metadata(&id, &patch).await?;
                    }
                    self.apply_one(&object, &id).await?;
                    if exists {
                        Action::Configured
                    } else {
                        Action::Created
                    }
                }
                Step::Recreate => {
                    self.delete_and_wait_gone(&id).await?;
                    self.apply_one(&object, &id).await?;
                    Action::Created
                }
            };
            changes.entries.push(ChangeSetEntry { object: id, action });
        }
        Ok(())
    }

    async fn apply_one(&self, object: &Value, id: &ObjectRef) -> Result<(), Error> {
        let api = self.api_for(id).await?;
        let params = PatchParams::apply(&self.owner.field_manager).force();
        api.patch(&id.name, &params, &Patch::Apply(object))
            .await
            .map_err(|source| Error::Apply {
                object: id.to_string(),
                source,
            })?;
        Ok(())
    }

    async fn patch_metadata(&self, id: &ObjectRef, patch: &Value) -> Result<(), Error> {
        let api = self.api_for(id).await?;
        api.patch(&id.name, &PatchParams::default(), &Patch::Merge(patch))
            .await
            .map_err(|source| Error::Apply {
                object: id.to_string(),
                source,
            })?;
        Ok(())
    }

    async fn delete_and_wait_gone(&self, id: &ObjectRef) -> Result<(), Error> {
        let api = self.api_for(id).await?;
        let failed = |e: kube::Error| Error::Delete {
            failures: vec![format!("{id}: {e}")],
        };
        match api.delete(&id.name, &DeleteParams::background()).await {
            Ok(_) => {}
            Err(kube::Error::Api(s)) if s.code == 404 => return Ok(()),
            Err(e) => return Err(failed(e)),
        }
        for _ in 0..120 {
            if api.get_opt(&id.name).await.map_err(failed)?.is_none() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        Err(Error::Delete {
            failures: vec![format!("{id}: still present 60s after deletion")],
        })
    }
}

/// True when the API server refused a change because it touches an immutable field.
fn is_immutable(status: &kube::core::Status) -> bool {
    let m = status.message.to_ascii_lowercase();
    status.code == 422
        && [
            "field is immutable",
            "immutable",
            "may not change",
            "cannot change",
            "updates to",
        ]
        .iter()
        .any(|needle| m.contains(needle))
}
