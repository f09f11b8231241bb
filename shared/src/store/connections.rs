//! WebSocket connections, ticket rooms and presence.
//!
//! A connection is a global item (API Gateway events carry only the connection id) plus,
//! for agents, an entry in the organization's connection list; each followed ticket adds a
//! room entry. All of them expire by TTL a little after API Gateway's two-hour limit, and
//! reads skip expired ones, since DynamoDB may delete them late.

use crate::ids::{OrgId, TicketId, UserId};
use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};

use super::Conflict;
use super::{
    Item, Page, QuerySpec, Store, StoreError, StoreResult, from_item, is_condition_failed, n, s,
    to_item,
};
use crate::domain::{
    AgentConnection, CONNECTION_LIFETIME_SECONDS, Connection, ConnectionKind, Presence, RoomMember,
};
use crate::keys::{self, attr};

/// Most rooms one connection may follow at once (a tab shows a handful of tickets).
pub const MAX_ROOMS_PER_CONNECTION: usize = 50;
/// Most live connections one agent may hold (tabs and devices); every one of them is a
/// `PostToConnection` on each organization event, so this bounds one user's fan-out cost.
pub const MAX_CONNECTIONS_PER_USER: i64 = 20;

/// What closing a connection changed.
#[derive(Debug, Clone)]
pub struct Closed {
    /// The connection that was open.
    pub connection: Connection,
    /// Set when this was the user's last connection: they are now offline.
    pub offline: Option<Presence>,
}

/// Epoch seconds at which a connection opened at `at` is certainly gone.
fn expiry(at: DateTime<Utc>) -> i64 {
    at.timestamp() + CONNECTION_LIFETIME_SECONDS
}

fn str_attr<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

fn num_attr(item: &Item, name: &str) -> Option<i64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// The tickets a connection's stored item (or organization entry) lists as followed.
fn rooms_of(item: &Item) -> Vec<String> {
    item.get("rooms")
        .and_then(|v| v.as_ss().ok())
        .cloned()
        .unwrap_or_default()
}

/// Where a connection's followed tickets are listed: an agent's organization entry (so
/// list fan-out can tell lists from viewers), a visitor's own item (it has no entry).
fn rooms_key(conn: &Connection) -> keys::Key {
    match conn.kind {
        ConnectionKind::Agent => keys::org_connection(&conn.org_id, &conn.id),
        ConnectionKind::Visitor => keys::connection(&conn.id),
    }
}

/// Whether a TTL'd item is past its expiry (DynamoDB deletes expired items lazily).
fn expired(item: &Item, now: i64) -> bool {
    num_attr(item, attr::TTL).is_some_and(|t| t <= now)
}

impl Store {
    /// Stores a new connection (and its org entry for agents); for agents, first counts it
    /// in their presence, refusing past [`MAX_CONNECTIONS_PER_USER`]
    /// (`Conflict::TooManyConnections`). Returns the presence when this connection
    /// brought the user online.
    pub async fn open_connection(&self, conn: &Connection) -> StoreResult<Option<Presence>> {
        let presence = match conn.kind {
            ConnectionKind::Agent => Some(self.count_connection(conn).await?),
            ConnectionKind::Visitor => None,
        };
        if let Err(e) = self.store_connection(conn).await {
            if presence.is_some() {
                // Give the reserved place back; the connection never opened.
                let _ = self.uncount_presence(conn).await;
            }
            return Err(e);
        }
        Ok(presence.filter(|p| p.connections == 1))
    }

