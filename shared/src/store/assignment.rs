//! The storage of assignment rules: per-agent counts of open conversations (atomic, capped
//! when the rules assign), a round-robin position per team, and each team's queue of
//! conversations no one could take. Assigning is one transaction of the ticket (only if
//! still unassigned, OPEN and the team's) and the agent's count (only if under the cap), so
//! no conversation is assigned twice and no agent goes over the cap, however many new
//! conversations arrive at once.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};

use super::tx::Tx;
use super::{Conflict, Store, StoreError, StoreResult, from_item, n, s};
use crate::domain::{PersonSummary, Ticket, TicketStatus, User};
use crate::ids::{OrgId, TeamId, TicketId, UserId};
use crate::keys::{self, Key};

/// What the store knows of one agent for the selection rule.
#[derive(Debug, Clone)]
pub struct AgentState {
    /// The user (absent: deleted).
    pub user: Option<User>,
    /// Live agent connections right now.
    pub connections: i64,
    /// Open conversations they hold.
    pub open: i64,
}

/// What one attempt to assign a conversation achieved.
#[derive(Debug)]
pub enum AssignOutcome {
    /// Assigned; the ticket as it is now.
    Assigned(Box<Ticket>),
    /// The agent is at the cap (another conversation took the last place first).
    AgentFull,
    /// The conversation is no longer waiting for the rules (assigned, not OPEN, moved to
    /// another team).
    Taken,
}

/// A conversation waiting in a team's queue.
#[derive(Debug, Clone)]
pub struct Queued {
    /// Its queue entry.
    pub key: Key,
    /// The ticket.
    pub ticket_id: String,
}

