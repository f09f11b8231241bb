//! `GET /api/widget/messages?after=<messageId>` with the session in `Authorization`: the
//! conversation oldest first (internal notes never included); `after` catches up after a
//! reconnect; `limit` and `cursor` page like every list.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query};
use wrrk_shared::ids::is_valid_id;

use super::Cors;

/// The session's reads and the messages Query.
#[utoipa::path(
    get,
    path = "/api/widget/messages",
    operation_id = "widget-messages-list",
    tag = "widget",
    params(
        wrrk_shared::http::PageParams,
        ("after" = Option<wrrk_shared::ids::MessageId>, Query, description = "Only messages after this message id."),
    ),
    responses(
        (status = 200, description = "A page of the conversation, oldest first", body = wrrk_shared::http::Paged<crate::wire::VisitorMessage>),
    ),
    security(("visitor" = [])),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let mut cors = Cors::default();
    let result = run(&app, &req, &mut cors).await;
    cors.finish(result)
}

async fn run(app: &App, req: &Request, cors: &mut Cors) -> ApiResult {
    let claims = super::session(app, req)?;
    let (org, ticket) = super::session_context(app, &claims).await?;
    cors.check(req, &org)?;
    let q = Query::of(req);
    let after = q.get("after");
    if after.is_some_and(|a| !is_valid_id(a)) {
        return Err(ApiError::invalid("after", "after: must be a message id"));
    }
    let page_req = PageRequest::parse(
        app,
        &q,
        format!("widget-messages:{}:{}:{after:?}", org.id, ticket.id),
    )?;
    let page = app
        .store
        .list_messages(
            &org.id,
            &ticket.id,
            after,
            page_req.limit,
            page_req.start.clone(),
        )
        .await?;
    let items: Vec<_> = page
        .items
        .iter()
        .filter(|m| !m.internal)
        .map(super::visitor_message)
        .collect();
    let next = app.cursors.encode_opt(
        &format!("widget-messages:{}:{}:{after:?}", org.id, ticket.id),
        page.next.as_ref(),
    );
    wrrk_shared::http::page(items, next)
}
