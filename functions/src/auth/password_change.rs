//! `POST /api/auth/password`: `{currentPassword, newPassword}`. Every other session ends
//! (tokens and live connections); the answer carries a fresh token for this one.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::{Caller, password};
use wrrk_shared::domain::Password;
use wrrk_shared::hangup;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthPasswordChangeRequest)]
struct Body {
    current_password: String,
    new_password: String,
}

/// Attempts at the current password per user per hour (a stolen session must not become
/// a password oracle).
const MAX_ATTEMPTS_PER_HOUR: u64 = 10;

/// Checks the current password (counted before hashing), stores the new hash.
#[utoipa::path(
    post,
    path = "/api/auth/password",
    operation_id = "auth-password-change",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 200, description = "Changed; other sessions ended, here is a new token", body = wrrk_shared::http::Data<crate::wire::SessionStarted>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let new = Password::parse("newPassword", &body.new_password)?;
    let user = &caller.user;
    if let Err(retry) = app
        .store
        .take_rate(
            "PASSWORD_CHECK",
            user.id.as_str(),
            3600,
            MAX_ATTEMPTS_PER_HOUR,
        )
        .await?
    {
        return Err(ApiError::TooManyRequests(retry));
    }
    let hash = app.store.password_hash(user).await?;
    if !password::verify(body.current_password, Some(hash)).await? {
        return Err(ApiError::invalid(
            "currentPassword",
            "currentPassword: is not your current password",
        ));
    }
    let new_hash = password::hash(new).await?;
    let epoch = app.store.set_password(user, &new_hash).await?;
    hangup::end_connections(&app, &user.org_id, &user.id, None).await;
    let token = app.tokens.issue(user, epoch)?;
    tracing::info!(user_id = %user.id, "password changed");
    ok(crate::wire::SessionStarted {
        token,
        user: user.clone(),
        organization: None,
    })
}
