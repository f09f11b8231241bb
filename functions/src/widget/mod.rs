//! The public chat-widget API, called cross-origin from customers' sites. Each handler
//! finds the organization (by widget key or by the visitor's session), checks `Origin`
//! against its allowed origins, and sets CORS headers itself (the widget API has no
//! gateway CORS configuration). The session token travels in `Authorization`, never in a URL.

pub mod attachments_create;
pub mod attachments_get;
pub mod connect_ticket;
pub mod csat;
pub mod init;
pub mod messages_create;
pub mod messages_list;
pub mod preflight;
pub mod sessions;

use chrono::Utc;
use lambda_http::{Body, Request, Response};
use wrrk_shared::App;
use wrrk_shared::auth::token::VisitorClaims;
use wrrk_shared::domain::{Message, Organization, Ticket};
use wrrk_shared::http::{ApiError, ApiResult};
use wrrk_shared::widget::{Limit, ip_limit_factor, key_fingerprint, parse_origin};

/// How long a widget session token lives (30 days: the conversation survives reloads).
pub const SESSION_TTL_SECONDS: i64 = 30 * 24 * 3600;

/// The `Origin` a response may be shared with, set once the organization allowed it.
#[derive(Default)]
pub(crate) struct Cors {
    origin: Option<String>,
}

impl Cors {
    /// Checks the request's `Origin` against `org`'s allowed origins. No `Origin` (a
    /// same-origin GET, a server) needs no CORS; a foreign one is refused.
    pub(crate) fn check(&mut self, req: &Request, org: &Organization) -> Result<(), ApiError> {
        let Some(raw) = req.headers().get("origin").and_then(|v| v.to_str().ok()) else {
            return Ok(());
        };
        let allowed = parse_origin(raw)
            .filter(|o| org.widget.allowed_origins.iter().any(|a| a == o))
            .is_some();
        if !allowed {
            return Err(ApiError::Forbidden(
                "This website is not allowed to use this chat widget.".into(),
            ));
        }
        self.origin = Some(raw.to_string());
        Ok(())
    }

    /// The allowed site the request came from (normalized), if it named one.
    pub(crate) fn site(&self) -> Option<String> {
        self.origin.as_deref().and_then(parse_origin)
    }

    /// The response (an error as its JSON answer), with CORS headers when allowed.
    pub(crate) fn finish(self, result: ApiResult) -> ApiResult {
        let mut resp: Response<Body> = result.unwrap_or_else(|e| e.into_response());
        let h = resp.headers_mut();
        h.insert(http::header::VARY, http::HeaderValue::from_static("Origin"));
        if let Some(o) = self
            .origin
            .and_then(|o| http::HeaderValue::from_str(&o).ok())
        {
            h.insert(http::header::ACCESS_CONTROL_ALLOW_ORIGIN, o);
            h.insert(
                http::header::ACCESS_CONTROL_EXPOSE_HEADERS,
                http::HeaderValue::from_static("Retry-After"),
            );
        }
        Ok(resp)
    }
}

pub(crate) use wrrk_shared::http::request::source_ip;

/// Counts one request against each `(limit, subject)` in order (a sliding window over
/// two fixed-window counters); the first one exceeded
/// answers 429 with `Retry-After`, and the later ones are then not counted (so a visitor
/// over their own session's limit does not use up their office's IP allowance).
pub(crate) async fn throttle(app: &App, checks: &[(Limit, &str)]) -> Result<(), ApiError> {
    let factor = ip_limit_factor();
    for (limit, subject) in checks {
        let now_ms = Utc::now().timestamp_millis();
        let span_ms = limit.window_seconds * 1000;
        let window = now_ms / span_ms;
        let now = now_ms / 1000;
        let key = format!("{}#{subject}", limit.name);
        let (current, previous) = app
            .store
            .count_widget_request(&key, window, limit.window_seconds)
            .await?;
        // Sliding window: the previous window's count weighs as much as it still overlaps
        // the last `window_seconds`, so a burst across a window boundary is still caught.
        let elapsed = (now_ms - window * span_ms) as f64 / span_ms as f64;
        let estimate = current as f64 + previous as f64 * (1.0 - elapsed);
        let max = if limit.name.ends_with(":ip") {
            limit.max.saturating_mul(factor)
        } else {
            limit.max
        };
        if estimate > max as f64 {
            tracing::warn!(limit = limit.name, "widget request throttled");
            let left = (window + 1) * limit.window_seconds - now;
            return Err(ApiError::TooManyRequests(left.max(1)));
        }
    }
    Ok(())
}

/// The visitor's session from `Authorization: Bearer <token>`.
pub(crate) fn session(app: &App, req: &Request) -> Result<VisitorClaims, ApiError> {
    let invalid = || ApiError::Unauthorized("Your chat session is invalid or has expired.".into());
    let token = bearer(req).ok_or_else(invalid)?;
    app.tokens.verify_visitor(token).ok_or_else(invalid)
}

/// The token in `Authorization: Bearer <token>` (checked by [`session`]).
fn bearer(req: &Request) -> Option<&str> {
    req.headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The upload session of the request's (valid) visitor token: only the widget holding
/// that token can send the files it uploads.
pub(crate) fn upload_session(req: &Request) -> String {
    wrrk_shared::widget::upload_session(bearer(req).unwrap_or_default())
}

/// The session's organization and ticket (read together): the widget key not rotated since
/// the session began, the ticket still the visitor's. A closed chat the visitor wrote to
/// again continues in its follow-up, which the session then follows.
pub(crate) async fn session_context(
    app: &App,
    claims: &VisitorClaims,
) -> Result<(Organization, Ticket), ApiError> {
    let invalid = || ApiError::Unauthorized("Your chat session is invalid or has expired.".into());
    let (org, ticket) = tokio::try_join!(
        app.store.get_organization(&claims.org),
        app.store.get_ticket(&claims.org, &claims.ticket)
    )?;
    let org = org
        .filter(|o| key_fingerprint(&o.widget.widget_key) == claims.key)
        .ok_or_else(invalid)?;
    let ticket = ticket
        .filter(|t| t.customer_id == claims.sub)
        .ok_or_else(invalid)?;
    Ok((org, wrrk_shared::conversation::latest(app, ticket).await?))
}

/// A send's client message id (what makes a retried send store its message once): 1 to 64
/// letters, digits, '-' or '_'.
pub(crate) fn client_id(raw: &str) -> Result<&str, ApiError> {
    let id = raw;
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !ok {
        return Err(ApiError::invalid(
            "clientId",
            "clientId: 1 to 64 letters, digits, '-' or '_'",
        ));
    }
    Ok(id)
}

/// A message as the visitor sees it (internal notes are never passed here).
pub(crate) fn visitor_message(m: &Message) -> crate::wire::VisitorMessage {
    m.into()
}
