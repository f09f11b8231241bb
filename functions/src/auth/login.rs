//! `POST /api/auth/login`: email and password for a session token, throttled so that
//! guessing is slow and a guesser cannot lock out the account's owner:
//!
//! - an attempt is admitted before the password is checked, by conditional atomic ADDs on
//!   its counters, so parallel guesses cannot slip past a limit while the hash runs; an
//!   attempt a limit refuses is counted nowhere (refusals never pile up into a lockout);
//! - the tight limit is per email *and* source (IP, or a known device): 5 per 15 minutes.
//!   An attacker elsewhere exhausts only their own allowance, never the owner's;
//! - ceilings per source IP (100) and per email across all sources (50) stop spraying and
//!   distributed guessing, but they do not apply to a *known device* (a browser holding the
//!   `deviceToken` of an earlier login as that email) nor to a *known network* (a source IP
//!   that email signed in from in the last 90 days), so an attacker elsewhere cannot lock
//!   the owner out of the browsers and networks they already use;
//! - a correct password forgets its pair counter and takes the attempt back from the
//!   ceilings, which therefore count failures only.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::Email;
use wrrk_shared::http::request::{MAX_JSON_BYTES, source_ip};
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok};
use wrrk_shared::store::{LoginLimit, LoginWindow};

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
    let ip = source_ip(&req);
    let known_device = body
        .device_token
        .as_deref()
        .filter(|t| t.len() <= 2048)
        .is_some_and(|t| app.tokens.verify_device(t, &email_text));

    let known_network = !known_device && app.store.is_known_network(&email_text, &ip).await?;
    let device = body.device_token.as_deref().filter(|_| known_device);
    let limits = limits(&email_text, &ip, device, known_network);
    let window = LoginWindow::now();
    if !app.store.admit_login_attempt(&limits, window).await? {
        tracing::warn!(ip = %ip, known_device, known_network, "login throttled");
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
    let ceilings: Vec<String> = limits[1..].iter().map(|l| l.subject.clone()).collect();
    app.store
        .refund_login_attempt(&limits[0].subject, &ceilings, window)
        .await?;
    if !known_network {
        app.store.remember_network(&email_text, &ip).await?;
    }
    let token = app.tokens.issue(&user, epoch)?;
    let device_token = app.tokens.issue_device(user.email.as_str())?;
    ok(crate::wire::LoggedIn {
        token,
        user,
        device_token,
    })
}

/// The counters one attempt must pass, the email+source pair first: a known device has
/// an allowance of its own wherever it is; a known device or network passes the ceilings.
fn limits(email: &str, ip: &str, device: Option<&str>, known_network: bool) -> Vec<LoginLimit> {
    let pair = match device {
        Some(token) => format!("EMAIL+DEVICE#{email}#{token}"),
        None => format!("EMAIL+IP#{email}#{ip}"),
    };
    let mut limits = vec![LoginLimit {
        subject: pair,
        max: MAX_ATTEMPTS_PER_PAIR,
    }];
    if device.is_none() && !known_network {
        limits.push(LoginLimit {
            subject: format!("IP#{ip}"),
            max: MAX_FAILURES_PER_IP,
        });
        limits.push(LoginLimit {
            subject: format!("EMAIL#{email}"),
            max: MAX_FAILURES_PER_EMAIL,
        });
    }
    limits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_source_meets_the_pair_limit_and_both_ceilings() {
        let l = limits("ada@acme.io", "10.0.0.1", None, false);
        let got: Vec<(&str, u64)> = l.iter().map(|l| (l.subject.as_str(), l.max)).collect();
        assert_eq!(
            got,
            [
                ("EMAIL+IP#ada@acme.io#10.0.0.1", 5),
                ("IP#10.0.0.1", 100),
                ("EMAIL#ada@acme.io", 50)
            ]
        );
    }

    #[test]
    fn a_known_device_or_network_meets_only_its_own_allowance() {
        let device = limits("ada@acme.io", "10.0.0.1", Some("tok"), false);
        assert_eq!(device.len(), 1);
        assert_eq!(device[0].subject, "EMAIL+DEVICE#ada@acme.io#tok");
        assert_eq!(device[0].max, MAX_ATTEMPTS_PER_PAIR);
        let network = limits("ada@acme.io", "10.0.0.1", None, true);
        assert_eq!(network.len(), 1);
        assert_eq!(network[0].subject, "EMAIL+IP#ada@acme.io#10.0.0.1");
    }
}
