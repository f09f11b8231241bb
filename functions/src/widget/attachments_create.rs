//! `POST /api/widget/attachments` `{filename, contentType, size}` with the session in
//! `Authorization`: an upload URL for one file the visitor will send in the chat. The same
//! upload as an agent's ([`wrrk_shared::uploads::create`]: a presigned PUT to a staging
//! key, bound to the declared type and size, at most 10 MB), bound to the visitor's
//! token: only the widget holding that token can send it with `POST
//! /api/widget/messages` `attachmentIds`.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::domain::TicketStatus;
use wrrk_shared::http::{
    ApiError, ApiResult, ErrorCode, created, json_body, request::MAX_JSON_BYTES,
};
use wrrk_shared::uploads;
use wrrk_shared::widget::limits;

use super::Cors;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetAttachmentsCreateRequest)]
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

/// A pending upload on the session's chat; 409 `chat_closed` on a closed chat (its
/// follow-up opens with a message first).
#[utoipa::path(
    post,
    path = "/api/widget/attachments",
    operation_id = "widget-attachments-create",
    tag = "widget",
    request_body = Body,
    responses(
        (status = 201, description = "Where to PUT the file", body = wrrk_shared::http::Data<wrrk_shared::uploads::Upload>),
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
    let body: Body = json_body(req, MAX_JSON_BYTES)?;
    if ticket.status == TicketStatus::Closed {
        return Err(closed());
    }
    let ip = super::source_ip(req);
    super::throttle(
        app,
        &[
            (limits::UPLOADS_PER_SESSION, ticket.id.as_str()),
            (limits::UPLOADS_PER_IP, ip.as_str()),
        ],
    )
    .await?;
    let upload = uploads::create(
        app,
        &ticket,
        claims.sub.as_str(),
        &super::upload_session(req),
        &body.filename,
        &body.content_type,
        body.size,
    )
    .await?;
    created(upload)
}

/// A closed chat takes files only once a message has opened its follow-up.
pub(crate) fn closed() -> ApiError {
    ApiError::Conflict(
        ErrorCode::ChatClosed,
        "This chat was closed: send a message to continue it, then attach the file.".into(),
    )
}
