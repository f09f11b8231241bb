//! Sessions and account tokens: the per-user session epoch and logged-out session ids
//! (kept on the user item, which every request reads anyway), password changes, and the
//! single-use tokens of email verification and password reset.

use crate::ids::{OrgId, UserId};
use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::Utc;

use super::tx::Tx;
use super::{Item, Store, StoreError, StoreResult, from_item, is_condition_failed, n, s};
use crate::domain::User;
use crate::keys::{self, attr};

/// Attribute: the user's session epoch (tokens of older epochs are void).
const SESSION_EPOCH: &str = "sessionEpoch";
/// Attribute: ids of logged-out sessions (`jti:exp`) whose tokens have not expired yet.
const REVOKED_SESSIONS: &str = "revokedSessions";
/// Attribute: the hash of the user's one live password-reset link (a newer link, a reset
/// or a password change replaces or removes it, which voids the older links).
const LIVE_RESET: &str = "liveResetToken";
/// Past this many logged-out sessions, the next logout ends them all (moves the epoch),
/// which keeps the user item small.
const MAX_REVOKED: usize = 50;

/// A user's session state.
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    /// The current epoch.
    pub epoch: u64,
    /// Logged-out session ids (`jti:exp`).
    pub revoked: Vec<String>,
}

impl Sessions {
    /// Whether session `jti` was logged out.
    pub fn is_revoked(&self, jti: &str) -> bool {
        !jti.is_empty()
            && self
                .revoked
                .iter()
                .any(|r| r.split(':').next() == Some(jti))
    }

    fn of(item: &Item) -> Self {
        Self {
            epoch: item
                .get(SESSION_EPOCH)
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            revoked: item
                .get(REVOKED_SESSIONS)
                .and_then(|v| v.as_l().ok())
                .map(|l| l.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
                .unwrap_or_default(),
        }
    }
}

/// What a single-use account token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountTokenKind {
    /// Confirms a signing-up admin's email.
    VerifyEmail,
    /// Sets a new password.
    ResetPassword,
}

impl AccountTokenKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "VERIFY_EMAIL",
            Self::ResetPassword => "RESET_PASSWORD",
        }
    }
}

impl Store {
    /// A user and their session state, in one read.
    pub async fn get_user_sessions(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
    ) -> StoreResult<Option<(User, Sessions)>> {
        let Some(item) = self.get_item(&keys::user(org_id, user_id)).await? else {
            return Ok(None);
        };
        let sessions = Sessions::of(&item);
        Ok(Some((from_item(item)?, sessions)))
    }

    /// The session epoch of `user_id` (for issuing tokens at login).
    pub(super) fn session_epoch_of(item: &Item) -> u64 {
        Sessions::of(item).epoch
    }

