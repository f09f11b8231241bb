//! Login-attempt counters in fixed windows, expired by TTL (the scheme is in the login
//! handler and the README).

use anyhow::Context;
use chrono::Utc;

use super::{Store, StoreResult};
use crate::keys;

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
    /// Counts one login attempt against each subject, before the password is checked
    /// (atomic ADDs, concurrently), and returns the counts including this attempt: a
    /// burst of parallel guesses is counted in full before any of them is verified.
    pub async fn count_login_attempts(
        &self,
        subjects: &[String],
        window: LoginWindow,
    ) -> StoreResult<Vec<u64>> {
        let expires = (window.index + 2) * WINDOW_SECONDS;
        futures::future::try_join_all(subjects.iter().map(|subject| async move {
            self.bump_counter(&keys::login_throttle(subject, window.index), 1, expires)
                .await
        }))
        .await
    }

    /// After a correct password: forgets `pair` (the user's own typos are forgiven) and
    /// takes this attempt back from the `ceilings`, which count only failures.
    pub async fn refund_login_attempt(
        &self,
        pair: &str,
        ceilings: &[String],
        window: LoginWindow,
    ) -> StoreResult<()> {
        let expires = (window.index + 2) * WINDOW_SECONDS;
        let forget = async {
            self.db
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(keys::login_throttle(pair, window.index).to_item()))
                .send()
                .await
                .context("clearing login attempts")?;
            Ok::<_, super::StoreError>(())
        };
        let refunds = futures::future::try_join_all(ceilings.iter().map(|subject| async move {
            self.bump_counter(&keys::login_throttle(subject, window.index), -1, expires)
                .await
        }));
        tokio::try_join!(forget, refunds)?;
        Ok(())
    }
}
