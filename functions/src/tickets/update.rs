//! `PATCH /api/tickets/{id}`: status, priority, assignee, team, subject, tags. Only the
//! fields named are written, so two agents' edits of different fields both land, and
//! messages arriving meanwhile are never overwritten.

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::assignment;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{PersonSummary, Priority, Ticket, TicketStatus, TrimmedText};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, nullable, ok, parse_enum, path_id, request::MAX_JSON_BYTES,
};
use wrrk_shared::ids::{TeamId, TicketId, UserId};
use wrrk_shared::rbac::Permission;
use wrrk_shared::store::{Conflict, StoreError, TicketChanges};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = TicketsUpdateRequest)]
struct Body {
    #[schema(value_type = Option<wrrk_shared::domain::TicketStatus>)]
    status: Option<String>,
    #[schema(value_type = Option<wrrk_shared::domain::Priority>)]
    priority: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<wrrk_shared::ids::UserId>)]
    assignee_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<wrrk_shared::ids::TeamId>)]
    team_id: Option<Option<String>>,
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 200
    )]
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

/// Assigning anyone but yourself, or taking a ticket a colleague holds (directly or by
/// clearing it), needs `tickets:assign`; a new assignee must be an active user of the org.
/// Their summary, as the ticket will carry it.
async fn check_assignment(
    app: &App,
    caller: &Caller,
    current: &Ticket,
    new_assignee: Option<&str>,
) -> Result<Option<PersonSummary>, ApiError> {
    let me = caller.user.id.as_str();
    let held_by_other = current
        .assignee_id
        .as_ref()
        .is_some_and(|a| a.as_str() != me);
    let assigns_other = new_assignee.is_some_and(|a| a != me);
    if held_by_other || assigns_other {
        caller.require(Permission::TicketsAssign)?;
    }
    let Some(a) = new_assignee else {
        return Ok(None);
    };
    let user = if let Some(a) = UserId::parse(a) {
        app.store.get_user(caller.org_id(), &a).await?
    } else {
        None
    };
    match user {
        Some(u) if u.active => Ok(Some(PersonSummary::from(&u))),
        _ => Err(ApiError::invalid(
            "assigneeId",
            "assigneeId: must be an active user of your organization",
        )),
    }
}

/// Validates references once (assignee active in the org, team exists), then applies the
/// change to the freshest ticket under a version condition.
#[utoipa::path(
    patch,
    path = "/api/tickets/{id}",
    operation_id = "tickets-update",
    tag = "tickets",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::TicketId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::Ticket>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id().clone();
    let id: TicketId = path_id(&req, "id", "Ticket")?;
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

    let assignee = match &body.assignee_id {
        Some(a) => Some(check_assignment(&app, &caller, &current, a.as_deref()).await?),
        None => None,
    };
    if let Some(Some(team)) = &body.team_id {
        let exists = match TeamId::parse(team) {
            Some(team) => app.store.get_team(&org, &team).await?.is_some(),
            None => false,
        };
        if !exists {
            return Err(ApiError::invalid("teamId", "teamId: no such team"));
        }
    }

    let changes = TicketChanges {
        status,
        priority,
        assignee,
        team_id: body.team_id.clone(),
        subject,
        tags,
        // Setting a status by hand ends a snooze (the waker then finds nothing to wake).
        snoozed_until: status.and(current.snoozed_until).map(|_| None),
    };
    // Only the named fields are written. A lost race on status or assignee is retried on
    // the fresh ticket, re-checking who may reassign it.
    let mut current = current;
    let mut tries = 0;
    let ticket = loop {
        tries += 1;
        match app.store.update_ticket(&current, &changes).await {
            Ok(t) => break t,
            Err(StoreError::Conflict(Conflict::StaleWrite)) if tries < 5 => {
                current = super::load(&app, &org, &id).await?;
                if let Some(assignee) = &body.assignee_id {
                    check_assignment(&app, &caller, &current, assignee.as_deref()).await?;
                }
            }
            Err(e) => return Err(e.into()),
        }
    };
    // Resolving or closing meets every SLA target; a new priority recounts them.
    let mut ticket = ticket;
    for event in [
        wrrk_shared::sla::status_event(current.status, ticket.status),
        wrrk_shared::sla::priority_event(current.priority, ticket.priority),
    ]
    .into_iter()
    .flatten()
    {
        ticket = wrrk_shared::sla::apply(&app, ticket, event, chrono::Utc::now()).await?;
    }
    let assignee_changed = ticket.assignee_id != current.assignee_id;
    let widen = assignee_changed || ticket.team_id != current.team_id;
    assignment::announce(
        &app,
        &ticket,
        widen,
        assignee_changed,
        Some(caller.user.id.as_str()),
        &caller.user.name,
    )
    .await;
    // Resolved, closed, unassigned or reassigned: the agents' counts follow, and a place
    // given back lets their teams' queues move.
    if assignee_changed || ticket.status != current.status {
        assignment::settle(&app, &ticket).await;
    }
    // This change resolved it: counted in the reports, and the customer is asked, once
    // per resolve.
    if status == Some(TicketStatus::Resolved) && current.status != TicketStatus::Resolved {
        let at = ticket.updated_at;
        wrrk_shared::reports::note(
            &app,
            &ticket,
            wrrk_shared::reports::Happened::Resolved { at },
        )
        .await;
        wrrk_shared::csat::send_survey(&app, &ticket).await;
    }
    ok(super::complete(&app, ticket).await?)
}
