//! `POST /api/auth/forgot-password` (public): `{email}`. Mails a single-use reset link if
//! an active account has that address. The answer is the same either way, so it tells
//! nobody which addresses have accounts, and neither does its timing: every answer is held
//! until [`ANSWER_AFTER`] has passed since the request arrived (mailing a link takes longer
//! than finding no account); requests per address are limited.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::domain::Email;
use wrrk_shared::email::templates::password_reset_email;
use wrrk_shared::http::{ApiResult, json_body, request::MAX_JSON_BYTES, response};
use wrrk_shared::store::AccountTokenKind;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthPasswordForgotRequest)]
struct Body {
    /// Any text: the answer is the same 202 whether or not it is an address of ours.
    email: String,
}

/// Reset mails per address per hour (more would make us a mail cannon).
const MAX_PER_HOUR: u64 = 3;

/// Every answer leaves this long after the request came in, whatever was done (far above
/// the few milliseconds storing and mailing a link take, so both paths look alike).
pub const ANSWER_AFTER: std::time::Duration = std::time::Duration::from_millis(300);

/// 202 whatever happens.
#[utoipa::path(
    post,
    path = "/api/auth/forgot-password",
    operation_id = "auth-password-forgot",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 202, description = "Taken on, whether or not the address has an account", body = wrrk_shared::http::Data<crate::wire::Notice>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let until = tokio::time::Instant::now() + ANSWER_AFTER;
    let answer = run(&app, body).await;
    tokio::time::sleep_until(until).await;
    answer
}

async fn run(app: &App, body: Body) -> ApiResult {
    let accepted = || {
        response::accepted(crate::wire::Notice {
            message: "If an account uses this address, a reset link is on its way.".into(),
        })
    };
    let Ok(email) = Email::parse("email", &body.email) else {
        return accepted();
    };
    if app
        .store
        .take_rate("PASSWORD_RESET", email.as_str(), 3600, MAX_PER_HOUR)
        .await?
        .is_err()
    {
        return accepted();
    }
    if let Some((user, _, _)) = app.store.find_credentials(&email).await?
        && user.active
    {
        super::send_account_link(
            app,
            &user,
            AccountTokenKind::ResetPassword,
            "reset-password",
            super::RESET_HOURS,
            password_reset_email,
        )
        .await?;
        tracing::info!(user_id = %user.id, "password reset requested");
    }
    accepted()
}
