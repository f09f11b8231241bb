//! The one path every message takes after it is stored, whatever its channel (an agent's
//! reply, an inbound email, a widget message). Channels plug in here instead of copying it:
//!
//! 1. realtime: everyone viewing the ticket gets `message:new` (internal notes: agents
//!    only; agents' copies carry the ticket's list summary) and the organization's other
//!    agents get `ticket:updated` when the message moved the ticket in their lists;
//! 2. email: on EMAIL tickets, an agent's public reply is mailed to the customer, threaded;
//! 3. chat: on CHAT tickets the visitor's connection is one of the realtime viewers; when
//!    the visitor is away (no connection in the room) and left a real address, the reply
//!    is mailed like an email reply, and their emailed answer threads back into the chat.
//!
//! The message is already stored when this runs, so a failed delivery is logged and
//! reported in [`Delivery`], never turned into an error for the author.

use crate::App;
use crate::domain::{AuthorType, Channel, EmailDelivery, Message, Ticket};

/// What happened to a stored message beyond storage.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The `Message-ID` of the email sent to the customer, if one was sent.
    pub emailed: Option<String>,
    /// The email's delivery state (also stored on the message), when one was attempted.
    pub email: Option<EmailDelivery>,
}

/// Runs every after-storage step for `message` on `ticket` (as it is after the message),
/// the channels concurrently. `moved` says whether the message changed what lists show
/// (last activity, a reopen); a ticket's first message arrives with its `ticket:created`.
pub async fn message_stored(
    app: &App,
    ticket: &Ticket,
    message: &Message,
    moved: bool,
) -> Delivery {
    let live = async {
        let list_changed = moved && ticket.message_count > 1;
        let concerns = crate::notify::concerned(app, ticket, message).await;
        crate::realtime::message_stored(app, ticket, message, list_changed, &concerns).await;
        let excerpt = crate::notify::excerpt(&message.content);
        for (user, kind) in &concerns {
            crate::notify::mail_if_away(
                app,
                ticket,
                user,
                *kind,
                &message.author_name,
                Some(&excerpt),
            )
            .await;
        }
    };
    let email = async {
        let wanted = match ticket.channel {
            Channel::Chat => is_public_agent_reply(message) && visitor_away(app, ticket).await,
            _ => should_email(ticket, message),
        };
        if !wanted {
            return None;
        }
        crate::email::outbound::send_reply(app, ticket, message)
            .await
            .inspect_err(|e| {
                tracing::error!(error = ?e, ticket_id = %ticket.id, "emailing the reply failed")
            })
            .ok()
    };
    let ((), email) = tokio::join!(live, email);
    Delivery {
        emailed: email
            .as_ref()
            .filter(|d| d.state == crate::domain::DeliveryState::Sent)
            .map(|d| d.message_id.clone()),
        email,
    }
}

/// Only public agent replies on email tickets go out by email; internal notes never do.
pub fn should_email(ticket: &Ticket, message: &Message) -> bool {
    ticket.channel == Channel::Email && is_public_agent_reply(message)
}

fn is_public_agent_reply(message: &Message) -> bool {
    !message.internal && message.author_type == AuthorType::Agent
}

/// Whether a chat's visitor is away (no live connection in the ticket's room) and gave an
/// address mail can reach (an anonymous visitor has none).
async fn visitor_away(app: &App, ticket: &Ticket) -> bool {
    let (members, customer) = tokio::join!(
        app.store.room_members(&ticket.org_id, &ticket.id),
        app.store.get_customer(&ticket.org_id, &ticket.customer_id)
    );
    let online = match members {
        Ok(m) => m
            .iter()
            .any(|m| m.kind == crate::domain::ConnectionKind::Visitor),
        Err(e) => {
            tracing::error!(error = ?e, ticket_id = %ticket.id, "reading the chat's room failed");
            // Unknown: do not mail someone who may be reading live.
            true
        }
    };
    let reachable = matches!(customer, Ok(Some(c)) if !c.is_anonymous_visitor());
    !online && reachable
}
