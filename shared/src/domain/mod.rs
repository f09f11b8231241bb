//! Domain types and the validated newtypes requests are parsed into.

mod connection;
mod email;
mod invitation;
mod organization;
mod role;
mod routing;
mod saved_reply;
mod team;
mod ticket;
mod user;
mod values;

pub use connection::{
    AgentConnection, CONNECTION_LIFETIME_SECONDS, Connection, ConnectionKind, Presence, RoomMember,
};
pub use email::{Attachment, DeliveryState, EmailDelivery, EmailMeta, MailKind};
pub use invitation::{INVITATION_DAYS, Invitation, InvitationStatus};
pub use organization::{Organization, WidgetPosition, WidgetSettings};
pub use role::Role;
pub use routing::{
    AssignmentMode, DEFAULT_MAX_OPEN_PER_AGENT, MAX_OPEN_PER_AGENT_LIMIT, MAX_ROUTING_RULES,
    Origin, RoutingRule, Via, route,
};
pub use saved_reply::{Placeholders, SavedReply};
pub use team::Team;
pub use ticket::{
    ANONYMOUS_VISITOR_DOMAIN, Author, AuthorType, Channel, Customer, CustomerSummary, Message,
    PersonSummary, Priority, Ticket, TicketStatus, TicketSummary, is_anonymous_visitor_email,
};
pub use user::{NotificationPrefs, User};
pub use values::{
    CONTENT_PATTERN, EMAIL_PATTERN, Email, HttpsUrl, LINES_PATTERN, LINES_REQUIRED_PATTERN,
    OPTIONAL_TEXT_PATTERN, Password, PersonName, TEXT_PATTERN, TicketPrefix, Timezone, TrimmedText,
};

/// Why a value was rejected; handlers turn it into a 422 naming the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    /// The request field at fault.
    pub field: &'static str,
    /// What is wrong with it, as a sentence.
    pub message: String,
}

impl Invalid {
    /// A rejection of `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}
