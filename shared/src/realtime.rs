//! Server events over the WebSocket API: `{"event": NAME, "data": {...}}` pushed with the
//! API Gateway management API (`PostToConnection`) to a ticket's room or an organization.
//!
//! Fan-out posts to every target concurrently (bounded), so one slow or dead connection
//! never holds up the rest; a connection that answers 410 Gone is closed in the store,
//! exactly as `$disconnect` would, and a user who thereby goes offline is announced.
//! Delivery failures are logged, never returned: the data is stored, and clients catch up
//! with `GET /api/tickets/{id}/messages?after=` after a reconnect.

use std::time::Duration;

use aws_sdk_apigatewaymanagement::Client;
use aws_sdk_apigatewaymanagement::operation::post_to_connection::PostToConnectionError;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use chrono::{DateTime, Utc};
use futures::StreamExt;

use crate::App;
use crate::ids::{OrgId, TeamId, TicketId, UserId};
use std::collections::HashSet;

use crate::domain::{
    AgentConnection, AuthorType, Connection, ConnectionKind, Message, Presence, Ticket,
    TicketSummary,
};
use crate::events::{
    Event, NewMessage, NoticeKind, PresenceChange, PresenceStatus, TicketNotice, Typing,
    VisitorEvent,
};

/// Posts in flight at once during one fan-out.
const FAN_OUT_CONCURRENCY: usize = 64;
/// How long a typing indicator lasts if `typing:stop` never comes.
pub const TYPING_TTL_SECONDS: i64 = 8;
/// How long after opening a connection a 410 is not taken as "gone": longer than API
/// Gateway waits for a `$connect` integration (29 s).
pub const CONNECT_GRACE: chrono::Duration = chrono::Duration::seconds(30);
/// Longest a single post may take before it counts as failed.
pub const POST_TIMEOUT: Duration = Duration::from_secs(3);

/// The management API client, or nothing where no WebSocket API is configured.
#[derive(Clone)]
pub struct Publisher {
    client: Option<Client>,
}

/// What one post achieved.
pub(crate) enum Outcome {
    Delivered,
    Gone,
    Failed,
}

impl Publisher {
    /// A publisher over `client` (`None` disables publishing, e.g. in a function that
    /// never publishes and so has no endpoint configured).
    pub fn new(client: Option<Client>) -> Self {
        Self { client }
    }

    pub(crate) async fn post(&self, connection_id: &str, payload: &[u8]) -> Outcome {
        let Some(client) = &self.client else {
            return Outcome::Failed;
        };
        let result = client
            .post_to_connection()
            .connection_id(connection_id)
            .data(Blob::new(payload))
            .send()
            .await;
        match result {
            Ok(_) => Outcome::Delivered,
            Err(e)
                if matches!(
                    e.as_service_error(),
                    Some(PostToConnectionError::GoneException(_))
                ) =>
            {
                Outcome::Gone
            }
            Err(e) => {
                tracing::warn!(error = ?e, connection_id, "posting to a connection failed");
                Outcome::Failed
            }
        }
    }

    /// Closes a connection at the gateway (`DeleteConnection`); one already gone is fine.
    pub(crate) async fn disconnect(&self, connection_id: &str) {
        let Some(client) = &self.client else {
            return;
        };
        let result = client
            .delete_connection()
            .connection_id(connection_id)
            .send()
            .await;
        if let Err(e) = result
            && !matches!(
                e.as_service_error(),
                Some(aws_sdk_apigatewaymanagement::operation::delete_connection::DeleteConnectionError::GoneException(_))
            )
        {
            tracing::warn!(error = ?e, connection_id, "closing a connection failed");
        }
    }

    /// Whether publishing is configured at all.
    pub fn enabled(&self) -> bool {
        self.client.is_some()
    }
}