    /// Logs out one session (its token stops working at once). Past [`MAX_REVOKED`]
    /// logged-out sessions, all sessions end instead.
    pub async fn revoke_session(
        &self,
        user: &User,
        logged_out: &[String],
        jti: &str,
        expires_at: i64,
    ) -> StoreResult<()> {
        let now = Utc::now().timestamp();
        let live = logged_out
            .iter()
            .filter(|r| {
                r.split(':')
                    .nth(1)
                    .and_then(|e| e.parse::<i64>().ok())
                    .is_some_and(|e| e > now)
            })
            .count();
        if live >= MAX_REVOKED {
            self.end_all_sessions(user).await?;
            return Ok(());
        }
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::user(&user.org_id, &user.id).to_item()))
            .update_expression("SET #r = list_append(if_not_exists(#r, :empty), :one)")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#r", REVOKED_SESSIONS)
            .expression_attribute_values(":empty", AttributeValue::L(vec![]))
            .expression_attribute_values(
                ":one",
                AttributeValue::L(vec![s(format!("{jti}:{expires_at}"))]),
            )
            .send()
            .await
            .context("revoking a session")?;
        Ok(())
    }

    /// Ends every session of `user` (moves the epoch on); returns the new epoch.
    pub async fn end_all_sessions(&self, user: &User) -> StoreResult<u64> {
        self.move_epoch(user, None, None).await
    }

    /// Sets a new password hash and ends every session; returns the new epoch.
    pub async fn set_password(&self, user: &User, hash: &str) -> StoreResult<u64> {
        self.move_epoch(user, Some(hash), None).await
    }

    /// [`Store::set_password`] through the reset link `token_hash`: only while that link is
    /// still the user's live one (`None` when a newer link, a reset or a password change
    /// came in between).
    pub async fn reset_password(
        &self,
        user: &User,
        hash: &str,
        token_hash: &str,
    ) -> StoreResult<Option<u64>> {
        match self.move_epoch(user, Some(hash), Some(token_hash)).await {
            Ok(epoch) => Ok(Some(epoch)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Moves the epoch on (every session ends) and voids every reset link, optionally
    /// setting a new password hash, and only while `live_reset` is the live reset link
    /// when given (else `NotFound`).
    async fn move_epoch(
        &self,
        user: &User,
        hash: Option<&str>,
        live_reset: Option<&str>,
    ) -> StoreResult<u64> {
        let mut expression =
            format!("ADD {SESSION_EPOCH} :one REMOVE {REVOKED_SESSIONS}, {LIVE_RESET}");
        let mut condition = "attribute_exists(PK)".to_string();
        let mut req = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::user(&user.org_id, &user.id).to_item()))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::AllNew);
        if let Some(h) = hash {
            expression.insert_str(0, "SET passwordHash = :hash ");
            req = req.expression_attribute_values(":hash", s(h));
        }
        if let Some(t) = live_reset {
            condition.push_str(&format!(" AND {LIVE_RESET} = :reset"));
            req = req.expression_attribute_values(":reset", s(t));
        }
        let out = req
            .update_expression(expression)
            .condition_expression(condition)
            .send()
            .await;
        match out {
            Ok(out) => Ok(Sessions::of(&out.attributes.unwrap_or_default()).epoch),
            Err(e) if is_condition_failed(&e) => Err(StoreError::NotFound("User")),
            Err(e) => Err(anyhow::Error::new(e)
                .context("moving the session epoch")
                .into()),
        }
    }

    /// The stored password hash of `user`.
    pub async fn password_hash(&self, user: &User) -> StoreResult<String> {
        let item = self
            .get_item(&keys::user(&user.org_id, &user.id))
            .await?
            .ok_or(StoreError::NotFound("User"))?;
        Ok(item
            .get("passwordHash")
            .and_then(|v| v.as_s().ok())
            .cloned()
            .context("user without password hash")?)
    }

    /// Stores a single-use account token (its hash) for `user`, valid `ttl_seconds`.
    pub async fn create_account_token(
        &self,
        kind: AccountTokenKind,
        token_hash: &str,
        user: &User,
        ttl_seconds: i64,
    ) -> StoreResult<()> {
        let mut item = keys::account_token(token_hash).to_item();
        item.insert("kind".into(), s(kind.as_str()));
        item.insert("orgId".into(), s(&user.org_id));
        item.insert("userId".into(), s(&user.id));
        item.insert(attr::TTL.into(), n(Utc::now().timestamp() + ttl_seconds));
        let mut tx = Tx::new().put_new(self, item)?;
        if kind == AccountTokenKind::ResetPassword {
            // The newest link is the only live one: the user item names it.
            tx = tx.update(
                self,
                &keys::user(&user.org_id, &user.id),
                "SET #live = :hash",
                Some("attribute_exists(PK)"),
                &[("#live", LIVE_RESET)],
                vec![(":hash", s(token_hash))],
            )?;
        }
        tx.run(self, "creating an account token").await
    }

    /// Uses up the account token with `token_hash` if it is of `kind` and unexpired:
    /// the (org, user) it was for. Deleting it is the use, so it works exactly once.
    pub async fn consume_account_token(
        &self,
        kind: AccountTokenKind,
        token_hash: &str,
    ) -> StoreResult<Option<(OrgId, UserId)>> {
        let result = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::account_token(token_hash).to_item()))
            .condition_expression("attribute_exists(PK) AND kind = :kind AND #ttl > :now")
            .expression_attribute_names("#ttl", attr::TTL)
            .expression_attribute_values(":kind", s(kind.as_str()))
            .expression_attribute_values(":now", n(Utc::now().timestamp()))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(out) => {
                let old = out.attributes.unwrap_or_default();
                let field = |k: &str| old.get(k).and_then(|v| v.as_s().ok()).cloned();
                Ok(field("orgId")
                    .map(OrgId::trusted)
                    .zip(field("userId").map(UserId::trusted)))
            }
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e)
                .context("using an account token")
                .into()),
        }
    }

    /// Marks `user`'s email verified and, with it, their organization as allowed to mail
    /// others (invitations).
    pub async fn mark_email_verified(&self, org_id: &OrgId, user_id: &UserId) -> StoreResult<()> {
        Tx::new()
            .update(
                self,
                &keys::user(org_id, user_id),
                "SET emailVerified = :yes",
                Some("attribute_exists(PK)"),
                &[],
                vec![(":yes", AttributeValue::Bool(true))],
            )?
            .update(
                self,
                &keys::org(org_id),
                "SET verified = :yes",
                Some("attribute_exists(PK)"),
                &[],
                vec![(":yes", AttributeValue::Bool(true))],
            )?
            .run(self, "verifying an email")
            .await
    }

    /// Counts one `what` by `subject` in a fixed window of `window_seconds` and refuses
    /// past `max`: `Err` with the seconds until the window ends. One atomic update, so
    /// concurrent requests cannot slip past the limit.
    pub async fn take_rate(
        &self,
        what: &str,
        subject: &str,
        window_seconds: i64,
        max: u64,
    ) -> StoreResult<Result<u64, i64>> {
        let now = Utc::now().timestamp();
        let window = now / window_seconds;
        let count = self
            .bump_counter(
                &keys::rate_counter(what, subject, window),
                1,
                (window + 2) * window_seconds,
            )
            .await?;
        if count > max {
            Ok(Err((window + 1) * window_seconds - now))
        } else {
            Ok(Ok(count))
        }
    }

    /// Adds `delta` to the counter at `key` (expiring at `expires`); the new count.
    pub(super) async fn bump_counter(
        &self,
        key: &keys::Key,
        delta: i64,
        expires: i64,
    ) -> StoreResult<u64> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .update_expression("ADD #c :d SET #ttl = :ttl")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#ttl", attr::TTL)
            .expression_attribute_values(":d", n(delta))
            .expression_attribute_values(":ttl", n(expires))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .context("counting")?;
        Ok(out
            .attributes
            .as_ref()
            .and_then(|a| a.get("count"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<i64>().ok())
            .map_or(0, |c| c.max(0) as u64))
    }
}