    /// Reserves a place for `conn` in its user's presence count (atomic, capped).
    async fn count_connection(&self, conn: &Connection) -> StoreResult<Presence> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(
                keys::presence(&conn.org_id, &conn.user_id).to_item(),
            ))
            .update_expression(
                "ADD connections :one SET userId = :user, onlineSince = if_not_exists(onlineSince, :now)",
            )
            .condition_expression("attribute_not_exists(connections) OR connections < :max")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":max", n(MAX_CONNECTIONS_PER_USER))
            .expression_attribute_values(":user", s(&conn.user_id))
            .expression_attribute_values(":now", s(super::ts(conn.connected_at)))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match out {
            Ok(out) => from_item(out.attributes.unwrap_or_default()),
            Err(e) if is_condition_failed(&e) => Err(Conflict::TooManyConnections {
                max: MAX_CONNECTIONS_PER_USER as u64,
            }
            .into()),
            Err(e) => Err(anyhow::Error::new(e)
                .context("counting a connection in presence")
                .into()),
        }
    }

    /// Writes the connection item and, for agents, its organization entry: two single
    /// writes, not a transaction (which bills each item twice). When the second fails the
    /// first is undone; were that to fail too, the item would expire by TTL, and the
    /// connection never opened, so nothing is sent to it.
    async fn store_connection(&self, conn: &Connection) -> StoreResult<()> {
        let ttl = n(expiry(conn.connected_at));
        let mut item = to_item(&keys::connection(&conn.id), conn)?;
        item.insert(attr::TTL.into(), ttl.clone());
        self.put_one(item, Some("attribute_not_exists(PK)"))
            .await
            .context("storing a connection")?;
        if conn.kind == ConnectionKind::Agent {
            let mut entry = keys::org_connection(&conn.org_id, &conn.id).to_item();
            entry.insert("userId".into(), s(&conn.user_id));
            if let Some(session) = &conn.session {
                entry.insert("session".into(), s(session));
            }
            entry.insert(attr::TTL.into(), ttl);
            if let Err(e) = self.put_one(entry, None).await {
                // The connection never opens: take its item back.
                let _ = self.delete_keys(vec![keys::connection(&conn.id)]).await;
                return Err(anyhow::Error::new(e)
                    .context("listing a connection in its organization")
                    .into());
            }
        }
        Ok(())
    }

    /// One PutItem, under `condition` if given.
    async fn put_one(
        &self,
        item: Item,
        condition: Option<&str>,
    ) -> Result<
        (),
        aws_sdk_dynamodb::error::SdkError<
            aws_sdk_dynamodb::operation::put_item::PutItemError,
            aws_sdk_dynamodb::config::http::HttpResponse,
        >,
    > {
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_string))
            .send()
            .await
            .map(|_| ())
    }

    /// Counts one client frame on connection `id` against a fixed window of
    /// `window_seconds` allowing `max` frames, and returns the connection: `Ok(None)` when
    /// it is closed, `Err(Conflict::FrameLimit)` past the limit. One conditional update
    /// (two when a new window starts), replacing the read every action made anyway.
    pub async fn count_frame(
        &self,
        id: &str,
        window_seconds: i64,
        max: u64,
    ) -> StoreResult<Option<Connection>> {
        let now = Utc::now().timestamp();
        let window = now / window_seconds;
        let attempt = |expression: &'static str, condition: &'static str, limit: bool| {
            let mut req = self
                .db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(keys::connection(id).to_item()))
                .update_expression(expression)
                .condition_expression(condition)
                .expression_attribute_names("#ttl", attr::TTL)
                .expression_attribute_values(":w", n(window))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":now", n(now))
                .return_values(ReturnValue::AllNew);
            if limit {
                req = req.expression_attribute_values(":max", n(max));
            }
            req.send()
        };
        let same_window = attempt(
            "SET frames = frames + :one",
            "attribute_exists(PK) AND #ttl > :now AND frameWindow = :w AND frames < :max",
            true,
        )
        .await;
        let out = match same_window {
            Ok(out) => Some(out),
            Err(e) if is_condition_failed(&e) => {
                match attempt(
                    "SET frameWindow = :w, frames = :one",
                    "attribute_exists(PK) AND #ttl > :now AND (attribute_not_exists(frameWindow) OR frameWindow <> :w)",
                    false,
                )
                .await
                {
                    Ok(out) => Some(out),
                    Err(e) if is_condition_failed(&e) => None,
                    Err(e) => return Err(anyhow::Error::new(e).context("counting a frame").into()),
                }
            }
            Err(e) => return Err(anyhow::Error::new(e).context("counting a frame").into()),
        };
        match out {
            Some(out) => Ok(Some(from_item(out.attributes.unwrap_or_default())?)),
            // Either closed (or expired), or this window is full.
            None => match self.get_connection(id).await? {
                None => Ok(None),
                Some(_) => Err(Conflict::FrameLimit {
                    max,
                    window_seconds,
                }
                .into()),
            },
        }
    }

    /// Marks `conn` typing on `ticket_id`; `false` when it already was, and was announced
    /// less than a refresh ago (the room need not hear it again before `refresh_after`).
    pub async fn start_typing(
        &self,
        conn: &Connection,
        ticket_id: &TicketId,
        refresh_after: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::connection(&conn.id).to_item()))
            .update_expression("SET typingTicket = :t, typingRefresh = :refresh")
            .condition_expression(
                "attribute_exists(PK) AND NOT (typingTicket = :t AND typingRefresh > :now)",
            )
            .expression_attribute_values(":t", s(ticket_id))
            .expression_attribute_values(":refresh", n(refresh_after.timestamp()))
            .expression_attribute_values(":now", n(Utc::now().timestamp()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::new(e).context("marking typing").into()),
        }
    }

    /// Clears `conn`'s typing mark (the next start is announced again).
    pub async fn stop_typing(&self, conn: &Connection) -> StoreResult<()> {
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::connection(&conn.id).to_item()))
            .update_expression("REMOVE typingTicket, typingRefresh")
            .condition_expression("attribute_exists(PK)")
            .send()
            .await
            .map(|_| ())
            .or_else(|e| {
                if is_condition_failed(&e) {
                    Ok(())
                } else {
                    Err(anyhow::Error::new(e).context("clearing typing").into())
                }
            })
    }

    /// The live connection `id`, if it exists and has not expired.
    pub async fn get_connection(&self, id: &str) -> StoreResult<Option<Connection>> {
        match self.get_item(&keys::connection(id)).await? {
            Some(item) if !expired(&item, Utc::now().timestamp()) => Ok(Some(from_item(item)?)),
            _ => Ok(None),
        }
    }

    /// Removes connection `id` with its org entry and room entries, and uncounts it from
    /// presence. Idempotent: of `$disconnect` and a fan-out that met 410 Gone, only the
    /// first to delete the item gets `Some`, so presence is decremented exactly once.
    pub async fn close_connection(&self, id: &str) -> StoreResult<Option<Closed>> {
        self.close_connection_opened_before(id, None).await
    }

    /// [`Store::close_connection`], but only if the connection opened before `cutoff`
    /// (`None` when it is younger, or already gone). A post to a connection whose
    /// `$connect` has not returned yet is answered 410 by API Gateway; such a connection
    /// is about to open, not gone.
    pub async fn close_connection_opened_before(
        &self,
        id: &str,
        cutoff: Option<DateTime<Utc>>,
    ) -> StoreResult<Option<Closed>> {
        let mut req = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::connection(id).to_item()))
            .return_values(ReturnValue::AllOld);
        if let Some(cutoff) = cutoff {
            // The TTL is the opening time plus a fixed lifetime: a number to compare.
            req = req
                .condition_expression("#ttl <= :cutoff")
                .expression_attribute_names("#ttl", attr::TTL)
                .expression_attribute_values(":cutoff", n(expiry(cutoff)));
        }
        let out = match req.send().await {
            Ok(out) => out,
            Err(e) if is_condition_failed(&e) => return Ok(None),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context("deleting a connection")
                    .into());
            }
        };
        let Some(old) = out.attributes.filter(|a| !a.is_empty()) else {
            return Ok(None);
        };
        let mut rooms = rooms_of(&old);
        let mut connection: Connection = from_item(old)?;
        let org = &connection.org_id;
        if connection.kind == ConnectionKind::Agent {
            // An agent's rooms are listed on its organization entry.
            let entry = self
                .db
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(keys::org_connection(org, id).to_item()))
                .return_values(ReturnValue::AllOld)
                .send()
                .await
                .context("deleting a connection's organization entry")?;
            rooms.extend(entry.attributes.as_ref().map(rooms_of).unwrap_or_default());
        }
        let entries: Vec<keys::Key> = rooms
            .iter()
            .map(|t| keys::room_member(org, t, id))
            .collect();
        self.delete_keys(entries).await?;
        // Whoever handles the closing (viewers) sees every room it followed (ids the store
        // wrote).
        connection.rooms = rooms.into_iter().map(TicketId::trusted).collect();
        let offline = match connection.kind {
            ConnectionKind::Agent => self.uncount_presence(&connection).await?,
            ConnectionKind::Visitor => None,
        };
        Ok(Some(Closed {
            connection,
            offline,
        }))
    }

    /// Takes one connection off a user's presence; the presence if they went offline.
    async fn uncount_presence(&self, conn: &Connection) -> StoreResult<Option<Presence>> {
        let key = keys::presence(&conn.org_id, &conn.user_id);
        // Guarded so a count that drifted (an expired connection never closed) stays >= 0.
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .update_expression("ADD connections :minus")
            .condition_expression("connections > :zero")
            .expression_attribute_values(":minus", n(-1))
            .expression_attribute_values(":zero", n(0))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        let presence: Presence = match result {
            Ok(out) => from_item(out.attributes.unwrap_or_default())?,
            Err(e) if is_condition_failed(&e) => return Ok(None),
            Err(e) => return Err(anyhow::Error::new(e).context("uncounting presence").into()),
        };
        if presence.connections > 0 {
            return Ok(None);
        }
        let now = Utc::now();
        // Only if nobody reconnected in between.
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .update_expression("SET lastSeenAt = :now REMOVE onlineSince")
            .condition_expression("connections = :zero")
            .expression_attribute_values(":now", s(super::ts(now)))
            .expression_attribute_values(":zero", n(0))
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(from_item(out.attributes.unwrap_or_default())?)),
            Err(e) if is_condition_failed(&e) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context("marking offline").into()),
        }
    }

    /// Adds `conn` to the room of `ticket_id` (idempotent). `NotFound("Connection")` if
    /// the connection closed meanwhile; `Conflict::TooManyRooms` past the limit.
    ///
    /// Two single writes, not a transaction (which bills each item twice): first the
    /// connection lists the room (under its limit), then the room entry. If the second
    /// fails, the connection lists a room it is not in until it closes, which only
    /// deletes an entry that is not there. An agent's rooms are listed on its
    /// organization entry, so the organization's connections that follow no ticket (its
    /// lists) are one filtered read away ([`Store::list_connection_ids`]).
    /// Returns whether the connection already followed the ticket (a repeated subscribe).
    pub async fn join_room(&self, conn: &Connection, ticket_id: &TicketId) -> StoreResult<bool> {
        let counted = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(rooms_key(conn).to_item()))
            .update_expression("ADD rooms :room")
            .condition_expression(
                "attribute_exists(PK) AND (attribute_not_exists(rooms) OR contains(rooms, :ticket) OR size(rooms) < :max)",
            )
            .expression_attribute_values(":room", AttributeValue::Ss(vec![ticket_id.to_string()]))
            .expression_attribute_values(":ticket", s(ticket_id))
            .expression_attribute_values(":max", n(MAX_ROOMS_PER_CONNECTION))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        let was_following = match counted {
            Ok(out) => out
                .attributes
                .as_ref()
                .is_some_and(|old| rooms_of(old).iter().any(|t| t == ticket_id)),
            Err(e) if is_condition_failed(&e) => {
                return match self.get_connection(&conn.id).await? {
                    // The condition also fails when the connection is gone.
                    Some(_) => Err(Conflict::TooManyRooms {
                        max: MAX_ROOMS_PER_CONNECTION,
                    }
                    .into()),
                    None => Err(StoreError::NotFound("Connection")),
                };
            }
            Err(e) => return Err(anyhow::Error::new(e).context("joining a room").into()),
        };
        let mut entry = keys::room_member(&conn.org_id, ticket_id, &conn.id).to_item();
        entry.insert("kind".into(), s(kind_str(conn.kind)));
        // Who, so the room's one Query also answers "who else is viewing".
        entry.insert("userId".into(), s(&conn.user_id));
        entry.insert("name".into(), s(&conn.name));
        entry.insert(attr::TTL.into(), n(expiry(conn.connected_at)));
        self.put_one(entry, None).await.context("joining a room")?;
        Ok(was_following)
    }

    /// Removes `conn` from the room of `ticket_id` (idempotent). Two single writes, as
    /// in [`Store::join_room`]. Returns whether the connection followed the ticket.
    pub async fn leave_room(&self, conn: &Connection, ticket_id: &TicketId) -> StoreResult<bool> {
        let uncounted = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(rooms_key(conn).to_item()))
            .update_expression("DELETE rooms :room")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":room", AttributeValue::Ss(vec![ticket_id.to_string()]))
            .return_values(ReturnValue::UpdatedOld)
            .send()
            .await;
        let was_following = match uncounted {
            Ok(out) => out
                .attributes
                .as_ref()
                .is_some_and(|old| rooms_of(old).iter().any(|t| t == ticket_id)),
            Err(e) if is_condition_failed(&e) => return Err(StoreError::NotFound("Connection")),
            Err(e) => return Err(anyhow::Error::new(e).context("leaving a room").into()),
        };
        self.delete_keys(vec![keys::room_member(&conn.org_id, ticket_id, &conn.id)])
            .await?;
        Ok(was_following)
    }

    /// Whether connection `connection_id` is in the room of `ticket_id`.
    pub async fn in_room(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        connection_id: &str,
    ) -> StoreResult<bool> {
        let item = self
            .get_item(&keys::room_member(org_id, ticket_id, connection_id))
            .await?;
        Ok(item.is_some_and(|i| !expired(&i, Utc::now().timestamp())))
    }

    /// Every live connection in the room of `ticket_id`.
    pub async fn room_members(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
    ) -> StoreResult<Vec<RoomMember>> {
        let items = self.query_all(&room_query(org_id, ticket_id)).await?;
        Ok(room_members_of(&items))
    }

    /// The room's first `max` connections (one Query of at most `max` items): what "who
    /// else is viewing" reads, so a pathological room (a benchmark's thousand sockets)
    /// costs no more per subscribe than a busy real one.
    pub async fn room_members_upto(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        max: usize,
    ) -> StoreResult<Vec<RoomMember>> {
        let now = Utc::now().timestamp();
        let page = self
            .query_page(&room_query(org_id, ticket_id), max, None)
            .await?;
        let items: Vec<Item> = page
            .items
            .into_iter()
            .filter(|i| !expired(i, now))
            .collect();
        Ok(room_members_of(&items))
    }

    /// Every live agent connection of the organization (for org-wide events).
    pub async fn org_connection_ids(&self, org_id: &OrgId) -> StoreResult<Vec<String>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_connections_pk(org_id),
            keys::CONNECTION_PREFIX.into(),
            true,
        );
        let items = self.query_all(&q).await?;
        Ok(items
            .iter()
            .filter_map(|i| str_attr(i, attr::SK)?.strip_prefix(keys::CONNECTION_PREFIX))
            .map(str::to_string)
            .collect())
    }

    /// The organization's agent connections that follow no ticket: the ones showing
    /// lists (a connection viewing a ticket hears that ticket's changes in its room). A
    /// set that loses its last element is removed, so "no rooms" is a missing attribute.
    pub async fn list_connection_ids(&self, org_id: &OrgId) -> StoreResult<Vec<String>> {
        let mut q = QuerySpec::prefix(
            None,
            keys::org_connections_pk(org_id),
            keys::CONNECTION_PREFIX.into(),
            true,
        );
        q.and_filter("attribute_not_exists(rooms)");
        let items = self.query_all(&q).await?;
        Ok(items
            .iter()
            .filter_map(|i| str_attr(i, attr::SK)?.strip_prefix(keys::CONNECTION_PREFIX))
            .map(str::to_string)
            .collect())
    }

    /// Every live agent connection of the organization with its agent and whether it
    /// shows a list: one Query serves "everyone", "a team's members" and "the lists".
    pub async fn org_agent_connections(&self, org_id: &OrgId) -> StoreResult<Vec<AgentConnection>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_connections_pk(org_id),
            keys::CONNECTION_PREFIX.into(),
            true,
        );
        let items = self.query_all(&q).await?;
        Ok(items
            .iter()
            .filter_map(|i| {
                Some(AgentConnection {
                    connection_id: str_attr(i, attr::SK)?
                        .strip_prefix(keys::CONNECTION_PREFIX)?
                        .to_string(),
                    user_id: str_attr(i, "userId")?.to_string(),
                    on_list: !i.contains_key("rooms"),
                })
            })
            .collect())
    }

    /// The live connections of one user (of one session of theirs, if given).
    pub async fn user_connection_ids(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
        session: Option<&str>,
    ) -> StoreResult<Vec<String>> {
        let mut q = QuerySpec::prefix(
            None,
            keys::org_connections_pk(org_id),
            keys::CONNECTION_PREFIX.into(),
            true,
        );
        q.and_filter("userId = :user");
        q.values.insert(":user".into(), s(user_id));
        if let Some(session) = session {
            q.and_filter("#session = :session");
            q.names.insert("#session".into(), "session".into());
            q.values.insert(":session".into(), s(session));
        }
        let items = self.query_all(&q).await?;
        Ok(items
            .iter()
            .filter_map(|i| str_attr(i, attr::SK)?.strip_prefix(keys::CONNECTION_PREFIX))
            .map(str::to_string)
            .collect())
    }

    /// One page of the organization's online users (at least one live connection).
    pub async fn list_online(
        &self,
        org_id: &OrgId,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Presence>> {
        let mut q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::PRESENCE_PREFIX.into(),
            true,
        );
        q.and_filter("connections > :zero");
        q.values.insert(":zero".into(), n(0));
        self.query_as(&q, limit, start).await
    }

    /// Every unexpired item a Query matches, across pages (rooms and org lists are small
    /// enough to read whole: they hold live connections only).
    async fn query_all(&self, q: &QuerySpec) -> StoreResult<Vec<Item>> {
        let now = Utc::now().timestamp();
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let page = self.query_page(q, 1000, start).await?;
            items.extend(page.items.into_iter().filter(|i| !expired(i, now)));
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// Deletes items by key, 25 per BatchWriteItem, retrying unprocessed ones.
    async fn delete_keys(&self, keys: Vec<keys::Key>) -> StoreResult<()> {
        use aws_sdk_dynamodb::types::{DeleteRequest, WriteRequest};
        for chunk in keys.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|k| {
                    DeleteRequest::builder()
                        .set_key(Some(k.to_item()))
                        .build()
                        .map(|d| WriteRequest::builder().delete_request(d).build())
                })
                .collect::<Result<_, _>>()
                .context("building deletes")?;
            for _attempt in 0..8 {
                if pending.is_empty() {
                    break;
                }
                let out = self
                    .db
                    .batch_write_item()
                    .request_items(&self.table, std::mem::take(&mut pending))
                    .send()
                    .await
                    .context("BatchWriteItem failed")?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut u| u.remove(&self.table))
                    .unwrap_or_default();
            }
            if !pending.is_empty() {
                return Err(anyhow::anyhow!("BatchWriteItem left deletes unprocessed").into());
            }
        }
        Ok(())
    }
}

