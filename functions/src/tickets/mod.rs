//! Tickets and their messages: the core every channel feeds.

pub mod attachments_create;
pub mod create;
pub mod get;
pub mod list;
pub mod messages_create;
pub mod messages_list;
pub mod sla_breaches;
pub mod snooze;
pub mod snooze_wake;
pub mod update;

use std::collections::BTreeSet;

use wrrk_shared::App;
use wrrk_shared::domain::{CustomerSummary, PersonSummary, Ticket, TicketSummary};
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::{OrgId, TicketId};

/// Most characters of plain text in one message (the document's `maxLength`; at most
/// 128 KiB of UTF-8).
pub const MAX_CONTENT_CHARS: usize = 32 * 1024;
/// Most bytes of a JSON body carrying a message: the content with every character escaped
/// (`\uXXXX`, 6 bytes), plus the other fields.
pub const MAX_MESSAGE_BODY: usize = MAX_CONTENT_CHARS * 6 + 16 * 1024;

/// Checks message content: not blank, at most [`MAX_CONTENT_CHARS`].
pub(crate) fn parse_content(raw: &str) -> Result<String, ApiError> {
    if raw.trim().is_empty() {
        return Err(ApiError::invalid("content", "content: must not be empty"));
    }
    if raw.chars().count() > MAX_CONTENT_CHARS {
        return Err(ApiError::invalid(
            "content",
            format!("content: must be at most {MAX_CONTENT_CHARS} characters"),
        ));
    }
    Ok(raw.to_string())
}

/// The caller's ticket `id`, or 404.
pub(crate) async fn load(app: &App, org_id: &OrgId, id: &TicketId) -> Result<Ticket, ApiError> {
    app.store
        .get_ticket(org_id, id)
        .await?
        .ok_or(ApiError::NotFound("Ticket"))
}

/// Customer and assignee summaries for tickets stored before summaries were copied onto
/// tickets: read (at most one BatchGetItem each) only for the ids given, so a list of
/// current tickets reads nothing more.
async fn summaries_of(
    app: &App,
    org_id: &OrgId,
    customer_ids: BTreeSet<String>,
    user_ids: BTreeSet<String>,
) -> Result<(Vec<CustomerSummary>, Vec<PersonSummary>), ApiError> {
    let customer_ids: Vec<String> = customer_ids.into_iter().collect();
    let user_ids: Vec<String> = user_ids.into_iter().collect();
    let customers = async {
        if customer_ids.is_empty() {
            return Ok(Vec::new());
        }
        app.store.get_customers(org_id, &customer_ids).await
    };
    let users = async {
        if user_ids.is_empty() {
            return Ok(Vec::new());
        }
        app.store.get_users(org_id, &user_ids).await
    };
    let (customers, users) = tokio::try_join!(customers, users)?;
    Ok((
        customers.iter().map(CustomerSummary::from).collect(),
        users.iter().map(PersonSummary::from).collect(),
    ))
}

/// A page of list rows, with the summaries of rows stored before they were copied onto
/// tickets filled in.
pub(crate) async fn complete_rows(
    app: &App,
    org_id: &OrgId,
    mut rows: Vec<TicketSummary>,
) -> Result<Vec<TicketSummary>, ApiError> {
    let old: Vec<&TicketSummary> = rows.iter().filter(|t| !t.has_summaries()).collect();
    if old.is_empty() {
        return Ok(rows);
    }
    let customer_ids = old.iter().map(|t| t.customer_id.to_string()).collect();
    let user_ids = old
        .iter()
        .filter_map(|t| t.assignee_id.as_ref().map(|a| a.to_string()))
        .collect();
    let (customers, users) = summaries_of(app, org_id, customer_ids, user_ids).await?;
    for t in rows.iter_mut().filter(|t| !t.has_summaries()) {
        t.customer = customers.iter().find(|c| c.id == t.customer_id).cloned();
        t.assignee = t
            .assignee_id
            .as_ref()
            .and_then(|a| users.iter().find(|u| &u.id == a).cloned());
    }
    Ok(rows)
}

/// A ticket with its summaries (filled in when it was stored before they were copied).
pub(crate) async fn complete(app: &App, mut ticket: Ticket) -> Result<Ticket, ApiError> {
    if ticket.has_summaries() {
        return Ok(ticket);
    }
    let (customers, users) = summaries_of(
        app,
        &ticket.org_id,
        BTreeSet::from([ticket.customer_id.to_string()]),
        ticket.assignee_id.iter().map(|a| a.to_string()).collect(),
    )
    .await?;
    ticket.customer = customers.into_iter().next();
    ticket.assignee = users.into_iter().next();
    Ok(ticket)
}
