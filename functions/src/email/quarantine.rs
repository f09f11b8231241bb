//! `GET /api/quarantine` (`org:update`): inbound mail kept aside (spam, virus, DMARC
//! failures), newest first.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiResult, ok};
use wrrk_shared::rbac::Permission;

/// Lists the organization's quarantined mail.
#[utoipa::path(
    get,
    path = "/api/quarantine",
    operation_id = "quarantine-list",
    tag = "quarantine",
    responses(
        (status = 200, description = "Quarantined mail, newest first", body = wrrk_shared::http::Data<Vec<wrrk_shared::store::QuarantinedMail>>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    caller.require(Permission::OrgUpdate)?;
    ok(app.store.list_quarantined(caller.org_id(), 100).await?)
}
