//! `OPTIONS /api/widget/{route}`: answers browsers' CORS preflights for the widget API.
//! A preflight carries no widget key or session, so it names the methods and headers the
//! widget uses for any origin; the real request is then checked against the
//! organization's allowed origins, and a foreign site's request gets no CORS headers.

use lambda_http::{Body, Request, RequestExt, Response};
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult};

/// The widget API's routes under `/api/widget/`.
const ROUTES: &[&str] = &[
    "init",
    "sessions",
    "messages",
    "connect-ticket",
    "csat",
    "attachments",
];

/// 204 with the allowed methods and headers; 404 for other paths.
#[utoipa::path(
    options,
    path = "/api/widget/{route}",
    operation_id = "widget-preflight",
    tag = "widget",
    params(
        ("route" = String, Path),
    ),
    responses(
        (status = 204, description = "CORS preflight answered for an allowed origin"),
    ),
    security(()),
)]
pub async fn handle(_app: App, req: Request) -> ApiResult {
    let route = req
        .path_parameters()
        .first("route")
        .unwrap_or_default()
        .to_string();
    if !ROUTES.contains(&route.as_str()) {
        return Err(ApiError::RouteNotFound(format!("/api/widget/{route}")));
    }
    let mut b = Response::builder()
        .status(204)
        .header(http::header::VARY, "Origin")
        .header(http::header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST")
        .header(
            http::header::ACCESS_CONTROL_ALLOW_HEADERS,
            "authorization, content-type",
        )
        .header(http::header::ACCESS_CONTROL_MAX_AGE, "600");
    if let Some(o) = req.headers().get("origin") {
        b = b.header(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, o.clone());
    }
    b.body(Body::Empty)
        .map_err(|e| ApiError::Internal(e.into()))
}
