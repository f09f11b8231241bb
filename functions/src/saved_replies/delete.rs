//! `DELETE /api/saved-replies/{id}`: a shared reply (`saved_replies:manage`) or one's own.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, no_content, path_id};
use wrrk_shared::ids::SavedReplyId;

/// 204 when deleted.
#[utoipa::path(
    delete,
    path = "/api/saved-replies/{id}",
    operation_id = "saved-replies-delete",
    tag = "saved-replies",
    params(
        ("id" = wrrk_shared::ids::SavedReplyId, Path),
    ),
    responses(
        (status = 204, description = "Deleted"),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: SavedReplyId = path_id(&req, "id", "Saved reply")?;
    let reply = super::load(&app, &caller, &id).await?;
    super::require_can_change(&caller, &reply)?;
    app.store.delete_saved_reply(&reply).await?;
    no_content()
}
