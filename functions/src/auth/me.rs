//! `GET /api/auth/me`: the signed-in user and their organization.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok};

/// Two reads, at once: the caller and the organization.
#[utoipa::path(
    get,
    path = "/api/auth/me",
    operation_id = "auth-me",
    tag = "auth",
    responses(
        (status = 200, description = "The caller and their organization", body = wrrk_shared::http::Data<crate::wire::Me>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let (caller, org) = Caller::with_organization(&app, &req).await?;
    ok(crate::wire::Me {
        user: caller.user,
        organization: org,
    })
}
