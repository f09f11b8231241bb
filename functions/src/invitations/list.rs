//! `GET /api/invitations` (`invitations:create`): pending, unexpired invitations.

use chrono::Utc;
use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query, pagination};
use wrrk_shared::rbac::Permission;

/// One filtered Query per page.
#[utoipa::path(
    get,
    path = "/api/invitations",
    operation_id = "invitations-list",
    tag = "invitations",
    params(
        wrrk_shared::http::PageParams,
    ),
    responses(
        (status = 200, description = "A page of pending invitations", body = wrrk_shared::http::Paged<wrrk_shared::domain::Invitation>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    caller.require(Permission::InvitationsCreate)?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let page_req = PageRequest::parse(&app, &q, format!("invitations:{org}"))?;
    let page = app
        .store
        .list_pending_invitations(org, Utc::now(), page_req.limit, page_req.start.clone())
        .await?;
    pagination::respond(&app, &page_req, page)
}
