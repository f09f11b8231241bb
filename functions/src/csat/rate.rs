//! `POST /api/csat/{token}` (public) `{rating, comment}`: rates the conversation, once.
//! The page a mailed link opens posts this; a link itself (a GET, which mail scanners
//! follow) never rates.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::csat::{self, COMMENT_MAX};
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CsatRateRequest)]
struct Body {
    /// 1 (bad) to 5 (great).
    rating: u8,
    #[serde(default)]
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
    if !(1..=5).contains(&body.rating) {
        return Err(ApiError::invalid("rating", "rating: must be 1 to 5"));
    }
    let comment = match body.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) if c.chars().count() > COMMENT_MAX => {
            return Err(ApiError::invalid(
                "comment",
                format!("comment: must be at most {COMMENT_MAX} characters"),
            ));
        }
        Some(c)
            if c.chars()
                .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t')) =>
        {
            return Err(ApiError::invalid(
                "comment",
                "comment: must not contain control characters",
            ));
        }
        Some(c) => Some(c.to_string()),
    };
    let survey = super::load(&app, &req).await?;
    let rated = csat::rate(&app, &survey, body.rating, comment)
        .await?
        .map_err(super::refused)?;
    ok(super::view(&app, &rated).await?)
}
