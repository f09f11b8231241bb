//! `POST /api/tickets`: an agent opens a ticket for a customer (channel MANUAL). The
//! customer is found or created by email; the number comes from the org's counter.

use anyhow::Context;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::conversation;
use wrrk_shared::domain::{Author, Channel, Email, PersonName, Priority, TrimmedText};
use wrrk_shared::http::{ApiResult, created, json_body, parse_enum};
use wrrk_shared::ids::MessageId;
use wrrk_shared::store::{FirstMessage, NewTicket};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketsCreateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 200
    )]
    subject: String,
    customer: CustomerBody,
    #[serde(default)]
    #[schema(value_type = Option<wrrk_shared::domain::Priority>)]
    priority: Option<String>,
    #[schema(
        pattern = "[^\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]",
        max_length = 32768
    )]
    message: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketsCreateCustomer)]
struct CustomerBody {
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: String,
    #[serde(default)]
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: Option<String>,
}

/// Validates, then one transaction (counter, ticket, customer, first message).
#[utoipa::path(
    post,
    path = "/api/tickets",
    operation_id = "tickets-create",
    tag = "tickets",
    request_body = Body,
    responses(
        (status = 201, description = "Opened", body = wrrk_shared::http::Data<wrrk_shared::domain::Ticket>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let body: Body = json_body(&req, super::MAX_MESSAGE_BODY)?;
    let subject = TrimmedText::parse("subject", &body.subject, 200)?.into_inner();
    let email = Email::parse("customer.email", &body.customer.email)?;
    let name = match body.customer.name.as_deref() {
        Some(n) => PersonName::parse("customer.name", n)?,
        None => email
            .as_str()
            .split('@')
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    let priority: Priority = match body.priority.as_deref() {
        Some(p) => parse_enum("priority", p)?,
        None => Priority::default(),
    };
    let content = super::parse_content(&body.message)?;
    let org = app
        .store
        .get_organization(caller.org_id())
        .await?
        .context("caller's organization is missing")?;
    let first = FirstMessage {
        id: MessageId::new(),
        author: Author::Agent {
            id: caller.user.id.clone(),
            name: caller.user.name.clone(),
        },
        content,
        internal: false,
        channel: Channel::Manual,
        email_message_id: None,
        email: None,
    };
    let opened = conversation::open_ticket(
        &app,
        &org,
        NewTicket {
            subject,
            priority,
            channel: Channel::Manual,
            customer_email: email,
            customer_name: name,
            customer_unverified_email: None,
            first_message: Some(first),
            email_references: Vec::new(),
            follows: None,
            team_id: None,
            via: Default::default(),
        },
    )
    .await?;
    created(opened.ticket)
}
