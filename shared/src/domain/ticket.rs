use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{CustomerId, MessageId, OrgId, TeamId, TicketId, UserId};

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    /// Waiting for an agent.
    Open,
    /// Waiting for the customer.
    Pending,
    /// Answered; reopens if the conversation goes on.
    Resolved,
    /// Done for good.
    Closed,
}

impl TicketStatus {
    /// Every status.
    pub const ALL: [TicketStatus; 4] = [Self::Open, Self::Pending, Self::Resolved, Self::Closed];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "OPEN",
            Self::Pending => "PENDING",
            Self::Resolved => "RESOLVED",
            Self::Closed => "CLOSED",
        }
    }
}

/// How urgent a ticket is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Priority {
    /// Whenever.
    Low,
    /// The default.
    #[default]
    Medium,
    /// Soon.
    High,
    /// Now.
    Urgent,
}

/// Where a ticket came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Channel {
    /// Opened by an agent (a phone call, a walk-in).
    Manual,
    /// An email to the support address.
    Email,
    /// The chat widget.
    Chat,
}

/// A support request: one conversation with one customer.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// ULID.
    pub id: TicketId,
    /// The organization.
    pub org_id: OrgId,
    /// Sequential number within the organization.
    pub number: u64,
    /// Human number, `ACME-0042` (prefix as it was when the ticket was opened).
    #[serde(alias = "key")]
    pub ticket_number: String,
    /// Subject line.
    pub subject: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// How urgent.
    pub priority: Priority,
    /// Where it came from.
    pub channel: Channel,
    /// The customer.
    pub customer_id: CustomerId,
    /// The agent working it.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    /// The team it belongs to.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// Lower-case labels.
    #[serde(default)]
    #[schema(required = true)]
    pub tags: Vec<String>,
    /// The customer as lists show them, copied onto the ticket when it opens and refreshed
    /// when agents edit or merge the customer. Tickets stored before the copy existed have none.
    #[serde(default)]
    pub customer: Option<CustomerSummary>,
    /// The assignee as lists show them, written with `assignee_id` and refreshed on all
    /// their tickets when they change name or avatar.
    #[serde(default)]
    pub assignee: Option<PersonSummary>,
    /// Messages so far (notes included).
    #[serde(default)]
    pub message_count: u64,
    /// While snoozed: when it comes back OPEN (its assignee is told then).
    #[serde(default)]
    pub snoozed_until: Option<DateTime<Utc>>,
    /// Its pending service-level due times ([`crate::sla`]); none when nothing is due.
    #[serde(default)]
    pub sla: Option<crate::sla::TicketSla>,
    /// Message-IDs of the email thread, oldest first (EMAIL tickets), for threading replies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_references: Vec<String>,
    /// The organization's own support address the customer's mail came to (EMAIL
    /// tickets): replies go out from it once a sender identity verified in SES covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_to: Option<String>,
    /// The CLOSED ticket this one continues: its customer wrote again after it was closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows: Option<TicketId>,
    /// Set on a CLOSED ticket once its customer wrote again: the ticket that continues it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followed_by: Option<TicketId>,
    /// When an agent first answered it publicly (set once, by the first reply; reports
    /// count first-response time from it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_response_at: Option<DateTime<Utc>>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When any field last changed.
    pub updated_at: DateTime<Utc>,
    /// When the last message arrived (lists sort by this).
    pub last_activity_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: u64,
}

impl Ticket {
    /// The human number for `number` under `prefix`: at least four digits.
    pub fn format_key(prefix: &str, number: u64) -> String {
        format!("{prefix}-{number:04}")
    }

    /// A human number as people type it (`acme-42`, `#ACME-0042`) in its stored form
    /// (`ACME-0042`); `None` if it is not one.
    pub fn parse_number(raw: &str) -> Option<String> {
        let (prefix, digits) = raw.trim().trim_start_matches('#').split_once('-')?;
        let prefix_ok =
            (1..=10).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_alphanumeric());
        let digits_ok =
            (1..=12).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit());
        if !prefix_ok || !digits_ok {
            return None;
        }
        Some(Self::format_key(
            &prefix.to_ascii_uppercase(),
            digits.parse().ok()?,
        ))
    }

    /// Whether the customer and assignee summaries are there (tickets stored before they
    /// were copied onto tickets lack them).
    pub fn has_summaries(&self) -> bool {
        self.customer.is_some() && (self.assignee_id.is_none() || self.assignee.is_some())
    }
}

