//! "Who else is viewing": the agents who have a ticket open, derived from the ticket's
//! room. The room entries `ticket:subscribe` writes anyway carry the user's id and name,
//! so viewers cost no write of their own: one Query of the room when someone joins or
//! leaves it, and a `ticket:viewers` frame to the room's other agents only when the set
//! of people changed (a second tab of someone already there, or a repeated subscribe,
//! announces nothing). Visitors are never listed and never told.
//!
//! Each snapshot carries `at`, when the room was read: frames from different invocations
//! may arrive out of order, so clients keep the latest snapshot per ticket.

use std::collections::HashSet;

use chrono::Utc;

use crate::App;
use crate::domain::{Connection, ConnectionKind, RoomMember};
use crate::events::Event;
pub use crate::events::{Viewer, Viewers};
use crate::ids::{OrgId, TicketId};
use crate::realtime;

/// The distinct agents among a room's connections, by name.
pub fn viewers_of(members: &[RoomMember]) -> Vec<Viewer> {
    let mut seen = HashSet::new();
    let mut out: Vec<Viewer> = members
        .iter()
        .filter(|m| m.kind == ConnectionKind::Agent)
        .filter_map(|m| {
            Some(Viewer {
                user_id: m.user_id.clone()?,
                name: m.name.clone().unwrap_or_default(),
            })
        })
        .filter(|v| seen.insert(v.user_id.clone()))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.user_id.cmp(&b.user_id)));
    out
}

fn is_users(m: &RoomMember, conn: &Connection) -> bool {
    m.kind == ConnectionKind::Agent && m.user_id.as_deref() == Some(conn.user_id.as_str())
}

/// Connections of a room read for its viewers: a real room holds a few agents and a
/// visitor; past this (a benchmark's thousand sockets) the list and its announcements
/// cover the first ones only, so a subscribe never reads a huge room.
pub const MAX_VIEWER_CONNECTIONS: usize = 100;

/// Reads the room of `ticket_id`; `None` (logged) when the read fails.
async fn read(
    app: &App,
    org_id: &OrgId,
    ticket_id: &TicketId,
) -> Option<(Vec<RoomMember>, Viewers)> {
    let members = app
        .store
        .room_members_upto(org_id, ticket_id, MAX_VIEWER_CONNECTIONS)
        .await;
    match members {
        Ok(members) => {
            let viewers = Viewers {
                ticket_id: ticket_id.to_string(),
                viewers: viewers_of(&members),
                at: Utc::now(),
            };
            Some((members, viewers))
        }
        Err(e) => {
            tracing::error!(error = ?e, %ticket_id, "reading a room's viewers failed");
            None
        }
    }
}

/// Sends the snapshot to the room's agents but `except`.
async fn announce(app: &App, members: &[RoomMember], viewers: &Viewers, except: Option<&str>) {
    let targets = members
        .iter()
        .filter(|m| m.kind == ConnectionKind::Agent)
        .map(|m| m.connection_id.clone())
        .collect();
    realtime::to_connections(app, targets, &Event::TicketViewers(viewers.clone()), except).await;
}

/// Agent connection `conn` has joined the room of `ticket_id` (`was_following`: it
/// already had before this frame). Tells the room's other agents when `conn`'s user is
/// new there; the snapshot is for the subscriber's own acknowledgement.
pub async fn joined(
    app: &App,
    conn: &Connection,
    ticket_id: &TicketId,
    was_following: bool,
) -> Option<Viewers> {
    let (members, viewers) = read(app, &conn.org_id, ticket_id).await?;
    let own = members.iter().filter(|m| is_users(m, conn)).count();
    if !was_following && own <= 1 {
        announce(app, &members, &viewers, Some(&conn.id)).await;
    }
    Some(viewers)
}

/// Agent connection `conn` has left the room of `ticket_id`: tells the agents still
/// there, unless another connection of the same user still has the ticket open.
pub async fn left(app: &App, conn: &Connection, ticket_id: &TicketId) {
    if conn.kind != ConnectionKind::Agent {
        return;
    }
    let Some((members, viewers)) = read(app, &conn.org_id, ticket_id).await else {
        return;
    };
    if members.iter().any(|m| is_users(m, conn)) {
        return;
    }
    announce(app, &members, &viewers, None).await;
}

/// A connection closed (its room entries are gone): every room it followed is told.
pub async fn connection_closed(app: &App, conn: &Connection) {
    if conn.kind != ConnectionKind::Agent {
        return;
    }
    futures::future::join_all(conn.rooms.iter().map(|t| left(app, conn, t))).await;
}