/// Sends `for_agents` to the agents following `ticket_id` and `for_visitors` (when
/// given) to its visitors, but not to `except` (the sender).
pub async fn to_ticket(
    app: &App,
    org_id: &OrgId,
    ticket_id: &TicketId,
    for_agents: &Event,
    for_visitors: Option<&VisitorEvent>,
    except: Option<&str>,
) {
    if !app.publisher.enabled() {
        return;
    }
    let members = match app.store.room_members(org_id, ticket_id).await {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = ?e, %ticket_id, event = for_agents.name(), "reading a room failed");
            return;
        }
    };
    let payloads = [
        for_agents.frame(),
        for_visitors.map(VisitorEvent::frame).unwrap_or_default(),
    ];
    let targets = members
        .into_iter()
        .filter(|m| m.kind == ConnectionKind::Agent || for_visitors.is_some())
        .filter(|m| Some(m.connection_id.as_str()) != except)
        .map(|m| {
            let which = usize::from(m.kind == ConnectionKind::Visitor);
            (m.connection_id, which)
        })
        .collect();
    let gone = deliver_each(app, targets, &payloads).await;
    close_gone(app, gone, true).await;
}

/// A stored message reached `ticket` (as it is after the message): `message:new` to the
/// ticket's room (agents' copies with the ticket's summary; visitors hear public messages
/// only) and, when `list_changed`, `ticket:updated` to the organization's lists (agent
/// connections that follow no ticket; one viewing another ticket shows no list). Agents
/// the message `concerns` (see [`crate::notify::concerned`]) get `ticket:notify` on their
/// connections outside the room instead, wherever they are. So each connection hears at
/// most one event per message, and a busy organization's agents at work on tickets are
/// not sent every other ticket's activity. The room and the organization's connections
/// are read together (one Query each), and every post goes out in one bounded fan-out.
pub async fn message_stored(
    app: &App,
    ticket: &Ticket,
    message: &Message,
    list_changed: bool,
    concerns: &[(UserId, NoticeKind)],
) {
    if !app.publisher.enabled() {
        return;
    }
    let org_id = &ticket.org_id;
    let others = async {
        if list_changed || !concerns.is_empty() {
            app.store.org_agent_connections(org_id).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (members, others) = tokio::join!(app.store.room_members(org_id, &ticket.id), others);
    let members = match members {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = ?e, ticket_id = %ticket.id, "reading a room failed");
            Vec::new()
        }
    };
    let summary = TicketSummary::from(ticket);
    let for_agents = Event::MessageNew(Box::new(NewMessage {
        message: message.clone(),
        ticket: summary.clone(),
    }))
    .frame();
    let for_visitors = VisitorEvent::MessageNew(message.into()).frame();
    let mut agents = Vec::new();
    let mut visitors = Vec::new();
    for m in members {
        match m.kind {
            ConnectionKind::Agent => agents.push(m.connection_id),
            ConnectionKind::Visitor if !message.internal => visitors.push(m.connection_id),
            ConnectionKind::Visitor => {}
        }
    }
    let others = match others {
        Ok(Some(c)) => c,
        Ok(None) => Vec::new(),
        Err(e) => {
            tracing::error!(error = ?e, %org_id, "reading the organization's connections failed");
            Vec::new()
        }
    };
    let mut payloads = vec![
        for_agents,
        for_visitors,
        Event::TicketUpdated(summary.clone()).frame(),
    ];
    let notice_frames: Vec<(&str, usize)> = concerns
        .iter()
        .map(|(user, kind)| {
            payloads.push(
                Event::TicketNotify(TicketNotice {
                    kind: *kind,
                    ticket: summary.clone(),
                    by_user_id: (message.author_type == AuthorType::Agent)
                        .then(|| message.author_id.clone())
                        .flatten(),
                    by_name: message.author_name.clone(),
                    excerpt: Some(crate::notify::excerpt(&message.content)),
                })
                .frame(),
            );
            (user.as_str(), payloads.len() - 1)
        })
        .collect();
    let outside: Vec<(String, usize)> = others
        .into_iter()
        .filter(|c| !agents.contains(&c.connection_id))
        .filter_map(|c| {
            let notice = notice_frames
                .iter()
                .find(|(user, _)| *user == c.user_id)
                .map(|(_, i)| *i);
            match notice {
                Some(i) => Some((c.connection_id, i)),
                None if list_changed && c.on_list => Some((c.connection_id, 2)),
                None => None,
            }
        })
        .collect();
    let targets = agents
        .into_iter()
        .map(|id| (id, 0))
        .chain(visitors.into_iter().map(|id| (id, 1)))
        .chain(outside)
        .collect();
    let gone = deliver_each(app, targets, &payloads).await;
    close_gone(app, gone, true).await;
}

