//! `DELETE /api/users/{id}`: deactivates (history stays; login, tokens and live
//! connections stop at once; a later reactivation does not revive old tokens). The
//! conversations they held open or pending go back to their teams, unassigned.

use chrono::Utc;
use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::assignment;
use wrrk_shared::auth::Caller;
use wrrk_shared::hangup;
use wrrk_shared::http::ErrorCode;
use wrrk_shared::http::{ApiError, ApiResult, ok, path_id, retry_on_stale};
use wrrk_shared::ids::UserId;
use wrrk_shared::rbac::Permission;

use super::update::{admin_delta, authorize_edit};

/// Needs `users:deactivate`; never yourself, never the last active admin. The conversations
/// they hold OPEN or PENDING go back to their teams, unassigned (at most 500 a call; calling
/// again goes on).
#[utoipa::path(
    delete,
    path = "/api/users/{id}",
    operation_id = "users-deactivate",
    tag = "users",
    params(
        ("id" = wrrk_shared::ids::UserId, Path),
    ),
    responses(
        (status = 200, description = "Deactivated", body = wrrk_shared::http::Data<wrrk_shared::domain::User>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: UserId = path_id(&req, "id", "User")?;
    let user = retry_on_stale(|| async {
        let before = super::load(&app, caller.org_id(), &id).await?;
        caller.require(Permission::UsersDeactivate)?;
        if before.id == caller.user.id {
            return Err(ApiError::Conflict(
                ErrorCode::CannotDeactivateSelf,
                "You cannot deactivate your own account.".into(),
            ));
        }
        authorize_edit(&caller, &before)?;
        if !before.active {
            return Ok(before);
        }
        let mut after = before.clone();
        after.active = false;
        after.version += 1;
        after.updated_at = Utc::now();
        app.store
            .save_user(&after, admin_delta(&before, &after))
            .await?;
        tracing::info!(user_id = %after.id, by = %caller.user.id, "user deactivated");
        Ok(after)
    })
    .await?;
    app.store.end_all_sessions(&user).await?;
    hangup::end_connections(&app, &user.org_id, &user.id, None).await;
    // Their conversations go back to their teams (also when already inactive: a second
    // call finishes what a first one left).
    let handed = assignment::hand_back(
        &app,
        &user.org_id,
        &user.id,
        caller.user.id.as_str(),
        &caller.user.name,
    )
    .await?;
    if handed > 0 {
        tracing::info!(user_id = %user.id, handed, "conversations handed back");
    }
    ok(user)
}
