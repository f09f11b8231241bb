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
    title: String,
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
