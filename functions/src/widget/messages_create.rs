//! `POST /api/widget/messages` `{clientId, content}` with the session in `Authorization`:
//! the visitor's message, posted through the one post-a-message path as the customer. The
//! client message id makes a retried send store the message once. `attachmentIds` are
//! the visitor's uploads (`POST /api/widget/attachments`, same token), checked and claimed
//! as an agent's are.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::conversation::{self, Author, NewMessage};
use wrrk_shared::domain::TicketStatus;
use wrrk_shared::http::{ApiResult, created, json_body, ok};
use wrrk_shared::uploads;
use wrrk_shared::widget::limits;

use super::Cors;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetMessagesCreateRequest)]
struct Body {
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    client_id: String,
    #[schema(
        pattern = "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]",
        max_length = 32768
    )]
    content: String,
    #[serde(default)]
    #[schema(schema_with = crate::tickets::messages_create::attachment_ids)]
    attachment_ids: Vec<String>,
}

/// 201 with the message; 200 with the same message when `clientId` was seen before.
#[utoipa::path(
    post,
    path = "/api/widget/messages",
    operation_id = "widget-messages-create",
    tag = "widget",
    request_body = Body,
    responses(
        (status = 201, description = "Posted", body = wrrk_shared::http::Data<crate::wire::VisitorMessage>),
        (status = 200, description = "Already posted (same client message id)", body = wrrk_shared::http::Data<crate::wire::VisitorMessage>),
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
    let body: Body = json_body(req, crate::tickets::MAX_MESSAGE_BODY)?;
    let client_id = super::client_id(&body.client_id)?;
    let content = crate::tickets::parse_content(&body.content)?;
    let ip = super::source_ip(req);
    super::throttle(
        app,
        &[
            (limits::MESSAGES_PER_SESSION, ticket.id.as_str()),
            (limits::MESSAGES_PER_IP, ip.as_str()),
            (limits::MESSAGES_PER_KEY, org.widget.widget_key.as_str()),
        ],
    )
    .await?;
    let dedupe_key = format!("widget:{}:{client_id}", ticket.id);
    // A retried send answers its first attempt before its files are checked: they went
    // with that message and would now be refused as used.
    if let Some((_, message)) = conversation::posted_before(app, &org.id, &dedupe_key).await? {
        return ok(super::visitor_message(&message));
    }
    if !body.attachment_ids.is_empty() && ticket.status == TicketStatus::Closed {
        return Err(super::attachments_create::closed());
    }
    let uploads = uploads::check(
        app,
        &ticket,
        &super::upload_session(req),
        &body.attachment_ids,
    )
    .await?;
    let posted = conversation::post_message(
        app,
        &ticket,
        NewMessage {
            author: Author::Customer {
                id: Some(claims.sub.clone()),
                name: claims.name.clone(),
            },
            content,
            internal: false,
            channel: None,
            email_message_id: None,
            dedupe_key: Some(dedupe_key),
            uploads,
        },
    )
    .await?;
    let data = super::visitor_message(&posted.message);
    if posted.duplicate {
        ok(data)
    } else {
        created(data)
    }
}
