//! `DELETE /api/teams/{id}/members/{userId}` (`teams:manage`).

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, no_content, path_id};
use wrrk_shared::ids::{TeamId, UserId};
use wrrk_shared::rbac::Permission;

/// One transaction: membership gone, team count down.
#[utoipa::path(
    delete,
    path = "/api/teams/{id}/members/{userId}",
    operation_id = "team-members-remove",
    tag = "teams",
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
        ("userId" = wrrk_shared::ids::UserId, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: TeamId = path_id(&req, "id", "Team")?;
    let user_id: UserId = path_id(&req, "userId", "Membership")?;
    super::load(&app, org, &id).await?;
    caller.require(Permission::TeamsManage)?;
    app.store.remove_team_member(org, &id, &user_id).await?;
    no_content()
}
