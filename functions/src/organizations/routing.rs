//! `PATCH /api/organizations/{id}/routing-rules` (`org:update`): the organization's routing
//! rules, replaced as a whole (they are an ordered list: the first match wins). Each sends
//! new conversations of a channel, to a support address, or from a widget's site to a team.
//! They are read from the organization item every new conversation reads anyway.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Channel, Email, MAX_ROUTING_RULES, RoutingRule};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::ids::{OrgId, TeamId, is_valid_id};
use wrrk_shared::rbac::Permission;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = RoutingRulesUpdateRequest)]
struct Body {
    /// The rules in the order they are tried.
    #[schema(max_items = 50)]
    rules: Vec<Rule>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = RoutingRuleInput)]
struct Rule {
    /// Only conversations of this channel.
    #[serde(default)]
    channel: Option<Channel>,
    /// Only mail to this support address.
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    #[serde(default)]
    support_address: Option<String>,
    /// Only chats started on this site: an origin such as `https://shop.example.com`.
    #[schema(
        pattern = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[A-Za-z0-9.:\\[\\]-]{1,253}/*\\s*$",
        max_length = 300
    )]
    #[serde(default)]
    widget_origin: Option<String>,
    /// The team the conversation goes to.
    team_id: TeamId,
}

/// Checks every rule (a team of this organization, a well-formed address and site).
async fn parse_rules(
    app: &App,
    org_id: &OrgId,
    raw: Vec<Rule>,
) -> Result<Vec<RoutingRule>, ApiError> {
    if raw.len() > MAX_ROUTING_RULES {
        return Err(ApiError::invalid(
            "rules",
            format!("rules: at most {MAX_ROUTING_RULES}"),
        ));
    }
    let ids: Vec<String> = raw.iter().map(|r| r.team_id.to_string()).collect();
    // Distinct: a batch read refuses a key named twice, and rules may share a team.
    let mut valid: Vec<String> = ids.iter().filter(|i| is_valid_id(i)).cloned().collect();
    valid.sort();
    valid.dedup();
    let teams = if valid.is_empty() {
        Vec::new()
    } else {
        app.store.get_teams(org_id, &valid).await?
    };
    let mut out = Vec::with_capacity(raw.len());
    for r in raw {
        // Another organization's team is no team of yours: 404, the same answer as none.
        if !teams.iter().any(|t| t.id == r.team_id) {
            return Err(ApiError::NotFound("Team"));
        }
        let support_address = r
            .support_address
            .as_deref()
            .map(|a| Email::parse("rules", a).map(|e| e.as_str().to_string()))
            .transpose()?;
        let widget_origin = match r.widget_origin.as_deref() {
            Some(o) => Some(wrrk_shared::widget::parse_origin(o).ok_or_else(|| {
                ApiError::invalid(
                    "rules",
                    format!(
                        "rules: widgetOrigin {o:?} is not an origin like https://www.example.com"
                    ),
                )
            })?),
            None => None,
        };
        out.push(RoutingRule {
            channel: r.channel,
            support_address,
            widget_origin,
            team_id: r.team_id,
        });
    }
    Ok(out)
}

/// Tenancy first (404 for other ids), then permission, then a versioned write.
#[utoipa::path(
    patch,
    path = "/api/organizations/{id}/routing-rules",
    operation_id = "routing-rules-update",
    tag = "organizations",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::OrgId, Path),
    ),
    responses(
        (status = 200, description = "The rules now in force", body = wrrk_shared::http::Data<Vec<wrrk_shared::domain::RoutingRule>>),
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
    let rules = parse_rules(&app, &id, body.rules).await?;
    let org = retry_on_stale(|| async {
        let mut org = app
            .store
            .get_organization(&id)
            .await?
            .ok_or(ApiError::NotFound("Organization"))?;
        org.routing_rules = rules.clone();
        org.version += 1;
        org.updated_at = Utc::now();
        app.store.update_organization(&org).await?;
        Ok(org)
    })
    .await?;
    ok(org.routing_rules)
}
