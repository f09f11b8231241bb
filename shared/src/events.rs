//! Every frame the WebSocket API sends, as one type: `{"event": NAME, "data": {...}}`.
//! The OpenAPI document carries [`Event`] as a schema (a `oneOf` tagged by `event`), so
//! the front ends' socket handlers are typed from it like their REST calls.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{Attachment, AuthorType, ConnectionKind, Message, TicketSummary};

/// A frame pushed to a connection (or sent back as the answer to its action).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "event", content = "data")]
pub enum Event {
    /// A message reached a ticket (to its room). Agents' copies carry the ticket's list
    /// summary; internal notes go to agents only.
    #[serde(rename = "message:new")]
    MessageNew(Box<NewMessage>),
    /// A stored message changed (an emailed reply's delivery state): replace it by id.
    #[serde(rename = "message:updated")]
    MessageUpdated(Message),
    /// A ticket was opened (to the organization's lists).
    #[serde(rename = "ticket:created")]
    TicketCreated(TicketSummary),
    /// A ticket changed (to its viewers, and to the lists when a row moved).
    #[serde(rename = "ticket:updated")]
    TicketUpdated(TicketSummary),
    /// Something on a ticket concerns this agent (assigned to them, their customer
    /// answered, they were mentioned): sent to that agent's connections instead of the
    /// `ticket:updated` they would otherwise get, so it carries the list summary too.
    #[serde(rename = "ticket:notify")]
    TicketNotify(TicketNotice),
    /// Someone started or stopped typing on a ticket (not back to the typist).
    #[serde(rename = "typing:indicator")]
    TypingIndicator(Typing),
    /// A user came online or went offline (to the organization's agents).
    #[serde(rename = "presence:update")]
    PresenceUpdate(PresenceChange),
    /// Who has a ticket open changed (to its agents).
    #[serde(rename = "ticket:viewers")]
    TicketViewers(Viewers),
    /// The answer to `ticket:subscribe`.
    #[serde(rename = "ticket:subscribed")]
    TicketSubscribed(Subscribed),
    /// The answer to `ticket:unsubscribe`.
    #[serde(rename = "ticket:unsubscribed")]
    TicketUnsubscribed(TicketRef),
    /// An action failed.
    #[serde(rename = "error")]
    Error(ActionError),
}

/// A frame pushed to a chat widget's connection: only its own conversation's public
/// messages and typing.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "event", content = "data")]
pub enum VisitorEvent {
    /// A public message on the visitor's conversation.
    #[serde(rename = "message:new")]
    MessageNew(VisitorMessage),
    /// An agent started or stopped typing.
    #[serde(rename = "typing:indicator")]
    TypingIndicator(Typing),
    /// The answer to `ticket:subscribe`.
    #[serde(rename = "ticket:subscribed")]
    TicketSubscribed(Subscribed),
    /// An action failed.
    #[serde(rename = "error")]
    Error(ActionError),
    /// The conversation was resolved while the visitor was there: ask them, once, for a
    /// rating (`POST /api/widget/csat`).
    #[serde(rename = "csat:request")]
    CsatRequest(CsatRequest),
}

/// `csat:request` (to the widget).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CsatRequest {
    /// The survey to answer (`surveyId` of `POST /api/widget/csat`).
    pub survey_id: String,
    /// The ticket it asks about.
    pub ticket_id: String,
}

impl VisitorEvent {
    /// The frame's bytes.
    pub fn frame(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }
}

impl Event {
    /// The frame's bytes.
    pub fn frame(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// The event's name (for logs).
    pub fn name(&self) -> &'static str {
        match self {
            Self::MessageNew(_) => "message:new",
            Self::MessageUpdated(_) => "message:updated",
            Self::TicketCreated(_) => "ticket:created",
            Self::TicketUpdated(_) => "ticket:updated",
            Self::TicketNotify(_) => "ticket:notify",
            Self::TypingIndicator(_) => "typing:indicator",
            Self::PresenceUpdate(_) => "presence:update",
            Self::TicketViewers(_) => "ticket:viewers",
            Self::TicketSubscribed(_) => "ticket:subscribed",
            Self::TicketUnsubscribed(_) => "ticket:unsubscribed",
            Self::Error(_) => "error",
        }
    }
}

/// `message:new` for agents: the message, with the ticket's list summary after it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewMessage {
    /// The message.
    #[serde(flatten)]
    pub message: Message,
    /// The ticket as lists show it after this message (a new `lastActivityAt`, a reopen).
    pub ticket: TicketSummary,
}

