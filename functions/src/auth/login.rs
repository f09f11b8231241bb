//! `POST /api/auth/login`: email and password for a session token, throttled so that
//! guessing is slow and a guesser cannot lock out the account's owner:
//!
//! - every attempt is counted before the password is checked (atomic ADDs), so parallel
//!   guesses cannot slip past a limit while the hash runs;
//! - the tight limit is per email *and* source (IP, or a known device): 5 per 15 minutes.
//!   An attacker elsewhere exhausts only their own allowance, never the owner's;
//! - ceilings per source IP (100) and per email across all sources (50) stop spraying and
//!   distributed guessing, but a *known device* (one that signed in as that email before:
//!   it holds a `deviceToken` from that login) passes them, so an office behind one NAT
//!   or a targeted account is never locked out of the browsers it already uses;
//! - a correct password forgets its pair counter and takes the attempt back from the
//!   ceilings, which therefore count failures only.

use lambda_http::{Request, RequestExt};
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::Email;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::store::LoginWindow;

/// Attempts per email and source (IP or known device) per window.
pub const MAX_ATTEMPTS_PER_PAIR: u64 = 5;
/// Failed attempts per source IP per window, unless the device is known.
pub const MAX_FAILURES_PER_IP: u64 = 100;
/// Failed attempts per email from all sources per window, unless the device is known.
pub const MAX_FAILURES_PER_EMAIL: u64 = 50;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthLoginRequest)]
struct Body {
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: String,
    password: String,
    /// The `deviceToken` an earlier successful login from this browser returned.
    #[serde(default)]
    device_token: Option<String>,
}

/// Counts the attempt, verifies the password (a dummy hash when the email is unknown, so
/// both failures cost the same), and issues a session token and a device token.
#[utoipa::path(
    post,
    path = "/api/auth/login",
    operation_id = "auth-login",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 200, description = "Signed in", body = wrrk_shared::http::Data<crate::wire::LoggedIn>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    // A malformed email cannot match anyone; answer exactly like a wrong password. The
    // throttle subjects are hashed by the key module, so any input is safe there.
    let email = Email::parse("email", &body.email).ok();
    let email_text = email.as_ref().map_or_else(
        || body.email.trim().to_lowercase(),
        |e| e.as_str().to_string(),
    );
    let ip = req
        .request_context_ref()
        .and_then(|c| match c {
            lambda_http::request::RequestContext::ApiGatewayV2(c) => c.http.source_ip.clone(),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".into());
    let known_device = body
        .device_token
        .as_deref()
        .filter(|t| t.len() <= 2048)
        .is_some_and(|t| app.tokens.verify_device(t, &email_text));

    let window = LoginWindow::now();
    let pair = match known_device {
        // A known device has its own allowance, whatever network it is on.
        true => format!(
            "EMAIL+DEVICE#{email_text}#{}",
            body.device_token.as_deref().unwrap_or("")
        ),
        false => format!("EMAIL+IP#{email_text}#{ip}"),
    };
    let ceilings = [format!("IP#{ip}"), format!("EMAIL#{email_text}")];
    let subjects = [pair.clone(), ceilings[0].clone(), ceilings[1].clone()];
    let counts = app.store.count_login_attempts(&subjects, window).await?;
    let over_ceiling = counts[1] > MAX_FAILURES_PER_IP || counts[2] > MAX_FAILURES_PER_EMAIL;
    if counts[0] > MAX_ATTEMPTS_PER_PAIR || (over_ceiling && !known_device) {
        tracing::warn!(ip = %ip, known_device, "login throttled");
        return Err(ApiError::TooManyRequests(window.seconds_left()));
    }

    let found = match &email {
        Some(e) => app.store.find_credentials(e).await?,
        None => None,
    };
    let (user, hash, epoch) = match found {
        Some((u, h, epoch)) if u.active => (Some(u), Some(h), epoch),
        _ => (None, None, 0),
    };
    let verified = password::verify(body.password, hash).await?;
    let Some(user) = user.filter(|_| verified) else {
        return Err(ApiError::InvalidCredentials);
    };
    app.store
        .refund_login_attempt(&pair, &ceilings, window)
        .await?;
    let token = app.tokens.issue(&user, epoch)?;
    let device_token = app.tokens.issue_device(user.email.as_str())?;
    ok(crate::wire::LoggedIn {
        token,
        user,
        device_token,
    })
}
