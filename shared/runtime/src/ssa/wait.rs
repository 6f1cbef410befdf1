//! Waiting for objects to become healthy, with the kstatus rules of [`crate::health`].

use super::{Error, ObjectRef, ResourceManager};
use crate::health::{self, Health, Status};
use std::time::Duration;

/// How long and how to wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    /// Give up after this long, reporting the objects that are not Current.
    pub timeout: Duration,
    /// Stop as soon as an object is Failed instead of waiting for the timeout.
    pub fail_fast: bool,
}

impl ResourceManager {
    /// The health of each object, as read from the cluster now.
    pub async fn status_of(&self, objects: &[ObjectRef]) -> Result<Vec<Health>, Error> {
        let mut out = Vec::with_capacity(objects.len());
        for id in objects {
            let health = match self.get(id).await {
                Ok(Some(live)) => health::compute_status(&live),
                Ok(None) | Err(Error::UnknownKind { .. }) => Health::not_found(),
                Err(e) => return Err(e),
            };
            out.push(health);
        }
        Ok(out)
    }

    /// Polls until every object is Current. Fails with [`Error::WaitTimeout`] naming each object
    /// that is not, or with [`Error::HealthFailed`] as soon as one is Failed when `fail_fast`.
    pub async fn wait_for_set(
        &self,
        objects: &[ObjectRef],
        opts: &WaitOptions,
    ) -> Result<(), Error> {
        let deadline = tokio::time::Instant::now() + opts.timeout;
        loop {
            let statuses = self.status_of(objects).await?;
            let describe = |(id, h): (&ObjectRef, &Health)| {
                format!("{id} status: '{}': {}", h.status, h.message)
            };
            let failed: Vec<String> = objects
                .iter()
                .zip(&statuses)
                .filter(|(_, h)| h.status == Status::Failed)
                .map(describe)
                .collect();
            if opts.fail_fast && !failed.is_empty() {
                return Err(Error::HealthFailed { failed });
            }
            let pending: Vec<String> = objects
                .iter()
                .zip(&statuses)
                .filter(|(_, h)| h.status != Status::Current)
                .map(describe)
                .collect();
            if pending.is_empty() {
                return Ok(());
            }
            if tokio::time::Instant::now() + self.poll_interval > deadline {
                return Err(Error::WaitTimeout { pending });
            }
            tokio::time::sleep(self.poll_interval).await;
        }
    }
}
