//! `POST /api/notifications/unsubscribe` (public): `{token}` from a notification mail's
//! link turns that kind of mail off for its user (the profile page turns it on again).
//! The link works without signing in, any number of times, for a year.

use lambda_http::Request;
use serde::{Deserialize, Serialize};
use wrrk_shared::App;
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES, retry_on_stale,
};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = NotificationsUnsubscribeRequest)]
struct Body {
    token: String,
}

/// What was turned off.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Unsubscribed {
    /// The kind of mail now off: `ASSIGNED` or `CUSTOMER_REPLIED`.
    pub kind: String,
    /// The address that gets no more of it.
    pub email: String,
}

/// Turns the token's kind of notification mail off.
#[utoipa::path(
    post,
    path = "/api/notifications/unsubscribe",
    operation_id = "notifications-unsubscribe",
    tag = "users",
    request_body = Body,
    responses(
        (status = 200, description = "Turned off", body = wrrk_shared::http::Data<Unsubscribed>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let invalid = || {
        ApiError::Gone(
            wrrk_shared::http::ErrorCode::TokenInvalid,
            "This link is invalid or expired.".into(),
        )
    };
    let claims = app
        .tokens
        .verify_unsubscribe(&body.token)
        .ok_or_else(invalid)?;
    if !matches!(claims.kind.as_str(), "ASSIGNED" | "CUSTOMER_REPLIED") {
        return Err(invalid());
    }
    let user = retry_on_stale(|| async {
        let before = app
            .store
            .get_user(&claims.org, &claims.sub)
            .await?
            .ok_or_else(invalid)?;
        let mut after = before.clone();
        match claims.kind.as_str() {
            "ASSIGNED" => after.notifications.email_assigned = false,
            _ => after.notifications.email_customer_replied = false,
        }
        if after.notifications != before.notifications {
            after.version += 1;
            after.updated_at = chrono::Utc::now();
            app.store.save_user(&after, 0).await?;
        }
        Ok(after)
    })
    .await?;
    ok(Unsubscribed {
        kind: claims.kind,
        email: user.email.to_string(),
    })
}
