//! `PATCH /api/teams/{id}` (`teams:manage`): rename or re-describe; the assignment mode
//! (`MANUAL`, `ROUND_ROBIN`) and the cap of open conversations per agent.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{AssignmentMode, MAX_OPEN_PER_AGENT_LIMIT};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, nullable, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::ids::TeamId;
use wrrk_shared::rbac::Permission;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TeamsUpdateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 80
    )]
    name: Option<String>,
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 500
    )]
    #[serde(default, deserialize_with = "nullable")]
    description: Option<Option<String>>,
    assignment_mode: Option<wrrk_shared::domain::AssignmentMode>,
    #[schema(minimum = 1, maximum = 100)]
    max_open_per_agent: Option<u32>,
}

/// A versioned write; a rename moves the name marker in the same transaction.
#[utoipa::path(
    patch,
    path = "/api/teams/{id}",
    operation_id = "teams-update",
    tag = "teams",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::TeamId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::Team>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: TeamId = path_id(&req, "id", "Team")?;
    super::load(&app, caller.org_id(), &id).await?;
    caller.require(Permission::TeamsManage)?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let name = body.name.as_deref().map(super::parse_name).transpose()?;
    let description = match &body.description {
        Some(Some(d)) => Some(super::parse_description(d)?),
        Some(None) => Some(None),
        None => None,
    };
    if let Some(cap) = body.max_open_per_agent
        && !(1..=MAX_OPEN_PER_AGENT_LIMIT).contains(&cap)
    {
        return Err(ApiError::invalid(
            "maxOpenPerAgent",
            format!("maxOpenPerAgent: from 1 to {MAX_OPEN_PER_AGENT_LIMIT}"),
        ));
    }
    let team = retry_on_stale(|| async {
        let before = super::load(&app, caller.org_id(), &id).await?;
        let mut team = before.clone();
        if let Some(n) = &name {
            team.name = n.clone();
        }
        if let Some(d) = &description {
            team.description = d.clone();
        }
        if let Some(m) = body.assignment_mode {
            team.assignment_mode = m;
        }
        if let Some(cap) = body.max_open_per_agent {
            team.max_open_per_agent = cap;
        }
        team.version += 1;
        team.updated_at = Utc::now();
        app.store.save_team(&team, &before.name).await?;
        Ok(team)
    })
    .await?;
    // Round robin now, or room under a raised cap: the queue may move.
    if team.assignment_mode == AssignmentMode::RoundRobin {
        wrrk_shared::assignment::drain_team(&app, &team).await;
    }
    ok(team)
}
