//! `POST /api/widget/csat` `{surveyId, rating, comment?}` with the session in
//! `Authorization`: the visitor's answer to the survey the widget was sent
//! (`csat:request`) when an agent resolved their chat. Only a survey of the session's own
//! chat can be answered, once, before it expires; the rating lands on the ticket as a note
//! through the same path as a mailed link's, so agents see it live.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::csat::{self, Refused};
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok};

use super::Cors;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = WidgetCsatRequest)]
struct Body {
    /// From `csat:request`.
    #[schema(pattern = "^[0-7][0-9A-HJKMNP-TV-Z]{25}$")]
    survey_id: String,
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

/// 404 for a survey that is not the session's chat's, 409 `already_rated` the second
/// time, 410 once expired.
#[utoipa::path(
    post,
    path = "/api/widget/csat",
    operation_id = "widget-csat",
    tag = "widget",
    request_body = Body,
    responses(
        (status = 200, description = "Rated", body = wrrk_shared::http::Data<crate::wire::SurveyView>),
    ),
    security(("visitor" = [])),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let mut cors = Cors::default();
    let result = run(&app, &req, &mut cors).await;
    cors.finish(result)
}

async fn run(app: &App, req: &Request, cors: &mut Cors) -> ApiResult {
    let claims = super::session(app, req)?;
    let (org, ticket) = super::session_context(app, &claims).await?;
    cors.check(req, &org)?;
    let body: Body = json_body(req, 16 * 1024)?;
    let (rating, comment) = csat::parse_answer(body.rating, body.comment.as_deref())?;
    if !wrrk_shared::ids::is_valid_id(&body.survey_id) {
        return Err(ApiError::invalid(
            "surveyId",
            "surveyId: must be a survey's id",
        ));
    }
    let unknown = || crate::csat::refused(Refused::Unknown);
    let survey = app
        .store
        .get_survey(&org.id, &body.survey_id)
        .await?
        .ok_or_else(unknown)?;
    if let Some(r) = csat::widget_refusal(
        &survey,
        [claims.ticket.as_str(), ticket.id.as_str()],
        Utc::now(),
    ) {
        return Err(crate::csat::refused(r));
    }
    let rated = csat::rate(app, &survey, rating, comment)
        .await?
        .map_err(crate::csat::refused)?;
    ok(crate::csat::view(app, &rated).await?)
}
