//! Saved replies: canned answers agents insert with `/` in the reply box. Shared ones are
//! managed with `saved_replies:manage`; personal ones by their owner alone.

pub mod create;
pub mod delete;
pub mod list;
pub mod render;
pub mod update;

use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{SavedReply, TrimmedText};
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::SavedReplyId;
use wrrk_shared::rbac::Permission;

fn parse_title(raw: &str) -> Result<String, ApiError> {
    Ok(TrimmedText::parse("title", raw, SavedReply::TITLE_MAX)?.into_inner())
}

fn parse_body(raw: &str) -> Result<String, ApiError> {
    Ok(SavedReply::parse_body(raw)?)
}

/// The saved reply `id` as the caller sees it (shared or their own), or 404.
async fn load(app: &App, caller: &Caller, id: &SavedReplyId) -> Result<SavedReply, ApiError> {
    app.store
        .get_saved_reply(caller.org_id(), &caller.user.id, id)
        .await?
        .ok_or(ApiError::NotFound("Saved reply"))
}

/// 403 unless the caller may change `reply`: their own, or a shared one with
/// `saved_replies:manage`.
fn require_can_change(caller: &Caller, reply: &SavedReply) -> Result<(), ApiError> {
    match &reply.owner_id {
        Some(owner) if *owner == caller.user.id => Ok(()),
        Some(_) => Err(ApiError::NotFound("Saved reply")),
        None => caller.require(Permission::SavedRepliesManage),
    }
}
