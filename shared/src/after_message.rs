//! The one path every message takes after it is stored, whatever its channel (an agent's
//! reply, an inbound email, a widget message). Channels plug in here instead of copying it:
//!
//! 1. realtime: everyone viewing the ticket gets `message:new` (internal notes: agents
//!    only) and the organization gets `ticket:updated`;
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

/// Runs every after-storage step for `message` on `ticket`, the channels concurrently.
pub async fn message_stored(app: &App, ticket: &Ticket, message: &Message) -> Delivery {
    let live = async {
        crate::realtime::message_new(app, message).await;
        // The ticket moved (last activity, maybe reopened). A ticket's first message
        // arrives with its `ticket:created`, so only later ones announce an update.
        if ticket.message_count > 1 {
            crate::realtime::ticket_updated(app, ticket).await;
        }
    };
    let email = async {
        if !should_email(ticket, message) {
            return None;
        }
        email_customer(app, ticket, message)
            .await
            .inspect_err(|e| {
                tracing::error!(error = ?e, ticket_id = %ticket.id, "emailing the reply failed")
            })
            .ok()
    };
    let ((), emailed) = tokio::join!(live, email);
    Delivery { emailed }
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
        &ticket.ticket_number,
        &ticket.subject,
        &message.author_name,
        &message.content,
        ticket.email_references.clone(),
    );
    app.mailer.send(&mail).await
}