/// Sends `event` to every agent connection of the organization but `except`.
pub async fn to_org(app: &App, org_id: &OrgId, event: &Event, except: Option<&str>) {
    to_org_inner(app, org_id, &event.frame(), except, true).await;
}

async fn to_org_inner(
    app: &App,
    org_id: &OrgId,
    payload: &[u8],
    except: Option<&str>,
    announce: bool,
) {
    if !app.publisher.enabled() {
        return;
    }
    match app.store.org_connection_ids(org_id).await {
        Ok(ids) => fan_out(app, ids.into_iter(), except, payload, announce).await,
        Err(e) => {
            tracing::error!(error = ?e, %org_id, "reading the organization's connections failed");
        }
    }
}

/// Delivers `payload` to `targets` but `except`, then closes the ones that are gone.
async fn fan_out(
    app: &App,
    targets: impl Iterator<Item = String>,
    except: Option<&str>,
    payload: &[u8],
    announce: bool,
) {
    let targets = targets.filter(|id| Some(id.as_str()) != except).collect();
    let gone = deliver(app, targets, payload).await;
    close_gone(app, gone, announce).await;
}

/// Posts `payload` to every target, at most [`FAN_OUT_CONCURRENCY`] at a time; the ids
/// that answered 410 Gone.
async fn deliver(app: &App, targets: Vec<String>, payload: &[u8]) -> Vec<String> {
    let payloads = [payload.to_vec()];
    deliver_each(
        app,
        targets.into_iter().map(|id| (id, 0)).collect(),
        &payloads,
    )
    .await
}

/// Posts each target the payload it names (an index into `payloads`), at most
/// [`FAN_OUT_CONCURRENCY`] at a time; the ids that answered 410 Gone.
async fn deliver_each(
    app: &App,
    targets: Vec<(String, usize)>,
    payloads: &[Vec<u8>],
) -> Vec<String> {
    futures::stream::iter(targets)
        .map(|(id, which)| async move {
            match app.publisher.post(&id, &payloads[which]).await {
                Outcome::Gone => Some(id),
                Outcome::Delivered | Outcome::Failed => None,
            }
        })
        .buffer_unordered(FAN_OUT_CONCURRENCY)
        .filter_map(futures::future::ready)
        .collect()
        .await
}

/// Closes connections that are gone; announces users that thereby went offline (once:
/// connections found gone while announcing are closed without another round). A
/// connection younger than [`CONNECT_GRACE`] is left alone: API Gateway answers 410 until
/// `$connect` has returned, so a broadcast that races a connect sees a 410 from a socket
/// that is about to open.
async fn close_gone(app: &App, gone: Vec<String>, announce: bool) {
    let cutoff = Utc::now() - CONNECT_GRACE;
    for id in gone {
        match app
            .store
            .close_connection_opened_before(&id, Some(cutoff))
            .await
        {
            Ok(Some(closed)) => {
                tracing::info!(connection_id = %id, "connection gone; removed it");
                if let (Some(presence), true) = (closed.offline, announce) {
                    let payload =
                        Event::PresenceUpdate(presence_data(&closed.connection, &presence)).frame();
                    Box::pin(to_org_inner(
                        app,
                        &closed.connection.org_id,
                        &payload,
                        None,
                        false,
                    ))
                    .await;
                }
            }
            Ok(None) => {
                tracing::debug!(connection_id = %id, "410 from a connection still connecting; kept")
            }
            Err(e) => {
                tracing::error!(error = ?e, connection_id = %id, "removing a gone connection failed")
            }
        }
    }
}

