//! `POST /api/auth/reset-password` (public): `{token, newPassword}` from the emailed link.
//! The link works once, and only while it is the user's newest one and no reset or
//! password change came after it; every session of the user ends; the answer signs them in.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::Password;
use wrrk_shared::hangup;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::store::AccountTokenKind;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthPasswordResetRequest)]
struct Body {
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    token: String,
    #[schema(min_length = 8, max_length = 128)]
    new_password: String,
}

/// Validates the new password first (a typo does not burn the link), then uses the token.
#[utoipa::path(
    post,
    path = "/api/auth/reset-password",
    operation_id = "auth-password-reset",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 200, description = "Reset and signed in", body = wrrk_shared::http::Data<crate::wire::SessionStarted>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let new = Password::parse("newPassword", &body.new_password)?;
    let invalid = || {
        ApiError::Gone(
            ErrorCode::TokenInvalid,
            "This link is invalid, expired or already used.".into(),
        )
    };
    let hash = super::account_token_hash(&body.token)?;
    let new_hash = password::hash(new).await?;
    let (org_id, user_id) = app
        .store
        .consume_account_token(AccountTokenKind::ResetPassword, &hash)
        .await?
        .ok_or_else(invalid)?;
    let user = app
        .store
        .get_user(&org_id, &user_id)
        .await?
        .filter(|u| u.active)
        .ok_or_else(invalid)?;
    let epoch = app
        .store
        .reset_password(&user, &new_hash, &hash)
        .await?
        .ok_or_else(invalid)?;
    hangup::end_connections(&app, &org_id, &user_id, None).await;
    let token = app.tokens.issue(&user, epoch)?;
    tracing::info!(user_id = %user.id, "password reset");
    ok(crate::wire::SessionStarted {
        token,
        user,
        organization: None,
    })
}
