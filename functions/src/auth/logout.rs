//! `POST /api/auth/logout`: ends this session (`{}` or no body) or every session of the
//! user (`{"all": true}`); their tokens stop working and their live connections close.

use lambda_http::{Body as HttpBody, Request};
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::hangup;
use wrrk_shared::http::{ApiResult, json_body, no_content, request::MAX_JSON_BYTES};

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthLogoutRequest)]
struct Body {
    #[serde(default)]
    all: bool,
}

/// 204; the token used here answers 401 from now on.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    operation_id = "auth-logout",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 204, description = "Signed out"),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = match req.body() {
        HttpBody::Empty => Body::default(),
        HttpBody::Text(t) if t.trim().is_empty() => Body::default(),
        _ => json_body(&req, MAX_JSON_BYTES)?,
    };
    let caller = Caller::from_request(&app, &req).await?;
    let user = &caller.user;
    if body.all {
        app.store.end_all_sessions(user).await?;
        hangup::end_connections(&app, &user.org_id, &user.id, None).await;
    } else {
        // The logged-out list came with the user when the caller was checked.
        app.store
            .revoke_session(
                user,
                &caller.session.logged_out,
                &caller.session.id,
                caller.session.expires_at,
            )
            .await?;
        hangup::end_connections(&app, &user.org_id, &user.id, Some(&caller.session.id)).await;
    }
    tracing::info!(user_id = %user.id, all = body.all, "logged out");
    no_content()
}
