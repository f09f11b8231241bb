//! The two use cases every channel shares: open a ticket, post a message. The agent API,
//! inbound email and the chat widget call these and nothing below them, so customer
//! find-or-create, numbering, activity, reopening, idempotency and the after-message steps
//! (realtime, email) live in one place.

use chrono::Utc;

use crate::App;
use crate::after_message::{self, Delivery};
pub use crate::domain::Author;
use crate::domain::{
    AuthorType, Channel, Customer, EmailMeta, Message, Organization, Ticket, TicketStatus,
};
use crate::ids::{CustomerId, MessageId, OrgId, TicketId, new_id};
use crate::realtime;
use crate::sla;
use crate::store::{Conflict, FirstMessage, NewTicket, StoreError, StoreResult, TicketChanges};

/// A message to post on an existing ticket.
#[derive(Debug, Clone)]
pub struct NewMessage {
    /// Who wrote it.
    pub author: Author,
    /// Plain text (already validated by the channel).
    pub content: String,
    /// Internal notes are for agents only: never emailed, never sent to a visitor, and
    /// they neither move the ticket's activity nor reopen it.
    pub internal: bool,
    /// The channel it travelled by (`None`: the ticket's own).
    pub channel: Option<Channel>,
    /// Its email Message-ID, when it came by email.
    pub email_message_id: Option<String>,
    /// Makes the post idempotent: a second post with the same key (a retried widget send,
    /// a mail SES delivered twice) returns the first message and changes nothing.
    pub dedupe_key: Option<String>,
    /// An agent's uploaded files (checked by [`crate::uploads::check`]): listed on the
    /// message like inbound mail's files (`email.attachments`), and claimed in the
    /// message's own write, so each goes with one message only.
    pub uploads: Vec<crate::uploads::Checked>,
}

/// What posting achieved.
#[derive(Debug, Clone)]
pub struct Posted {
    /// The ticket as it is after the message.
    pub ticket: Ticket,
    /// The stored message.
    pub message: Message,
    /// What happened beyond storage (email sent).
    pub delivery: Delivery,
    /// The message had been posted before (same dedupe key); nothing was changed.
    pub duplicate: bool,
}

/// What a message does to its ticket's status: the one rule of every channel (agent API,
/// email, chat widget).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusEffect {
    /// The status stays.
    Stays,
    /// The ticket goes back to OPEN ([`reopen`]).
    Reopens,
    /// The ticket stays CLOSED; the message opens a new ticket that follows it
    /// ([`follow_up`]).
    OpensFollowUp,
}

/// The rule: a person's public message brings a RESOLVED ticket back to OPEN; the
/// customer's (a visitor's, a mail's sender's) also a PENDING one (the wait for them is
/// over), and on a CLOSED ticket, which stays closed, it opens a new ticket that follows
/// it. Notes and machine mail (auto-replies, bounces) change nothing.
pub fn status_effect(
    status: TicketStatus,
    author: AuthorType,
    public: bool,
    machine: bool,
) -> StatusEffect {
    if !public || machine {
        return StatusEffect::Stays;
    }
    let customer = author == AuthorType::Customer;
    match status {
        TicketStatus::Resolved => StatusEffect::Reopens,
        TicketStatus::Pending if customer => StatusEffect::Reopens,
        TicketStatus::Closed if customer => StatusEffect::OpensFollowUp,
        _ => StatusEffect::Stays,
    }
}

/// Posts a message on `ticket` (as read by the caller, already checked to belong to the
/// caller's organization): stores it, moves the ticket (count, activity, status by
/// [`status_effect`]), then runs the after-message path. A customer's message on a CLOSED
/// ticket lands on a new ticket instead ([`follow_up`]); `Posted::ticket` says which.
pub async fn post_message(app: &App, ticket: &Ticket, new: NewMessage) -> StoreResult<Posted> {
    post_message_with(app, ticket, new, None).await
}

