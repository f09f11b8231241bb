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
    /// What this agent wants to be told of, and how (their own choice).
    #[serde(default)]
    #[schema(required = true)]
    pub notifications: NotificationPrefs,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
    /// When the account last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version, bumped on every write.
    pub version: u64,
}

impl User {
    /// A new, active user of `org_id`.
    pub fn new(org_id: &OrgId, email: Email, name: String, role: Role, now: DateTime<Utc>) -> Self {
        Self {
            id: UserId::new(),
            org_id: org_id.clone(),
            email,
            name,
            role,
            active: true,
            email_verified: false,
            avatar_url: None,
            notifications: NotificationPrefs::default(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

/// An agent's notification preferences: which events raise a browser notification (and
/// count in the tab title), whether a sound plays, and which are mailed when they have no
/// tab open. Stored on the user; new users get every kind on and the sound off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NotificationPrefs {
    /// A new conversation in my teams (or with no team).
    pub new_conversation: bool,
    /// A ticket assigned to me.
    pub assigned: bool,
    /// The customer answered my ticket.
    pub customer_replied: bool,
    /// An internal note mentions me (`@name`).
    pub mentioned: bool,
    /// Play a sound with each notification.
    pub sound: bool,
    /// Mail me when a ticket is assigned to me and I have no tab open.
    pub email_assigned: bool,
    /// Mail me when the customer answers my ticket and I have no tab open.
    pub email_customer_replied: bool,
}

impl Default for NotificationPrefs {
    fn default() -> Self {
        Self {
            new_conversation: true,
            assigned: true,
            customer_replied: true,
            mentioned: true,
            sound: false,
            email_assigned: true,
            email_customer_replied: true,
        }
    }
}
