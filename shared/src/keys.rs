//! Every DynamoDB key wrrk writes or reads is built here, and only here.
//!
//! Tenant items live in the organization's partition (`ORG#<orgId>`), so no query can
//! cross tenants. Look-ups that must begin without an organization (login by email, an
//! invitation token, throttling) use global marker items that point back to it.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

/// Attribute names of the table's keys and indexes.
pub mod attr {
    /// Partition key.
    pub const PK: &str = "PK";
    /// Sort key.
    pub const SK: &str = "SK";
    /// First overloaded index, partition key.
    pub const GSI1PK: &str = "GSI1PK";
    /// First overloaded index, sort key.
    pub const GSI1SK: &str = "GSI1SK";
    /// Third index, partition key.
    pub const GSI3PK: &str = "GSI3PK";
    /// Third index, sort key.
    pub const GSI3SK: &str = "GSI3SK";
    /// Epoch seconds after which DynamoDB may delete the item.
    pub const TTL: &str = "ttl";
}

/// Name of the first overloaded global secondary index (a user's team memberships).
pub const GSI1: &str = "GSI1";
/// The index of an organization's tickets by last activity, projecting what a list row
/// needs (`TicketSummary`). It is the only index a ticket is in, so a message moves one
/// index entry: every list (status, assignee, team, ...) is a filtered Query on it, and
/// lists sort by activity, so open tickets, which are the active ones, come first.
pub const GSI3: &str = "GSI3";

/// A primary key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    /// Partition key value.
    pub pk: String,
    /// Sort key value.
    pub sk: String,
}

impl Key {
    fn new(pk: impl Into<String>, sk: impl Into<String>) -> Self {
        Self {
            pk: pk.into(),
            sk: sk.into(),
        }
    }

    /// The key as DynamoDB attributes.
    pub fn to_item(&self) -> HashMap<String, AttributeValue> {
        HashMap::from([
            (attr::PK.to_string(), AttributeValue::S(self.pk.clone())),
            (attr::SK.to_string(), AttributeValue::S(self.sk.clone())),
        ])
    }
}

// Key builders take ids as text (`impl AsRef<str>`): a typed id (`&OrgId`, `&TicketId`…)
// as the store passes it, or the text of an id read back from an item.

/// The organization's partition.
pub fn org_pk(org_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    format!("ORG#{org_id}")
}

/// The organization's own item.
pub fn org(org_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), "ORG")
}

/// The organization's ticket-number counter.
pub fn ticket_counter(org_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), "COUNTER#TICKET")
}

/// The count of active admins, guarded so it never drops below one.
pub fn admin_counter(org_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), "COUNTER#ADMINS")
}

/// Sort-key prefix of users.
pub const USER_PREFIX: &str = "USER#";

/// A user of an organization.
pub fn user(org_id: impl AsRef<str>, user_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    Key::new(org_pk(org_id), format!("{USER_PREFIX}{user_id}"))
}

/// The system-wide marker that makes an email unique and finds its user at login.
pub fn email_marker(email: &str) -> Key {
    Key::new(format!("EMAIL#{email}"), "EMAIL")
}

/// Sort-key prefix of teams.
pub const TEAM_PREFIX: &str = "TEAM#";

/// A team.
pub fn team(org_id: impl AsRef<str>, team_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let team_id = team_id.as_ref();
    Key::new(org_pk(org_id), format!("{TEAM_PREFIX}{team_id}"))
}

/// The marker that keeps team names unique within an organization.
pub fn team_name_marker(org_id: impl AsRef<str>, lower_name: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("TEAMNAME#{lower_name}"))
}

/// Sort-key prefix of one team's memberships.
pub fn team_member_prefix(team_id: impl AsRef<str>) -> String {
    let team_id = team_id.as_ref();
    format!("MEMBER#{team_id}#")
}

/// A user's membership of a team (indexed by user in GSI1 for "my teams").
pub fn team_member(
    org_id: impl AsRef<str>,
    team_id: impl AsRef<str>,
    user_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let team_id = team_id.as_ref();
    let user_id = user_id.as_ref();
    Key::new(
        org_pk(org_id),
        format!("{}{user_id}", team_member_prefix(team_id)),
    )
}

/// GSI1 sort key of a membership in a user's list of teams.
pub fn user_teams_gsi_sk(team_id: impl AsRef<str>) -> String {
    let team_id = team_id.as_ref();
    format!("{TEAM_PREFIX}{team_id}")
}

