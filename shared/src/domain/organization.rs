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
    /// Which channels ask for a satisfaction rating when a ticket is resolved.
    #[serde(default)]
    pub csat: CsatSettings,
    /// When the team works (in `timezone`); absent: around the clock.
    #[serde(default)]
    pub schedule: Option<crate::business_hours::WeeklySchedule>,
    /// Local dates the team is away all day.
    #[serde(default)]
    #[schema(required = true)]
    pub holidays: Vec<chrono::NaiveDate>,
    /// Service-level targets per priority, in business time.
    #[serde(default)]
    pub sla_policies: crate::sla::SlaPolicies,
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
    /// Its business hours: the organization's timezone, schedule and holidays.
    pub fn business_hours(&self) -> crate::business_hours::BusinessHours {
        crate::business_hours::BusinessHours {
            timezone: self.timezone.clone(),
            schedule: self.schedule.clone(),
            holidays: self.holidays.clone(),
        }
    }

    /// A new organization named `name`, its ticket prefix derived from the name.
    pub fn new(name: String, now: DateTime<Utc>) -> Self {
        Self {
            id: OrgId::new(),
            ticket_prefix: super::TicketPrefix::derive(&name),
            name,
            timezone: "UTC".into(),
            widget: WidgetSettings::default(),
            csat: CsatSettings::default(),
            schedule: None,
            holidays: Vec::new(),
            sla_policies: crate::sla::SlaPolicies::default(),
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

/// Per channel, whether resolving a ticket asks its customer for a rating (all on by
/// default; an admin turns a channel off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", default)]
pub struct CsatSettings {
    /// Email tickets (asked by mail).
    pub email: bool,
    /// Chat tickets (asked in the widget when the visitor is there, else by mail).
    pub chat: bool,
    /// Tickets agents opened (asked by mail).
    pub manual: bool,
}

impl Default for CsatSettings {
    fn default() -> Self {
        Self {
            email: true,
            chat: true,
            manual: true,
        }
    }
}

impl CsatSettings {
    /// Whether tickets of `channel` ask.
    pub fn asks(&self, channel: super::Channel) -> bool {
        match channel {
            super::Channel::Email => self.email,
            super::Channel::Chat => self.chat,
            super::Channel::Manual => self.manual,
        }
    }
}

#[cfg(test)]
mod csat_tests {
    use super::*;
    use crate::domain::Channel;

    #[test]
    fn every_channel_asks_by_default() {
        let s = CsatSettings::default();
        for c in [Channel::Email, Channel::Chat, Channel::Manual] {
            assert!(s.asks(c), "{c:?}");
        }
    }

    #[test]
    fn a_channel_turned_off_does_not_ask_and_the_others_still_do() {
        let s = CsatSettings {
            chat: false,
            ..CsatSettings::default()
        };
        assert!(!s.asks(Channel::Chat));
        assert!(s.asks(Channel::Email));
        assert!(s.asks(Channel::Manual));
    }

    #[test]
    fn settings_stored_before_this_field_read_as_all_on_and_missing_keys_as_on() {
        let s: CsatSettings = serde_json::from_str(r#"{"chat":false}"#).unwrap();
        assert_eq!(
            s,
            CsatSettings {
                chat: false,
                ..CsatSettings::default()
            }
        );
    }
}
