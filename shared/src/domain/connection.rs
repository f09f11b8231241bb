//! Live WebSocket connections: who is on the other end and what they may hear.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How long API Gateway keeps a WebSocket connection open; connection items outlive it
/// by a margin and then expire by TTL, so a missed `$disconnect` cleans itself up.
pub const CONNECTION_LIFETIME_SECONDS: i64 = 2 * 3600 + 300;

/// Who holds a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionKind {
    /// A signed-in agent: hears about their whole organization.
    Agent,
    /// A chat-widget visitor: scoped to one ticket, never hears internal notes.
    Visitor,
}

/// A live connection, as stored at `$connect`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Connection {
    /// API Gateway's connection id.
    pub id: String,
    /// The organization it belongs to.
    pub org_id: crate::ids::OrgId,
    /// Agent or visitor.
    pub kind: ConnectionKind,
    /// The agent's user id, or the visitor's customer id.
    pub user_id: String,
    /// Display name, shown in typing indicators.
    pub name: String,
    /// For visitors: the one ticket the connection may follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<crate::ids::TicketId>,
    /// When it opened.
    pub connected_at: DateTime<Utc>,
    /// For agents: the session (token id) it was opened with, so logging out one session
    /// closes its connections only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// The tickets it follows, as read with the item (the store keeps this set with
    /// `ADD`/`DELETE`, never by writing the whole connection).
    #[serde(default, skip_serializing)]
    pub rooms: Vec<crate::ids::TicketId>,
}

impl Connection {
    /// Whether this connection may follow `ticket_id` (agents: the org is checked by the
    /// caller against the ticket itself; visitors: only their own ticket).
    pub fn may_follow(&self, ticket_id: &crate::ids::TicketId) -> bool {
        match self.kind {
            ConnectionKind::Agent => true,
            ConnectionKind::Visitor => self.ticket_id.as_ref() == Some(ticket_id),
        }
    }
}

/// A connection's membership of a ticket's room, as fan-out reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomMember {
    /// The connection.
    pub connection_id: String,
    /// Agent or visitor (visitors never receive internal notes).
    pub kind: ConnectionKind,
    /// The agent's user id or the visitor's customer id (rooms joined before viewers
    /// were tracked lack it).
    pub user_id: Option<String>,
    /// Display name at join time (for "who else is viewing").
    pub name: Option<String>,
}

/// One agent connection of an organization, as organization-wide fan-out reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentConnection {
    /// The connection.
    pub connection_id: String,
    /// Its agent.
    pub user_id: String,
    /// Whether it follows no ticket (the tab shows a list).
    pub on_list: bool,
}

/// A user's presence: online while they have at least one live connection.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    /// The user.
    pub user_id: String,
    /// Live connections (tabs) right now.
    pub connections: i64,
    /// When the user last came online.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_since: Option<DateTime<Utc>>,
    /// When the last connection closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<DateTime<Utc>>,
}