fn kind_str(kind: ConnectionKind) -> &'static str {
    match kind {
        ConnectionKind::Agent => "AGENT",
        ConnectionKind::Visitor => "VISITOR",
    }
}

/// The Query of a ticket's room.
fn room_query(org_id: &OrgId, ticket_id: &TicketId) -> QuerySpec {
    QuerySpec::prefix(
        None,
        keys::room_pk(org_id, ticket_id),
        keys::CONNECTION_PREFIX.into(),
        true,
    )
}

/// Room entries as fan-out and viewers read them.
fn room_members_of(items: &[Item]) -> Vec<RoomMember> {
    items
        .iter()
        .filter_map(|i| {
            let id = str_attr(i, attr::SK)?.strip_prefix(keys::CONNECTION_PREFIX)?;
            let kind = match str_attr(i, "kind") {
                Some("VISITOR") => ConnectionKind::Visitor,
                _ => ConnectionKind::Agent,
            };
            Some(RoomMember {
                connection_id: id.to_string(),
                kind,
                user_id: str_attr(i, "userId").map(str::to_string),
                name: str_attr(i, "name").map(str::to_string),
            })
        })
        .collect()
}

impl Store {
    /// How many live connections `user_id` holds (0 when offline or never seen).
    pub async fn connection_count(&self, org_id: &OrgId, user_id: &UserId) -> StoreResult<i64> {
        let item = self.get_item(&keys::presence(org_id, user_id)).await?;
        Ok(item.and_then(|i| num_attr(&i, "connections")).unwrap_or(0))
    }

    /// Claims the one notification mail `user_id` may get about `ticket_id` within
    /// `window` of `now`: a conditional write, so concurrent events mail once. Whether
    /// this caller may send.
    pub async fn claim_notification_mail(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
        ticket_id: &TicketId,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> StoreResult<bool> {
        let mut item = keys::notify_mail(org_id, user_id, ticket_id).to_item();
        item.insert("sentAt".into(), n(now.timestamp()));
        // Gone by itself a day later (it only matters for `window`).
        item.insert(attr::TTL.into(), n(now.timestamp() + 24 * 3600));
        let result = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR sentAt <= :cutoff")
            .expression_attribute_values(":cutoff", n((now - window).timestamp()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::new(e)
                .context("claiming a notification mail")
                .into()),
        }
    }
}
