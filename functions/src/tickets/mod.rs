//! Tickets and their messages: the core every channel feeds.

pub mod attachments_create;
pub mod create;
pub mod get;
pub mod list;
pub mod messages_create;
pub mod messages_list;
pub mod update;

use std::collections::BTreeSet;

use wrrk_shared::App;
use wrrk_shared::domain::Ticket;
use wrrk_shared::http::ApiError;
use wrrk_shared::store::{CustomerSummary, TicketView, UserSummary};

/// Most bytes of plain text in one message.
pub const MAX_CONTENT_BYTES: usize = 64 * 1024;
/// Most bytes of a JSON body carrying a message (content plus escaping and fields).
pub const MAX_MESSAGE_BODY: usize = 160 * 1024;

/// Checks message content: not blank, at most [`MAX_CONTENT_BYTES`].
pub(crate) fn parse_content(raw: &str) -> Result<String, ApiError> {
    if raw.trim().is_empty() {
        return Err(ApiError::invalid("content", "content: must not be empty"));
    }
    if raw.len() > MAX_CONTENT_BYTES {
        return Err(ApiError::invalid(
            "content",
            format!("content: must be at most {MAX_CONTENT_BYTES} bytes"),
        ));
    }
    Ok(raw.to_string())
}

/// The caller's ticket `id`, or 404.
pub(crate) async fn load(app: &App, org_id: &str, id: &str) -> Result<Ticket, ApiError> {
    app.store
        .get_ticket(org_id, id)
        .await?
        .ok_or(ApiError::NotFound("Ticket"))
}

/// Tickets with customer and assignee summaries: two BatchGetItems, run together.
pub(crate) async fn views(
    app: &App,
    org_id: &str,
    tickets: Vec<Ticket>,
) -> Result<Vec<TicketView>, ApiError> {
    let customer_ids: Vec<String> = tickets
        .iter()
        .map(|t| t.customer_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let user_ids: Vec<String> = tickets
        .iter()
        .filter_map(|t| t.assignee_id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (customers, users) = tokio::try_join!(
        app.store.get_customers(org_id, &customer_ids),
        app.store.get_users(org_id, &user_ids)
    )?;
    Ok(tickets
        .into_iter()
        .map(|t| {
            let customer =
                customers
                    .iter()
                    .find(|c| c.id == t.customer_id)
                    .map(|c| CustomerSummary {
                        id: c.id.clone(),
                        name: c.name.clone(),
                        email: c.email.as_str().to_string(),
                    });
            let assignee = t.assignee_id.as_ref().and_then(|a| {
                users.iter().find(|u| u.id == *a).map(|u| UserSummary {
                    id: u.id.to_string(),
                    name: u.name.clone(),
                    avatar_url: u.avatar_url.clone(),
                })
            });
            TicketView {
                ticket: t,
                customer,
                assignee,
            }
        })
        .collect())
}
