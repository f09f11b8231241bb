use crate::ids::{InvitationId, OrgId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Email, Role};

/// How long an invitation link works.
pub const INVITATION_DAYS: i64 = 7;

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvitationStatus {
    /// Sent, not yet used.
    Pending,
    /// Used to create an account.
    Accepted,
    /// Withdrawn, or replaced by a newer invitation to the same email.
    Revoked,
}

/// An invitation to join an organization. The token is never stored, only its hash.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    /// ULID.
    pub id: InvitationId,
    /// The inviting organization.
    pub org_id: OrgId,
    /// Who is invited.
    pub email: Email,
    /// The role they will have.
    pub role: Role,
    /// Where it stands.
    pub status: InvitationStatus,
    /// Id of the user who sent it.
    pub invited_by: UserId,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

impl Invitation {
    /// Whether the link can still be used at `now`.
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.status == InvitationStatus::Pending && now < self.expires_at
    }
}
