//! `GET /api/users/{id}`: a profile with the teams the user belongs to.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, ok, path_id};
use wrrk_shared::ids::UserId;

/// Reads: the user, their memberships (GSI1 Query) and those teams (BatchGetItem).
#[utoipa::path(
    get,
    path = "/api/users/{id}",
    operation_id = "users-get",
    tag = "users",
    params(
        ("id" = wrrk_shared::ids::UserId, Path),
    ),
    responses(
        (status = 200, description = "The user and their teams", body = wrrk_shared::http::Data<crate::wire::UserDetail>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: UserId = path_id(&req, "id", "User")?;
    let org = caller.org_id();
    let (user, team_ids) = tokio::try_join!(
        app.store.get_user(org, &id),
        app.store.user_team_ids(org, &id)
    )?;
    let user = user.ok_or(ApiError::NotFound("User"))?;
    let teams = app.store.get_teams(org, &team_ids).await?;
    ok(crate::wire::UserDetail {
        user,
        teams: teams.iter().map(Into::into).collect(),
    })
}