/// GSI1 partition of one user's memberships.
pub fn user_teams_gsi_pk(org_id: impl AsRef<str>, user_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    format!("ORG#{org_id}#USERTEAMS#{user_id}")
}

/// Sort-key prefix of invitations.
pub const INVITATION_PREFIX: &str = "INVITE#";

/// An invitation.
pub fn invitation(org_id: impl AsRef<str>, invitation_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let invitation_id = invitation_id.as_ref();
    Key::new(
        org_pk(org_id),
        format!("{INVITATION_PREFIX}{invitation_id}"),
    )
}

/// The marker that finds a pending invitation by email (one per email per org).
pub fn invitation_email_marker(org_id: impl AsRef<str>, email: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("INVITEMAIL#{email}"))
}

/// The global marker that finds an invitation from the hash of its token.
pub fn invitation_token_marker(token_hash: &str) -> Key {
    Key::new(format!("INVITETOKEN#{token_hash}"), "INVITETOKEN")
}

/// The hex SHA-256 of `raw`: any user-supplied text becomes a bounded key part.
fn hashed(raw: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(raw.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fixed-window counter of login attempts for one subject (an email with a source IP or
/// a known device, a source IP, an email); the subject is hashed.
pub fn login_throttle(subject: &str, window: i64) -> Key {
    Key::new(
        format!("THROTTLE#LOGIN#{}", hashed(subject)),
        format!("WINDOW#{window}"),
    )
}

/// Marks that `email` signed in successfully from source IP `ip` (a *known network*: the
/// login ceilings do not apply there); both hashed.
pub fn login_network(email: &str, ip: &str) -> Key {
    Key::new(
        format!("LOGINNET#{}", hashed(&format!("{email}#{ip}"))),
        "LOGINNET",
    )
}

/// A fixed-window counter of some other action (`what`) by one subject, hashed.
pub fn rate_counter(what: &str, subject: &str, window: i64) -> Key {
    Key::new(
        format!("THROTTLE#{what}#{}", hashed(subject)),
        format!("WINDOW#{window}"),
    )
}

/// The global marker of a single-use account token (email verification, password
/// reset) from the hash of the token.
pub fn account_token(token_hash: &str) -> Key {
    Key::new(format!("ACCOUNTTOKEN#{token_hash}"), "ACCOUNTTOKEN")
}

/// The deployment's own settings, written at deploy by the Site custom resource (the
/// app's URL when it is CloudFront's generated domain).
pub fn deploy_config() -> Key {
    Key::new("DEPLOY", "CONFIG")
}

/// The one-time setup link of a deployed stack whose signup is closed: its token's hash,
/// and the organization created through it once used.
pub fn setup_link() -> Key {
    Key::new("DEPLOY", "SETUP")
}

/// Sort-key prefix of tickets.
pub const TICKET_PREFIX: &str = "TICKET#";

/// A ticket.
pub fn ticket(org_id: impl AsRef<str>, ticket_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(org_pk(org_id), format!("{TICKET_PREFIX}{ticket_id}"))
}

/// Index sort key of a ticket in the lists: last activity (fixed-width, so it sorts as
/// text), then id (ties broken stably).
pub fn ticket_activity_sk(
    last_activity: chrono::DateTime<chrono::Utc>,
    ticket_id: impl AsRef<str>,
) -> String {
    let ticket_id = ticket_id.as_ref();
    format!(
        "{}#{ticket_id}",
        last_activity.format("%Y-%m-%dT%H:%M:%S%.6fZ")
    )
}

/// GSI3 partition: all of the organization's tickets.
pub fn tickets_all_pk(org_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    format!("ORG#{org_id}#TICKETS")
}

/// A ticket's messages partition.
pub fn messages_pk(org_id: impl AsRef<str>, ticket_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    format!("ORG#{org_id}#TICKET#{ticket_id}")
}

/// Sort-key prefix of messages.
pub const MESSAGE_PREFIX: &str = "MSG#";

/// A message of a ticket.
pub fn message(
    org_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
    message_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    let message_id = message_id.as_ref();
    Key::new(
        messages_pk(org_id, ticket_id),
        format!("{MESSAGE_PREFIX}{message_id}"),
    )
}

/// The marker that makes a message idempotent (an email's Message-ID and sender, a widget's
/// client message id): the raw key is hashed, so any input makes a bounded key.
pub fn message_dedupe(org_id: impl AsRef<str>, dedupe_key: &str) -> Key {
    let org_id = org_id.as_ref();
    use sha2::Digest;
    let digest = sha2::Sha256::digest(dedupe_key.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Key::new(org_pk(org_id), format!("DEDUPE#{hex}"))
}

/// Sort-key prefix of customers.
pub const CUSTOMER_PREFIX: &str = "CUSTOMER#";

/// A customer.
pub fn customer(org_id: impl AsRef<str>, customer_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let customer_id = customer_id.as_ref();
    Key::new(org_pk(org_id), format!("{CUSTOMER_PREFIX}{customer_id}"))
}

/// The marker that finds a customer by email within an organization.
pub fn customer_email_marker(org_id: impl AsRef<str>, email: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("CUSTEMAIL#{email}"))
}

/// Sort-key prefix of one customer's ticket links.
pub fn customer_ticket_prefix(customer_id: impl AsRef<str>) -> String {
    let customer_id = customer_id.as_ref();
    format!("CUSTTICKET#{customer_id}#")
}

/// A link from a customer to one of their tickets (written once, never updated).
pub fn customer_ticket(
    org_id: impl AsRef<str>,
    customer_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let customer_id = customer_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(
        org_pk(org_id),
        format!("{}{ticket_id}", customer_ticket_prefix(customer_id)),
    )
}

/// Sort-key prefix of the organization's shared saved replies.
pub const SHARED_REPLY_PREFIX: &str = "REPLY#ORG#";

/// Sort-key prefix of one agent's personal saved replies (their own range, so listing
/// them never reads anyone else's).
pub fn personal_reply_prefix(user_id: impl AsRef<str>) -> String {
    let user_id = user_id.as_ref();
    format!("REPLY#USER#{user_id}#")
}

/// A saved reply: shared (`owner` `None`) or one agent's own.
pub fn saved_reply(org_id: impl AsRef<str>, owner: Option<&str>, reply_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let reply_id = reply_id.as_ref();
    let prefix = match owner {
        Some(user_id) => personal_reply_prefix(user_id),
        None => SHARED_REPLY_PREFIX.to_string(),
    };
    Key::new(org_pk(org_id), format!("{prefix}{reply_id}"))
}

/// A customer satisfaction survey (one per resolve of a ticket).
pub fn survey(org_id: impl AsRef<str>, survey_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let survey_id = survey_id.as_ref();
    Key::new(org_pk(org_id), format!("SURVEY#{survey_id}"))
}

/// One day's report rollup of an organization (`date` local to it), shard `shard` of
/// that day (every `reports::ENTRIES_PER_ITEM` entries start the next).
pub fn report_day(org_id: impl AsRef<str>, date: chrono::NaiveDate, shard: u64) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("REPORT#{date}#{shard:04}"))
}

/// The entry counter of one day's report rollup (outside the range the report reads).
pub fn report_day_counter(org_id: impl AsRef<str>, date: chrono::NaiveDate) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("REPORTN#{date}"))
}

