//! Invitations: pending-per-email markers, hashed token markers, single-use acceptance.

use crate::ids::{InvitationId, OrgId};
use chrono::{DateTime, Utc};

use super::Conflict;
use super::tx::Tx;
use super::{Item, Page, QuerySpec, Store, StoreResult, n, s, to_item, ts};
use crate::domain::{Email, Invitation, InvitationStatus, Organization, Role, User};
use crate::keys::{self, attr};

/// Days a token marker outlives its invitation, so a late click still learns "expired".
const TOKEN_MARKER_GRACE_DAYS: i64 = 30;

impl Store {
    /// Stores a new invitation with its token hash, replacing `replaces` (the pending
    /// invitation to the same email) in the same transaction.
    pub async fn create_invitation(
        &self,
        invitation: &Invitation,
        token_hash: &str,
        replaces: Option<&Invitation>,
    ) -> StoreResult<()> {
        let org_id = &invitation.org_id;
        let mut token = keys::invitation_token_marker(token_hash).to_item();
        token.insert("orgId".into(), s(org_id));
        token.insert("invitationId".into(), s(&invitation.id));
        let grace = chrono::Duration::days(TOKEN_MARKER_GRACE_DAYS);
        token.insert(
            attr::TTL.into(),
            n((invitation.expires_at + grace).timestamp()),
        );
        let mut by_email =
            keys::invitation_email_marker(org_id, invitation.email.as_str()).to_item();
        by_email.insert("invitationId".into(), s(&invitation.id));

        let mut tx = Tx::new()
            .put_new(
                self,
                to_item(&keys::invitation(org_id, &invitation.id), invitation)?,
            )?
            .put_new(self, token)?;
        tx = match replaces {
            None => tx
                .put_new(self, by_email)?
                .or_conflict(Conflict::InvitationRace),
            Some(old) => tx
                .put(
                    self,
                    by_email,
                    Some("invitationId = :old"),
                    vec![(":old", s(&old.id))],
                )?
                .or_conflict(Conflict::InvitationRace)
                .update(
                    self,
                    &keys::invitation(org_id, &old.id),
                    "SET #status = :revoked",
                    Some("#status = :pending"),
                    &[("#status", "status")],
                    vec![(":revoked", s("REVOKED")), (":pending", s("PENDING"))],
                )?
                .or_conflict(Conflict::InvitationRace),
        };
        tx.run(self, "creating an invitation").await
    }

    /// An invitation of `org_id` by id.
    pub async fn get_invitation(
        &self,
        org_id: &OrgId,
        id: &InvitationId,
    ) -> StoreResult<Option<Invitation>> {
        self.get_as(&keys::invitation(org_id, id)).await
    }

    /// The pending invitation to `email`, if any.
    pub async fn pending_invitation_for(
        &self,
        org_id: &OrgId,
        email: &Email,
    ) -> StoreResult<Option<Invitation>> {
        let Some(marker) = self
            .get_item(&keys::invitation_email_marker(org_id, email.as_str()))
            .await?
        else {
            return Ok(None);
        };
        match marker.get("invitationId").and_then(|v| v.as_s().ok()) {
            Some(id) => {
                self.get_invitation(org_id, &InvitationId::trusted(id))
                    .await
            }
            None => Ok(None),
        }
    }

    /// Which organization, if any, holds the account registered with `email`.
    pub async fn email_owner(&self, email: &Email) -> StoreResult<Option<String>> {
        Ok(self
            .get_item(&keys::email_marker(email.as_str()))
            .await?
            .and_then(|m| m.get("orgId").and_then(|v| v.as_s().ok()).cloned()))
    }