/// [`post_message`] with email details (HTML, attachments, auto-reply or bounce). Mail
/// no person wrote (auto-replies, bounces) is kept but never reopens the ticket.
pub async fn post_message_with(
    app: &App,
    ticket: &Ticket,
    new: NewMessage,
    email: Option<EmailMeta>,
) -> StoreResult<Posted> {
    let machine = email.as_ref().is_some_and(|e| e.kind.is_some());
    let mut message_id = new_id();
    if let Some(key) = &new.dedupe_key
        && let Some((ticket_id, earlier)) = app
            .store
            .claim_dedupe(&ticket.org_id, key, &ticket.id, &message_id)
            .await?
    {
        if let Some((home, message)) =
            claimed_message(app, &ticket.org_id, &ticket_id, &earlier).await?
        {
            return Ok(Posted {
                ticket: home,
                message,
                delivery: Delivery::default(),
                duplicate: true,
            });
        }
        // The earlier attempt stopped between claiming and storing: finish it.
        message_id = earlier;
    }
    let upload_ids: Vec<(String, String)> = new
        .uploads
        .iter()
        .map(|u| (u.attachment.id.clone(), u.s3_key.clone()))
        .collect();
    let email = if new.uploads.is_empty() {
        email
    } else {
        let mut meta = email.unwrap_or_default();
        meta.attachments
            .extend(new.uploads.into_iter().map(|u| u.attachment));
        Some(meta)
    };
    let (author_type, author_id, author_name) = new.author.into_parts();
    let message = Message {
        // A dedupe key may have given back the id claimed earlier (read from the store).
        id: MessageId::trusted(message_id),
        ticket_id: ticket.id.clone(),
        org_id: ticket.org_id.clone(),
        author_type,
        author_id,
        author_name,
        content: new.content,
        internal: new.internal,
        channel: new.channel.unwrap_or(ticket.channel),
        email_message_id: new.email_message_id,
        email,
        created_at: Utc::now(),
    };
    let mut message = message;
    let moves = !message.internal && !machine;
    // A customer who writes on a closed ticket that was already followed up writes on the
    // follow-up (one follow-up per closed ticket, however many messages come).
    let followed;
    let ticket = if message.author_type == AuthorType::Customer && moves {
        followed = latest(app, ticket.clone()).await?;
        message.ticket_id = followed.id.clone();
        &followed
    } else {
        ticket
    };
    if status_effect(
        ticket.status,
        message.author_type,
        !message.internal,
        machine,
    ) == StatusEffect::OpensFollowUp
    {
        // Boxed: opening a ticket inside posting a message would make every post's future
        // (and the stack that polls it) as large as both.
        return Box::pin(follow_up(app, ticket, message, &upload_ids)).await;
    }
    let mut ticket = app
        .store
        .append_message(&message, moves, &upload_ids)
        .await?;
    if status_effect(
        ticket.status,
        message.author_type,
        !message.internal,
        machine,
    ) == StatusEffect::Reopens
    {
        ticket = reopen(app, ticket).await?;
    }
    if let Some(event) = sla::message_event(message.author_type, !message.internal, machine) {
        ticket = sla::apply(app, ticket, event, message.created_at).await?;
    }
    crate::reports::message_stored(app, &ticket, &message).await;
    // Boxed: the after-message steps (events, notifications, mail) are a deep future, and
    // every channel nests this one inside its own.
    let delivery = Box::pin(after_message::message_stored(app, &ticket, &message, moves)).await;
    if let Some(d) = &delivery.email {
        message
            .email
            .get_or_insert_with(EmailMeta::default)
            .delivery = Some(d.clone());
    }
    Ok(Posted {
        ticket,
        message,
        delivery,
        duplicate: false,
    })
}

/// The message an earlier post with `dedupe_key` stored, and its ticket, if one did (read
/// only). A channel whose message carries files asks this before checking them: a retried
/// send's files went with its first attempt, and the retry must answer that message.
pub async fn posted_before(
    app: &App,
    org_id: &OrgId,
    dedupe_key: &str,
) -> StoreResult<Option<(Ticket, Message)>> {
    match app.store.get_dedupe(org_id, dedupe_key).await? {
        Some((ticket_id, message_id)) => {
            claimed_message(app, org_id, &TicketId::trusted(ticket_id), &message_id).await
        }
        None => Ok(None),
    }
}

/// The message a dedupe claim names, on the ticket it was claimed on or (a message that
/// opened a follow-up lives there, under the claimed id) on its follow-up.
async fn claimed_message(
    app: &App,
    org_id: &OrgId,
    ticket_id: &TicketId,
    message_id: &str,
) -> StoreResult<Option<(Ticket, Message)>> {
    let claimed_on = app
        .store
        .get_ticket(org_id, ticket_id)
        .await?
        .ok_or(StoreError::NotFound("Ticket"))?;
    let mut homes = vec![claimed_on.clone()];
    if let Some(next) = &claimed_on.followed_by
        && let Some(t) = app.store.get_ticket(org_id, next).await?
    {
        homes.push(t);
    }
    for home in homes {
        if let Some(message) = app.store.get_message(org_id, &home.id, message_id).await? {
            return Ok(Some((home, message)));
        }
    }
    Ok(None)
}

