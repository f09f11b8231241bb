//! `GET /api/invitations/token/{token}` (public): what the invitation page shows.

use lambda_http::Request;
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::http::{ApiResult, ok};

/// 200 with the organization, email and role while usable; 404 unknown; 410 otherwise.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let (invitation, org) = super::usable_by_token(&app, &req).await?;
    ok(json!({
        "organizationName": org.name,
        "email": invitation.email,
        "role": invitation.role,
        "expiresAt": invitation.expires_at,
        "valid": true,
    }))
}
