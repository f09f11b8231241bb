//! `POST /api/invitations/token/{token}/accept` (public): `{name, password}` creates the
//! user with the invited role and signs them in. Exactly one of two racing accepts wins.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::{InvitationStatus, Password, PersonName, User};
use wrrk_shared::http::{ApiResult, created, json_body, request::MAX_JSON_BYTES};
use wrrk_shared::store::{Conflict, StoreError};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = InvitationsAcceptRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: String,
    #[schema(min_length = 8, max_length = 128)]
    password: String,
}

/// Validates, hashes, then one transaction marks the invitation used and creates the user.
#[utoipa::path(
    post,
    path = "/api/invitations/token/{token}/accept",
    operation_id = "invitations-accept",
    tag = "invitations",
    request_body = Body,
    params(
        ("token" = String, Path, pattern = "^[A-Za-z0-9_-]{43}$"),
    ),
    responses(
        (status = 201, description = "Joined and signed in", body = wrrk_shared::http::Data<crate::wire::SessionStarted>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let name = PersonName::parse("name", &body.name)?;
    let password = Password::parse("password", &body.password)?;
    let (invitation, org) = super::usable_by_token(&app, &req).await?;
    let now = Utc::now();
    let mut user = User::new(
        &org.id,
        invitation.email.clone(),
        name,
        invitation.role,
        now,
    );
    // The link reached this address: it is verified.
    user.email_verified = true;
    let hash = password::hash(password).await?;
    match app
        .store
        .accept_invitation(&invitation, &user, &hash, now)
        .await
    {
        Err(StoreError::Conflict(Conflict::InvitationUsed)) => {
            return Err(super::gone(InvitationStatus::Accepted));
        }
        other => other?,
    }
    let token = app.tokens.issue(&user, 0)?;
    tracing::info!(user_id = %user.id, invitation_id = %invitation.id, "invitation accepted");
    created(crate::wire::SessionStarted {
        token,
        user,
        organization: Some(org),
    })
}