/// The `presence:update` data for `conn`'s user.
pub fn presence_data(conn: &Connection, presence: &Presence) -> PresenceChange {
    PresenceChange {
        user_id: conn.user_id.clone(),
        name: conn.name.clone(),
        status: if presence.connections > 0 {
            PresenceStatus::Online
        } else {
            PresenceStatus::Offline
        },
        connections: presence.connections,
        online_since: presence.online_since,
        last_seen_at: presence.last_seen_at,
    }
}

/// Announces `conn`'s user's presence change to the organization (not to `conn` itself,
/// which at `$connect` is not open yet).
pub async fn presence_changed(app: &App, conn: &Connection, presence: &Presence) {
    to_org(
        app,
        &conn.org_id,
        &Event::PresenceUpdate(presence_data(conn, presence)),
        Some(&conn.id),
    )
    .await;
}

/// A ticket was opened: its list summary to every agent connection of the organization
/// (of the ticket's team only, when it is routed to one, plus the lists, which show every
/// ticket), whatever page each shows, so an agent at work on another ticket hears of the
/// new conversation. One event per connection.
pub async fn ticket_created(app: &App, ticket: &Ticket) {
    if !app.publisher.enabled() {
        return;
    }
    let targets = match audience(app, ticket).await {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(error = ?e, ticket_id = %ticket.id, "reading the organization's connections failed");
            return;
        }
    };
    let payload = Event::TicketCreated(TicketSummary::from(ticket)).frame();
    fan_out(
        app,
        targets.into_iter().map(|c| c.connection_id),
        None,
        &payload,
        true,
    )
    .await;
}

/// The connections that hear of a new or reassigned ticket: every agent connection of the
/// organization, or of the ticket's team's members plus the lists when it has a team. One
/// Query of the organization's connections (and one of the team's members).
async fn audience(app: &App, ticket: &Ticket) -> crate::store::StoreResult<Vec<AgentConnection>> {
    let org_id = &ticket.org_id;
    let connections = app.store.org_agent_connections(org_id).await?;
    let Some(team_id) = &ticket.team_id else {
        return Ok(connections);
    };
    let members = team_member_set(app, org_id, team_id).await?;
    Ok(connections
        .into_iter()
        .filter(|c| c.on_list || members.contains(&c.user_id))
        .collect())
}

/// Every member id of a team (paged reads; teams are small).
async fn team_member_set(
    app: &App,
    org_id: &OrgId,
    team_id: &TeamId,
) -> crate::store::StoreResult<HashSet<String>> {
    let mut members = HashSet::new();
    let mut start = None;
    loop {
        let page = app
            .store
            .team_member_ids(org_id, team_id, 1000, start)
            .await?;
        members.extend(page.items);
        match page.next {
            Some(next) => start = Some(next),
            None => return Ok(members),
        }
    }
}

/// An agent to tell about a ticket's change with `ticket:notify`, and who caused it.
#[derive(Debug, Clone, Copy)]
pub struct Tell<'a> {
    /// The agent told.
    pub user_id: &'a UserId,
    /// Why.
    pub kind: NoticeKind,
    /// The agent who caused it (none: wrrk itself, e.g. a snooze ending).
    pub by_user_id: Option<&'a str>,
    /// Their name.
    pub by_name: &'a str,
}

