//! The OpenAPI 3.1 document, generated from the registry's HTTP functions: each one's
//! `#[utoipa::path]` attribute and the types it names. `openapi.json` at the top of the repository is this document,
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
    components(schemas(
        ErrorBody,
        wrrk_shared::events::Event,
        wrrk_shared::events::VisitorEvent,
        wrrk_shared::ids::AttachmentId
    )),
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

/// The document: the info and shared schemas above, one operation per registered HTTP
/// function (read from its `#[utoipa::path]`, with the schemas it names), then [`Contract`].
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let mut schemas = Vec::new();
    for f in crate::registry::HTTP_FUNCTIONS {
        let Some(op) = &f.operation else { continue };
        doc.paths
            .add_path_operation(op.path(), op.methods(), op.operation());
        op.schemas(&mut schemas);
    }
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .extend(schemas);
    Contract.modify(&mut doc);
    doc
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
