//! Organizations, and sign-up (an organization with its first admin, atomically).

use anyhow::Context;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

use super::{Store, StoreError, StoreResult, cancellation_codes, from_item, s, to_item};
use crate::domain::{Organization, User};
use crate::keys;

impl Store {
    /// Creates an organization, its first user and the user's email marker in one
    /// transaction. `Conflict("email_taken")` if the email is already registered.
    pub async fn create_organization(
        &self,
        org: &Organization,
        admin: &User,
        password_hash: &str,
    ) -> StoreResult<()> {
        let org_put = self.put_new(to_item(&keys::org(&org.id), org)?)?;
        let user_put = self.put_new(self.user_item(admin, Some(password_hash))?)?;
        let marker_put = self.put_new(self.email_marker_item(admin))?;
        let result = self
            .db
            .transact_write_items()
            .transact_items(org_put)
            .transact_items(user_put)
            .transact_items(marker_put)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => match cancellation_codes(&e) {
                Some(codes) if codes.get(2).is_some_and(|c| c == "ConditionalCheckFailed") => {
                    Err(email_taken())
                }
                _ => Err(anyhow::Error::new(e).context("sign-up transaction").into()),
            },
        }
    }

    /// An organization by id.
    pub async fn get_organization(&self, org_id: &str) -> StoreResult<Option<Organization>> {
        match self.get_item(&keys::org(org_id)).await? {
            Some(item) => Ok(Some(from_item(item)?)),
            None => Ok(None),
        }
    }

    /// Writes `org` if its stored version is `org.version - 1` (no lost updates).
    pub async fn update_organization(&self, org: &Organization) -> StoreResult<()> {
        self.put_versioned(to_item(&keys::org(&org.id), org)?, org.version)
            .await
    }

    /// A Put that fails if the key exists.
    fn put_new(&self, item: super::Item) -> StoreResult<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .build()
            .context("building Put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Puts an item whose stored `version` must be `version - 1`; 409 if someone else won.
    async fn put_versioned(&self, item: super::Item, version: u64) -> StoreResult<()> {
        let result = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_exists(PK) AND version = :prev")
            .expression_attribute_values(":prev", super::n(version.saturating_sub(1)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if super::is_condition_failed(&e) => Err(stale()),
            Err(e) => Err(anyhow::Error::new(e).context("versioned PutItem").into()),
        }
    }

    /// The marker item that reserves `user.email` and points at the user.
    fn email_marker_item(&self, user: &User) -> super::Item {
        let mut item = keys::email_marker(user.email.as_str()).to_item();
        item.insert("orgId".into(), s(&user.org_id));
        item.insert("userId".into(), s(&user.id));
        item
    }
}

/// The conflict for a registered email.
pub(super) fn email_taken() -> StoreError {
    StoreError::Conflict(
        "email_taken",
        "An account with this email already exists.".into(),
    )
}

/// The conflict for a write that lost a race.
pub(super) fn stale() -> StoreError {
    StoreError::Conflict(
        "stale_write",
        "Someone else changed this at the same time. Reload and try again.".into(),
    )
}
