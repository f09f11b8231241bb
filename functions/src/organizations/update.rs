//! `PATCH /api/organizations/{id}` (`org:update`): name, ticket prefix, timezone, widget
//! (appearance, allowed origins, identity enforcement; `rotateKey` and
//! `rotateIdentitySecret` issue a new widget key or identity secret), business hours
//! (`schedule`, `holidays`, in `timezone`), SLA policies (`slaPolicies`), and per channel
//! whether resolving asks for a satisfaction rating (`csat`).

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::business_hours::{MAX_HOLIDAYS, WeeklySchedule};
use wrrk_shared::domain::{TicketPrefix, Timezone, TrimmedText, WidgetPosition, WidgetSettings};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::ids::OrgId;
use wrrk_shared::rbac::Permission;
use wrrk_shared::sla::SlaPolicies;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = OrganizationsUpdateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: Option<String>,
    #[schema(pattern = "^[A-Za-z]{2,6}$")]
    ticket_prefix: Option<String>,
    #[schema(value_type = Option<wrrk_shared::business_hours::TimezoneName>)]
    timezone: Option<String>,
    widget: Option<WidgetPatch>,
    /// When the team works; `null`: around the clock.
    #[serde(default, deserialize_with = "wrrk_shared::http::request::nullable")]
    #[schema(value_type = Option<wrrk_shared::business_hours::WeeklySchedule>, nullable)]
    schedule: Option<Option<WeeklySchedule>>,
    /// Local dates the team is away all day.
    #[schema(max_items = 400)]
    holidays: Option<Vec<chrono::NaiveDate>>,
    /// Service-level targets per priority.
    sla_policies: Option<SlaPolicies>,
    csat: Option<CsatPatch>,
}

/// Which channels ask for a satisfaction rating on resolve (absent: unchanged).
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = OrganizationsUpdateCsat)]
struct CsatPatch {
    email: Option<bool>,
    chat: Option<bool>,
    manual: Option<bool>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = OrganizationsUpdateWidget)]
struct WidgetPatch {
    primary_color: Option<String>,
    position: Option<WidgetPosition>,
    welcome_message: Option<String>,
    allowed_origins: Option<Vec<String>>,
    identity_enforced: Option<bool>,
    #[serde(default)]
    rotate_key: bool,
    #[serde(default)]
    rotate_identity_secret: bool,
}

/// Most origins one widget may be embedded on.
const MAX_ORIGINS: usize = 50;

fn parse_origins(raw: &[String]) -> Result<Vec<String>, ApiError> {
    if raw.len() > MAX_ORIGINS {
        return Err(ApiError::invalid(
            "widget.allowedOrigins",
            format!("widget.allowedOrigins: at most {MAX_ORIGINS}"),
        ));
    }
    let mut out = Vec::new();
    for o in raw {
        let origin = wrrk_shared::widget::parse_origin(o).ok_or_else(|| {
            ApiError::invalid(
                "widget.allowedOrigins",
                format!(
                    "widget.allowedOrigins: {o:?} is not an origin like https://www.example.com"
                ),
            )
        })?;
        if !out.contains(&origin) {
            out.push(origin);
        }
    }
    Ok(out)
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
#[utoipa::path(
    patch,
    path = "/api/organizations/{id}",
    operation_id = "organizations-update",
    tag = "organizations",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::Organization>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: OrgId = path_id(&req, "id", "Organization")?;
    if caller.org_id() != &id {
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
    let origins = body
        .widget
        .as_ref()
        .and_then(|w| w.allowed_origins.as_deref())
        .map(parse_origins)
        .transpose()?;
    let enforced = body.widget.as_ref().and_then(|w| w.identity_enforced);
    let schedule = match body.schedule.clone() {
        Some(Some(s)) => {
            Some(Some(s.normalize().map_err(|e| {
                ApiError::invalid("schedule", format!("schedule: {e}"))
            })?))
        }
        other => other,
    };
    let holidays = body
        .holidays
        .as_ref()
        .map(|h| {
            if h.len() > MAX_HOLIDAYS {
                return Err(ApiError::invalid(
                    "holidays",
                    format!("holidays: at most {MAX_HOLIDAYS}"),
                ));
            }
            let mut h = h.clone();
            h.sort();
            h.dedup();
            Ok(h)
        })
        .transpose()?;
    if let Some(p) = &body.sla_policies {
        p.check()
            .map_err(|e| ApiError::invalid("slaPolicies", format!("slaPolicies.{e}")))?;
    }
    let rotate_key = body.widget.as_ref().is_some_and(|w| w.rotate_key);
    let rotate_secret = body
        .widget
        .as_ref()
        .is_some_and(|w| w.rotate_identity_secret);

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
        if let Some(v) = &origins {
            org.widget.allowed_origins = v.clone();
        }
        if let Some(v) = enforced {
            org.widget.identity_enforced = v;
        }
        if let Some(c) = &body.csat {
            let s = &mut org.csat;
            s.email = c.email.unwrap_or(s.email);
            s.chat = c.chat.unwrap_or(s.chat);
            s.manual = c.manual.unwrap_or(s.manual);
        }
        if let Some(v) = &schedule {
            org.schedule = v.clone();
        }
        if let Some(v) = &holidays {
            org.holidays = v.clone();
        }
        if let Some(v) = &body.sla_policies {
            org.sla_policies = v.clone();
        }
        if rotate_secret || org.widget.identity_secret.is_none() {
            org.widget.identity_secret = Some(wrrk_shared::ids::new_secret());
        }
        org.version += 1;
        org.updated_at = Utc::now();
        let old_key = org.widget.widget_key.clone();
        if rotate_key || old_key.is_empty() {
            org.widget.widget_key = WidgetSettings::new_key();
            app.store
                .update_organization_widget_key(&org, &old_key)
                .await?;
        } else {
            app.store.update_organization(&org).await?;
        }
        Ok(org)
    })
    .await?;
    ok(org)
}