/// The sort-key bounds of the report items of the days `from` to `to` (inclusive).
pub fn report_days(from: chrono::NaiveDate, to: chrono::NaiveDate) -> (String, String) {
    // `~` sorts after every digit: every shard of `to`.
    (format!("REPORT#{from}#"), format!("REPORT#{to}#~"))
}

/// The global item of a WebSocket connection: API Gateway events name only the connection,
/// so this points back to its organization, user and rooms.
pub fn connection(connection_id: impl AsRef<str>) -> Key {
    let connection_id = connection_id.as_ref();
    Key::new(format!("CONN#{connection_id}"), "CONN")
}

/// Sort-key prefix of connection entries in a partition (org listing or room).
pub const CONNECTION_PREFIX: &str = "CONN#";

/// Partition of an organization's agent connections (org-wide events go to these).
pub fn org_connections_pk(org_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    format!("ORG#{org_id}#CONNS")
}

/// An agent connection's entry in its organization's list.
pub fn org_connection(org_id: impl AsRef<str>, connection_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let connection_id = connection_id.as_ref();
    Key::new(
        org_connections_pk(org_id),
        format!("{CONNECTION_PREFIX}{connection_id}"),
    )
}

/// Partition of a ticket's room: the connections viewing it.
pub fn room_pk(org_id: impl AsRef<str>, ticket_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    format!("ORG#{org_id}#ROOM#{ticket_id}")
}

/// A connection's membership of a ticket's room.
pub fn room_member(
    org_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
    connection_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    let connection_id = connection_id.as_ref();
    Key::new(
        room_pk(org_id, ticket_id),
        format!("{CONNECTION_PREFIX}{connection_id}"),
    )
}

/// Sort-key prefix of presence items.
pub const PRESENCE_PREFIX: &str = "PRESENCE#";

