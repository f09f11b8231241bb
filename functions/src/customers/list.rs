//! `GET /api/customers`: newest first, `search` by name or email, cursor pagination.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query, pagination};

/// One Query per page.
#[utoipa::path(
    get,
    path = "/api/customers",
    operation_id = "customers-list",
    tag = "customers",
    params(
        ("limit" = Option<usize>, Query, description = "Items per page, 1 to 100 (default 20)."),
        ("cursor" = Option<String>, Query, description = "The `nextCursor` of the previous page."),
        ("search" = Option<String>, Query, description = "Name or email prefix, case-insensitive."),
    ),
    responses(
        (status = 200, description = "A page of customers", body = wrrk_shared::http::Paged<wrrk_shared::domain::Customer>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let search = q.get("search").map(str::to_lowercase);
    if search.as_ref().is_some_and(|s| s.chars().count() > 100) {
        return Err(ApiError::invalid(
            "search",
            "search: must be at most 100 characters",
        ));
    }
    let page_req = PageRequest::parse(&app, &q, format!("customers:{org}:{search:?}"))?;
    let page = app
        .store
        .list_customers(
            org,
            search.as_deref(),
            page_req.limit,
            page_req.start.clone(),
        )
        .await?;
    pagination::respond(&app, &page_req, page)
}
