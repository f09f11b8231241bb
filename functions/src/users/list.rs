//! `GET /api/users`: the caller's organization, newest first, with `search`, `role` and
//! `team` filters and cursor pagination.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::Role;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query};
use wrrk_shared::ids::TeamId;
use wrrk_shared::store::{Page, UserFilter};

/// One Query per page (members of a team: one Query plus one BatchGetItem).
#[utoipa::path(
    get,
    path = "/api/users",
    operation_id = "users-list",
    tag = "users",
    params(
        wrrk_shared::http::PageParams,
        ("search" = Option<String>, Query, max_length = 100, description = "Name or email prefix, case-insensitive."),
        ("role" = Option<wrrk_shared::domain::Role>, Query, description = "Only this role."),
        ("team" = Option<wrrk_shared::ids::TeamId>, Query, description = "Only members of this team."),
    ),
    responses(
        (status = 200, description = "A page of users", body = wrrk_shared::http::Paged<wrrk_shared::domain::User>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let q = Query::of(&req);
    let filter = UserFilter {
        search: q.search()?,
        role: q.get("role").map(|r| Role::parse("role", r)).transpose()?,
    };
    let team = q.id("team")?;
    let scope = format!("users:{org}:{:?}:{:?}:{team:?}", filter.search, filter.role);
    let page_req = PageRequest::parse(&app, &q, scope)?;

    let page = match team {
        None => {
            app.store
                .list_users(org, &filter, page_req.limit, page_req.start.clone())
                .await?
        }
        Some(team_id) => {
            // Not an id: no such team.
            let team_id = TeamId::parse(team_id).ok_or(ApiError::NotFound("Team"))?;
            let team_id = &team_id;
            app.store
                .get_team(org, team_id)
                .await?
                .ok_or(ApiError::NotFound("Team"))?;
            let ids = app
                .store
                .team_member_ids(org, team_id, page_req.limit, page_req.start.clone())
                .await?;
            let users = app.store.get_users(org, &ids.items).await?;
            let items = users
                .into_iter()
                .filter(|u| filter.role.is_none_or(|r| u.role == r))
                .filter(|u| {
                    filter.search.as_ref().is_none_or(|s| {
                        u.name.to_lowercase().contains(s) || u.email.as_str().contains(s)
                    })
                })
                .collect();
            Page {
                items,
                next: ids.next,
            }
        }
    };
    page_req.respond(&app, page, |u| u)
}
