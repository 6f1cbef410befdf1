//! Conditions on a Flux object's status and the summary that derives `Ready`, `Reconciling` and
//! `Stalled` from the outcome of the reconcile steps (Flux's summarize pattern).
//!
//! Steps set or clear only their own abnormal conditions (`FetchFailed`, `StorageOperationFailed`,
//! ...). The driver then calls [`summarize`] once, which is the only place `Ready` is written.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};

/// `Ready` condition type.
pub const READY: &str = "Ready";
/// `Reconciling` condition type: True only while work is in progress or being retried.
pub const RECONCILING: &str = "Reconciling";
/// `Stalled` condition type: True only when the user must change something.
pub const STALLED: &str = "Stalled";
/// Reason used on `Reconciling` while a failed reconciliation is being retried.
pub const PROGRESSING_WITH_RETRY: &str = "ProgressingWithRetry";

/// What the controller does after a step failed: this decides the conditions and the requeue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user must change something: `Stalled=True`, no retry until the object changes.
    Stalling,
    /// A dependency is not ready yet: `Reconciling=True`, requeue soon.
    Waiting,
    /// Anything else: `Reconciling=True`, retry with backoff.
    Generic,
}

/// A condition's status. Kubernetes writes it as the strings `True`, `False` and `Unknown`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The condition holds.
    True,
    /// The condition does not hold.
    False,
    /// It is not known yet (Flux's `Ready` while a reconciliation is in progress).
    Unknown,
}

impl Status {
    /// The string Kubernetes stores.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::True => "True",
            Status::False => "False",
            Status::Unknown => "Unknown",
        }
    }

    /// The status of a condition as stored; anything but `True`/`False` reads as `Unknown`.
    pub fn of(condition: &Condition) -> Self {
        match condition.status.as_str() {
            "True" => Status::True,
            "False" => Status::False,
            _ => Status::Unknown,
        }
    }
}

/// A step error that knows its Flux condition reason and its [`ErrorKind`].
pub trait StepError: std::error::Error {
    /// The Flux reason written on the failing condition and on `Ready`.
    fn reason(&self) -> &'static str;
    /// Whether the user must act, a dependency is awaited, or a retry may help.
    fn kind(&self) -> ErrorKind;
}

/// Finds the condition of the given type.
pub fn get<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// The status of the condition of the given type, if present.
pub fn status(conditions: &[Condition], type_: &str) -> Option<Status> {
    get(conditions, type_).map(Status::of)
}

/// True when the condition of the given type exists with status `True`.
pub fn is_true(conditions: &[Condition], type_: &str) -> bool {
    status(conditions, type_) == Some(Status::True)
}

/// True when `Ready` exists with status `True`.
pub fn is_ready(conditions: &[Condition]) -> bool {
    is_true(conditions, READY)
}

/// Sets a condition, keeping its `lastTransitionTime` when the status did not change.
pub fn set(
    conditions: &mut Vec<Condition>,
    type_: &str,
    status: Status,
    reason: &str,
    message: &str,
    generation: Option<i64>,
) {
    let new = Condition {
        type_: type_.to_string(),
        status: status.as_str().to_string(),
        reason: reason.to_string(),
        message: truncate_message(message),
        observed_generation: generation,
        last_transition_time: Time(jiff::Timestamp::now()),
    };
    match conditions.iter_mut().find(|c| c.type_ == type_) {
        Some(old) => {
            let time = if old.status == new.status {
                old.last_transition_time.clone()
            } else {
                new.last_transition_time.clone()
            };
            *old = Condition {
                last_transition_time: time,
                ..new
            };
        }
        None => conditions.push(new),
    }
}

/// Records a step's failure on the step's own abnormal condition (`type_` = True with the
/// error's reason and message), so [`summarize`] can rank it by the kind's negative polarity.
pub fn mark_failed(
    conditions: &mut Vec<Condition>,
    type_: &str,
    err: &dyn StepError,
    generation: Option<i64>,
) {
    let message = err.to_string();
    set(
        conditions,
        type_,
        Status::True,
        err.reason(),
        &message,
        generation,
    );
}

/// Records a step's result on its own abnormal condition: an error sets `type_` (see
/// [`mark_failed`]), success removes it. Returns the result for `?`.
pub fn track<T, E: StepError>(
    conditions: &mut Vec<Condition>,
    type_: &str,
    result: Result<T, E>,
    generation: Option<i64>,
) -> Result<T, E> {
    match &result {
        Ok(_) => remove(conditions, type_),
        Err(e) => mark_failed(conditions, type_, e, generation),
    }
    result
}

