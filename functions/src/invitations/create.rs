//! `POST /api/invitations` (`invitations:create`): `{email, role}`. Emails a single-use
//! link; answers with the invitation, never the token. Re-inviting replaces the pending one.

use chrono::{Duration, Utc};
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Email, INVITATION_DAYS, Invitation, InvitationStatus, Role};
use wrrk_shared::email::templates::invitation_email;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, request::MAX_JSON_BYTES};
use wrrk_shared::ids::{InvitationId, OrgId, UserId, hash_secret, new_secret};
use wrrk_shared::rbac::{self, Permission};

/// Invitations one organization may send per day (a team grows by a handful a day; a
/// relay would need thousands).
pub const MAX_INVITATIONS_PER_DAY: u64 = 50;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = InvitationsCreateRequest)]
struct Body {
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: String,
    #[schema(value_type = wrrk_shared::domain::Role)]
    role: String,
}

/// Checks, one transaction (invitation, token hash, email marker, replaced invitation),
/// then the email; if sending fails the invitation is revoked again.
#[utoipa::path(
    post,
    path = "/api/invitations",
    operation_id = "invitations-create",
    tag = "invitations",
    request_body = Body,
    responses(
        (status = 201, description = "Sent", body = wrrk_shared::http::Data<wrrk_shared::domain::Invitation>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    caller.require(Permission::InvitationsCreate)?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let email = Email::parse("email", &body.email)?;
    let role = Role::parse("role", &body.role)?;
    if !rbac::outranks_or_equals(caller.role(), role) {
        return Err(ApiError::Forbidden(format!(
            "A {} cannot invite an {}.",
            caller.role().as_str(),
            role.as_str()
        )));
    }
    let org_id = caller.org_id();
    let (owner, replaces, org) = tokio::try_join!(
        app.store.email_owner(&email),
        app.store.pending_invitation_for(org_id, &email),
        app.store.get_organization(org_id),
    )?;
    // An account in another organization is not this admin's business: the invitation is
    // made and mailed like any other, and only its recipient learns, on accepting, that
    // their address is taken.
    if owner.is_some_and(|o| org_id == &o) {
        return Err(ApiError::Conflict(
            ErrorCode::AlreadyMember,
            "This person is already a member of your organization.".into(),
        ));
    }
    let org = org.ok_or_else(|| anyhow::anyhow!("caller's organization is missing"))?;
    if let Some(pending) = &replaces
        && !rbac::outranks_or_equals(caller.role(), pending.role)
    {
        return Err(ApiError::Forbidden(format!(
            "A {} cannot replace an invitation as {}.",
            caller.role().as_str(),
            pending.role.as_str()
        )));
    }
    if !org.verified {
        return Err(ApiError::Forbidden(
            "Confirm your email address first (we sent you a link) before inviting others.".into(),
        ));
    }
    if let Err(retry) = app
        .store
        .take_rate(
            "INVITATIONS",
            org_id.as_str(),
            24 * 3600,
            MAX_INVITATIONS_PER_DAY,
        )
        .await?
    {
        return Err(ApiError::TooManyRequests(retry));
    }
    let now = Utc::now();
    let token = new_secret();
    let invitation = Invitation {
        id: InvitationId::new(),
        org_id: OrgId::trusted(org_id),
        email,
        role,
        status: InvitationStatus::Pending,
        invited_by: UserId::trusted(caller.user.id.clone()),
        created_at: now,
        expires_at: now + Duration::days(INVITATION_DAYS),
    };
    app.store
        .create_invitation(&invitation, &hash_secret(&token), replaces.as_ref())
        .await?;
    let link = format!("{}/invite/{token}", app.app_url().await?);
    let mail = invitation_email(
        invitation.email.as_str(),
        &org.name,
        &caller.user.name,
        role.as_str(),
        &link,
        INVITATION_DAYS,
    );
    if let Err(e) = app.mailer.send(&mail).await {
        // Nobody can use an invitation whose link never arrived; take it back.
        let _ = app.store.revoke_invitation(&invitation).await;
        return Err(e.context("sending the invitation email").into());
    }
    tracing::info!(invitation_id = %invitation.id, "invitation sent");
    created(invitation)
}