/// A user's presence: the count of their live connections and when they were last seen.
pub fn presence(org_id: impl AsRef<str>, user_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    Key::new(org_pk(org_id), format!("{PRESENCE_PREFIX}{user_id}"))
}

/// The global marker that finds an organization from its public widget key.
pub fn widget_key_marker(widget_key: &str) -> Key {
    Key::new(format!("WIDGETKEY#{widget_key}"), "WIDGETKEY")
}

/// A WebSocket connect ticket for a widget visitor, by the hash of the ticket (single use,
/// expired by TTL).
pub fn widget_connect_ticket(ticket_hash: &str) -> Key {
    Key::new(format!("WSTICKET#{ticket_hash}"), "WSTICKET")
}

/// A fixed-window counter of widget requests for one subject (an IP, a widget key, a
/// session), expired by TTL.
pub fn widget_rate(subject: &str, window: i64) -> Key {
    Key::new(
        format!("THROTTLE#WIDGET#{subject}"),
        format!("WINDOW#{window}"),
    )
}

/// The conversation of a verified widget user (the site's own user id, hashed), so the
/// user finds it again on another device.
pub fn widget_user(org_id: impl AsRef<str>, user_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    use sha2::Digest;
    let digest = sha2::Sha256::digest(user_id.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    Key::new(org_pk(org_id), format!("WIDGETUSER#{hex}"))
}
// ---- email -------------------------------------------------------------------------------

/// A Message-ID the organization's mail has seen (inbound, ours, or SES's rewritten form),
/// pointing at its ticket: how replies thread by `In-Reply-To`/`References`.
pub fn mail_reference(org_id: impl AsRef<str>, message_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let message_id = message_id.as_ref();
    Key::new(org_pk(org_id), format!("MAILREF#{message_id}"))
}

/// One inbound mail (Message-ID with sender, or the raw message's hash): makes a second
/// delivery of the same mail a no-op.
pub fn inbound_mail(org_id: impl AsRef<str>, dedupe: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("INMAIL#{dedupe}"))
}

/// A ticket by its human number, for `[#ACME-0042]` subject tokens.
pub fn ticket_number_marker(org_id: impl AsRef<str>, ticket_number: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("TICKETNO#{ticket_number}"))
}

/// An address that wrote on a ticket by email (its participants).
pub fn mail_participant(org_id: impl AsRef<str>, ticket_id: impl AsRef<str>, email: &str) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(org_pk(org_id), format!("PARTICIPANT#{ticket_id}#{email}"))
}

/// The global marker of a ticket's reply address token (`reply+{token}@…`).
pub fn reply_token(token: &str) -> Key {
    Key::new(format!("REPLYTO#{token}"), "REPLYTO")
}

/// The global marker that makes a support address unique and finds its organization.
pub fn support_address_marker(address: &str) -> Key {
    Key::new(format!("INBOUND#{address}"), "INBOUND")
}

/// Sort-key prefix of an organization's own support addresses.
pub const SUPPORT_ADDRESS_PREFIX: &str = "ADDRESS#";

/// One of an organization's own support addresses.
pub fn support_address(org_id: impl AsRef<str>, address: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("{SUPPORT_ADDRESS_PREFIX}{address}"))
}

/// The global marker that makes a sender identity (an address or a domain verified in
/// SES) one organization's: SES identities are the account's, shared by every tenant.
pub fn sender_identity_marker(identity: &str) -> Key {
    Key::new(format!("SENDERID#{identity}"), "SENDERID")
}

/// Sort-key prefix of an organization's sender identities.
pub const SENDER_IDENTITY_PREFIX: &str = "SENDERID#";

/// One of an organization's sender identities.
pub fn sender_identity(org_id: impl AsRef<str>, identity: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(
        org_pk(org_id),
        format!("{SENDER_IDENTITY_PREFIX}{identity}"),
    )
}

/// Sort-key prefix of quarantined mail.
pub const QUARANTINE_PREFIX: &str = "QUARANTINE#";

/// A quarantined or held inbound mail.
pub fn quarantined(org_id: impl AsRef<str>, id: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("{QUARANTINE_PREFIX}{id}"))
}

/// A stored attachment.
pub fn attachment(org_id: impl AsRef<str>, id: &str) -> Key {
    let org_id = org_id.as_ref();
    Key::new(org_pk(org_id), format!("ATTACHMENT#{id}"))
}

/// When `user_id` was last mailed about `ticket_id` (batches notification mail).
pub fn notify_mail(
    org_id: impl AsRef<str>,
    user_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(org_pk(org_id), format!("NOTIFYMAIL#{user_id}#{ticket_id}"))
}

