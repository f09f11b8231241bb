//! `POST /api/tickets/{id}/messages`: `{content, internal, attachmentIds}`: an agent's
//! reply, or an internal note (never sent to customers by any channel). A public reply
//! moves the ticket's last activity and reopens it if it was RESOLVED. Concurrent posts on
//! one ticket never conflict: the message is its own item and the ticket moves by atomic
//! updates. `attachmentIds` are uploads from `POST /api/tickets/{id}/attachments` (at most
//! 10, 25 MB together); a bad one stores nothing. `cc` and `bcc` copy an emailed reply
//! (EMAIL tickets, public replies only) to other people; they become participants of the
//! ticket, so their answers thread into it.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::conversation::{self, Author, NewMessage};
use wrrk_shared::domain::{Channel, Email, EmailMeta, Ticket};
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, path_id};
use wrrk_shared::ids::TicketId;
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
    /// Addresses the emailed reply is copied to (its `Cc` header).
    #[serde(default)]
    #[schema(schema_with = email_list)]
    cc: Vec<String>,
    /// Addresses the emailed reply is copied to unnamed.
    #[serde(default)]
    #[schema(schema_with = email_list)]
    bcc: Vec<String>,
}

/// Most addresses in `cc` and `bcc` together.
const MAX_COPIES: usize = 10;

/// The `cc` and `bcc` of a reply: only on a public reply of an EMAIL ticket, valid,
/// not one of the organization's own addresses (the copy would come back in), not the
/// customer (who gets the mail anyway), each once.
async fn copies(
    app: &App,
    ticket: &Ticket,
    body: &Body,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    if body.cc.is_empty() && body.bcc.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let field = if body.cc.is_empty() { "bcc" } else { "cc" };
    if ticket.channel != Channel::Email || body.internal {
        return Err(ApiError::invalid(
            field,
            format!("{field}: only an emailed reply (not a note) can be copied to others"),
        ));
    }
    if body.cc.len() + body.bcc.len() > MAX_COPIES {
        return Err(ApiError::invalid(
            field,
            format!("{field}: at most {MAX_COPIES} addresses in cc and bcc together"),
        ));
    }
    let customer = ticket.customer.as_ref().map(|c| c.email.as_str());
    let mut seen: Vec<String> = customer.into_iter().map(str::to_string).collect();
    let mut parse = async |field: &'static str, raw: &[String]| {
        let mut out = Vec::new();
        for r in raw {
            let e = Email::parse(field, r)?.as_str().to_string();
            if wrrk_shared::email::inbound::own_address(app, &e).await? {
                return Err(ApiError::invalid(
                    field,
                    format!("{field}: {e} is one of this organization's support addresses"),
                ));
            }
            if !seen.contains(&e) {
                seen.push(e.clone());
                out.push(e);
            }
        }
        Ok::<_, ApiError>(out)
    };
    let cc = parse("cc", &body.cc).await?;
    let bcc = parse("bcc", &body.bcc).await?;
    Ok((cc, bcc))
}

/// `cc` and `bcc`: addresses as the document declares an email (at most [`MAX_COPIES`]
/// together, which the document cannot say: more is a 422).
fn email_list() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(
            utoipa::openapi::schema::ObjectBuilder::new()
                .schema_type(utoipa::openapi::schema::Type::String)
                .pattern(Some(wrrk_shared::domain::EMAIL_PATTERN))
                .max_length(Some(254)),
        )
        .max_items(Some(MAX_COPIES))
        .build()
}

/// `attachmentIds`: distinct upload ids, at most [`wrrk_shared::uploads::MAX_FILES`].
pub(crate) fn attachment_ids() -> utoipa::openapi::schema::Array {
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
    let id: TicketId = path_id(&req, "id", "Ticket")?;
    let body: Body = json_body(&req, super::MAX_MESSAGE_BODY)?;
    let content = super::parse_content(&body.content)?;
    let ticket = super::load(&app, caller.org_id(), &id).await?;
    let uploads = uploads::check(&app, &ticket, &caller.session.id, &body.attachment_ids).await?;
    let (cc, bcc) = copies(&app, &ticket, &body).await?;
    // Participants before the mail leaves, so an answer from any of them threads.
    for address in cc.iter().chain(&bcc) {
        app.store
            .add_mail_participant(caller.org_id(), &ticket.id, address)
            .await?;
    }
    let meta = (!cc.is_empty() || !bcc.is_empty()).then(|| EmailMeta {
        cc,
        bcc,
        ..EmailMeta::default()
    });
    let posted = conversation::post_message_with(
        &app,
        &ticket,
        NewMessage {
            author: Author::Agent {
                id: caller.user.id.clone(),
                name: caller.user.name.clone(),
            },
            content,
            internal: body.internal,
            channel: None,
            email_message_id: None,
            dedupe_key: None,
            uploads,
        },
        meta,
    )
    .await?;
    created(posted.message)
}
