//! `POST /api/teams` (`teams:manage`): `{name, description}`; names unique per organization.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::Team;
use wrrk_shared::http::{ApiResult, created, json_body, request::MAX_JSON_BYTES};
use wrrk_shared::ids::{OrgId, TeamId};
use wrrk_shared::rbac::Permission;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TeamsCreateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 80
    )]
    name: String,
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 500
    )]
    #[serde(default)]
    description: Option<String>,
}

/// One transaction: the team and its name marker.
#[utoipa::path(
    post,
    path = "/api/teams",
    operation_id = "teams-create",
    tag = "teams",
    request_body = Body,
    responses(
        (status = 201, description = "Created", body = wrrk_shared::http::Data<wrrk_shared::domain::Team>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    caller.require(Permission::TeamsManage)?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let now = Utc::now();
    let team = Team {
        id: TeamId::new(),
        org_id: OrgId::trusted(caller.org_id()),
        name: super::parse_name(&body.name)?,
        description: body
            .description
            .as_deref()
            .map(super::parse_description)
            .transpose()?
            .flatten(),
        member_count: 0,
        assignment_mode: Default::default(),
        max_open_per_agent: wrrk_shared::domain::DEFAULT_MAX_OPEN_PER_AGENT,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    app.store.create_team(&team).await?;
    created(team)
}
