use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::OrgId;

/// A tenant: a company using wrrk.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// ULID.
    pub id: OrgId,
    /// Display name.
    pub name: String,
    /// Prefix of ticket numbers (`ACME`).
    pub ticket_prefix: String,
    /// IANA timezone for business hours and reports.
    pub timezone: String,
    /// How the chat widget looks.
    pub widget: WidgetSettings,
    /// Set once its founding admin verified their email; until then it sends no mail to
    /// others (invitations), so a throwaway sign-up cannot relay mail.
    #[serde(default)]
    pub verified: bool,
    /// Which team a new conversation goes to, by where it came from (first match).
    #[serde(default)]
    #[schema(required = true)]
    pub routing_rules: Vec<super::RoutingRule>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: u64,
}

impl Organization {
    /// A new organization named `name`, its ticket prefix derived from the name.
    pub fn new(name: String, now: DateTime<Utc>) -> Self {
        Self {
            id: OrgId::new(),
            ticket_prefix: super::TicketPrefix::derive(&name),
            name,
            timezone: "UTC".into(),
            widget: WidgetSettings::default(),
            verified: false,
            routing_rules: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

/// Corner of the page the chat widget sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum WidgetPosition {
    /// Bottom right (the default).
    BottomRight,
    /// Bottom left.
    BottomLeft,
}

/// The chat widget's appearance, its public key and who may embed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetSettings {
    /// `#rrggbb`.
    pub primary_color: String,
    /// Corner of the page.
    pub position: WidgetPosition,
    /// First line a visitor sees.
    pub welcome_message: String,
    /// The public key in the embed (`data-wrrk-key`); found through a marker item.
    #[serde(default)]
    pub widget_key: String,
    /// Origins (`https://www.example.com`) allowed to call the widget API; empty: none.
    #[serde(default)]
    pub allowed_origins: Vec<String>,
    /// HMAC-SHA256 key for identity verification (shown to admins only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_secret: Option<String>,
    /// When set, a chat without a valid identity hash is refused.
    #[serde(default)]
    pub identity_enforced: bool,
}

impl WidgetSettings {
    /// A new public widget key.
    pub fn new_key() -> String {
        format!(
            "wk_{}",
            crate::ids::new_secret()
                .chars()
                .take(24)
                .collect::<String>()
        )
    }
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            primary_color: "#2563eb".into(),
            position: WidgetPosition::BottomRight,
            welcome_message: "Hi! How can we help?".into(),
            widget_key: Self::new_key(),
            allowed_origins: Vec::new(),
            identity_secret: Some(crate::ids::new_secret()),
            identity_enforced: false,
        }
    }
}
