//! The two use cases every channel shares: open a ticket, post a message. The agent API,
//! inbound email and the chat widget call these and nothing below them, so customer
//! find-or-create, numbering, activity, reopening, idempotency and the after-message steps
//! (realtime, email) live in one place.

use chrono::Utc;

use crate::App;
use crate::after_message::{self, Delivery};
use crate::domain::{
    Attachment, AuthorType, Channel, Customer, EmailMeta, Message, Organization, Ticket,
    TicketStatus,
};
use crate::ids::{MessageId, new_id};
use crate::realtime;
use crate::store::{Conflict, NewTicket, StoreError, StoreResult, TicketChanges};

/// Who writes a message.
#[derive(Debug, Clone)]
pub struct Author {
    /// Agent, customer or wrrk itself.
    pub kind: AuthorType,
    /// The agent's or customer's id.
    pub id: Option<String>,
    /// Display name.
    pub name: String,
}

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
    pub uploads: Vec<Attachment>,
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

/// Posts a message on `ticket` (as read by the caller, already checked to belong to the
/// caller's organization): stores it, moves the ticket (count, activity, a RESOLVED ticket
/// reopens on a public message), then runs the after-message path.
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
        if let Some(message) = app
            .store
            .get_message(&ticket.org_id, &ticket_id, &earlier)
            .await?
        {
            let ticket = app
                .store
                .get_ticket(&ticket.org_id, &ticket_id)
                .await?
                .ok_or(StoreError::NotFound("Ticket"))?;
            return Ok(Posted {
                ticket,
                message,
                delivery: Delivery::default(),
                duplicate: true,
            });
        }
        // The earlier attempt stopped between claiming and storing: finish it.
        message_id = earlier;
    }
    let upload_ids: Vec<String> = new.uploads.iter().map(|a| a.id.clone()).collect();
    let email = if new.uploads.is_empty() {
        email
    } else {
        let mut meta = email.unwrap_or_default();
        meta.attachments.extend(new.uploads);
        Some(meta)
    };
    let message = Message {
        // A dedupe key may have given back the id claimed earlier (read from the store).
        id: MessageId::trusted(message_id),
        ticket_id: ticket.id.clone(),
        org_id: ticket.org_id.clone(),
        author_type: new.author.kind,
        author_id: new.author.id,
        author_name: new.author.name,
        content: new.content,
        internal: new.internal,
        channel: new.channel.unwrap_or(ticket.channel),
        email_message_id: new.email_message_id,
        email,
        created_at: Utc::now(),
    };
    let mut message = message;
    let moves = !message.internal && !machine;
    let mut ticket = app
        .store
        .append_message(&message, moves, &upload_ids)
        .await?;
    if moves && ticket.status == TicketStatus::Resolved {
        ticket = reopen(app, ticket).await?;
    }
    let delivery = after_message::message_stored(app, &ticket, &message, moves).await;
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

/// Reopens a RESOLVED ticket; the ticket as it is when someone else moved it first.
async fn reopen(app: &App, mut ticket: Ticket) -> StoreResult<Ticket> {
    let changes = TicketChanges {
        status: Some(TicketStatus::Open),
        ..TicketChanges::default()
    };
    for _ in 0..5 {
        if ticket.status != TicketStatus::Resolved {
            return Ok(ticket);
        }
        match app.store.update_ticket(&ticket, &changes).await {
            Ok(t) => return Ok(t),
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
/// message), announces it to the organization, and runs the after-message path for the
/// first message.
pub async fn open_ticket(app: &App, org: &Organization, new: NewTicket) -> StoreResult<Opened> {
    let (ticket, customer, message) = app.store.open_ticket(org, new).await?;
    realtime::ticket_created(app, &ticket).await;
    if let Some(m) = &message {
        after_message::message_stored(app, &ticket, m, true).await;
    }
    tracing::info!(ticket_id = %ticket.id, ticket_number = %ticket.ticket_number, "ticket opened");
    Ok(Opened {
        ticket,
        customer,
        message,
    })
}
