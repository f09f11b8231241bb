//! The one path every message takes after it is stored, whatever its channel (an agent's
//! reply, an inbound email, a widget message). Channels plug in here instead of copying it:
//!
//! 1. realtime: everyone viewing the ticket gets it (internal notes: agents only);
//! 2. email: on EMAIL tickets, an agent's public reply is mailed to the customer, threaded;
//! 3. chat: on CHAT tickets the visitor's connection is one of the realtime viewers.
//!
//! The message is already stored when this runs, so a failed delivery is logged and
//! reported in [`Delivery`], never turned into an error for the author.

use crate::App;
use crate::domain::{AuthorType, Channel, Message, Ticket};
use crate::mail::reply_email;

/// What happened to a stored message beyond storage.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The `Message-ID` of the email sent to the customer, if one was sent.
    pub emailed: Option<String>,
}

/// Runs every after-storage step for `message` on `ticket`.
pub async fn message_stored(app: &App, ticket: &Ticket, message: &Message) -> Delivery {
    let mut delivery = Delivery::default();
    if should_email(ticket, message) {
        match email_customer(app, ticket, message).await {
            Ok(id) => delivery.emailed = Some(id),
            Err(e) => {
                tracing::error!(error = ?e, ticket_id = %ticket.id, "emailing the reply failed")
            }
        }
    }
    delivery
}

/// Only public agent replies on email tickets go out by email; internal notes never do.
pub fn should_email(ticket: &Ticket, message: &Message) -> bool {
    ticket.channel == Channel::Email
        && !message.internal
        && message.author_type == AuthorType::Agent
}

async fn email_customer(app: &App, ticket: &Ticket, message: &Message) -> anyhow::Result<String> {
    let customer = app
        .store
        .get_customer(&ticket.org_id, &ticket.customer_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("ticket {} has no customer", ticket.id))?;
    let mail = reply_email(
        customer.email.as_str(),
        &ticket.key,
        &ticket.subject,
        &message.author_name,
        &message.content,
        ticket.email_references.clone(),
    );
    app.mailer.send(&mail).await
}
