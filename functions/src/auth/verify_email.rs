//! `POST /api/auth/verify-email` (public): `{token}` from the emailed link confirms the
//! address; the organization may then send invitations. The link works once.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::store::AccountTokenKind;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthVerifyEmailRequest)]
struct Body {
    #[schema(pattern = "^[A-Za-z0-9_-]{43}$")]
    token: String,
}

/// Uses the token up, then marks user and organization verified.
#[utoipa::path(
    post,
    path = "/api/auth/verify-email",
    operation_id = "auth-verify-email",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 200, description = "Verified", body = wrrk_shared::http::Data<crate::wire::Verification>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let invalid = || {
        ApiError::Gone(
            ErrorCode::TokenInvalid,
            "This link is invalid, expired or already used.".into(),
        )
    };
    let hash = super::account_token_hash(&body.token)?;
    let (org_id, user_id) = app
        .store
        .consume_account_token(AccountTokenKind::VerifyEmail, &hash)
        .await?
        .ok_or_else(invalid)?;
    app.store.mark_email_verified(&org_id, &user_id).await?;
    tracing::info!(user_id = %user_id, "email verified");
    ok(crate::wire::Verification {
        verified: true,
        sent: None,
    })
}
