//! `GET /api/reports?from=YYYY-MM-DD&to=YYYY-MM-DD`: conversations opened and resolved,
//! first-response and resolution times (median, 90th percentile), satisfaction, per day
//! and by agent, team and channel. Needs `reports:view`.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, Query, ok};
use wrrk_shared::rbac::Permission;
use wrrk_shared::reports::{self, MAX_DAYS, RangeError};

fn refused(e: RangeError) -> ApiError {
    match e {
        RangeError::NotADate(name) => {
            ApiError::invalid(name, format!("{name}: a date, YYYY-MM-DD"))
        }
        RangeError::Backwards => ApiError::invalid("to", "to: on or after from"),
        RangeError::TooLong => ApiError::invalid(
            "to",
            format!("to: at most {MAX_DAYS} days after from, both included"),
        ),
    }
}

/// One Query over the organization's rollup items of the range (per day with activity,
/// one item per 50 entries: about 4.5 entries a ticket), then the names of the agents and
/// teams in it.
#[utoipa::path(
    get,
    path = "/api/reports",
    operation_id = "reports-get",
    tag = "reports",
    params(
        ("from" = chrono::NaiveDate, Query, description = "First day, local to the organization (`YYYY-MM-DD`)."),
        ("to" = chrono::NaiveDate, Query, description = "Last day, included: on or after `from`, at most 366 days in all."),
    ),
    responses(
        (status = 200, description = "The report", body = wrrk_shared::http::Data<wrrk_shared::reports::Report>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    caller.require(Permission::ReportsView)?;
    let q = Query::of(&req);
    let param = |name: &'static str| {
        q.get(name)
            .ok_or_else(|| ApiError::invalid(name, format!("{name}: required (YYYY-MM-DD)")))
    };
    let (from, to) = reports::parse_range(param("from")?, param("to")?).map_err(refused)?;
    let org = app
        .store
        .get_organization(caller.org_id())
        .await?
        .ok_or(ApiError::NotFound("Organization"))?;
    ok(reports::report(&app, &org, from, to).await?)
}
