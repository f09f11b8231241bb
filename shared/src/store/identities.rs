//! Sender identities (see [`crate::email::identities`]): one item per identity under the
//! organization, and a global marker that makes each identity one organization's.

use crate::ids::{OrgId, TicketId};

use anyhow::Context;

use super::tx::Tx;
use super::{Conflict, QuerySpec, Store, StoreResult, s, to_item};
use crate::email::identities::{MAX_PER_ORG, SenderIdentity};
use crate::keys;

impl Store {
    /// Adds a sender identity to `org_id` with its marker, in one transaction:
    /// `Conflict::IdentityTaken` when any organization holds it.
    pub async fn add_sender_identity(
        &self,
        org_id: &OrgId,
        identity: &SenderIdentity,
    ) -> StoreResult<()> {
        let mut marker = keys::sender_identity_marker(&identity.identity).to_item();
        marker.insert("orgId".into(), s(org_id));
        let own = to_item(&keys::sender_identity(org_id, &identity.identity), identity)?;
        Tx::new()
            .put_new(self, marker)?
            .or_conflict(Conflict::IdentityTaken)
            .put_new(self, own)?
            .or_conflict(Conflict::IdentityTaken)
            .run(self, "adding a sender identity")
            .await
    }

    /// Stores the state SES reported; `false` when the identity was removed meanwhile.
    pub async fn save_sender_identity(
        &self,
        org_id: &OrgId,
        identity: &SenderIdentity,
    ) -> StoreResult<bool> {
        let item = to_item(&keys::sender_identity(org_id, &identity.identity), identity)?;
        self.put_if(item, "attribute_exists(PK)", "saving a sender identity")
            .await
    }

    /// One of the organization's sender identities.
    pub async fn get_sender_identity(
        &self,
        org_id: &OrgId,
        identity: &str,
    ) -> StoreResult<Option<SenderIdentity>> {
        self.get_as(&keys::sender_identity(org_id, identity)).await
    }

    /// The organization's sender identities, in name order (at most [`MAX_PER_ORG`],
    /// one Query).
    pub async fn list_sender_identities(&self, org_id: &OrgId) -> StoreResult<Vec<SenderIdentity>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::SENDER_IDENTITY_PREFIX.to_string(),
            true,
        );
        Ok(self.query_as(&q, MAX_PER_ORG * 2, None).await?.items)
    }

    /// Removes one of the organization's sender identities and its marker (`NotFound` if
    /// it holds no such one).
    pub async fn remove_sender_identity(&self, org_id: &OrgId, identity: &str) -> StoreResult<()> {
        Tx::new()
            .delete(
                self,
                &keys::sender_identity(org_id, identity),
                Some("attribute_exists(PK)"),
                vec![],
            )?
            .or_not_found("Sender identity")
            .delete(self, &keys::sender_identity_marker(identity), None, vec![])?
            .run(self, "removing a sender identity")
            .await
    }

    /// Records the own support address a ticket's customer wrote to (see
    /// [`crate::domain::Ticket::mail_to`]).
    pub async fn set_ticket_mail_to(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        address: &str,
    ) -> StoreResult<()> {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::ticket(org_id, ticket_id).to_item()))
            .update_expression("SET #m = :m")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#m", "mailTo")
            .expression_attribute_values(":m", s(address))
            .send()
            .await
            .context("recording the address a ticket's mail came to")?;
        Ok(())
    }
}