/// Reopens a RESOLVED or PENDING ticket (after a message [`status_effect`] says reopens
/// it); the ticket as it is when someone else moved it first. Whatever else should happen
/// on a reopen belongs here, so every channel gets it.
pub async fn reopen(app: &App, mut ticket: Ticket) -> StoreResult<Ticket> {
    let changes = TicketChanges {
        status: Some(TicketStatus::Open),
        ..TicketChanges::default()
    };
    for _ in 0..5 {
        if !matches!(
            ticket.status,
            TicketStatus::Resolved | TicketStatus::Pending
        ) {
            return Ok(ticket);
        }
        match app.store.update_ticket(&ticket, &changes).await {
            Ok(t) => {
                // Out of PENDING: the resolution clock runs on.
                let t = sla::status_changed(app, ticket.status, t, Utc::now()).await?;
                // Back to OPEN with its assignee: it counts for them again. Without one,
                // it is a conversation waiting for an agent as a new one is: its team's
                // round robin assigns or queues it.
                if t.assignee_id.is_some() {
                    crate::assignment::settle(app, &t).await;
                    return Ok(t);
                }
                // Boxed, as in opening a ticket: assigning is a deep future.
                return Ok(Box::pin(crate::assignment::new_conversation(app, t)).await);
            }
            Err(StoreError::Conflict(Conflict::StaleWrite)) => {
                ticket = app
                    .store
                    .get_ticket(&ticket.org_id, &ticket.id)
                    .await?
                    .ok_or(StoreError::NotFound("Ticket"))?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(ticket)
}

/// Most follow-ups a chain is followed through (a bound, not a limit anyone meets).
const MAX_FOLLOWS: usize = 10;

/// `ticket`, or the ticket that continues it ([`follow_up`]), and so on: where its
/// customer's conversation goes on now.
pub async fn latest(app: &App, mut ticket: Ticket) -> StoreResult<Ticket> {
    for _ in 0..MAX_FOLLOWS {
        let Some(next) = &ticket.followed_by else {
            break;
        };
        match app.store.get_ticket(&ticket.org_id, next).await? {
            Some(t) if t.customer_id == ticket.customer_id => ticket = t,
            _ => break,
        }
    }
    Ok(ticket)
}

/// The customer wrote on CLOSED ticket `closed`: opens a new ticket of the same customer,
/// channel and subject with `message` as its first message (keeping its id, which a dedupe
/// claim may name), notes the link on both sides, and announces it like any new ticket.
/// Uploads cannot reach here: agents' messages never open follow-ups, and the widget
/// refuses a visitor's files on a CLOSED chat (`chat_closed`); one closed in between
/// is a write conflict (the retry gets that answer).
pub async fn follow_up(
    app: &App,
    closed: &Ticket,
    message: Message,
    upload_ids: &[(String, String)],
) -> StoreResult<Posted> {
    if !upload_ids.is_empty() {
        return Err(StoreError::Conflict(Conflict::WriteConflict));
    }
    let org = app
        .store
        .get_organization(&closed.org_id)
        .await?
        .ok_or(StoreError::NotFound("Organization"))?;
    let customer = app
        .store
        .get_customer(&closed.org_id, &closed.customer_id)
        .await?
        .ok_or(StoreError::NotFound("Customer"))?;
    let (ticket, _, first) = app
        .store
        .open_ticket(
            &org,
            NewTicket {
                subject: closed.subject.clone(),
                priority: closed.priority,
                channel: closed.channel,
                customer_email: customer.email.clone(),
                customer_name: customer.name.clone(),
                customer_unverified_email: None,
                first_message: Some(continued(message)),
                email_references: closed.email_references.clone(),
                follows: Some(closed.id.clone()),
                // A follow-up stays with the closed ticket's team.
                team_id: closed.team_id.clone(),
                via: Default::default(),
            },
        )
        .await?;
    app.store
        .set_followed_by(&closed.org_id, &closed.id, &ticket.id)
        .await?;
    let ticket = start_sla(app, ticket, first.as_ref()).await?;
    crate::reports::note_in(app, &org, &ticket, crate::reports::Happened::Opened).await;
    let ticket = announce_opened(app, ticket).await;
    let message = first.ok_or(StoreError::NotFound("Message"))?;
    let delivery = Box::pin(after_message::message_stored(app, &ticket, &message, true)).await;
    tracing::info!(ticket_id = %ticket.id, follows = %closed.id, "follow-up ticket opened");
    Box::pin(post_message(
        app,
        &ticket,
        NewMessage {
            author: Author::System {
                name: "wrrk".into(),
            },
            content: format!(
                "{} wrote again after {} was closed: this ticket continues it.",
                message.author_name, closed.ticket_number
            ),
            internal: true,
            channel: None,
            email_message_id: None,
            dedupe_key: None,
            uploads: Vec::new(),
        },
    ))
    .await?;
    let ticket = app
        .store
        .get_ticket(&ticket.org_id, &ticket.id)
        .await?
        .ok_or(StoreError::NotFound("Ticket"))?;
    Ok(Posted {
        ticket,
        message,
        delivery,
        duplicate: false,
    })
}

/// The customer's message on a CLOSED ticket as the first message of its follow-up (the
/// same id; the store gives it the follow-up's ticket and time).
fn continued(message: Message) -> FirstMessage {
    FirstMessage {
        id: message.id,
        author: Author::Customer {
            id: message.author_id.as_deref().and_then(CustomerId::parse),
            name: message.author_name,
        },
        content: message.content,
        internal: message.internal,
        channel: message.channel,
        email_message_id: message.email_message_id,
        email: message.email,
    }
}

/// Starts a new ticket's SLA clocks (before it is announced, so the event carries its due
/// times). A ticket an agent opened with their own message has its first response made.
async fn start_sla(app: &App, ticket: Ticket, first: Option<&Message>) -> StoreResult<Ticket> {
    let by_customer = first.is_none_or(|m| m.author_type == AuthorType::Customer);
    sla::apply(
        app,
        ticket.clone(),
        sla::SlaEvent::Opened { by_customer },
        ticket.created_at,
    )
    .await
}

/// Announces a new ticket, then lets its team's assignment rules place it: the ticket as
/// it is after that (assigned, or as it was).
async fn announce_opened(app: &App, ticket: Ticket) -> Ticket {
    realtime::ticket_created(app, &ticket).await;
    Box::pin(crate::assignment::new_conversation(app, ticket)).await
}

/// What opening a ticket achieved.
#[derive(Debug, Clone)]
pub struct Opened {
    /// The new ticket.
    pub ticket: Ticket,
    /// Its customer (found or created).
    pub customer: Customer,
    /// Its first message, if it had one.
    pub message: Option<Message>,
}

/// Opens a ticket (customer found or created by email, the next number, the first
/// message), sends it to a team by the organization's routing rules (unless the caller
/// named one), announces it to the organization, lets the team's assignment rules place it
/// ([`crate::assignment`]), and runs the after-message path for the first message.
pub async fn open_ticket(app: &App, org: &Organization, new: NewTicket) -> StoreResult<Opened> {
    let mut new = new;
    if new.team_id.is_none() {
        let origin = crate::domain::Origin::new(new.channel, &new.via);
        new.team_id = crate::domain::route(&org.routing_rules, &origin).cloned();
    }
    let (ticket, customer, message) = app.store.open_ticket(org, new).await?;
    let ticket = start_sla(app, ticket, message.as_ref()).await?;
    crate::reports::note_in(app, org, &ticket, crate::reports::Happened::Opened).await;
    let ticket = announce_opened(app, ticket).await;
    if let Some(m) = &message {
        Box::pin(after_message::message_stored(app, &ticket, m, true)).await;
    }
    tracing::info!(ticket_id = %ticket.id, ticket_number = %ticket.ticket_number, "ticket opened");
    Ok(Opened {
        ticket,
        customer,
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_customer_reopens_resolved_and_pending_and_follows_up_closed() {
        use AuthorType::{Agent, Customer};
        use StatusEffect::*;
        use TicketStatus::*;
        let cases = [
            (Open, Customer, Stays),
            (Pending, Customer, Reopens),
            (Resolved, Customer, Reopens),
            (Closed, Customer, OpensFollowUp),
            (Open, Agent, Stays),
            (Pending, Agent, Stays),
            (Resolved, Agent, Reopens),
            (Closed, Agent, Stays),
        ];
        for (status, author, effect) in cases {
            assert_eq!(
                status_effect(status, author, true, false),
                effect,
                "{status:?} {author:?}"
            );
        }
        for status in TicketStatus::ALL {
            assert_eq!(
                status_effect(status, Customer, false, false),
                Stays,
                "a note"
            );
            assert_eq!(
                status_effect(status, Customer, true, true),
                Stays,
                "an auto-reply"
            );
        }
    }
}
