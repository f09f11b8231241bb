//! `GET /api/teams`: the organization's teams with member counts, paginated.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query, pagination};

/// One Query per page.
#[utoipa::path(
    get,
    path = "/api/teams",
    operation_id = "teams-list",
    tag = "teams",
    params(
        wrrk_shared::http::PageParams,
    ),
    responses(
        (status = 200, description = "A page of teams", body = wrrk_shared::http::Paged<wrrk_shared::domain::Team>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let page_req = PageRequest::parse(&app, &q, format!("teams:{org}"))?;
    let page = app
        .store
        .list_teams(org, page_req.limit, page_req.start.clone())
        .await?;
    pagination::respond(&app, &page_req, page)
}
