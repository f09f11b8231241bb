//! `GET /api/saved-replies`: the organization's shared replies (`scope=shared`, the
//! default) or the caller's own (`scope=personal`), oldest first, `search` by title.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query, pagination};

/// One Query per page, on the key range of the scope: another agent's replies are never read.
#[utoipa::path(
    get,
    path = "/api/saved-replies",
    operation_id = "saved-replies-list",
    tag = "saved-replies",
    params(
        ("scope" = Option<String>, Query, pattern = "^(shared|personal)$", description = "`shared` (default) or `personal`."),
        ("search" = Option<String>, Query, max_length = 100, description = "Part of the title, case-insensitive."),
        wrrk_shared::http::PageParams,
    ),
    responses(
        (status = 200, description = "A page of saved replies", body = wrrk_shared::http::Paged<wrrk_shared::domain::SavedReply>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let owner = match q.get("scope").unwrap_or("shared") {
        "shared" => None,
        "personal" => Some(caller.user.id.as_str()),
        _ => {
            return Err(ApiError::invalid(
                "scope",
                "scope: must be shared or personal",
            ));
        }
    };
    let search = q.search()?;
    let page_req = PageRequest::parse(
        &app,
        &q,
        format!("saved-replies:{org}:{owner:?}:{search:?}"),
    )?;
    let page = app
        .store
        .list_saved_replies(
            org,
            owner,
            search.as_deref(),
            page_req.limit,
            page_req.start.clone(),
        )
        .await?;
    pagination::respond(&app, &page_req, page)
}
