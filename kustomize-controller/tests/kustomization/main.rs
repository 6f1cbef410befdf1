//! The Kustomization reconciler in this process against the real test cluster, with a local
//! artifact server standing in for source-controller: applying, drift, pruning, deletion and
//! impersonation.

mod apply;
mod harness;
mod lifecycle;
