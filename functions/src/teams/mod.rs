//! Teams and their members.

pub mod create;
pub mod delete;
pub mod get;
pub mod list;
pub mod members_add;
pub mod members_list;
pub mod members_remove;
pub mod update;

use wrrk_shared::App;
use wrrk_shared::domain::{Team, TrimmedText};
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::{OrgId, TeamId};

/// Longest team name.
const NAME_MAX: usize = 80;
/// Longest team description.
const DESCRIPTION_MAX: usize = 500;

fn parse_name(raw: &str) -> Result<String, ApiError> {
    Ok(TrimmedText::parse("name", raw, NAME_MAX)?.into_inner())
}

fn parse_description(raw: &str) -> Result<Option<String>, ApiError> {
    Ok(
        TrimmedText::parse_or_blank("description", raw, DESCRIPTION_MAX)?
            .map(TrimmedText::into_inner),
    )
}

/// The caller's team `id`, or 404.
async fn load(app: &App, org_id: &OrgId, id: &TeamId) -> Result<Team, ApiError> {
    app.store
        .get_team(org_id, id)
        .await?
        .ok_or(ApiError::NotFound("Team"))
}