/// A customer as a ticket list shows them (refreshed on their tickets when agents edit
/// the customer, and rewritten when tickets move to another customer in a merge).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerSummary {
    /// The customer's id.
    pub id: CustomerId,
    /// Display name.
    pub name: String,
    /// Email address.
    pub email: String,
    /// An unverified contact's typed, unproven address ([`Customer::unverified_email`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified_email: Option<String>,
}

impl From<&Customer> for CustomerSummary {
    fn from(c: &Customer) -> Self {
        Self {
            id: c.id.clone(),
            name: c.name.clone(),
            email: c.email.as_str().to_string(),
            unverified_email: c.unverified_email.clone(),
        }
    }
}

/// An agent as a ticket list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PersonSummary {
    /// The user's id.
    pub id: UserId,
    /// Display name.
    pub name: String,
    /// Optional https avatar.
    #[serde(default)]
    pub avatar_url: Option<String>,
}

impl From<&super::User> for PersonSummary {
    fn from(u: &super::User) -> Self {
        Self {
            id: u.id.clone(),
            name: u.name.clone(),
            avatar_url: u.avatar_url.clone(),
        }
    }
}

/// A ticket as lists and organization-wide events carry it: what a row shows and what the
/// list filters match. The tickets-by-activity index projects exactly these attributes
/// ([`TicketSummary::ATTRIBUTES`]), so a list page is one Query, and a change to anything
/// else (message count, version, email references) writes nothing to the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketSummary {
    /// ULID.
    pub id: TicketId,
    /// Sequential number within the organization.
    pub number: u64,
    /// Human number, `ACME-0042`.
    pub ticket_number: String,
    /// Subject line.
    pub subject: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// How urgent.
    pub priority: Priority,
    /// Where it came from.
    pub channel: Channel,
    /// The customer.
    pub customer_id: CustomerId,
    /// The agent working it.
    #[serde(default)]
    pub assignee_id: Option<UserId>,
    /// The team it belongs to.
    #[serde(default)]
    pub team_id: Option<TeamId>,
    /// Lower-case labels.
    #[serde(default)]
    #[schema(required = true)]
    pub tags: Vec<String>,
    /// When it was opened.
    pub created_at: DateTime<Utc>,
    /// When the last message arrived (lists sort by this).
    pub last_activity_at: DateTime<Utc>,
    /// The customer's name and address.
    #[serde(default)]
    pub customer: Option<CustomerSummary>,
    /// The assignee's name and avatar.
    #[serde(default)]
    pub assignee: Option<PersonSummary>,
    /// Pending service-level due times (the inbox shows time left).
    #[serde(default)]
    pub sla: Option<crate::sla::TicketSla>,
}

impl TicketSummary {
    /// The item attributes a summary is made of (the index's projection).
    pub const ATTRIBUTES: [&'static str; 16] = [
        "id",
        "number",
        "ticketNumber",
        "subject",
        "status",
        "priority",
        "channel",
        "customerId",
        "assigneeId",
        "teamId",
        "tags",
        "createdAt",
        "lastActivityAt",
        "customer",
        "assignee",
        "sla",
    ];

    /// Whether the customer and assignee summaries are there.
    pub fn has_summaries(&self) -> bool {
        self.customer.is_some() && (self.assignee_id.is_none() || self.assignee.is_some())
    }
}

