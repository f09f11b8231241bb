//! `PATCH /api/saved-replies/{id}`: change the title or body of a shared reply
//! (`saved_replies:manage`) or of one's own.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, json_body, ok, path_id, retry_on_stale};
use wrrk_shared::ids::SavedReplyId;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SavedRepliesUpdateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    title: Option<String>,
    #[schema(
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        max_length = 10000
    )]
    body: Option<String>,
}

/// A versioned write.
#[utoipa::path(
    patch,
    path = "/api/saved-replies/{id}",
    operation_id = "saved-replies-update",
    tag = "saved-replies",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::SavedReplyId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::SavedReply>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: SavedReplyId = path_id(&req, "id", "Saved reply")?;
    super::require_can_change(&caller, &super::load(&app, &caller, &id).await?)?;
    let body: Body = json_body(&req, 128 * 1024)?;
    let title = body.title.as_deref().map(super::parse_title).transpose()?;
    let text = body.body.as_deref().map(super::parse_body).transpose()?;
    let reply = retry_on_stale(|| async {
        let mut reply = super::load(&app, &caller, &id).await?;
        if let Some(t) = &title {
            reply.title = t.clone();
        }
        if let Some(b) = &text {
            reply.body = b.clone();
        }
        reply.version += 1;
        reply.updated_at = Utc::now();
        app.store.save_saved_reply(&reply).await?;
        Ok(reply)
    })
    .await?;
    ok(reply)
}
