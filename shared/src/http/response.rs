//! Success responses: `{"data": ...}`, plus `nextCursor` on lists. The envelopes are
//! types, so the OpenAPI document describes exactly what is sent.

use lambda_http::{Body, Response};
use serde::Serialize;

use super::ApiResult;
use super::error::ApiError;

/// The envelope of every success with a body.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Data<T> {
    /// The payload.
    pub data: T,
}

/// The envelope of every list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Paged<T> {
    /// This page's items, in list order.
    pub data: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

fn respond(status: u16, body: &impl Serialize) -> ApiResult {
    let text = serde_json::to_string(body).map_err(|e| ApiError::Internal(e.into()))?;
    Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(Body::Text(text))
        .map_err(|e| ApiError::Internal(e.into()))
}

/// 200 `{"data": data}`.
pub fn ok(data: impl Serialize) -> ApiResult {
    respond(200, &Data { data })
}

/// 201 `{"data": data}`.
pub fn created(data: impl Serialize) -> ApiResult {
    respond(201, &Data { data })
}

/// 202 `{"data": data}`: taken on, with nothing to show yet.
pub fn accepted(data: impl Serialize) -> ApiResult {
    respond(202, &Data { data })
}

/// 200 `{"data": items, "nextCursor": cursor-or-null}`.
pub fn page<T: Serialize>(items: Vec<T>, next_cursor: Option<String>) -> ApiResult {
    respond(
        200,
        &Paged {
            data: items,
            next_cursor,
        },
    )
}

/// 204 with no body.
pub fn no_content() -> ApiResult {
    Response::builder()
        .status(204)
        .body(Body::Empty)
        .map_err(|e| ApiError::Internal(e.into()))
}
