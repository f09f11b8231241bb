//! `DELETE /api/teams/{id}` (`teams:manage`): the team, its name and its memberships.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, no_content, path_id};
use wrrk_shared::ids::TeamId;
use wrrk_shared::rbac::Permission;

/// 204 when deleted.
#[utoipa::path(
    delete,
    path = "/api/teams/{id}",
    operation_id = "teams-delete",
    tag = "teams",
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
    ),
    responses(
        (status = 204, description = "Deleted"),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: TeamId = path_id(&req, "id", "Team")?;
    let team = super::load(&app, caller.org_id(), &id).await?;
    caller.require(Permission::TeamsManage)?;
    app.store.delete_team(&team).await?;
    no_content()
}
