//! Failed-login counters in fixed windows, expired by TTL.

use anyhow::Context;
use chrono::Utc;

use super::{Store, StoreResult, n};
use crate::keys::{self, attr};

/// Length of a counting window.
const WINDOW_SECONDS: i64 = 15 * 60;

/// The current fixed window for login throttling.
#[derive(Debug, Clone, Copy)]
pub struct LoginWindow {
    index: i64,
}

impl LoginWindow {
    /// The window containing now.
    pub fn now() -> Self {
        Self {
            index: Utc::now().timestamp() / WINDOW_SECONDS,
        }
    }

    /// Seconds until the window ends (what `Retry-After` says).
    pub fn seconds_left(&self) -> i64 {
        (self.index + 1) * WINDOW_SECONDS - Utc::now().timestamp()
    }
}

impl Store {
    /// Failed logins so far in `window` for each subject, in the order given.
    pub async fn login_failures(
        &self,
        subjects: &[String],
        window: LoginWindow,
    ) -> StoreResult<Vec<u64>> {
        let keys: Vec<_> = subjects
            .iter()
            .map(|s| keys::login_throttle(s, window.index))
            .collect();
        let items = self.batch_get(keys.clone(), true).await?;
        Ok(keys
            .iter()
            .map(|k| {
                items
                    .iter()
                    .find(|i| i.get(attr::PK).and_then(|v| v.as_s().ok()) == Some(&k.pk))
                    .and_then(|i| i.get("count"))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0)
            })
            .collect())
    }

    /// Counts one more failed login for `subject` (atomic ADD).
    pub async fn record_login_failure(
        &self,
        subject: &str,
        window: LoginWindow,
    ) -> StoreResult<()> {
        let expires = (window.index + 2) * WINDOW_SECONDS;
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::login_throttle(subject, window.index).to_item()))
            .update_expression("ADD #c :one SET #ttl = :ttl")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#ttl", attr::TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n(expires))
            .send()
            .await
            .context("recording a failed login")?;
        Ok(())
    }

    /// Forgets `subject`'s failures after a successful login.
    pub async fn clear_login_failures(
        &self,
        subject: &str,
        window: LoginWindow,
    ) -> StoreResult<()> {
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::login_throttle(subject, window.index).to_item()))
            .send()
            .await
            .context("clearing failed logins")?;
        Ok(())
    }
}
