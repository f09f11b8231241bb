//! Login-attempt counters in fixed windows, expired by TTL, and the networks an account
//! signed in from (the scheme is in the login handler and the README).

use anyhow::Context;
use chrono::Utc;

use super::{Store, StoreResult, is_condition_failed, n};
use crate::keys::{self, attr};

/// Length of a counting window.
const WINDOW_SECONDS: i64 = 15 * 60;
/// How long a network stays known after a successful login from it.
const KNOWN_NETWORK_SECONDS: i64 = 90 * 24 * 3600;

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

    fn expires(&self) -> i64 {
        (self.index + 2) * WINDOW_SECONDS
    }
}

/// One login counter and its limit for the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginLimit {
    /// What is counted (an email with a source, a source IP, an email).
    pub subject: String,
    /// Attempts admitted per window.
    pub max: u64,
}

impl Store {
    /// Admits one login attempt if every limit still has room, counting it against each
    /// (conditional atomic ADDs, in order, before the password is checked, so a burst of
    /// parallel guesses is admitted only up to the limit). A refused attempt counts
    /// against nothing: the counters it had already passed are given back. `true` when
    /// admitted.
    pub async fn admit_login_attempt(
        &self,
        limits: &[LoginLimit],
        window: LoginWindow,
    ) -> StoreResult<bool> {
        for (i, limit) in limits.iter().enumerate() {
            let key = keys::login_throttle(&limit.subject, window.index);
            let out = self
                .db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(key.to_item()))
                .update_expression("ADD #c :one SET #ttl = :ttl")
                .condition_expression("attribute_not_exists(#c) OR #c < :max")
                .expression_attribute_names("#c", "count")
                .expression_attribute_names("#ttl", attr::TTL)
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":max", n(limit.max))
                .expression_attribute_values(":ttl", n(window.expires()))
                .send()
                .await;
            match out {
                Ok(_) => {}
                Err(e) if is_condition_failed(&e) => {
                    let passed: Vec<String> =
                        limits[..i].iter().map(|l| l.subject.clone()).collect();
                    self.take_back(&passed, window).await?;
                    return Ok(false);
                }
                Err(e) => {
                    return Err(anyhow::Error::new(e)
                        .context("counting a login attempt")
                        .into());
                }
            }
        }
        Ok(true)
    }

    /// After a correct password: forgets `pair` (the user's own typos are forgiven) and
    /// takes this attempt back from the `ceilings` it was counted against, which therefore
    /// count only failures.
    pub async fn refund_login_attempt(
        &self,
        pair: &str,
        ceilings: &[String],
        window: LoginWindow,
    ) -> StoreResult<()> {
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
        tokio::try_join!(forget, self.take_back(ceilings, window))?;
        Ok(())
    }

    async fn take_back(&self, subjects: &[String], window: LoginWindow) -> StoreResult<()> {
        futures::future::try_join_all(subjects.iter().map(|subject| async move {
            self.bump_counter(
                &keys::login_throttle(subject, window.index),
                -1,
                window.expires(),
            )
            .await
        }))
        .await?;
        Ok(())
    }

    /// Whether `email` signed in successfully from `ip` in the last 90 days.
    pub async fn is_known_network(&self, email: &str, ip: &str) -> StoreResult<bool> {
        let item = self.get_item(&keys::login_network(email, ip)).await?;
        let now = Utc::now().timestamp();
        Ok(item.is_some_and(|i| {
            i.get(attr::TTL)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse::<i64>().ok())
                .is_some_and(|t| t > now)
        }))
    }

    /// Remembers that `email` signed in successfully from `ip` (for 90 days from now).
    pub async fn remember_network(&self, email: &str, ip: &str) -> StoreResult<()> {
        let mut item = keys::login_network(email, ip).to_item();
        item.insert(
            attr::TTL.into(),
            n(Utc::now().timestamp() + KNOWN_NETWORK_SECONDS),
        );
        self.put(item, "remembering a login network").await?;
        Ok(())
    }
}
