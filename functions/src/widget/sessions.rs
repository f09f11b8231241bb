//! `POST /api/widget/sessions` `{widgetKey, name?, email?, user?: {id, email?, name?, hash},
//! message?: {clientId, content}}`: the server issues the visitor's session, a token scoped
//! to one CHAT conversation, opened through the one open-a-ticket path with the visitor's
//! first message in the same write (so agents never see an empty chat; `ticket:created`
//! carries it). A verified user (`hash` = HMAC-SHA256 of `id` under the identity secret)
//! gets their conversation back on any device (`resume: true` only looks it up), and their
//! email links the chat to that customer. An email typed without a hash proves nothing: the
//! chat belongs to a new *unverified contact* carrying it (`unverifiedEmail`), never to the
//! customer with that address, and no mail goes to it. When the organization enforces
//! identity, a chat without a valid hash is refused and no ticket is opened.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::conversation;
use wrrk_shared::domain::{Author, Channel, Email, Organization, PersonName, Priority};
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, ok};
use wrrk_shared::ids::CustomerId;
use wrrk_shared::ids::MessageId;
use wrrk_shared::store::{FirstMessage as OpeningMessage, NewTicket, WidgetUser};
use wrrk_shared::widget::{identity_valid, key_fingerprint, limits};

use super::{Cors, SESSION_TTL_SECONDS};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetSessionsRequest)]
struct Body {
    widget_key: String,
    #[serde(default)]
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: Option<String>,
    #[serde(default)]
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: Option<String>,
    #[serde(default)]
    user: Option<UserBody>,
    /// Only find a verified user's conversation; open none (`data: null` when there is none).
    #[serde(default)]
    resume: bool,
    /// The visitor's first message: the conversation opens with it.
    #[serde(default)]
    message: Option<FirstMessage>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetSessionsMessage)]
struct FirstMessage {
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    client_id: String,
    #[schema(
        pattern = "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]",
        max_length = 32768
    )]
    content: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetSessionsUser)]
struct UserBody {
    id: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(default)]
    name: Option<String>,
    hash: String,
}

/// Refusal of a chat without a verified identity.
fn identity_required() -> ApiError {
    ApiError::Forbidden("This chat is only available to signed-in users.".into())
}

