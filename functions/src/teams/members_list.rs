//! `GET /api/teams/{id}/members`: the team's members, paginated.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query, path_id};
use wrrk_shared::ids::TeamId;
use wrrk_shared::store::Page;

/// A Query of memberships and a BatchGetItem of their users.
#[utoipa::path(
    get,
    path = "/api/teams/{id}/members",
    operation_id = "team-members-list",
    tag = "teams",
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
        wrrk_shared::http::PageParams,
    ),
    responses(
        (status = 200, description = "A page of members", body = wrrk_shared::http::Paged<wrrk_shared::domain::User>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: TeamId = path_id(&req, "id", "Team")?;
    super::load(&app, org, &id).await?;
    let q = Query::of(&req);
    let page_req = PageRequest::parse(&app, &q, format!("team-members:{org}:{id}"))?;
    let ids = app
        .store
        .team_member_ids(org, &id, page_req.limit, page_req.start.clone())
        .await?;
    let users = app.store.get_users(org, &ids.items).await?;
    page_req.respond(
        &app,
        Page {
            items: users,
            next: ids.next,
        },
        |u| u,
    )
}