/// A ticket's fields changed: its list summary to the organization's lists and to the
/// agents viewing it (nothing else tells them). When its assignee or team changed
/// (`widen`), it reaches every connection that hears of new tickets too
/// ([`ticket_created`]). The connections of the agent in `tell` get `ticket:notify` in its
/// place, from any page. Each connection gets one event.
pub async fn ticket_updated(app: &App, ticket: &Ticket, widen: bool, tell: Option<Tell<'_>>) {
    if !app.publisher.enabled() {
        return;
    }
    let org_id = &ticket.org_id;
    let others = async {
        if widen {
            audience(app, ticket).await
        } else if let Some(t) = tell {
            let all = app.store.org_agent_connections(org_id).await?;
            Ok(all
                .into_iter()
                .filter(|c| c.on_list || c.user_id == t.user_id.as_str())
                .collect())
        } else {
            app.store.list_connection_ids(org_id).await.map(|ids| {
                ids.into_iter()
                    .map(|connection_id| AgentConnection {
                        connection_id,
                        user_id: String::new(),
                        on_list: true,
                    })
                    .collect()
            })
        }
    };
    let (members, others) = tokio::join!(app.store.room_members(org_id, &ticket.id), others);
    let mut targets: Vec<(String, Option<String>)> = match members {
        Ok(m) => m
            .into_iter()
            .filter(|m| m.kind == ConnectionKind::Agent)
            .map(|m| (m.connection_id, m.user_id))
            .collect(),
        Err(e) => {
            tracing::error!(error = ?e, ticket_id = %ticket.id, "reading a room failed");
            Vec::new()
        }
    };
    match others {
        Ok(conns) => {
            let seen: HashSet<String> = targets.iter().map(|(id, _)| id.clone()).collect();
            targets.extend(
                conns
                    .into_iter()
                    .filter(|c| !seen.contains(&c.connection_id))
                    .map(|c| (c.connection_id, Some(c.user_id))),
            );
        }
        Err(e) => tracing::error!(error = ?e, ticket_id = %ticket.id, "reading the lists failed"),
    }
    let summary = TicketSummary::from(ticket);
    let mut payloads = vec![Event::TicketUpdated(summary.clone()).frame()];
    if let Some(t) = tell {
        payloads.push(
            Event::TicketNotify(TicketNotice {
                kind: t.kind,
                ticket: summary,
                by_user_id: t.by_user_id.map(str::to_string),
                by_name: t.by_name.to_string(),
                excerpt: None,
            })
            .frame(),
        );
    }
    let told = tell.map(|t| t.user_id.as_str());
    let targets = targets
        .into_iter()
        .map(|(id, user)| {
            let which = usize::from(told.is_some() && user.as_deref() == told);
            (id, which)
        })
        .collect();
    let gone = deliver_each(app, targets, &payloads).await;
    close_gone(app, gone, true).await;
}

/// The `typing:indicator` data: who, on which ticket, and until when it holds without a
/// `typing:stop` (clients drop it then, so a lost stop clears by itself).
pub fn typing_data(conn: &Connection, ticket_id: &str, typing: bool, now: DateTime<Utc>) -> Typing {
    Typing {
        ticket_id: ticket_id.to_string(),
        user_id: conn.user_id.clone(),
        name: conn.name.clone(),
        kind: conn.kind,
        typing,
        expires_at: typing.then(|| now + chrono::Duration::seconds(TYPING_TTL_SECONDS)),
    }
}

/// Sends `event` to `targets` (connection ids the caller has already read, so it need not
/// query again) but `except`.
pub async fn to_connections(app: &App, targets: Vec<String>, event: &Event, except: Option<&str>) {
    if !app.publisher.enabled() || targets.is_empty() {
        return;
    }
    fan_out(app, targets.into_iter(), except, &event.frame(), true).await;
}

/// Sends `event` to visitor connections the caller has already read (a chat's room).
pub async fn to_visitors(app: &App, targets: Vec<String>, event: &VisitorEvent) {
    if !app.publisher.enabled() || targets.is_empty() {
        return;
    }
    fan_out(app, targets.into_iter(), None, &event.frame(), true).await;
}

/// A stored message changed (its email's delivery state moved): to the agents in its
/// ticket's room, who replace it by id.
pub async fn message_updated(app: &App, message: &Message) {
    to_ticket(
        app,
        &message.org_id,
        &message.ticket_id,
        &Event::MessageUpdated(message.clone()),
        None,
        None,
    )
    .await;
}
