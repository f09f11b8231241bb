//! `GET /api/teams/{id}`: one team.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok, path_id};
use wrrk_shared::ids::TeamId;

/// One read after authentication.
#[utoipa::path(
    get,
    path = "/api/teams/{id}",
    operation_id = "teams-get",
    tag = "teams",
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
    ),
    responses(
        (status = 200, description = "The team", body = wrrk_shared::http::Data<wrrk_shared::domain::Team>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: TeamId = path_id(&req, "id", "Team")?;
    ok(super::load(&app, caller.org_id(), &id).await?)
}
