//! `GET /api/presence`: the caller's organization's online users (at least one live
//! WebSocket connection), with their names; `limit` and `cursor` like every list.

use lambda_http::Request;
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query};

/// One Query for the page, one BatchGetItem for the names.
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
        json!({
            "userId": p.user_id,
            "name": user.map(|u| u.name.as_str()),
            "status": "online",
            "connections": p.connections,
            "onlineSince": p.online_since,
        })
    })
}
