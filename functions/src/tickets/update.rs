//! `PATCH /api/tickets/{id}`: status, priority, assignee, team, subject, tags. A lost race
//! is retried on the fresh ticket, so two agents' edits of different fields both land.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Priority, TicketStatus, TrimmedText};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, nullable, ok, parse_enum, path_id, request::MAX_JSON_BYTES,
    retry_on_stale,
};
use wrrk_shared::ids::is_valid_id;
use wrrk_shared::rbac::Permission;
use wrrk_shared::realtime;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    status: Option<String>,
    priority: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    assignee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    team_id: Option<Option<String>>,
    subject: Option<String>,
    tags: Option<Vec<String>>,
}

/// Most tags on one ticket.
const MAX_TAGS: usize = 20;

fn parse_tags(raw: &[String]) -> Result<Vec<String>, ApiError> {
    let mut tags: Vec<String> = Vec::new();
    for t in raw {
        let tag = TrimmedText::parse("tags", t, 40)?
            .into_inner()
            .to_lowercase();
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("tags: at most {MAX_TAGS}"),
        ));
    }
    Ok(tags)
}

/// Validates references once (assignee active in the org, team exists), then applies the
/// change to the freshest ticket under a version condition.
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().to_string();
    let id = path_id(&req, "id", "Ticket")?;
    let current = super::load(&app, &org, &id).await?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let status: Option<TicketStatus> = body
        .status
        .as_deref()
        .map(|s| parse_enum("status", s))
        .transpose()?;
    let priority: Option<Priority> = body
        .priority
        .as_deref()
        .map(|s| parse_enum("priority", s))
        .transpose()?;
    let subject = body
        .subject
        .as_deref()
        .map(|s| TrimmedText::parse("subject", s, 200).map(TrimmedText::into_inner))
        .transpose()?;
    let tags = body.tags.as_deref().map(parse_tags).transpose()?;

    if let Some(assignee) = &body.assignee_id {
        let touches_others = match assignee {
            Some(a) => *a != caller.user.id,
            None => current
                .assignee_id
                .as_ref()
                .is_some_and(|a| *a != caller.user.id),
        };
        if touches_others {
            caller.require(Permission::TicketsAssign)?;
        }
        if let Some(a) = assignee {
            let active =
                is_valid_id(a) && app.store.get_user(&org, a).await?.is_some_and(|u| u.active);
            if !active {
                return Err(ApiError::invalid(
                    "assigneeId",
                    "assigneeId: must be an active user of your organization",
                ));
            }
        }
    }
    if let Some(Some(team)) = &body.team_id {
        let exists = is_valid_id(team) && app.store.get_team(&org, team).await?.is_some();
        if !exists {
            return Err(ApiError::invalid("teamId", "teamId: no such team"));
        }
    }

    let ticket = retry_on_stale(|| async {
        let mut t = super::load(&app, &org, &id).await?;
        if let Some(v) = status {
            t.status = v;
        }
        if let Some(v) = priority {
            t.priority = v;
        }
        if let Some(v) = &body.assignee_id {
            t.assignee_id = v.clone();
        }
        if let Some(v) = &body.team_id {
            t.team_id = v.clone();
        }
        if let Some(v) = &subject {
            t.subject = v.clone();
        }
        if let Some(v) = &tags {
            t.tags = v.clone();
        }
        t.version += 1;
        t.updated_at = Utc::now();
        app.store.save_ticket(&t).await?;
        Ok(t)
    })
    .await?;
    realtime::ticket_updated(&app, &ticket).await;
    let view = super::views(&app, &org, vec![ticket]).await?;
    ok(&view[0])
}
