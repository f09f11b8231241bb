//! Success responses: `{"data": ...}`, plus `nextCursor` on lists.

use lambda_http::{Body, Response};
use serde::Serialize;
use serde_json::json;

use super::ApiResult;
use super::error::ApiError;

fn respond(status: u16, body: serde_json::Value) -> ApiResult {
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::Text(body.to_string()))
        .map_err(|e| ApiError::Internal(e.into()))
}

/// 200 `{"data": data}`.
pub fn ok(data: impl Serialize) -> ApiResult {
    respond(200, json!({ "data": data }))
}

/// 201 `{"data": data}`.
pub fn created(data: impl Serialize) -> ApiResult {
    respond(201, json!({ "data": data }))
}

/// 202 `{"data": data}`: taken on, with nothing to show yet.
pub fn accepted(data: impl Serialize) -> ApiResult {
    respond(202, json!({ "data": data }))
}

/// 200 `{"data": items, "nextCursor": cursor-or-null}`.
pub fn page(items: impl Serialize, next_cursor: Option<String>) -> ApiResult {
    respond(200, json!({ "data": items, "nextCursor": next_cursor }))
}

/// 204 with no body.
pub fn no_content() -> ApiResult {
    Response::builder()
        .status(204)
        .body(Body::Empty)
        .map_err(|e| ApiError::Internal(e.into()))
}
