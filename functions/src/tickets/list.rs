//! `GET /api/tickets`: filters `status`, `priority`, `assignee` (id, `me`, `unassigned`),
//! `team`, `channel`, `customer`; newest activity first; cursor pagination. Every list is
//! a filtered Query on the tickets-by-activity index, whose rows carry customer and
//! assignee (see `TicketFilter`).

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query, parse_enum};
use wrrk_shared::store::TicketFilter;

fn id_param(q: &Query, name: &str) -> Result<Option<String>, ApiError> {
    Ok(q.id(name)?.map(str::to_string))
}

/// The caller's user item and one Query: list rows carry their customer and assignee.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().to_string();
    let q = Query::of(&req);
    let assignee = match q.get("assignee") {
        None => None,
        Some("me") => Some(Some(caller.user.id.clone())),
        Some("unassigned") => Some(None),
        Some(_) => Some(id_param(&q, "assignee")?),
    };
    let filter = TicketFilter {
        status: q
            .get("status")
            .map(|s| parse_enum("status", s))
            .transpose()?,
        priority: q
            .get("priority")
            .map(|s| parse_enum("priority", s))
            .transpose()?,
        channel: q
            .get("channel")
            .map(|s| parse_enum("channel", s))
            .transpose()?,
        assignee,
        team: id_param(&q, "team")?,
        customer: id_param(&q, "customer")?,
    };
    let scope = format!("tickets:{org}:{filter:?}");
    let page_req = PageRequest::parse(&app, &q, scope)?;
    let page = app
        .store
        .list_tickets(&org, &filter, page_req.limit, page_req.start.clone())
        .await?;
    let next = page.next;
    let items = super::complete_rows(&app, &org, page.items).await?;
    page_req.respond(&app, wrrk_shared::store::Page { items, next }, |t| t)
}
