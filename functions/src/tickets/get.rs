//! `GET /api/tickets/{id}`: a ticket with its customer and assignee.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok, path_id};
use wrrk_shared::ids::TicketId;

/// One GetItem: the ticket carries its customer and assignee.
#[utoipa::path(
    get,
    path = "/api/tickets/{id}",
    operation_id = "tickets-get",
    tag = "tickets",
    params(
        ("id" = wrrk_shared::ids::TicketId, Path),
    ),
    responses(
        (status = 200, description = "The ticket", body = wrrk_shared::http::Data<wrrk_shared::domain::Ticket>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: TicketId = path_id(&req, "id", "Ticket")?;
    let ticket = super::load(&app, caller.org_id(), &id).await?;
    ok(super::complete(&app, ticket).await?)
}
