use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Email, Role};
use crate::ids::{OrgId, UserId};

/// An agent account. The password hash is stored beside it but is not part of it, so
/// serializing a `User` can never leak the hash.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// ULID.
    pub id: UserId,
    /// The organization the user belongs to.
    pub org_id: OrgId,
    /// Normalized, unique system-wide.
    pub email: Email,
    /// Display name.
    pub name: String,
    /// Role in the organization.
    pub role: Role,
    /// Deactivated users keep their history but cannot log in.
    pub active: bool,
    /// Whether the user proved they read this address (a verification link, or the
    /// invitation link they accepted).
    #[serde(default)]
    pub email_verified: bool,
    /// Optional https avatar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version, bumped on every write.
    pub version: u64,
}

impl User {
    /// A new, active user of `org_id`.
    pub fn new(org_id: &str, email: Email, name: String, role: Role, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::new(),
            org_id: OrgId::trusted(org_id),
            email,
            name,
            role,
            active: true,
            email_verified: false,
            avatar_url: None,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}
