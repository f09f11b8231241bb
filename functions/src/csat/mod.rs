//! The customer's side of satisfaction surveys: public, authorized by the signed token of
//! the mailed link (see [`wrrk_shared::csat`]).

pub mod get;
pub mod rate;

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::csat::{self, Refused, Survey};
use wrrk_shared::http::ApiError;

/// What a refused token answers.
pub(crate) fn refused(r: Refused) -> ApiError {
    match r {
        Refused::Unknown => ApiError::NotFound("Survey"),
        Refused::Expired => ApiError::Gone(
            wrrk_shared::http::ErrorCode::SurveyExpired,
            "This rating link has expired.".into(),
        ),
        Refused::Used => ApiError::Conflict(
            wrrk_shared::http::ErrorCode::AlreadyRated,
            "This conversation has been rated already. Thank you!".into(),
        ),
    }
}

/// The survey of the path's token.
async fn load(app: &App, req: &Request) -> Result<Survey, ApiError> {
    let token = lambda_http::RequestExt::path_parameters(req)
        .first("token")
        .map(str::to_string)
        .unwrap_or_default();
    if token.len() > 300 {
        return Err(ApiError::NotFound("Survey"));
    }
    csat::find(app, &token).await?.map_err(refused)
}

/// The survey as the customer's page shows it.
pub(crate) async fn view(app: &App, survey: &Survey) -> Result<crate::wire::SurveyView, ApiError> {
    let (org, ticket) = tokio::try_join!(
        app.store.get_organization(&survey.org_id),
        app.store.get_ticket(&survey.org_id, &survey.ticket_id)
    )?;
    let (org, ticket) = org.zip(ticket).ok_or(ApiError::NotFound("Survey"))?;
    Ok(crate::wire::SurveyView {
        organization_name: org.name,
        ticket_number: ticket.ticket_number,
        subject: ticket.subject,
        rating: survey.rating,
        comment: survey.comment.clone(),
    })
}