/// A message as a visitor sees it (internal notes never are).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VisitorMessage {
    /// Message id.
    pub id: String,
    /// Agent, customer or system.
    pub author_type: AuthorType,
    /// Shown name.
    pub author_name: String,
    /// Plain text.
    pub content: String,
    /// Its files (the visitor's own, an agent's); `GET /api/widget/attachments?id=`
    /// answers a short-lived download URL for each.
    pub attachments: Vec<Attachment>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl From<&Message> for VisitorMessage {
    fn from(m: &Message) -> Self {
        Self {
            id: m.id.to_string(),
            author_type: m.author_type,
            author_name: m.author_name.clone(),
            content: m.content.clone(),
            attachments: m
                .email
                .as_ref()
                .map(|e| e.attachments.clone())
                .unwrap_or_default(),
            created_at: m.created_at,
        }
    }
}

/// Why a ticket concerns an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NoticeKind {
    /// The ticket was assigned to them.
    Assigned,
    /// The customer answered their ticket.
    CustomerReplied,
    /// An internal note mentions them (`@name`).
    Mentioned,
    /// Their snoozed ticket came back OPEN.
    SnoozeEnded,
    /// A service-level target of their ticket (or their team's) was missed.
    SlaBreached,
}

/// `ticket:notify`: the ticket, why it concerns the receiver, and who caused it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketNotice {
    /// Why.
    pub kind: NoticeKind,
    /// The ticket as lists show it now.
    pub ticket: TicketSummary,
    /// Who caused it (an agent's user id; none for a customer).
    pub by_user_id: Option<String>,
    /// Their name.
    pub by_name: String,
    /// The start of the message that caused it, if one did.
    pub excerpt: Option<String>,
}

/// `typing:indicator`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Typing {
    /// The ticket.
    pub ticket_id: String,
    /// The typist (an agent's user id, a visitor's customer id).
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// Agent or visitor.
    pub kind: ConnectionKind,
    /// Started (true) or stopped.
    pub typing: bool,
    /// When a start lapses without a stop (clients clear it then).
    pub expires_at: Option<DateTime<Utc>>,
}

/// Whether an agent is online or offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum PresenceStatus {
    /// At least one connection open.
    Online,
    /// None.
    Offline,
}

/// `presence:update`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceChange {
    /// The user.
    pub user_id: String,
    /// Their name.
    pub name: String,
    /// Online or offline.
    pub status: PresenceStatus,
    /// Open connections.
    pub connections: i64,
    /// Since when online.
    pub online_since: Option<DateTime<Utc>>,
    /// When the last connection closed.
    pub last_seen_at: Option<DateTime<Utc>>,
}

/// One person viewing a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Viewer {
    /// The agent's user id.
    pub user_id: String,
    /// Their display name when they opened the ticket.
    pub name: String,
}

/// `ticket:viewers`: everyone with the ticket open (the receiver included).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Viewers {
    /// The ticket.
    pub ticket_id: String,
    /// Distinct agents, by name.
    pub viewers: Vec<Viewer>,
    /// When the room was read (keep the latest snapshot per ticket).
    pub at: DateTime<Utc>,
}

/// `ticket:subscribed`.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Subscribed {
    /// The ticket now followed.
    pub ticket_id: String,
    /// Agents only: everyone with the ticket open, the subscriber included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub viewers: Option<Vec<Viewer>>,
    /// When `viewers` was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<DateTime<Utc>>,
}

/// A ticket named by id.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketRef {
    /// The ticket.
    pub ticket_id: String,
}

/// `error`: why an action failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionError {
    /// The action that failed.
    pub action: String,
    /// A stable machine code, as in HTTP errors.
    pub code: crate::http::ErrorCode,
    /// A sentence for people.
    pub error: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_event_and_data() {
        let ev = Event::TicketUnsubscribed(TicketRef {
            ticket_id: "t".into(),
        });
        let v: serde_json::Value = serde_json::from_slice(&ev.frame()).unwrap_or_default();
        assert_eq!(
            v,
            serde_json::json!({ "event": "ticket:unsubscribed", "data": { "ticketId": "t" } })
        );
        let m = VisitorMessage {
            id: "m".into(),
            author_type: AuthorType::Agent,
            author_name: "Ada".into(),
            content: "Hi".into(),
            attachments: Vec::new(),
            created_at: Utc::now(),
        };
        let v: serde_json::Value =
            serde_json::from_slice(&VisitorEvent::MessageNew(m).frame()).unwrap_or_default();
        assert_eq!(v["event"], "message:new");
        assert_eq!(v["data"]["content"], "Hi");
    }
}
