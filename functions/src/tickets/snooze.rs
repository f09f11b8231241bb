//! `PUT /api/tickets/{id}/snooze` `{until}`: puts an OPEN or PENDING ticket away until a
//! time (PENDING meanwhile); it comes back OPEN then and its assignee is told. Setting a
//! status by hand (`PATCH`) ends a snooze early. The waker is `tickets-snooze-wake`.

use chrono::{DateTime, Duration, Utc};
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::TicketStatus;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, path_id, request::MAX_JSON_BYTES};
use wrrk_shared::ids::TicketId;
use wrrk_shared::store::{Conflict, StoreError};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketsSnoozeRequest)]
struct Body {
    /// When the ticket comes back (RFC 3339, in the future, within a year).
    #[schema(format = DateTime)]
    until: String,
}

/// Longest snooze.
const MAX_SNOOZE_DAYS: i64 = 366;

/// Snoozes the caller's ticket.
#[utoipa::path(
    put,
    path = "/api/tickets/{id}/snooze",
    operation_id = "tickets-snooze",
    tag = "tickets",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::TicketId, Path),
    ),
    responses(
        (status = 200, description = "Snoozed", body = wrrk_shared::http::Data<wrrk_shared::domain::Ticket>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().clone();
    let id: TicketId = path_id(&req, "id", "Ticket")?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let until = DateTime::parse_from_rfc3339(&body.until)
        .map_err(|_| ApiError::invalid("until", "until: must be an RFC 3339 time"))?
        .with_timezone(&Utc);
    let now = Utc::now();
    if until <= now || until > now + Duration::days(MAX_SNOOZE_DAYS) {
        return Err(ApiError::invalid(
            "until",
            format!("until: must be in the future and within {MAX_SNOOZE_DAYS} days"),
        ));
    }
    let mut ticket = super::load(&app, &org, &id).await?;
    for _ in 0..5 {
        if !matches!(ticket.status, TicketStatus::Open | TicketStatus::Pending) {
            return Err(ApiError::invalid(
                "status",
                "Only an OPEN or PENDING ticket can be snoozed.",
            ));
        }
        match wrrk_shared::snooze::snooze(&app, &ticket, until).await {
            Ok(t) => return ok(super::complete(&app, t).await?),
            Err(StoreError::Conflict(Conflict::StaleWrite)) => {
                ticket = super::load(&app, &org, &id).await?;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Conflict(Conflict::StaleWrite).into())
}
