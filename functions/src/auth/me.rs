//! `GET /api/auth/me`: the signed-in user and their organization.

use anyhow::Context;
use lambda_http::Request;
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok};

/// Two reads: the caller (by the extractor) and the organization.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = app
        .store
        .get_organization(caller.org_id())
        .await?
        .context("user without organization")?;
    ok(json!({ "user": caller.user, "organization": org }))
}
