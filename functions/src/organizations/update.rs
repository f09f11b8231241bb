//! `PATCH /api/organizations/{id}` (`org:update`): name, ticket prefix, timezone, widget.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{TicketPrefix, Timezone, TrimmedText, WidgetPosition};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::rbac::Permission;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    name: Option<String>,
    ticket_prefix: Option<String>,
    timezone: Option<String>,
    widget: Option<WidgetPatch>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WidgetPatch {
    primary_color: Option<String>,
    position: Option<WidgetPosition>,
    welcome_message: Option<String>,
}

fn parse_color(raw: &str) -> Result<String, ApiError> {
    let ok =
        raw.len() == 7 && raw.starts_with('#') && raw[1..].chars().all(|c| c.is_ascii_hexdigit());
    if ok {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(ApiError::invalid(
            "widget.primaryColor",
            "widget.primaryColor: must look like #1a2b3c",
        ))
    }
}

/// Tenancy first (404 for other ids), then permission, then a versioned write.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id = path_id(&req, "id", "Organization")?;
    if id != caller.org_id() {
        return Err(ApiError::NotFound("Organization"));
    }
    caller.require(Permission::OrgUpdate)?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let name = body
        .name
        .as_deref()
        .map(|n| TrimmedText::parse("name", n, 100).map(TrimmedText::into_inner))
        .transpose()?;
    let prefix = body
        .ticket_prefix
        .as_deref()
        .map(|p| TicketPrefix::parse("ticketPrefix", p))
        .transpose()?;
    let timezone = body
        .timezone
        .as_deref()
        .map(|t| Timezone::parse("timezone", t))
        .transpose()?;
    let color = body
        .widget
        .as_ref()
        .and_then(|w| w.primary_color.as_deref())
        .map(parse_color)
        .transpose()?;
    let welcome = body
        .widget
        .as_ref()
        .and_then(|w| w.welcome_message.as_deref())
        .map(|m| TrimmedText::parse("widget.welcomeMessage", m, 500).map(TrimmedText::into_inner))
        .transpose()?;
    let position = body.widget.as_ref().and_then(|w| w.position);

    let org = retry_on_stale(|| async {
        let mut org = app
            .store
            .get_organization(&id)
            .await?
            .ok_or(ApiError::NotFound("Organization"))?;
        if let Some(v) = &name {
            org.name = v.clone();
        }
        if let Some(v) = &prefix {
            org.ticket_prefix = v.clone();
        }
        if let Some(v) = &timezone {
            org.timezone = v.clone();
        }
        if let Some(v) = &color {
            org.widget.primary_color = v.clone();
        }
        if let Some(v) = position {
            org.widget.position = v;
        }
        if let Some(v) = &welcome {
            org.widget.welcome_message = v.clone();
        }
        org.version += 1;
        org.updated_at = Utc::now();
        app.store.update_organization(&org).await?;
        Ok(org)
    })
    .await?;
    ok(org)
}
