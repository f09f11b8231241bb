//! `POST /api/teams/{id}/members` (`teams:manage`): `{userId}`, an active user of the org.
//! A round-robin team's queue moves at once: the new member may take its waiting chats.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::assignment;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{
    ApiError, ApiResult, created, json_body, path_id, request::MAX_JSON_BYTES,
};
use wrrk_shared::ids::{TeamId, UserId};
use wrrk_shared::rbac::Permission;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TeamMembersAddRequest)]
struct Body {
    #[schema(value_type = wrrk_shared::ids::UserId)]
    user_id: String,
}

/// One transaction: user is active, membership is new, team count goes up.
#[utoipa::path(
    post,
    path = "/api/teams/{id}/members",
    operation_id = "team-members-add",
    tag = "teams",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
    ),
    responses(
        (status = 201, description = "Added", body = wrrk_shared::http::Data<wrrk_shared::domain::User>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: TeamId = path_id(&req, "id", "Team")?;
    let team = super::load(&app, org, &id).await?;
    caller.require(Permission::TeamsManage)?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let user_id = UserId::parse(&body.user_id).ok_or(ApiError::NotFound("User"))?;
    app.store.add_team_member(org, &id, &user_id).await?;
    let user = app
        .store
        .get_user(org, &user_id)
        .await?
        .ok_or(ApiError::NotFound("User"))?;
    assignment::drain_team(&app, &team).await;
    created(user)
}
