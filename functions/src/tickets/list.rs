//! `GET /api/tickets`: filters `status`, `priority`, `assignee` (id, `me`, `unassigned`),
//! `team`, `channel`, `customer`; newest activity first; cursor pagination. Every list is
//! a filtered Query on the tickets-by-activity index, whose rows carry customer and
//! assignee (see `TicketFilter`).
//! `sort=due` lists the tickets with an SLA due time pending, soonest first (a sparse
//! index ordered by due time).
//! `number=ACME-0042` instead finds one ticket by its human number.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Ticket, TicketSummary};
use wrrk_shared::http::{ApiError, ApiResult, PageRequest, Query, page, parse_enum};
use wrrk_shared::store::{TicketFilter, TicketSort};

/// A list's order.
#[derive(serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
#[schema(as = TicketsListSort)]
enum ListSort {
    /// Newest activity first.
    Activity,
    /// Soonest SLA due time first.
    Due,
}
use wrrk_shared::ids::OrgId;

fn id_param(q: &Query, name: &str) -> Result<Option<String>, ApiError> {
    Ok(q.id(name)?.map(str::to_string))
}

/// The caller's user item and one Query: list rows carry their customer and assignee.
#[utoipa::path(
    get,
    path = "/api/tickets",
    operation_id = "tickets-list",
    tag = "tickets",
    params(
        wrrk_shared::http::PageParams,
        ("status" = Option<wrrk_shared::domain::TicketStatus>, Query, description = "Only this status."),
        ("priority" = Option<wrrk_shared::domain::Priority>, Query, description = "Only this priority."),
        ("channel" = Option<wrrk_shared::domain::Channel>, Query, description = "Only this channel."),
        ("assignee" = Option<String>, Query, pattern = "^(me|unassigned|[0-7][0-9A-HJKMNP-TV-Z]{25})$", description = "A user id, `me` or `unassigned`."),
        ("team" = Option<wrrk_shared::ids::TeamId>, Query, description = "Only this team."),
        ("customer" = Option<wrrk_shared::ids::CustomerId>, Query, description = "Only this customer's tickets."),
        ("sort" = inline(Option<ListSort>), Query, description = "`activity` (the default): newest activity first; `due`: soonest SLA due time first, only tickets with one pending."),
        ("number" = Option<String>, Query, pattern = "^\\s*#*[A-Za-z0-9]{1,10}-[0-9]{1,12}\\s*$", description = "A human number (`ACME-0042`): the one ticket with it, other filters aside."),
    ),
    responses(
        (status = 200, description = "A page of tickets, newest activity first", body = wrrk_shared::http::Paged<wrrk_shared::domain::TicketSummary>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().clone();
    let q = Query::of(&req);
    let assignee = match q.get("assignee") {
        None => None,
        Some("me") => Some(Some(caller.user.id.to_string())),
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
        sort: match q.get("sort").map(|s| parse_enum("sort", s)).transpose()? {
            None | Some(ListSort::Activity) => TicketSort::Activity,
            Some(ListSort::Due) => TicketSort::Due,
        },
    };
    // Every parameter is checked first: a number answers alone, but a bad filter beside it
    // is still a bad request.
    if let Some(raw) = q.get("number") {
        return by_number(&app, &org, raw).await;
    }
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

/// `?number=ACME-0042`: the one ticket with that human number, or none (two GetItems:
/// the number's marker, then the ticket). Other filters do not apply.
async fn by_number(app: &App, org: &OrgId, raw: &str) -> ApiResult {
    let number = Ticket::parse_number(raw).ok_or_else(|| {
        ApiError::invalid("number", "number must be a ticket number such as ACME-0042")
    })?;
    let ticket = match app.store.find_ticket_by_number(org, &number).await? {
        Some(id) => app.store.get_ticket(org, &id).await?,
        None => None,
    };
    let rows = ticket.iter().map(TicketSummary::from).collect();
    page(super::complete_rows(app, org, rows).await?, None)
}
