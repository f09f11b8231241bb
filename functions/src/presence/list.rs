//! `GET /api/presence`: the caller's organization's online users (at least one live
//! WebSocket connection), with their names; `limit` and `cursor` like every list.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query};

/// One Query for the page, one BatchGetItem for the names.
#[utoipa::path(
    get,
    path = "/api/presence",
    operation_id = "presence-list",
    tag = "presence",
    params(
        wrrk_shared::http::PageParams,
    ),
    responses(
        (status = 200, description = "Who is online", body = wrrk_shared::http::Paged<crate::wire::PresenceEntry>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let page_req = PageRequest::parse(&app, &Query::of(&req), format!("presence:{org}"))?;
    let page = app
        .store
        .list_online(org, page_req.limit, page_req.start.clone())
        .await?;
    let ids: Vec<String> = page.items.iter().map(|p| p.user_id.clone()).collect();
    let users = app.store.get_users(org, &ids).await?;
    page_req.respond(&app, page, |p| {
        let user = users.iter().find(|u| u.id == p.user_id);
        crate::wire::PresenceEntry {
            name: user.map(|u| u.name.clone()),
            user_id: p.user_id,
            status: "online".into(),
            connections: p.connections,
            online_since: p.online_since,
        }
    })
}
