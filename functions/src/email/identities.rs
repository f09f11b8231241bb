//! Sender identities: the organization's own address or domain verified as an SES
//! identity, so replies to mail that came to it go out from it (see
//! [`wrrk_shared::email::identities`]). Admins (`org:update`) add and remove them; every
//! member sees them. Listing asks SES where each stands.

use chrono::Utc;
use lambda_http::{Request, RequestExt};
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::email::identities::{
    self, MAX_PER_ORG, SenderIdentity, SenderIdentityView, VerificationStatus, parse_identity,
    reserved, ses,
};
use wrrk_shared::http::{ApiError, ApiResult, ErrorCode, created, json_body, no_content, ok};
use wrrk_shared::rbac::Permission;

use super::addresses::{own_org, percent_decode};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = SenderIdentitiesAddRequest)]
struct Body {
    /// An address (`support@acme.io`) or a domain (`acme.io`); ASCII, case-insensitive.
    #[schema(
        pattern = "^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$",
        max_length = 253
    )]
    identity: String,
}

/// The identity a path names, if it could be one.
fn path_identity(req: &Request) -> Result<String, ApiError> {
    req.path_parameters()
        .first("identity")
        .map(percent_decode)
        .and_then(|raw| parse_identity(&raw).ok())
        .map(|(identity, _)| identity)
        .ok_or(ApiError::NotFound("Sender identity"))
}

/// `GET /api/organizations/{id}/sender-identities`: each with its state as SES reports it.
#[utoipa::path(
    get,
    path = "/api/organizations/{id}/sender-identities",
    operation_id = "sender-identities-list",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 200, description = "The identities, in name order", body = wrrk_shared::http::Data<Vec<SenderIdentityView>>),
    ),
)]
pub async fn list(app: App, req: Request) -> ApiResult {
    let (_, org) = own_org(&app, &req).await?;
    let stored = app.store.list_sender_identities(&org.id).await?;
    let refreshed =
        futures::future::try_join_all(stored.iter().map(|i| identities::refresh(&app, &org.id, i)))
            .await?;
    ok(refreshed
        .iter()
        .map(SenderIdentityView::from)
        .collect::<Vec<_>>())
}

/// `GET /api/organizations/{id}/sender-identities/{identity}`: its state and DNS records.
#[utoipa::path(
    get,
    path = "/api/organizations/{id}/sender-identities/{identity}",
    operation_id = "sender-identities-get",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
        ("identity" = String, Path, description = "The address or domain (`@` may be percent-encoded).", pattern = "^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", max_length = 253),
    ),
    responses(
        (status = 200, description = "The identity", body = wrrk_shared::http::Data<SenderIdentityView>),
    ),
)]
pub async fn get(app: App, req: Request) -> ApiResult {
    let (_, org) = own_org(&app, &req).await?;
    let name = path_identity(&req)?;
    let stored = app
        .store
        .get_sender_identity(&org.id, &name)
        .await?
        .ok_or(ApiError::NotFound("Sender identity"))?;
    let refreshed = identities::refresh(&app, &org.id, &stored).await?;
    ok(SenderIdentityView::from(&refreshed))
}

/// `POST /api/organizations/{id}/sender-identities` (`org:update`): `{identity}` starts
/// verification in SES (an address gets a link by mail; a domain, DKIM records to
/// publish). 409 `identity_taken` when another organization or the SES account has it,
/// or it is under wrrk's inbound domain; 409 `identity_limit` past
/// [`MAX_PER_ORG`].
#[utoipa::path(
    post,
    path = "/api/organizations/{id}/sender-identities",
    operation_id = "sender-identities-add",
    tag = "organizations",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 201, description = "Verification started", body = wrrk_shared::http::Data<SenderIdentityView>),
    ),
)]
pub async fn add(app: App, req: Request) -> ApiResult {
    let (caller, org) = own_org(&app, &req).await?;
    caller.require(Permission::OrgUpdate)?;
    let body: Body = json_body(&req, 4096)?;
    let (name, kind) = parse_identity(&body.identity)?;
    if reserved(&name, &app.settings.inbound_domain) {
        return Err(ApiError::Conflict(
            ErrorCode::IdentityTaken,
            format!(
                "Addresses under {} are wrrk's; replies are sent from them already.",
                app.settings.inbound_domain
            ),
        ));
    }
    if app.store.list_sender_identities(&org.id).await?.len() >= MAX_PER_ORG {
        return Err(ApiError::Conflict(
            ErrorCode::IdentityLimit,
            format!("An organization can verify at most {MAX_PER_ORG} addresses or domains."),
        ));
    }
    let now = Utc::now();
    let pending = SenderIdentity {
        identity: name.clone(),
        kind,
        status: VerificationStatus::Pending,
        verified_for_sending: false,
        dkim_tokens: Vec::new(),
        created_at: now,
        checked_at: now,
    };
    // The marker first: no two organizations start the same identity in SES.
    app.store.add_sender_identity(&org.id, &pending).await?;
    let state = match ses::create(&app, &name).await {
        Ok(state) => state,
        Err(e) => {
            // Nothing stays behind when SES did not take it.
            app.store.remove_sender_identity(&org.id, &name).await?;
            return Err(match e {
                ses::CreateError::AlreadyExists => ApiError::Conflict(
                    ErrorCode::IdentityTaken,
                    "This address or domain is already an identity of the mail account.".into(),
                ),
                ses::CreateError::Other(e) => ApiError::Internal(e),
            });
        }
    };
    let started = identities::apply(&pending, Some(&state), now);
    app.store.save_sender_identity(&org.id, &started).await?;
    tracing::info!(org_id = %org.id, identity = %name, kind = ?kind, "sender identity added");
    created(SenderIdentityView::from(&started))
}

/// `DELETE /api/organizations/{id}/sender-identities/{identity}` (`org:update`): removes
/// it from SES too; replies go from the built-in address again.
#[utoipa::path(
    delete,
    path = "/api/organizations/{id}/sender-identities/{identity}",
    operation_id = "sender-identities-remove",
    tag = "organizations",
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
        ("identity" = String, Path, description = "The address or domain (`@` may be percent-encoded).", pattern = "^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$", max_length = 253),
    ),
    responses(
        (status = 204, description = "Removed"),
    ),
)]
pub async fn remove(app: App, req: Request) -> ApiResult {
    let (caller, org) = own_org(&app, &req).await?;
    caller.require(Permission::OrgUpdate)?;
    let name = path_identity(&req)?;
    if app
        .store
        .get_sender_identity(&org.id, &name)
        .await?
        .is_none()
    {
        return Err(ApiError::NotFound("Sender identity"));
    }
    ses::delete(&app, &name).await?;
    app.store.remove_sender_identity(&org.id, &name).await?;
    tracing::info!(org_id = %org.id, identity = %name, "sender identity removed");
    no_content()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_documented_pattern_is_the_one_enforced() {
        let doc = crate::openapi::document();
        let text = serde_json::to_string(&doc).unwrap_or_default();
        let escaped = serde_json::to_string(wrrk_shared::email::identities::IDENTITY_PATTERN)
            .unwrap_or_default();
        assert!(
            text.contains(&escaped),
            "IDENTITY_PATTERN is not in the document"
        );
    }
}