fn num(item: &super::Item, name: &str) -> i64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl Store {
    /// The users, presences and open counts of `user_ids`, in that order: one consistent
    /// BatchGetItem (the decision rests on them).
    pub async fn agent_states(
        &self,
        org_id: &OrgId,
        user_ids: &[UserId],
    ) -> StoreResult<Vec<AgentState>> {
        let keys = user_ids
            .iter()
            .flat_map(|u| {
                [
                    keys::user(org_id, u),
                    keys::presence(org_id, u),
                    keys::agent_load(org_id, u),
                ]
            })
            .collect();
        let items = self.batch_get(keys, true).await?;
        let find = |key: Key| {
            items.iter().find(|i| {
                i.get("SK").and_then(|v| v.as_s().ok()) == Some(&key.sk)
                    && i.get("PK").and_then(|v| v.as_s().ok()) == Some(&key.pk)
            })
        };
        user_ids
            .iter()
            .map(|u| {
                Ok(AgentState {
                    user: find(keys::user(org_id, u))
                        .cloned()
                        .map(from_item)
                        .transpose()?,
                    connections: find(keys::presence(org_id, u))
                        .map_or(0, |i| num(i, "connections")),
                    open: find(keys::agent_load(org_id, u)).map_or(0, |i| num(i, "open")),
                })
            })
            .collect()
    }

    /// Moves team `team_id`'s round-robin position one on, atomically: the position this
    /// turn starts from.
    pub async fn next_round_robin(&self, org_id: &OrgId, team_id: &TeamId) -> StoreResult<u64> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::round_robin(org_id, team_id).to_item()))
            .update_expression("ADD #pos :one")
            .expression_attribute_names("#pos", "position")
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .context("moving a round-robin position")?;
        let item = out.attributes.unwrap_or_default();
        Ok(u64::try_from(num(&item, "position")).unwrap_or(0))
    }

    /// Assigns ticket `ticket_id` to `agent` if it is still unassigned, OPEN and in
    /// `team_id`, and the agent holds fewer than `cap` open conversations: one transaction
    /// of the ticket and the agent's count (and the queue entry, when it waited in one).
    pub async fn assign_within_cap(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        team_id: &TeamId,
        agent: &PersonSummary,
        cap: u32,
        queued: Option<&Key>,
    ) -> StoreResult<AssignOutcome> {
        let summary = serde_dynamo::to_attribute_value(agent)
            .map_err(|e| anyhow::anyhow!("serializing a summary: {e}"))?;
        let mut tx = Tx::new()
            .update(
                self,
                &keys::ticket(org_id, ticket_id),
                "SET assigneeId = :user, assignee = :summary, loadOf = :user, updatedAt = :now ADD version :one",
                Some(
                    "attribute_exists(PK) AND (attribute_not_exists(assigneeId) OR assigneeId = :null) \
                     AND #status = :open AND teamId = :team AND attribute_not_exists(loadOf)",
                ),
                &[("#status", "status")],
                vec![
                    (":user", s(agent.id.as_str())),
                    (":summary", summary),
                    (":now", s(super::ts(Utc::now()))),
                    (":one", n(1)),
                    (":null", AttributeValue::Null(true)),
                    (":open", s(TicketStatus::Open.as_str())),
                    (":team", s(team_id)),
                ],
            )?
            .or_conflict(Conflict::TicketTaken)
            .update(
                self,
                &keys::agent_load(org_id, agent.id.as_str()),
                "ADD #open :one",
                Some("attribute_not_exists(#open) OR #open < :cap"),
                &[("#open", "open")],
                vec![(":one", n(1)), (":cap", n(cap))],
            )?
            .or_conflict(Conflict::AgentFull);
        if let Some(key) = queued {
            tx = tx.delete(self, key, None, vec![])?;
        }
        match tx.run(self, "assigning a conversation").await {
            Ok(()) => {}
            Err(StoreError::Conflict(Conflict::TicketTaken)) => return Ok(AssignOutcome::Taken),
            Err(StoreError::Conflict(Conflict::AgentFull)) => {
                return Ok(AssignOutcome::AgentFull);
            }
            Err(e) => return Err(e),
        }
        let ticket = self
            .get_ticket(org_id, ticket_id)
            .await?
            .ok_or(StoreError::NotFound("Ticket"))?;
        Ok(AssignOutcome::Assigned(Box::new(ticket)))
    }

    /// Who holds a place in their count for ticket `ticket_id`, if anyone.
    pub async fn load_holder(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
    ) -> StoreResult<Option<String>> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(keys::ticket(org_id, ticket_id).to_item()))
            .projection_expression("loadOf")
            .consistent_read(true)
            .send()
            .await
            .context("reading who holds a ticket")?;
        Ok(out
            .item
            .and_then(|i| i.get("loadOf").and_then(|v| v.as_s().ok()).cloned()))
    }

    /// Gives back `user_id`'s place for ticket `ticket_id` if the ticket no longer counts
    /// for them (not theirs, or not OPEN or PENDING): `false` when it still does or was
    /// given back already.
    pub async fn release_load(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        user_id: &UserId,
    ) -> StoreResult<bool> {
        let change = LoadChange {
            ticket_update: "REMOVE loadOf",
            condition: "loadOf = :user AND NOT (assigneeId = :user AND (#status = :open OR #status = :pending))",
            delta: -1,
            what: "giving back an agent's place",
        };
        self.move_load(org_id, ticket_id, user_id, change).await
    }

    /// Counts ticket `ticket_id` for `user_id` if it is theirs, OPEN or PENDING, and
    /// counted for no one (an assignment by hand: counted, never refused, since a person
    /// chose it): `false` when it does not apply.
    pub async fn acquire_load(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        user_id: &UserId,
    ) -> StoreResult<bool> {
        let change = LoadChange {
            ticket_update: "SET loadOf = :user",
            condition: "attribute_not_exists(loadOf) AND assigneeId = :user AND (#status = :open OR #status = :pending)",
            delta: 1,
            what: "counting an agent's conversation",
        };
        self.move_load(org_id, ticket_id, user_id, change).await
    }

    /// The ticket's `loadOf` marker and the agent's count move together, in one
    /// transaction, only when the ticket's condition holds (`false` when it does not).
    async fn move_load(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        user_id: &UserId,
        change: LoadChange,
    ) -> StoreResult<bool> {
        let tx = Tx::new()
            .update(
                self,
                &keys::ticket(org_id, ticket_id),
                change.ticket_update,
                Some(change.condition),
                &[("#status", "status")],
                vec![
                    (":user", s(user_id)),
                    (":open", s(TicketStatus::Open.as_str())),
                    (":pending", s(TicketStatus::Pending.as_str())),
                ],
            )?
            .update(
                self,
                &keys::agent_load(org_id, user_id),
                "ADD #open :delta",
                None,
                &[("#open", "open")],
                vec![(":delta", n(change.delta))],
            )?;
        conditional(tx.run(self, change.what).await)
    }

    /// Puts ticket `ticket_id` in team `team_id`'s queue, waiting since `since`.
    pub async fn enqueue(
        &self,
        org_id: &OrgId,
        team_id: &TeamId,
        ticket_id: &TicketId,
        since: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut item = keys::team_queue(org_id, team_id, &super::ts(since), ticket_id).to_item();
        item.insert("ticketId".into(), s(ticket_id));
        self.put(item, "queueing a conversation").await?;
        Ok(())
    }

    /// The oldest `limit` conversations in team `team_id`'s queue: one Query.
    pub async fn queued(
        &self,
        org_id: &OrgId,
        team_id: &TeamId,
        limit: usize,
    ) -> StoreResult<Vec<Queued>> {
        let pk = keys::team_queue_pk(org_id, team_id);
        Ok(self
            .due_in_queue(&pk, Utc::now(), limit)
            .await?
            .iter()
            .filter_map(|i| {
                Some(Queued {
                    key: Key {
                        pk: pk.clone(),
                        sk: i.get("SK")?.as_s().ok()?.clone(),
                    },
                    ticket_id: i.get("ticketId")?.as_s().ok()?.clone(),
                })
            })
            .collect())
    }

    /// Takes a conversation out of its queue (idempotent).
    pub async fn dequeue(&self, key: &Key) -> StoreResult<()> {
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .context("removing a queued conversation")?;
        Ok(())
    }
}

/// A transaction whose failed condition means "does not apply": `Ok(false)`.
fn conditional(result: StoreResult<()>) -> StoreResult<bool> {
    match result {
        Ok(()) => Ok(true),
        Err(StoreError::Conflict(Conflict::StaleWrite)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How [`Store::move_load`] changes a ticket's count for an agent.
struct LoadChange {
    ticket_update: &'static str,
    condition: &'static str,
    delta: i64,
    what: &'static str,
}
