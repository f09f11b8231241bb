//! The OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` attributes and
//! the types they name. `openapi.json` at the top of the repository is this document,
//! committed; a test fails when it is stale or when a registered route is missing from it.
//! `wrrk-local` serves it at `/api/openapi.json`. Regenerate it with
//! `cargo run -p wrrk-local -- --print-openapi > openapi.json`.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use wrrk_shared::http::ErrorBody;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wrrk",
        description = "wrrk's HTTP API. Every success is `{\"data\": ...}` (lists add `nextCursor`); every error is `{\"error\", \"code\"}` with a 4xx or 5xx status. The WebSocket frames are the `Event` schema (agents' sockets) and the `VisitorEvent` schema (the chat widget's).",
        license(name = "MIT")
    ),
    paths(
        handle,
        crate::auth::signup::handle,
        crate::auth::login::handle,
        crate::auth::me::handle,
        crate::auth::logout::handle,
        crate::auth::password_change::handle,
        crate::auth::password_forgot::handle,
        crate::auth::password_reset::handle,
        crate::auth::verify_email::handle,
        crate::auth::verify_email_resend::handle,
        crate::users::list::handle,
        crate::users::get::handle,
        crate::users::update::handle,
        crate::users::deactivate::handle,
        crate::organizations::get::handle,
        crate::organizations::update::handle,
        crate::organizations::routing::handle,
        crate::teams::list::handle,
        crate::teams::create::handle,
        crate::teams::get::handle,
        crate::teams::update::handle,
        crate::teams::delete::handle,
        crate::teams::members_list::handle,
        crate::teams::members_add::handle,
        crate::teams::members_remove::handle,
        crate::invitations::create::handle,
        crate::invitations::list::handle,
        crate::invitations::revoke::handle,
        crate::invitations::lookup::handle,
        crate::invitations::accept::handle,
        crate::tickets::create::handle,
        crate::tickets::list::handle,
        crate::tickets::get::handle,
        crate::tickets::update::handle,
        crate::tickets::snooze::handle,
        crate::users::unsubscribe::handle,
        crate::tickets::messages_list::handle,
        crate::tickets::messages_create::handle,
        crate::tickets::attachments_create::handle,
        crate::customers::list::handle,
        crate::customers::get::handle,
        crate::customers::update::handle,
        crate::customers::merge::handle,
        crate::saved_replies::list::handle,
        crate::saved_replies::create::handle,
        crate::saved_replies::update::handle,
        crate::saved_replies::delete::handle,
        crate::saved_replies::render::handle,
        crate::reports::get::handle,
        crate::csat::get::handle,
        crate::csat::rate::handle,
        crate::presence::list::handle,
        crate::widget::init::handle,
        crate::widget::sessions::handle,
        crate::widget::messages_create::handle,
        crate::widget::messages_list::handle,
        crate::widget::connect_ticket::handle,
        crate::widget::csat::handle,
        crate::widget::attachments_create::handle,
        crate::widget::attachments_get::handle,
        crate::widget::preflight::handle,
        crate::email::addresses::list,
        crate::email::addresses::add,
        crate::email::addresses::remove,
        crate::email::identities::list,
        crate::email::identities::get,
        crate::email::identities::add,
        crate::email::identities::remove,
        crate::email::quarantine::handle,
        crate::email::attachments::handle
    ),
    components(schemas(
        ErrorBody,
        wrrk_shared::events::Event,
        wrrk_shared::events::VisitorEvent,
        wrrk_shared::ids::AttachmentId
    )),
    modifiers(&Contract),
    security(("session" = []))
)]
struct ApiDoc;

/// Adds what every operation shares: the bearer schemes and the error response.
struct Contract;

impl Modify for Contract {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        let bearer = |what: &str| {
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(what))
                    .build(),
            )
        };
        components.add_security_scheme(
            "session",
            bearer("An agent's session token (`POST /api/auth/login`)."),
        );
        components.add_security_scheme(
            "visitor",
            bearer("A widget visitor's session token (`POST /api/widget/sessions`)."),
        );
        let error = ResponseBuilder::new()
            .description("An error: `{\"error\": sentence, \"code\": machine code}`")
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        "ErrorBody",
                    ))))
                    .build(),
            )
            .build();
        for item in doc.paths.paths.values_mut() {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.put,
                &mut item.delete,
                &mut item.options,
            ]
            .into_iter()
            .flatten()
            {
                op.responses
                    .responses
                    .insert("default".into(), RefOr::T(error.clone()));
            }
        }
    }
}

/// `GET /api/openapi.json`: this document (public; it is what the front ends are typed from).
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document", content_type = "application/json", body = Object)),
    security(()),
)]
pub async fn handle(
    _app: wrrk_shared::App,
    _req: lambda_http::Request,
) -> wrrk_shared::http::ApiResult {
    lambda_http::Response::builder()
        .status(200)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(http::header::CACHE_CONTROL, "public, max-age=300")
        .body(lambda_http::Body::Text(document_json()))
        .map_err(|e| wrrk_shared::http::ApiError::Internal(e.into()))
}

/// The document.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The document as it is committed: pretty JSON with a trailing newline.
pub fn document_json() -> String {
    let mut text = document().to_pretty_json().unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use wrrk_shared::domain::{
        CONTENT_PATTERN, EMAIL_PATTERN, LINES_PATTERN, LINES_REQUIRED_PATTERN,
        OPTIONAL_TEXT_PATTERN, TEXT_PATTERN,
    };

    fn patterns(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                for (k, v) in map {
                    match (k.as_str(), v) {
                        ("pattern", serde_json::Value::String(p)) => out.push(p.clone()),
                        _ => patterns(v, out),
                    }
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| patterns(v, out)),
            _ => {}
        }
    }

    /// The attributes repeat the text and email patterns as literals: each copy must be
    /// the one the server's parsers are written to.
    #[test]
    fn every_text_and_email_pattern_is_the_shared_one() {
        let doc: serde_json::Value =
            serde_json::from_str(&super::document_json()).expect("the document is JSON");
        let mut found = Vec::new();
        patterns(&doc, &mut found);
        let text = found.iter().filter(|p| p.as_str() == TEXT_PATTERN).count();
        let email = found.iter().filter(|p| p.as_str() == EMAIL_PATTERN).count();
        assert!(text >= 5 && email >= 5, "text {text}, email {email}");
        let content = found
            .iter()
            .filter(|p| p.as_str() == CONTENT_PATTERN)
            .count();
        assert_eq!(
            content, 4,
            "message content: agents, new tickets, the widget and its first message"
        );
        for p in &found {
            if p.contains("\\u0000") {
                assert!(
                    [
                        TEXT_PATTERN,
                        EMAIL_PATTERN,
                        OPTIONAL_TEXT_PATTERN,
                        LINES_PATTERN,
                        LINES_REQUIRED_PATTERN
                    ]
                    .contains(&p.as_str()),
                    "a stale copy: {p}"
                );
            }
        }
    }
}
