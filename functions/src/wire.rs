//! Response bodies that are not domain types as they are: what an endpoint composes from
//! several records. Requests are each handler's own `Body`; the domain types (`Ticket`,
//! `User`...) are sent as they are. All of them are in the OpenAPI document
//! ([`crate::openapi`]), which is what the front ends' types are generated from.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use wrrk_shared::domain::{Attachment, Customer, Organization, Role, Team, Ticket, User};

/// A new session: sign-up, invitation accepted, password changed or reset.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionStarted {
    /// The bearer token for `Authorization: Bearer ...` and the WebSocket `?token=`.
    pub token: String,
    /// The signed-in user.
    pub user: User,
    /// Their organization (sign-up and invitations).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
}

/// A successful login.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoggedIn {
    /// The bearer token.
    pub token: String,
    /// The signed-in user.
    pub user: User,
    /// Send it back as `deviceToken` on later logins from this browser: a known device
    /// is never locked out by throttling aimed at others.
    pub device_token: String,
}

/// `GET /api/auth/me`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// The caller.
    pub user: User,
    /// The caller's organization.
    pub organization: Organization,
}

/// Whether an email address is verified, and whether a link was just sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Verification {
    /// The address is verified.
    pub verified: bool,
    /// A new link was mailed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent: Option<bool>,
}

/// A request taken on whose outcome is not disclosed (password reset).
#[derive(Debug, Serialize, ToSchema)]
pub struct Notice {
    /// What happens next, for people.
    pub message: String,
}

/// A team's id and name.
#[derive(Debug, Serialize, ToSchema)]
pub struct TeamRef {
    /// Team id.
    pub id: String,
    /// Team name.
    pub name: String,
}

impl From<&Team> for TeamRef {
    fn from(t: &Team) -> Self {
        Self {
            id: t.id.to_string(),
            name: t.name.clone(),
        }
    }
}

/// A user with the teams they belong to.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDetail {
    /// The user.
    #[serde(flatten)]
    pub user: User,
    /// Their teams.
    pub teams: Vec<TeamRef>,
}

/// A customer with their most recent tickets.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerDetail {
    /// The customer.
    #[serde(flatten)]
    pub customer: Customer,
    /// Their latest tickets, newest first.
    pub tickets: Vec<Ticket>,
}

/// An organization as its members see it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrganizationDetail {
    /// The organization (the widget's identity secret only for admins).
    #[serde(flatten)]
    pub organization: Organization,
    /// Mail to this address becomes tickets.
    pub support_address: String,
}

/// The organization's support addresses.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SupportAddresses {
    /// The built-in address.
    pub support_address: String,
    /// Addresses the organization added (usually forwarded to wrrk).
    pub addresses: Vec<String>,
}

/// One support address.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportAddress {
    /// The normalized address.
    pub address: String,
}

/// What an invitation link offers, shown before it is accepted.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvitationPreview {
    /// Who invites.
    pub organization_name: String,
    /// Who is invited.
    pub email: String,
    /// The role on joining.
    pub role: Role,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
    /// Always true (an unusable link is a 404 or 410).
    pub valid: bool,
}

/// Whether an online colleague is, and since when.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PresenceEntry {
    /// The user.
    pub user_id: String,
    /// Their name.
    pub name: Option<String>,
    /// Always `online` in this list.
    pub status: String,
    /// Open connections (tabs).
    pub connections: i64,
    /// Since when.
    pub online_since: Option<DateTime<Utc>>,
}

/// A short-lived download link for an attachment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentLink {
    /// The attachment.
    pub attachment: Attachment,
    /// Its ticket.
    pub ticket_id: String,
    /// Presigned GET URL.
    pub url: String,
    /// Seconds the URL works.
    pub expires_in: u64,
}

/// What the widget needs before a visitor writes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetInit {
    /// The organization's public face.
    pub organization: WidgetOrganization,
    /// Look and welcome text.
    pub settings: WidgetLook,
    /// Whether any agent is online now.
    pub agents_online: bool,
    /// Ask for an email first (nobody online to answer live).
    pub ask_email: bool,
    /// Chats need a verified identity (`setUser` with a valid hash).
    pub identity_required: bool,
    /// Within business hours now, or when the team is back.
    pub availability: wrrk_shared::business_hours::Availability,
}

/// The organization as the widget shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct WidgetOrganization {
    /// Display name.
    pub name: String,
}

/// The widget settings a visitor's browser may see.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetLook {
    /// Accent color, `#rrggbb`.
    pub primary_color: String,
    /// Corner of the page.
    pub position: wrrk_shared::domain::WidgetPosition,
    /// First line the visitor reads.
    pub welcome_message: String,
}

/// A visitor's chat session.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WidgetSession {
    /// The session token (`Authorization: Bearer ...`), scoped to one conversation.
    pub token: String,
    /// The conversation.
    pub ticket_id: String,
    /// Its human number.
    pub ticket_number: String,
    /// The visitor's name.
    pub name: String,
    /// Whether replies can be emailed (only to a verified user's address).
    pub has_email: bool,
    /// Seconds the token lives.
    pub expires_in: u64,
    /// The first message, when the request carried one (it opened the conversation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_message: Option<VisitorMessage>,
}

/// A message as a visitor sees it: the same type its socket carries.
pub use wrrk_shared::events::VisitorMessage;

/// A single-use ticket for opening the widget's WebSocket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConnectTicket {
    /// Pass as `?ticket=` when connecting.
    pub ticket: String,
    /// Seconds it stays usable.
    pub expires_in: u64,
}

/// `GET /api/saved-replies/{id}/render`: a saved reply filled for one ticket.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RenderedReply {
    /// The saved reply.
    pub id: wrrk_shared::ids::SavedReplyId,
    /// Its title.
    pub title: String,
    /// Its body with the placeholders filled: plain text, to insert as text.
    pub text: String,
}

/// `POST /api/customers/{id}/merge`.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerMerged {
    /// The customer that stays, with the duplicate's addresses as secondary ones.
    pub customer: Customer,
    /// Tickets this call moved (0 when repeating a finished merge).
    pub moved_tickets: u64,
}

/// A satisfaction survey as the customer's rating page shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SurveyView {
    /// Who asks.
    pub organization_name: String,
    /// The ticket it is about, `ACME-0042`.
    pub ticket_number: String,
    /// Its subject.
    pub subject: String,
    /// 1 to 5, once rated.
    pub rating: Option<u8>,
    /// The customer's comment, once rated with one.
    pub comment: Option<String>,
}
