//! Support addresses. Every organization has its built-in `{prefix}-{id}@{InboundDomain}`;
//! an admin adds their own (`support@theircompany.com`, forwarded to wrrk), unique across
//! all organizations through marker items.

use lambda_http::{Request, RequestExt};
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::Email;
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, no_content, ok, path_id};
use wrrk_shared::ids::OrgId;
use wrrk_shared::rbac::Permission;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SupportAddressesAddRequest)]
struct Body {
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    address: String,
}

pub(crate) async fn own_org(
    app: &App,
    req: &Request,
) -> Result<(Caller, wrrk_shared::domain::Organization), ApiError> {
    let caller = Caller::from_request(app, req).await?;
    let id: OrgId = path_id(req, "id", "Organization")?;
    if caller.org_id() != &id {
        return Err(ApiError::NotFound("Organization"));
    }
    let org = app
        .store
        .get_organization(&id)
        .await?
        .ok_or(ApiError::NotFound("Organization"))?;
    Ok((caller, org))
}

/// `GET /api/organizations/{id}/addresses`: the built-in address and the own ones.
#[utoipa::path(
    get,
    path = "/api/organizations/{id}/addresses",
    operation_id = "support-addresses-list",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 200, description = "The addresses", body = wrrk_shared::http::Data<crate::wire::SupportAddresses>),
    ),
)]
pub async fn list(app: App, req: Request) -> ApiResult {
    let (_, org) = own_org(&app, &req).await?;
    let own = app.store.list_support_addresses(&org.id).await?;
    ok(crate::wire::SupportAddresses {
        support_address: wrrk_shared::email::outbound::support_address(&app, &org),
        addresses: own,
    })
}

/// `POST /api/organizations/{id}/addresses` (`org:update`): `{address}`.
#[utoipa::path(
    post,
    path = "/api/organizations/{id}/addresses",
    operation_id = "support-addresses-add",
    tag = "organizations",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 201, description = "Added", body = wrrk_shared::http::Data<crate::wire::SupportAddress>),
    ),
)]
pub async fn add(app: App, req: Request) -> ApiResult {
    let (caller, org) = own_org(&app, &req).await?;
    caller.require(Permission::OrgUpdate)?;
    let body: Body = json_body(&req, 4096)?;
    let email = Email::parse("address", &body.address)
        .map_err(|e| ApiError::invalid("address", e.to_string()))?;
    let domain = &app.settings.inbound_domain;
    if email
        .as_str()
        .rsplit_once('@')
        .is_some_and(|(_, d)| d == domain)
    {
        return Err(ApiError::invalid(
            "address",
            format!("address: addresses under {domain} are assigned by wrrk"),
        ));
    }
    app.store
        .add_support_address(&org.id, email.as_str())
        .await?;
    created(crate::wire::SupportAddress {
        address: email.as_str().to_string(),
    })
}

/// `DELETE /api/organizations/{id}/addresses/{address}` (`org:update`).
#[utoipa::path(
    delete,
    path = "/api/organizations/{id}/addresses/{address}",
    operation_id = "support-addresses-remove",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
        ("address" = String, Path),
    ),
    responses(
        (status = 204, description = "Removed"),
    ),
)]
pub async fn remove(app: App, req: Request) -> ApiResult {
    let (caller, org) = own_org(&app, &req).await?;
    caller.require(Permission::OrgUpdate)?;
    let address = req
        .path_parameters()
        .first("address")
        .map(percent_decode)
        .ok_or(ApiError::NotFound("Support address"))?
        .trim()
        .to_lowercase();
    app.store.remove_support_address(&org.id, &address).await?;
    no_content()
}

/// `support%40acme.io` -> `support@acme.io` (path parameters may arrive encoded).
pub(crate) fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
