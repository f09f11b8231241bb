//! `GET /api/auth/me`: the signed-in user and their organization.

use lambda_http::Request;
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok};

/// Two reads, at once: the caller and the organization.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let (caller, org) = Caller::with_organization(&app, &req).await?;
    ok(json!({ "user": caller.user, "organization": org }))
}
