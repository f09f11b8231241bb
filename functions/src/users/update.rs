//! `PATCH /api/users/{id}`: name and avatar (your own, or anyone's with `users:update`),
//! notification preferences (your own only),
//! role (ADMIN only), `active: true` to reactivate (`users:deactivate`). A MANAGER cannot
//! edit an ADMIN; the last active ADMIN stays one. A demoted user's live connections close
//! (they reconnect with their new role).

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{HttpsUrl, NotificationPrefs, PersonName, PersonSummary, Role, User};
use wrrk_shared::hangup;
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, nullable, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::ids::UserId;
use wrrk_shared::rbac::{self, Permission};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = UsersUpdateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    avatar_url: Option<Option<String>>,
    #[schema(value_type = Option<wrrk_shared::domain::Role>)]
    role: Option<String>,
    active: Option<bool>,
    /// Your own notification preferences (nobody else's).
    notifications: Option<NotificationPrefs>,
}

/// Who may change what on `target`.
pub(crate) fn authorize_edit(caller: &Caller, target: &User) -> Result<(), ApiError> {
    if caller.user.id == target.id {
        return Ok(());
    }
    caller.require(Permission::UsersUpdate)?;
    if !rbac::outranks_or_equals(caller.role(), target.role) {
        return Err(ApiError::Forbidden(format!(
            "A {} cannot change an {}.",
            caller.role().as_str(),
            target.role.as_str()
        )));
    }
    Ok(())
}

/// +1 when a change makes an active admin, -1 when it unmakes one.
pub(crate) fn admin_delta(before: &User, after: &User) -> i64 {
    let counts = |u: &User| i64::from(u.active && u.role == Role::Admin);
    counts(after) - counts(before)
}

/// Validates once, then applies the change to the freshest copy (retrying lost races).
#[utoipa::path(
    patch,
    path = "/api/users/{id}",
    operation_id = "users-update",
    tag = "users",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::UserId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::User>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: UserId = path_id(&req, "id", "User")?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let name = body
        .name
        .as_deref()
        .map(|n| PersonName::parse("name", n))
        .transpose()?;
    let avatar = match &body.avatar_url {
        Some(Some(url)) => Some(Some(HttpsUrl::parse("avatarUrl", url)?)),
        Some(None) => Some(None),
        None => None,
    };
    let role = body
        .role
        .as_deref()
        .map(|r| Role::parse("role", r))
        .transpose()?;

    let user = retry_on_stale(|| async {
        let before = super::load(&app, caller.org_id(), &id).await?;
        authorize_edit(&caller, &before)?;
        let mut after = before.clone();
        if let Some(name) = &name {
            after.name = name.clone();
        }
        if let Some(avatar) = &avatar {
            after.avatar_url = avatar.clone();
        }
        if let Some(prefs) = body.notifications {
            if caller.user.id != before.id {
                return Err(ApiError::Forbidden(
                    "Only the user themself can change their notifications.".into(),
                ));
            }
            after.notifications = prefs;
        }
        if let Some(role) = role.filter(|r| *r != before.role) {
            caller.require(Permission::UsersChangeRole)?;
            after.role = role;
        }
        match body.active {
            Some(true) if !before.active => {
                caller.require(Permission::UsersDeactivate)?;
                after.active = true;
            }
            Some(false) if before.active => {
                return Err(ApiError::invalid(
                    "active",
                    "active: use DELETE /api/users/{id} to deactivate",
                ));
            }
            _ => {}
        }
        after.version += 1;
        after.updated_at = Utc::now();
        app.store
            .save_user(&after, admin_delta(&before, &after))
            .await?;
        Ok((before, after))
    })
    .await?;
    let (before, user) = user;
    // Tickets carry their assignee's name and avatar for the lists.
    if user.name != before.name || user.avatar_url != before.avatar_url {
        app.store
            .refresh_assignee(&user.org_id, &PersonSummary::from(&user))
            .await?;
    }
    let demoted = !rbac::outranks_or_equals(user.role, before.role);
    if demoted {
        hangup::end_connections(&app, &user.org_id, &user.id, None).await;
    }
    if user.active && !before.active {
        tracing::info!(user_id = %user.id, by = %caller.user.id, "user reactivated");
    }
    ok(user)
}
