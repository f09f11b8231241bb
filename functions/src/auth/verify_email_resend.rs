//! `POST /api/auth/verify-email/resend`: mails the signed-in user a fresh verification link
//! (a lost or expired one is not a dead end). A few per hour; nothing when already verified.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::email::templates::verification_email;
use wrrk_shared::http::{ApiError, ApiResult, accepted, ok};
use wrrk_shared::store::AccountTokenKind;

/// Links per user per hour.
const MAX_PER_HOUR: u64 = 3;

/// 202 when a link is on its way, 200 when there is nothing to verify.
#[utoipa::path(
    post,
    path = "/api/auth/verify-email/resend",
    operation_id = "auth-verify-email-resend",
    tag = "auth",
    responses(
        (status = 200, description = "Already verified", body = wrrk_shared::http::Data<crate::wire::Verification>),
        (status = 202, description = "A new link is on its way", body = wrrk_shared::http::Data<crate::wire::Verification>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let user = &caller.user;
    if user.email_verified {
        return ok(crate::wire::Verification {
            verified: true,
            sent: None,
        });
    }
    if let Err(retry) = app
        .store
        .take_rate("VERIFY_RESEND", user.id.as_str(), 3600, MAX_PER_HOUR)
        .await?
    {
        return Err(ApiError::TooManyRequests(retry));
    }
    super::send_account_link(
        &app,
        user,
        AccountTokenKind::VerifyEmail,
        "verify-email",
        super::VERIFY_HOURS,
        verification_email,
    )
    .await?;
    accepted(crate::wire::Verification {
        verified: false,
        sent: Some(true),
    })
}
