//! `GET /api/csat/{token}` (public): what a rating link asks about, and its rating if given.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiResult, ok};

/// 404 for a forged or unknown token, 410 once expired.
#[utoipa::path(
    get,
    path = "/api/csat/{token}",
    operation_id = "csat-get",
    tag = "csat",
    params(
        ("token" = String, Path, description = "The token of the mailed rating link."),
    ),
    responses(
        (status = 200, description = "The survey", body = wrrk_shared::http::Data<crate::wire::SurveyView>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let survey = super::load(&app, &req).await?;
    ok(super::view(&app, &survey).await?)
}
