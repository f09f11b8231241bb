use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A tenant: a company using wrrk.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// ULID.
    pub id: String,
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
            id: crate::ids::new_id(),
            ticket_prefix: super::TicketPrefix::derive(&name),
            name,
            timezone: "UTC".into(),
            widget: WidgetSettings::default(),
            verified: false,
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }
}

/// Corner of the page the chat widget sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WidgetPosition {
    /// Bottom right (the default).
    BottomRight,
    /// Bottom left.
    BottomLeft,
}

/// The chat widget's appearance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WidgetSettings {
    /// `#rrggbb`.
    pub primary_color: String,
    /// Corner of the page.
    pub position: WidgetPosition,
    /// First line a visitor sees.
    pub welcome_message: String,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            primary_color: "#2563eb".into(),
            position: WidgetPosition::BottomRight,
            welcome_message: "Hi! How can we help?".into(),
        }
    }
}