impl From<&Ticket> for TicketSummary {
    fn from(t: &Ticket) -> Self {
        Self {
            id: t.id.clone(),
            number: t.number,
            ticket_number: t.ticket_number.clone(),
            subject: t.subject.clone(),
            status: t.status,
            priority: t.priority,
            channel: t.channel,
            customer_id: t.customer_id.clone(),
            assignee_id: t.assignee_id.clone(),
            team_id: t.team_id.clone(),
            tags: t.tags.clone(),
            created_at: t.created_at,
            last_activity_at: t.last_activity_at,
            customer: t.customer.clone(),
            assignee: t.assignee.clone(),
            sla: t.sla.filter(|s| !s.is_empty()),
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AuthorType {
    /// An agent of the organization.
    Agent,
    /// The customer (email or widget).
    Customer,
    /// wrrk itself.
    System,
}

/// Who writes a message: the kind and the id go together, so an agent's message always
/// names its agent and a system note never names anyone.
#[derive(Debug, Clone)]
pub enum Author {
    /// An agent, by user id.
    Agent {
        /// The agent.
        id: UserId,
        /// Display name.
        name: String,
    },
    /// The customer; `id` is absent when someone else on the thread wrote (a Cc'd person).
    Customer {
        /// The customer, when it is them.
        id: Option<CustomerId>,
        /// Display name.
        name: String,
    },
    /// wrrk itself (notes about the ticket, survey answers, bounces).
    System {
        /// What the note is signed as.
        name: String,
    },
}

impl Author {
    /// The stored form: kind, id and display name.
    pub fn into_parts(self) -> (AuthorType, Option<String>, String) {
        match self {
            Self::Agent { id, name } => (AuthorType::Agent, Some(id.to_string()), name),
            Self::Customer { id, name } => (AuthorType::Customer, id.map(|i| i.to_string()), name),
            Self::System { name } => (AuthorType::System, None, name),
        }
    }
}

/// A message on a ticket: a reply, a customer message, or an internal note.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// ULID (messages sort by it).
    pub id: MessageId,
    /// The ticket.
    pub ticket_id: TicketId,
    /// The organization.
    pub org_id: OrgId,
    /// Who wrote it.
    pub author_type: AuthorType,
    /// The agent's or customer's id.
    pub author_id: Option<String>,
    /// Display name of the author.
    pub author_name: String,
    /// Plain text.
    pub content: String,
    /// Internal notes are for agents only: never emailed, never sent to a visitor.
    pub internal: bool,
    /// The channel it travelled by.
    pub channel: Channel,
    /// Its email Message-ID, when it came or went by email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_message_id: Option<String>,
    /// Email details: HTML, attachments, auto-reply or bounce, delivery state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<super::EmailMeta>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// Someone who asks for help, known by email within an organization.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Customer {
    /// ULID.
    pub id: CustomerId,
    /// The organization.
    pub org_id: OrgId,
    /// Normalized email, unique within the organization.
    pub email: super::Email,
    /// Display name.
    pub name: String,
    /// When first seen.
    pub created_at: DateTime<Utc>,
    /// Mail to this address bounced or drew a complaint.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub email_bouncing: bool,
    /// An *unverified contact*: a chat visitor who typed this address without proving it
    /// (no identity hash). Their `email` is a placeholder that mail never reaches, they
    /// are never matched to the customer who really has this address, and an agent may
    /// merge them into that customer once satisfied it is the same person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unverified_email: Option<String>,
    /// Phone number, as agents typed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Agents' notes about the customer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Other addresses that map to this customer (kept from merged customers): mail from
    /// them joins this customer's conversations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary_emails: Vec<super::Email>,
    /// Set on a customer merged into another: that customer, which now has its tickets
    /// and addresses. A merged customer is kept (so old links resolve) but not listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<CustomerId>,
    /// When agents last changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime<Utc>>,
    /// Optimistic-concurrency version (0 until first edited).
    #[serde(default)]
    pub version: u64,
}

/// The domain of the address an anonymous chat visitor's customer gets: `.invalid` is
/// reserved (RFC 2606), so mail to it can never be delivered, and no sign-up can claim it.
pub const ANONYMOUS_VISITOR_DOMAIN: &str = "visitors.wrrk.invalid";

impl Customer {
    /// A fresh address for an anonymous chat visitor (`visitor-{id}@visitors.wrrk.invalid`).
    pub fn anonymous_visitor_email() -> Result<super::Email, super::Invalid> {
        super::Email::parse(
            "email",
            &format!(
                "visitor-{}@{ANONYMOUS_VISITOR_DOMAIN}",
                crate::ids::new_id().to_lowercase()
            ),
        )
    }

    /// Whether the customer is an anonymous chat visitor (no address mail can reach).
    pub fn is_anonymous_visitor(&self) -> bool {
        is_anonymous_visitor_email(self.email.as_str())
    }

    /// Most addresses one customer holds (primary and secondary): a merge writes all of
    /// their markers in one transaction.
    pub const MAX_EMAILS: usize = 20;

    /// A new customer first seen at `now`.
    pub fn new(org_id: OrgId, email: super::Email, name: String, now: DateTime<Utc>) -> Self {
        Self {
            id: CustomerId::new(),
            org_id,
            email,
            name,
            created_at: now,
            email_bouncing: false,
            unverified_email: None,
            phone: None,
            notes: None,
            secondary_emails: Vec::new(),
            merged_into: None,
            updated_at: None,
            version: 0,
        }
    }

    /// The customer as an unverified contact who typed `address` (see `unverified_email`).
    pub fn with_unverified_email(mut self, address: Option<String>) -> Self {
        self.unverified_email = address;
        self
    }

    /// Every address of the customer, primary first.
    pub fn all_emails(&self) -> impl Iterator<Item = &super::Email> {
        std::iter::once(&self.email).chain(self.secondary_emails.iter())
    }
}

/// Whether `address` is an anonymous chat visitor's placeholder.
pub fn is_anonymous_visitor_email(address: &str) -> bool {
    address
        .rsplit_once('@')
        .is_some_and(|(_, domain)| domain == ANONYMOUS_VISITOR_DOMAIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_summary_is_made_of_exactly_its_listed_attributes() {
        let summary = TicketSummary {
            id: TicketId::new(),
            number: 1,
            ticket_number: "A-0001".into(),
            subject: "s".into(),
            status: TicketStatus::Open,
            priority: Priority::Medium,
            channel: Channel::Chat,
            customer_id: CustomerId::new(),
            assignee_id: Some(UserId::new()),
            team_id: Some(TeamId::new()),
            tags: vec!["x".into()],
            created_at: Utc::now(),
            last_activity_at: Utc::now(),
            customer: None,
            assignee: None,
            sla: None,
        };
        let json = serde_json::to_value(&summary).expect("serializes");
        let mut fields: Vec<&str> = json
            .as_object()
            .expect("an object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut listed = TicketSummary::ATTRIBUTES.to_vec();
        fields.sort_unstable();
        listed.sort_unstable();
        assert_eq!(fields, listed);
    }

    #[test]
    fn ticket_numbers_are_read_as_people_type_them() {
        assert_eq!(
            Ticket::parse_number("ACME-0042").as_deref(),
            Some("ACME-0042")
        );
        assert_eq!(
            Ticket::parse_number(" acme-42 ").as_deref(),
            Some("ACME-0042")
        );
        assert_eq!(
            Ticket::parse_number("#TKT-12345").as_deref(),
            Some("TKT-12345")
        );
        for bad in [
            "ACME", "ACME-", "-42", "AC ME-1", "ACME-4x", "ACME-1-2", "ÄCME-1", "",
        ] {
            assert_eq!(Ticket::parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn an_anonymous_visitor_has_an_address_no_mail_reaches() {
        let email = Customer::anonymous_visitor_email().unwrap();
        assert!(email.as_str().starts_with("visitor-"), "{}", email.as_str());
        let c = Customer::new(
            crate::ids::OrgId::new(),
            email,
            "Visitor".into(),
            Utc::now(),
        );
        assert!(c.is_anonymous_visitor());
        assert_ne!(
            Customer::anonymous_visitor_email().unwrap(),
            Customer::anonymous_visitor_email().unwrap(),
            "one address per visitor"
        );
    }

    #[test]
    fn only_the_visitor_domain_marks_an_anonymous_visitor() {
        for (address, want) in [
            ("visitor-1@visitors.wrrk.invalid", true),
            ("kim@customer.io", false),
            ("kim@other.invalid", false),
            ("kim@visitors.wrrk.invalid.example.com", false),
            ("visitors.wrrk.invalid", false),
        ] {
            assert_eq!(is_anonymous_visitor_email(address), want, "{address}");
        }
    }
}
