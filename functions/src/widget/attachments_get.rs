//! `GET /api/widget/attachments?id=<attachmentId>` with the session in `Authorization`: a
//! download URL (a presigned S3 GET, 5 minutes) for a file of the visitor's own chat,
//! listed on one of its public messages. Internal notes' files, pending uploads and other
//! chats' files answer 404 like unknown ids. (The id goes in the query, not the path, so
//! the widget API's one preflight route covers it.)

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult, Query, ok};
use wrrk_shared::ids::is_valid_id;
use wrrk_shared::widget::visitor_may_read;

use super::Cors;

/// The file's details and a short-lived download URL.
#[utoipa::path(
    get,
    path = "/api/widget/attachments",
    operation_id = "widget-attachments-get",
    tag = "widget",
    params(
        ("id" = wrrk_shared::ids::AttachmentId, Query, description = "The attachment (from a message's `attachments`)."),
    ),
    responses(
        (status = 200, description = "A short-lived download link", body = wrrk_shared::http::Data<crate::wire::AttachmentLink>),
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
    let id = q
        .get("id")
        .filter(|id| is_valid_id(id))
        .ok_or_else(|| ApiError::invalid("id", "id: must be an attachment id"))?;
    let not_found = || ApiError::NotFound("Attachment");
    let stored = app
        .store
        .get_attachment(&org.id, id)
        .await?
        .ok_or_else(not_found)?;
    let message = match &stored.message_id {
        Some(m) if stored.ticket_id == ticket.id => {
            app.store.get_message(&org.id, &ticket.id, m).await?
        }
        _ => None,
    };
    if !visitor_may_read(id, &stored.ticket_id, ticket.id.as_str(), message.as_ref()) {
        return Err(not_found());
    }
    ok(crate::email::attachments::link(app, stored).await?)
}