/// Declares a kind's `Failure`: one variant per step error, each converting with `?` and
/// answering [`StepError`] with the step's own reason and kind.
///
/// ```ignore
/// ferroflux_runtime::step_failures! {
///     /// Any step's failure, as the driver sees it.
///     pub enum Failure {
///         /// The spec cannot be acted on.
///         Spec(SpecError),
///         /// The source could not be fetched.
///         Source(SourceError),
///     }
/// }
/// ```
#[macro_export]
macro_rules! step_failures {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident($error:ty)),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, thiserror::Error)]
        $vis enum $name {
            $($(#[$vmeta])* #[error(transparent)] $variant(#[from] $error)),+
        }

        impl $crate::conditions::StepError for $name {
            fn reason(&self) -> &'static str {
                match self {
                    $($name::$variant(e) => $crate::conditions::StepError::reason(e)),+
                }
            }
            fn kind(&self) -> $crate::conditions::ErrorKind {
                match self {
                    $($name::$variant(e) => $crate::conditions::StepError::kind(e)),+
                }
            }
        }
    };
}

/// Removes the condition of the given type, if present.
pub fn remove(conditions: &mut Vec<Condition>, type_: &str) {
    conditions.retain(|c| c.type_ != type_);
}

/// True when both lists hold the same conditions (in any order), ignoring `lastTransitionTime`.
/// Used to skip status writes that would change only timestamps, so nothing patches in a loop.
pub fn same_ignoring_time(a: &[Condition], b: &[Condition]) -> bool {
    a.len() == b.len()
        && a.iter().all(|x| {
            get(b, &x.type_).is_some_and(|y| {
                x.status == y.status
                    && x.reason == y.reason
                    && x.message == y.message
                    && x.observed_generation == y.observed_generation
            })
        })
}

/// Kubernetes caps condition messages at 32768 bytes.
fn truncate_message(message: &str) -> String {
    const MAX: usize = 32_000;
    if message.len() <= MAX {
        return message.to_string();
    }
    let mut end = MAX;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &message[..end])
}

/// The outcome of a reconciliation, as the summary sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Every step succeeded; `Ready=True` with this reason and message.
    Succeeded {
        /// Reason for `Ready=True` (e.g. `Succeeded`).
        reason: String,
        /// Message for `Ready=True` (e.g. `stored artifact for revision '...'`).
        message: String,
    },
    /// A step failed.
    Failed {
        /// The step error's reason.
        reason: String,
        /// The step error's message (never containing secrets).
        message: String,
        /// What the failure means for the object.
        kind: ErrorKind,
    },
}

impl Outcome {
    /// Builds a failed outcome from a step error.
    pub fn from_error(err: &dyn StepError) -> Self {
        Outcome::Failed {
            reason: err.reason().to_string(),
            message: err.to_string(),
            kind: err.kind(),
        }
    }
}

/// Derives `Ready`, `Reconciling` and `Stalled` from the outcome (Flux's summarize semantics):
/// - success: `Ready=True`, `Reconciling` and `Stalled` removed;
/// - stalling failure: `Stalled=True` and `Ready=False` with the error's reason, `Reconciling` removed;
/// - other failures: `Reconciling=True` (`ProgressingWithRetry`) and `Ready=False`, `Stalled` removed.
///
/// `Ready`'s reason on failure is the first abnormal condition from `negative_polarity` that is
/// True (the priority order of the kind), else the error's own reason.
pub fn summarize(
    conditions: &mut Vec<Condition>,
    outcome: &Outcome,
    negative_polarity: &[&str],
    generation: Option<i64>,
) {
    match outcome {
        Outcome::Succeeded { reason, message } => {
            remove(conditions, RECONCILING);
            remove(conditions, STALLED);
            set(conditions, READY, Status::True, reason, message, generation);
        }
        Outcome::Failed {
            reason,
            message,
            kind,
        } => {
            let (ready_reason, ready_message) = negative_polarity
                .iter()
                .filter_map(|t| get(conditions, t))
                .find(|c| Status::of(c) == Status::True)
                .map(|c| (c.reason.clone(), c.message.clone()))
                .unwrap_or_else(|| (reason.clone(), message.clone()));
            if *kind == ErrorKind::Stalling {
                remove(conditions, RECONCILING);
                set(
                    conditions,
                    STALLED,
                    Status::True,
                    reason,
                    message,
                    generation,
                );
            } else {
                remove(conditions, STALLED);
                let retry = format!("retrying: {message}");
                set(
                    conditions,
                    RECONCILING,
                    Status::True,
                    PROGRESSING_WITH_RETRY,
                    &retry,
                    generation,
                );
            }
            set(
                conditions,
                READY,
                Status::False,
                &ready_reason,
                &ready_message,
                generation,
            );
        }
    }
}

#[cfg(test)]
mod tests;
