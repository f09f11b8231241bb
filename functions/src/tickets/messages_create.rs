//! `POST /api/tickets/{id}/messages`: `{content, internal}`: an agent's reply, or an
//! internal note (never sent to customers by any channel). A public reply moves the
//! ticket's last activity and reopens it if it was RESOLVED.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::after_message;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{AuthorType, Message, TicketStatus};
use wrrk_shared::http::{ApiResult, created, json_body, path_id, retry_on_stale};
use wrrk_shared::ids::new_id;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    content: String,
    #[serde(default)]
    internal: bool,
}

/// One transaction (message + ticket), then the after-message path.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().to_string();
    let id = path_id(&req, "id", "Ticket")?;
    let body: Body = json_body(&req, super::MAX_MESSAGE_BODY)?;
    let content = super::parse_content(&body.content)?;
    let message_id = new_id();

    let (ticket, message) = retry_on_stale(|| async {
        let mut ticket = super::load(&app, &org, &id).await?;
        let now = Utc::now();
        let message = Message {
            id: message_id.clone(),
            ticket_id: ticket.id.clone(),
            org_id: org.clone(),
            author_type: AuthorType::Agent,
            author_id: Some(caller.user.id.clone()),
            author_name: caller.user.name.clone(),
            content: content.clone(),
            internal: body.internal,
            channel: ticket.channel,
            email_message_id: None,
            created_at: now,
        };
        // Only a public reply is activity the customer sees: it re-sorts the ticket in
        // every list and reopens a resolved one. A note just joins the thread.
        if !body.internal {
            if ticket.status == TicketStatus::Resolved {
                ticket.status = TicketStatus::Open;
            }
            ticket.last_activity_at = now;
        }
        ticket.updated_at = now;
        ticket.message_count += 1;
        ticket.version += 1;
        app.store.add_message(&ticket, &message).await?;
        Ok((ticket, message))
    })
    .await?;
    after_message::message_stored(&app, &ticket, &message).await;
    created(message)
}