/// Partition of snoozed tickets, sorted by when they wake.
pub const SNOOZE_PK: &str = "SNOOZE";

/// A ticket snoozed until `until` (RFC 3339).
pub fn snooze(until: &str, org_id: impl AsRef<str>, ticket_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(SNOOZE_PK, format!("{until}#{org_id}#{ticket_id}"))
}

/// Partition of outbound mail waiting for a retry, sorted by when it is due.
pub const MAIL_RETRY_PK: &str = "MAILRETRY";

/// An outbound mail due for a retry at `due` (RFC 3339).
pub fn mail_retry(
    due: &str,
    org_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
    message_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    let message_id = message_id.as_ref();
    Key::new(
        MAIL_RETRY_PK,
        format!("{due}#{org_id}#{ticket_id}#{message_id}"),
    )
}

/// GSI1 partition of the organization's tickets with an SLA due time pending, sorted by
/// the soonest ([`ticket_due_sk`]): the inbox's "due next" order. Sparse: a ticket leaves
/// it when nothing is due.
pub fn tickets_due_pk(org_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    format!("ORG#{org_id}#TICKETSDUE")
}

/// GSI1 sort key of a ticket in [`tickets_due_pk`]: its soonest due time (fixed width, so
/// text order is time order), then id.
pub fn ticket_due_sk(due: chrono::DateTime<chrono::Utc>, ticket_id: impl AsRef<str>) -> String {
    let ticket_id = ticket_id.as_ref();
    format!("{}#{ticket_id}", due.format("%Y-%m-%dT%H:%M:%S%.3fZ"))
}

/// Partition of SLA due times waiting to be checked for a breach, sorted by time.
pub const SLA_DUE_PK: &str = "SLADUE";

/// A ticket's `target` due at `due` (RFC 3339), queued for the breach check.
pub fn sla_due(
    due: &str,
    org_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
    target: &str,
) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(SLA_DUE_PK, format!("{due}#{org_id}#{ticket_id}#{target}"))
}

/// Marks a ticket's `target` due at `due` as breached: written once, so the breach is
/// announced once.
pub fn sla_breach(
    org_id: impl AsRef<str>,
    ticket_id: impl AsRef<str>,
    target: &str,
    due: &str,
) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(
        org_pk(org_id),
        format!("SLABREACH#{ticket_id}#{target}#{due}"),
    )
}

// ---- assignment --------------------------------------------------------------------------

/// How many open conversations an agent holds (an atomic counter that refuses above a
/// team's cap when the rules assign, given back when a conversation leaves them).
pub fn agent_load(org_id: impl AsRef<str>, user_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let user_id = user_id.as_ref();
    Key::new(org_pk(org_id), format!("LOAD#{user_id}"))
}

/// A team's round-robin position (an atomic counter).
pub fn round_robin(org_id: impl AsRef<str>, team_id: impl AsRef<str>) -> Key {
    let org_id = org_id.as_ref();
    let team_id = team_id.as_ref();
    Key::new(org_pk(org_id), format!("ROUNDROBIN#{team_id}"))
}

/// Partition of a team's queue: conversations no agent could take, oldest first.
pub fn team_queue_pk(org_id: impl AsRef<str>, team_id: impl AsRef<str>) -> String {
    let org_id = org_id.as_ref();
    let team_id = team_id.as_ref();
    format!("ORG#{org_id}#QUEUE#{team_id}")
}

/// A conversation waiting in its team's queue since `since` (RFC 3339).
pub fn team_queue(
    org_id: impl AsRef<str>,
    team_id: impl AsRef<str>,
    since: &str,
    ticket_id: impl AsRef<str>,
) -> Key {
    let org_id = org_id.as_ref();
    let team_id = team_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(
        team_queue_pk(org_id, team_id),
        format!("{since}#{ticket_id}"),
    )
}

/// Partition of outbound mail that failed for good (every attempt, or a mail SES would
/// never take): the send dead letters an operator lists and replays.
pub const FAILED_SEND_PK: &str = "FAILEDSEND";

/// The dead letter of one message's mail: one per message, so recording it again
/// overwrites it and replaying it claims it once.
pub fn failed_send(org_id: impl AsRef<str>, ticket_id: impl AsRef<str>, message_id: &str) -> Key {
    let org_id = org_id.as_ref();
    let ticket_id = ticket_id.as_ref();
    Key::new(FAILED_SEND_PK, format!("{org_id}#{ticket_id}#{message_id}"))
}
