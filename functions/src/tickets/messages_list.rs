//! `GET /api/tickets/{id}/messages`: oldest first; `after=<messageId>` returns exactly what
//! came after that message (catching up after a reconnect); `limit` and `cursor` page.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query, pagination, path_id};
use wrrk_shared::ids::{TicketId, is_valid_id};

/// The ticket check and the messages Query run together.
#[utoipa::path(
    get,
    path = "/api/tickets/{id}/messages",
    operation_id = "ticket-messages-list",
    tag = "tickets",
    params(
        ("id" = wrrk_shared::ids::TicketId, Path),
        wrrk_shared::http::PageParams,
        ("after" = Option<wrrk_shared::ids::MessageId>, Query, description = "Only messages after this message id (catch-up after a reconnect)."),
    ),
    responses(
        (status = 200, description = "A page of messages, oldest first", body = wrrk_shared::http::Paged<wrrk_shared::domain::Message>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: TicketId = path_id(&req, "id", "Ticket")?;
    let q = Query::of(&req);
    let after = q.get("after");
    if after.is_some_and(|a| !is_valid_id(a)) {
        return Err(ApiError::invalid("after", "after: must be a message id"));
    }
    let page_req = PageRequest::parse(&app, &q, format!("messages:{org}:{id}:{after:?}"))?;
    let (_, page) = tokio::try_join!(super::load(&app, org, &id), async {
        app.store
            .list_messages(org, &id, after, page_req.limit, page_req.start.clone())
            .await
            .map_err(ApiError::from)
    })?;
    pagination::respond(&app, &page_req, page)
}
