//! `POST /api/auth/login`: email and password for a session token, throttled.

use lambda_http::{Request, RequestExt};
use serde::Deserialize;
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::Email;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::store::LoginWindow;

/// Failed logins for one email per window before answering 429.
pub const MAX_FAILURES_PER_EMAIL: u64 = 5;
/// Failed logins from one source IP per window before answering 429.
pub const MAX_FAILURES_PER_IP: u64 = 20;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Body {
    email: String,
    password: String,
}

/// Checks throttles, verifies the password (a dummy hash when the email is unknown, so
/// both failures cost the same), and issues a token.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    // A malformed email cannot match anyone; answer exactly like a wrong password.
    let email = Email::parse("email", &body.email).ok();
    let ip = req
        .request_context_ref()
        .and_then(|c| match c {
            lambda_http::request::RequestContext::ApiGatewayV2(c) => c.http.source_ip.clone(),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".into());

    let window = LoginWindow::now();
    let email_subject = format!(
        "EMAIL#{}",
        email.as_ref().map_or(body.email.trim(), |e| e.as_str())
    );
    let ip_subject = format!("IP#{ip}");
    let subjects = [email_subject.clone(), ip_subject.clone()];
    let failures = app.store.login_failures(&subjects, window).await?;
    if failures[0] >= MAX_FAILURES_PER_EMAIL || failures[1] >= MAX_FAILURES_PER_IP {
        tracing::warn!(ip = %ip, "login throttled");
        return Err(ApiError::TooManyRequests(window.seconds_left()));
    }

    let found = match &email {
        Some(e) => app.store.find_credentials(e).await?,
        None => None,
    };
    let (user, hash) = match found {
        Some((u, h)) if u.active => (Some(u), Some(h)),
        _ => (None, None),
    };
    let verified = password::verify(body.password, hash).await?;
    let Some(user) = user.filter(|_| verified) else {
        for s in &subjects {
            app.store.record_login_failure(s, window).await?;
        }
        return Err(ApiError::InvalidCredentials);
    };
    if failures[0] > 0 {
        app.store
            .clear_login_failures(&email_subject, window)
            .await?;
    }
    let token = app.tokens.issue(&user)?;
    ok(json!({ "token": token, "user": user }))
}
