//! Invitations: sent by email with a single-use link, accepted without an account.

pub mod accept;
pub mod create;
pub mod list;
pub mod lookup;
pub mod revoke;

use chrono::Utc;
use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::domain::{Invitation, InvitationStatus, Organization};
use wrrk_shared::http::ApiError;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::ids::hash_secret;
use wrrk_shared::store::status_message;

/// The usable invitation behind the `{token}` path parameter: 404 when unknown,
/// 410 with the reason when expired, used or revoked.
async fn usable_by_token(app: &App, req: &Request) -> Result<(Invitation, Organization), ApiError> {
    use lambda_http::RequestExt;
    let token = req
        .path_parameters()
        .first("token")
        .filter(|t| (20..=100).contains(&t.len()))
        .map(str::to_string)
        .ok_or(ApiError::NotFound("Invitation"))?;
    match app
        .store
        .find_invitation_by_token(&hash_secret(&token))
        .await?
    {
        None => Err(ApiError::NotFound("Invitation")),
        Some((inv, org)) => {
            if inv.is_usable(Utc::now()) {
                Ok((inv, org))
            } else {
                Err(gone(inv.status))
            }
        }
    }
}

/// The 410 for an invitation in `status` (pending but past its expiry means expired).
fn gone(status: InvitationStatus) -> ApiError {
    let code = match status {
        InvitationStatus::Pending => ErrorCode::InvitationExpired,
        InvitationStatus::Accepted => ErrorCode::InvitationUsed,
        InvitationStatus::Revoked => ErrorCode::InvitationRevoked,
    };
    ApiError::Gone(code, status_message(status).into())
}