/// Key look-up, counters, then one transaction for a new conversation.
#[utoipa::path(
    post,
    path = "/api/widget/sessions",
    operation_id = "widget-sessions",
    tag = "widget",
    request_body = Body,
    responses(
        (status = 201, description = "A new conversation", body = wrrk_shared::http::Data<crate::wire::WidgetSession>),
        (status = 200, description = "The visitor's existing conversation (`null` when `resume` found none)", body = wrrk_shared::http::Data<Option<crate::wire::WidgetSession>>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let mut cors = Cors::default();
    let result = run(&app, &req, &mut cors).await;
    cors.finish(result)
}

async fn run(app: &App, req: &Request, cors: &mut Cors) -> ApiResult {
    // It may carry the first message, as long as any other.
    let body: Body = json_body(req, crate::tickets::MAX_MESSAGE_BODY)?;
    let org = app
        .store
        .organization_by_widget_key(body.widget_key.trim())
        .await?
        .ok_or(ApiError::NotFound("Widget"))?;
    cors.check(req, &org)?;
    let ip = super::source_ip(req);
    super::throttle(
        app,
        &[
            (limits::SESSIONS_PER_IP, ip.as_str()),
            (limits::SESSIONS_PER_KEY, org.widget.widget_key.as_str()),
        ],
    )
    .await?;

    let user = match &body.user {
        Some(u) => {
            let secret = org.widget.identity_secret.as_deref().unwrap_or_default();
            let id = u.id.trim();
            if id.is_empty()
                || id.len() > 200
                || secret.is_empty()
                || !identity_valid(secret, id, u.hash.trim())
            {
                return Err(identity_required());
            }
            Some(u)
        }
        None if org.widget.identity_enforced => return Err(identity_required()),
        None => None,
    };

    let raw_name = user
        .and_then(|u| u.name.as_deref())
        .or(body.name.as_deref())
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let name = match raw_name {
        Some(n) => PersonName::parse("name", n)?,
        None => "Visitor".to_string(),
    };
    let raw_email = user
        .and_then(|u| u.email.as_deref())
        .or(body.email.as_deref())
        .map(str::trim)
        .filter(|e| !e.is_empty());
    let email = match raw_email {
        Some(e) => Some(Email::parse("email", e)?),
        None => None,
    };

    if let Some(u) = user
        && let Some(found) = app.store.get_widget_user(&org.id, u.id.trim()).await?
        && let Some(ticket) = app.store.get_ticket(&org.id, &found.ticket_id).await?
    {
        return ok(session(
            app,
            &org,
            &found.customer_id,
            &name,
            &ticket,
            email.is_some(),
        )?);
    }

    if body.resume {
        return ok(serde_json::Value::Null);
    }
    let first = match &body.message {
        Some(m) => {
            super::client_id(&m.client_id)?;
            let content = crate::tickets::parse_content(&m.content)?;
            super::throttle(
                app,
                &[
                    (limits::MESSAGES_PER_IP, ip.as_str()),
                    (limits::MESSAGES_PER_KEY, org.widget.widget_key.as_str()),
                ],
            )
            .await?;
            Some(OpeningMessage {
                id: MessageId::new(),
                author: Author::Customer {
                    id: None,
                    name: name.clone(),
                },
                content,
                internal: false,
                channel: Channel::Chat,
                email_message_id: None,
                email: None,
            })
        }
        None => None,
    };
    // Only a verified user's address names the customer. Anyone else is a customer with an
    // address of their own that mail never reaches; a typed address is kept beside it,
    // unproven.
    let (email, unverified_email) = match (user, email) {
        (Some(_), Some(e)) => (Some(e), None),
        (_, e) => (None, e.map(|e| e.as_str().to_string())),
    };
    let has_email = email.is_some();
    let email = match email {
        Some(e) => e,
        None => wrrk_shared::domain::Customer::anonymous_visitor_email()?,
    };
    let opened = conversation::open_ticket(
        app,
        &org,
        NewTicket {
            subject: format!("Chat with {name}"),
            priority: Priority::default(),
            channel: Channel::Chat,
            customer_email: email,
            customer_name: name.clone(),
            customer_unverified_email: unverified_email,
            first_message: first,
            email_references: Vec::new(),
            follows: None,
            team_id: None,
            via: wrrk_shared::domain::Via {
                support_address: None,
                widget_origin: cors.site(),
            },
        },
    )
    .await?;
    if let (Some(m), Some(first)) = (&opened.message, &body.message) {
        // The first message counts against the new session's allowance like any other,
        // and its client id is claimed as later sends' are, so sending it again through
        // `POST /api/widget/messages` (a widget unsure it arrived) stores it once.
        super::throttle(
            app,
            &[(limits::MESSAGES_PER_SESSION, opened.ticket.id.as_str())],
        )
        .await?;
        let key = format!("widget:{}:{}", opened.ticket.id, first.client_id.trim());
        app.store
            .claim_dedupe(&org.id, &key, &opened.ticket.id, m.id.as_str())
            .await?;
    }
    if let Some(u) = user {
        app.store
            .put_widget_user(
                &org.id,
                u.id.trim(),
                &WidgetUser {
                    ticket_id: opened.ticket.id.clone(),
                    customer_id: opened.customer.id.clone(),
                },
            )
            .await?;
    }
    let mut answer = session(
        app,
        &org,
        &opened.customer.id,
        &name,
        &opened.ticket,
        has_email,
    )?;
    answer.first_message = opened.message.as_ref().map(super::visitor_message);
    created(answer)
}

fn session(
    app: &App,
    org: &Organization,
    customer_id: &CustomerId,
    name: &str,
    ticket: &wrrk_shared::domain::Ticket,
    has_email: bool,
) -> Result<crate::wire::WidgetSession, ApiError> {
    let token = app.tokens.issue_visitor(
        &org.id,
        customer_id,
        name,
        &ticket.id,
        &key_fingerprint(&org.widget.widget_key),
        SESSION_TTL_SECONDS,
    )?;
    let data = crate::wire::WidgetSession {
        token,
        ticket_id: ticket.id.to_string(),
        ticket_number: ticket.ticket_number.clone(),
        name: name.to_string(),
        has_email,
        expires_in: SESSION_TTL_SECONDS as u64,
        first_message: None,
    };
    Ok(data)
}
