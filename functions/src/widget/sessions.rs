//! `POST /api/widget/sessions` `{widgetKey, name?, email?, user?: {id, email?, name?, hash}}`:
//! the server issues the visitor's session, a token scoped to one CHAT conversation, opened
//! through the one open-a-ticket path (it announces `ticket:created`). A verified user
//! (`hash` = HMAC-SHA256 of `id` under the identity secret) gets their conversation back on
//! any device (`resume: true` only looks it up). When the organization enforces identity, a chat without a valid hash is
//! refused and no ticket is opened.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::conversation;
use wrrk_shared::domain::{Channel, Email, Organization, PersonName, Priority};
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::store::{NewTicket, WidgetUser};
use wrrk_shared::widget::{identity_valid, limits};

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
    let body: Body = json_body(req, MAX_JSON_BYTES)?;
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
        return respond(
            app,
            &org,
            &found.customer_id,
            &name,
            &ticket,
            email.is_some(),
            false,
        );
    }

    if body.resume {
        return ok(serde_json::Value::Null);
    }
    // An anonymous visitor is a customer with an address of their own that mail never
    // reaches, until they give a real one.
    let has_email = email.is_some();
    let email = match email {
        Some(e) => e,
        None => Email::parse(
            "email",
            &format!(
                "visitor-{}@visitors.wrrk.invalid",
                wrrk_shared::ids::new_id().to_lowercase()
            ),
        )?,
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
            first_message: None,
            email_references: Vec::new(),
        },
    )
    .await?;
    if let Some(u) = user {
        app.store
            .put_widget_user(
                &org.id,
                u.id.trim(),
                &WidgetUser {
                    ticket_id: opened.ticket.id.to_string(),
                    customer_id: opened.customer.id.to_string(),
                },
            )
            .await?;
    }
    respond(
        app,
        &org,
        &opened.customer.id,
        &name,
        &opened.ticket,
        has_email,
        true,
    )
}

fn respond(
    app: &App,
    org: &Organization,
    customer_id: &str,
    name: &str,
    ticket: &wrrk_shared::domain::Ticket,
    has_email: bool,
    new: bool,
) -> ApiResult {
    let token =
        app.tokens
            .issue_visitor(&org.id, customer_id, name, &ticket.id, SESSION_TTL_SECONDS)?;
    let data = crate::wire::WidgetSession {
        token,
        ticket_id: ticket.id.to_string(),
        ticket_number: ticket.ticket_number.clone(),
        name: name.to_string(),
        has_email,
        expires_in: SESSION_TTL_SECONDS as u64,
    };
    if new { created(data) } else { ok(data) }
}
