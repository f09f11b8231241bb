//! `GET /api/customers`: newest first, `search` by name or email, cursor pagination.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, PageRequest, Query, pagination};

/// One Query per page.
#[utoipa::path(
    get,
    path = "/api/customers",
    operation_id = "customers-list",
    tag = "customers",
    params(
        wrrk_shared::http::PageParams,
        ("search" = Option<String>, Query, max_length = 100, description = "Name or email prefix, case-insensitive."),
    ),
    responses(
        (status = 200, description = "A page of customers", body = wrrk_shared::http::Paged<wrrk_shared::domain::Customer>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let search = q.search()?;
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
