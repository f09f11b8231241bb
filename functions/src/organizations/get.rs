//! `GET /api/organizations/{id}`: your own organization; any other id is 404. The widget's
//! identity secret is shown only to those with `org:update`.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::http::{ApiError, ApiResult, ok, path_id};
use wrrk_shared::ids::OrgId;
use wrrk_shared::rbac::Permission;

/// One read after authentication.
#[utoipa::path(
    get,
    path = "/api/organizations/{id}",
    operation_id = "organizations-get",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 200, description = "The organization", body = wrrk_shared::http::Data<crate::wire::OrganizationDetail>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: OrgId = path_id(&req, "id", "Organization")?;
    if caller.org_id() != &id {
        return Err(ApiError::NotFound("Organization"));
    }
    let mut org = app
        .store
        .get_organization(&id)
        .await?
        .ok_or(ApiError::NotFound("Organization"))?;
    // The widget's identity secret is for those who may change the settings (admins).
    if !caller.can(Permission::OrgUpdate) {
        org.widget.identity_secret = None;
    }
    // Mail to this address becomes tickets (see `GET /api/organizations/{id}/addresses`).
    let support_address = wrrk_shared::email::outbound::support_address(&app, &org);
    ok(crate::wire::OrganizationDetail {
        organization: org,
        support_address,
    })
}
