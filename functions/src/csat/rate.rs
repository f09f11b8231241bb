//! `POST /api/csat/{token}` (public) `{rating, comment}`: rates the conversation, once.
//! The page a mailed link opens posts this; a link itself (a GET, which mail scanners
//! follow) never rates.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::csat;
use wrrk_shared::http::{ApiResult, json_body, ok};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CsatRateRequest)]
struct Body {
    /// 1 (bad) to 5 (great).
    #[schema(minimum = 1, maximum = 5)]
    #[serde(deserialize_with = "wrrk_shared::http::request::whole_number")]
    rating: u64,
    #[serde(default)]
    #[schema(
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        max_length = 2000
    )]
    comment: Option<String>,
}

/// One conditional write: 409 `already_rated` the second time, 410 once expired.
#[utoipa::path(
    post,
    path = "/api/csat/{token}",
    operation_id = "csat-rate",
    tag = "csat",
    request_body = Body,
    params(
        ("token" = String, Path, description = "The token of the mailed rating link."),
    ),
    responses(
        (status = 200, description = "Rated", body = wrrk_shared::http::Data<crate::wire::SurveyView>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, 16 * 1024)?;
    let (rating, comment) = csat::parse_answer(body.rating, body.comment.as_deref())?;
    let survey = super::load(&app, &req).await?;
    let rated = csat::rate(&app, &survey, rating, comment)
        .await?
        .map_err(super::refused)?;
    ok(super::view(&app, &rated).await?)
}