    /// A page of invitations still usable at `now`, newest first.
    pub async fn list_pending_invitations(
        &self,
        org_id: &OrgId,
        now: DateTime<Utc>,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Invitation>> {
        let mut q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::INVITATION_PREFIX.into(),
            false,
        );
        q.filter = Some("#status = :pending AND expiresAt > :now".into());
        q.names.insert("#status".into(), "status".into());
        q.values.insert(":pending".into(), s("PENDING"));
        q.values.insert(":now".into(), s(ts(now)));
        self.query_as(&q, limit, start).await
    }

    /// Revokes a pending invitation and frees its email. `NotFound` unless pending.
    pub async fn revoke_invitation(&self, invitation: &Invitation) -> StoreResult<()> {
        let org_id = &invitation.org_id;
        Tx::new()
            .update(
                self,
                &keys::invitation(org_id, &invitation.id),
                "SET #status = :revoked",
                Some("#status = :pending"),
                &[("#status", "status")],
                vec![(":revoked", s("REVOKED")), (":pending", s("PENDING"))],
            )?
            .or_not_found("Invitation")
            .delete(
                self,
                &keys::invitation_email_marker(org_id, invitation.email.as_str()),
                Some("attribute_not_exists(PK) OR invitationId = :id"),
                vec![(":id", s(&invitation.id))],
            )?
            .or_not_found("Invitation")
            .run(self, "revoking an invitation")
            .await
    }

    /// Resolves an invitation token by its hash to the invitation and its organization.
    pub async fn find_invitation_by_token(
        &self,
        token_hash: &str,
    ) -> StoreResult<Option<(Invitation, Organization)>> {
        let Some(marker) = self
            .get_item(&keys::invitation_token_marker(token_hash))
            .await?
        else {
            return Ok(None);
        };
        let get = |name: &str| marker.get(name).and_then(|v| v.as_s().ok()).cloned();
        let (Some(org_id), Some(id)) = (get("orgId"), get("invitationId")) else {
            return Ok(None);
        };
        // Ids read back from the marker the store wrote.
        let (org_id, id) = (OrgId::trusted(org_id), InvitationId::trusted(id));
        let (invitation, org) = tokio::try_join!(
            self.get_invitation(&org_id, &id),
            self.get_organization(&org_id)
        )?;
        Ok(invitation.zip(org))
    }

    /// Uses a pending, unexpired invitation to create `user`, exactly once: of two
    /// simultaneous accepts, one creates the user and the other gets
    /// `Conflict::InvitationUsed`. `Conflict::EmailTaken` if the email got an account.
    pub async fn accept_invitation(
        &self,
        invitation: &Invitation,
        user: &User,
        password_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let org_id = &invitation.org_id;
        let mut tx = Tx::new()
            .update(
                self,
                &keys::invitation(org_id, &invitation.id),
                "SET #status = :accepted, acceptedAt = :now",
                Some("#status = :pending AND expiresAt > :now"),
                &[("#status", "status")],
                vec![
                    (":accepted", s("ACCEPTED")),
                    (":pending", s("PENDING")),
                    (":now", s(ts(now))),
                ],
            )?
            .or_conflict(Conflict::InvitationUsed)
            .put_new(self, self.user_item(user, Some(password_hash))?)?
            .put_new(self, self.email_marker_item(user))?
            .or_conflict(Conflict::EmailTaken)
            .delete(
                self,
                &keys::invitation_email_marker(org_id, invitation.email.as_str()),
                None,
                vec![],
            )?;
        if user.role == Role::Admin {
            tx = tx.update(
                self,
                &keys::admin_counter(org_id),
                "ADD #count :one",
                None,
                &[("#count", "count")],
                vec![(":one", n(1))],
            )?;
        }
        tx.run(self, "accepting an invitation").await
    }
}

/// Whether an invitation in `status` was replaced or revoked (for the 410 message).
pub fn status_message(status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::Pending => "This invitation has expired. Ask for a new one.",
        InvitationStatus::Accepted => "This invitation has already been used.",
        InvitationStatus::Revoked => "This invitation was revoked or replaced by a newer one.",
    }
}
