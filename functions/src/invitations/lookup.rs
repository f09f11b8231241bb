//! `GET /api/invitations/token/{token}` (public): what the invitation page shows.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiResult, ok};

/// 200 with the organization, email and role while usable; 404 unknown; 410 otherwise.
#[utoipa::path(
    get,
    path = "/api/invitations/token/{token}",
    operation_id = "invitations-lookup",
    tag = "invitations",
    params(
        ("token" = String, Path, pattern = "^[A-Za-z0-9_-]{43}$"),
    ),
    responses(
        (status = 200, description = "What the link offers", body = wrrk_shared::http::Data<crate::wire::InvitationPreview>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let (invitation, org) = super::usable_by_token(&app, &req).await?;
    ok(crate::wire::InvitationPreview {
        organization_name: org.name,
        email: invitation.email.as_str().to_string(),
        role: invitation.role,
        expires_at: invitation.expires_at,
        valid: true,
    })
}
