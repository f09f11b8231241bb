//! Organizations, and sign-up (an organization with its first admin, atomically).

use super::tx::Tx;
use super::{Conflict, Store, StoreResult, n, s, to_item};
use crate::domain::{Organization, User};
use crate::ids::OrgId;
use crate::keys;

impl Store {
    /// Creates an organization, its first admin, the admin's email marker and the admin
    /// counter in one transaction. `Conflict::EmailTaken` if the email is registered.
    pub async fn create_organization(
        &self,
        org: &Organization,
        admin: &User,
        password_hash: &str,
        setup_token_hash: Option<&str>,
    ) -> StoreResult<()> {
        let mut counter = keys::admin_counter(&org.id).to_item();
        counter.insert("count".into(), n(1));
        let mut tx = Tx::new();
        // A deployed stack's first organization spends the setup link in the same write:
        // two sign-ups with one link cannot both succeed.
        if let Some(hash) = setup_token_hash {
            tx = tx
                .update(
                    self,
                    &keys::setup_link(),
                    "SET usedBy = :org",
                    Some("tokenHash = :hash AND attribute_not_exists(usedBy)"),
                    &[],
                    vec![(":org", s(org.id.as_str())), (":hash", s(hash))],
                )?
                .or_conflict(Conflict::SetupLinkUsed);
        }
        tx.put_new(self, to_item(&keys::org(&org.id), org)?)?
            .put_new(self, self.user_item(admin, Some(password_hash))?)?
            .put_new(self, self.email_marker_item(admin))?
            .or_conflict(Conflict::EmailTaken)
            .put_new(self, counter)?
            .put_new(self, self.widget_key_marker_item(org))?
            .run(self, "sign-up")
            .await
    }

    /// An organization by id.
    pub async fn get_organization(&self, org_id: &OrgId) -> StoreResult<Option<Organization>> {
        self.get_as(&keys::org(org_id)).await
    }

    /// Writes `org` if its stored version is `org.version - 1` (no lost updates).
    pub async fn update_organization(&self, org: &Organization) -> StoreResult<()> {
        let result = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(&keys::org(&org.id), org)?))
            .condition_expression("attribute_exists(PK) AND version = :prev")
            .expression_attribute_values(":prev", n(org.version.saturating_sub(1)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) if super::is_condition_failed(&e) => Err(Conflict::StaleWrite.into()),
            Err(e) => Err(anyhow::Error::new(e)
                .context("updating organization")
                .into()),
        }
    }

    /// The marker item that reserves `user.email` and points at the user.
    pub(super) fn email_marker_item(&self, user: &User) -> super::Item {
        let mut item = keys::email_marker(user.email.as_str()).to_item();
        item.insert("orgId".into(), s(&user.org_id));
        item.insert("userId".into(), s(&user.id));
        item
    }
}
