//! `DELETE /api/invitations/{id}` (`invitations:create`): revoke a pending invitation.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::InvitationStatus;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::http::{ApiError, ApiResult, no_content, path_id};
use wrrk_shared::ids::InvitationId;
use wrrk_shared::rbac::{self, Permission};

/// 204; its link answers 410 from then on.
#[utoipa::path(
    delete,
    path = "/api/invitations/{id}",
    operation_id = "invitations-revoke",
    tag = "invitations",
    params(
        ("id" = wrrk_shared::ids::InvitationId, Path),
    ),
    responses(
        (status = 204, description = "Revoked"),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: InvitationId = path_id(&req, "id", "Invitation")?;
    let invitation = app
        .store
        .get_invitation(caller.org_id(), &id)
        .await?
        .ok_or(ApiError::NotFound("Invitation"))?;
    caller.require(Permission::InvitationsCreate)?;
    if !rbac::outranks_or_equals(caller.role(), invitation.role) {
        return Err(ApiError::Forbidden(format!(
            "A {} cannot revoke an invitation as {}.",
            caller.role().as_str(),
            invitation.role.as_str()
        )));
    }
    if invitation.status != InvitationStatus::Pending {
        return Err(ApiError::Conflict(
            ErrorCode::InvitationNotPending,
            "Only pending invitations can be revoked.".into(),
        ));
    }
    app.store.revoke_invitation(&invitation).await?;
    no_content()
}
