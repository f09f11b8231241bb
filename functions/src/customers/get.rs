//! `GET /api/customers/{id}`: a customer and their most recent tickets.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, ok, path_id};
use wrrk_shared::ids::CustomerId;

/// How many of the customer's tickets come with them.
const RECENT_TICKETS: usize = 50;

/// Reads: the customer and their ticket links together, then those tickets.
#[utoipa::path(
    get,
    path = "/api/customers/{id}",
    operation_id = "customers-get",
    tag = "customers",
    params(
        ("id" = wrrk_shared::ids::CustomerId, Path),
    ),
    responses(
        (status = 200, description = "The customer and their recent tickets", body = wrrk_shared::http::Data<crate::wire::CustomerDetail>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: CustomerId = path_id(&req, "id", "Customer")?;
    let (customer, links) = tokio::try_join!(
        app.store.get_customer(org, &id),
        app.store
            .customer_ticket_ids(org, &id, RECENT_TICKETS, None)
    )?;
    let customer = customer.ok_or(ApiError::NotFound("Customer"))?;
    let tickets = app.store.get_tickets(org, &links.items).await?;
    ok(crate::wire::CustomerDetail { customer, tickets })
}
