//! `POST /api/tickets/{id}/messages`: `{content, internal, attachmentIds}`: an agent's
//! reply, or an internal note (never sent to customers by any channel). A public reply
//! moves the ticket's last activity and reopens it if it was RESOLVED. Concurrent posts on
//! one ticket never conflict: the message is its own item and the ticket moves by atomic
//! updates. `attachmentIds` are uploads from `POST /api/tickets/{id}/attachments` (at most
//! 10, 25 MB together); a bad one stores nothing.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::conversation::{self, Author, NewMessage};
use wrrk_shared::domain::AuthorType;
use wrrk_shared::http::{ApiResult, created, json_body, path_id};
use wrrk_shared::uploads;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketMessagesCreateRequest)]
struct Body {
    #[schema(
        pattern = "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]",
        max_length = 32768
    )]
    content: String,
    #[serde(default)]
    internal: bool,
    #[serde(default)]
    #[schema(schema_with = attachment_ids)]
    attachment_ids: Vec<String>,
}

/// `attachmentIds`: distinct upload ids, at most [`wrrk_shared::uploads::MAX_FILES`].
fn attachment_ids() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(utoipa::openapi::Ref::from_schema_name("AttachmentId"))
        .max_items(Some(wrrk_shared::uploads::MAX_FILES))
        .unique_items(true)
        .build()
}

/// The one post-a-message path, as the agent.
#[utoipa::path(
    post,
    path = "/api/tickets/{id}/messages",
    operation_id = "ticket-messages-create",
    tag = "tickets",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::TicketId, Path),
    ),
    responses(
        (status = 201, description = "Posted", body = wrrk_shared::http::Data<wrrk_shared::domain::Message>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id = path_id(&req, "id", "Ticket")?;
    let body: Body = json_body(&req, super::MAX_MESSAGE_BODY)?;
    let content = super::parse_content(&body.content)?;
    let ticket = super::load(&app, caller.org_id(), &id).await?;
    let uploads = uploads::check(&app, &ticket, &caller.session.id, &body.attachment_ids).await?;
    let posted = conversation::post_message(
        &app,
        &ticket,
        NewMessage {
            author: Author {
                kind: AuthorType::Agent,
                id: Some(caller.user.id.to_string()),
                name: caller.user.name.clone(),
            },
            content,
            internal: body.internal,
            channel: None,
            email_message_id: None,
            dedupe_key: None,
            uploads,
        },
    )
    .await?;
    created(posted.message)
}
