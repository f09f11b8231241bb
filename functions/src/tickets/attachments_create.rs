//! `POST /api/tickets/{id}/attachments` `{filename, contentType, size}`: an upload URL for
//! one file an agent will attach to a reply or note on the ticket. The answer carries the
//! attachment's id and a presigned S3 PUT valid 5 minutes, bound to the declared type and
//! size (at most 10 MB); the file goes with a message once its id is listed in the
//! message's `attachmentIds`.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, created, json_body, path_id, request::MAX_JSON_BYTES};
use wrrk_shared::ids::TicketId;
use wrrk_shared::uploads;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketAttachmentsCreateRequest)]
struct Body {
    filename: String,
    #[serde(default)]
    #[schema(
        pattern = "^[\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*([A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+)?[\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 127
    )]
    content_type: String,
    #[schema(minimum = 1, maximum = 10485760)]
    #[serde(deserialize_with = "wrrk_shared::http::request::whole_number")]
    size: u64,
}

/// A pending upload on the caller's ticket (another organization's ticket: 404).
#[utoipa::path(
    post,
    path = "/api/tickets/{id}/attachments",
    operation_id = "ticket-attachments-create",
    tag = "tickets",
    request_body = Body,
    params(("id" = wrrk_shared::ids::TicketId, Path)),
    responses(
        (status = 201, description = "Where to PUT the file", body = wrrk_shared::http::Data<wrrk_shared::uploads::Upload>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: TicketId = path_id(&req, "id", "Ticket")?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let ticket = super::load(&app, caller.org_id(), &id).await?;
    let upload = uploads::create(
        &app,
        &ticket,
        caller.user.id.as_str(),
        &caller.session.id,
        &body.filename,
        &body.content_type,
        body.size,
    )
    .await?;
    created(upload)
}
