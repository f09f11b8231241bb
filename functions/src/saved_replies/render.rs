//! `GET /api/saved-replies/{id}/render?ticketId=`: the reply's text with its placeholders
//! filled for one ticket and the calling agent.
//!
//! Filled here rather than in the browser: the server reads the customer's current name
//! and the ticket's number itself, there is one implementation of the rules (tested in
//! Rust), and every client (dashboard, API users) gets the same text. The result is plain
//! text, filled in one pass (see [`wrrk_shared::domain::Placeholders::fill`]).

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::Placeholders;
use wrrk_shared::http::{ApiError, ApiResult, Query, ok, path_id};
use wrrk_shared::ids::{SavedReplyId, TicketId};

/// Reads the reply and the ticket together, then the customer.
#[utoipa::path(
    get,
    path = "/api/saved-replies/{id}/render",
    operation_id = "saved-replies-render",
    tag = "saved-replies",
    params(
        ("id" = wrrk_shared::ids::SavedReplyId, Path),
        ("ticketId" = wrrk_shared::ids::TicketId, Query, description = "The ticket the reply is for."),
    ),
    responses(
        (status = 200, description = "The filled text", body = wrrk_shared::http::Data<crate::wire::RenderedReply>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: SavedReplyId = path_id(&req, "id", "Saved reply")?;
    let q = Query::of(&req);
    let ticket_id = q
        .id("ticketId")?
        .and_then(TicketId::parse)
        .ok_or_else(|| ApiError::invalid("ticketId", "ticketId: is required"))?;
    let (reply, ticket) = tokio::try_join!(super::load(&app, &caller, &id), async {
        crate::tickets::load(&app, org, &ticket_id).await
    })?;
    let customer_name = match app.store.get_customer(org, &ticket.customer_id).await? {
        Some(c) => c.name,
        None => ticket.customer.map(|c| c.name).unwrap_or_default(),
    };
    let text = Placeholders {
        customer_name: &customer_name,
        agent_name: &caller.user.name,
        ticket_number: &ticket.ticket_number,
    }
    .fill(&reply.body);
    ok(crate::wire::RenderedReply {
        id: reply.id,
        title: reply.title,
        text,
    })
}
