//! `POST /api/saved-replies`: `{title, body, shared}`; shared ones need
//! `saved_replies:manage`, personal ones anyone.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::SavedReply;
use wrrk_shared::http::{ApiResult, created, json_body};
use wrrk_shared::ids::{OrgId, SavedReplyId};
use wrrk_shared::rbac::Permission;

/// Room for a body at its longest, with JSON escaping.
const MAX_BODY_BYTES: usize = 128 * 1024;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SavedRepliesCreateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    title: String,
    #[schema(
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        max_length = 10000
    )]
    body: String,
    /// `true`: the whole organization's; `false` (default): the caller's own.
    #[serde(default)]
    shared: bool,
}

/// One conditional put.
#[utoipa::path(
    post,
    path = "/api/saved-replies",
    operation_id = "saved-replies-create",
    tag = "saved-replies",
    request_body = Body,
    responses(
        (status = 201, description = "Created", body = wrrk_shared::http::Data<wrrk_shared::domain::SavedReply>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let body: Body = json_body(&req, MAX_BODY_BYTES)?;
    if body.shared {
        caller.require(Permission::SavedRepliesManage)?;
    }
    let now = Utc::now();
    let reply = SavedReply {
        id: SavedReplyId::new(),
        org_id: OrgId::trusted(caller.org_id().as_str()),
        owner_id: (!body.shared).then(|| caller.user.id.clone()),
        title: super::parse_title(&body.title)?,
        body: super::parse_body(&body.body)?,
        created_by: caller.user.id.clone(),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    app.store.create_saved_reply(&reply).await?;
    created(reply)
}
