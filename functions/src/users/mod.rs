//! Agents of an organization: list, profile, edit, deactivate.

pub mod deactivate;
pub mod get;
pub mod list;
pub mod unsubscribe;
pub mod update;

use wrrk_shared::App;
use wrrk_shared::domain::User;
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::{OrgId, UserId};

/// The user `id` of the caller's organization, or 404.
async fn load(app: &App, org_id: &OrgId, id: &UserId) -> Result<User, ApiError> {
    app.store
        .get_user(org_id, id)
        .await?
        .ok_or(ApiError::NotFound("User"))
}
