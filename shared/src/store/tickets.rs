//! Tickets and their messages. Ticket numbers come from a per-organization counter that
//! moves in the same transaction as the ticket it numbers: unique, and without gaps.

use crate::ids::{MessageId, OrgId, TicketId};
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use rand::Rng;

use super::Conflict;
use super::tx::Tx;
use futures::StreamExt;

use super::{Item, Page, QuerySpec, Store, StoreError, StoreResult, in_order_of, n, s, to_item};
use crate::domain::{
    Author, AuthorType, Channel, Customer, Email, EmailMeta, Message, Organization, PersonSummary,
    Priority, Ticket, TicketStatus, TicketSummary,
};
use crate::keys::{self, GSI1, GSI3, attr};

/// How many times opening a ticket retries when another ticket took the number first.
const MAX_NUMBER_ATTEMPTS: u32 = 200;

/// A new ticket's first message: what was said and by whom. Its ticket, organization and
/// time are the ticket's, so they are not the caller's to give.
#[derive(Debug, Clone)]
pub struct FirstMessage {
    /// Chosen by the caller: a dedupe claim may already name it.
    pub id: MessageId,
    /// Who wrote it; a customer without an id is the ticket's customer.
    pub author: Author,
    /// Plain text.
    pub content: String,
    /// An internal note.
    pub internal: bool,
    /// The channel it came by.
    pub channel: Channel,
    /// Its email Message-ID, when it came by email.
    pub email_message_id: Option<String>,
    /// Email details.
    pub email: Option<EmailMeta>,
}

impl FirstMessage {
    /// The message as `ticket` opened at `at` stores it.
    fn on(self, ticket: &Ticket, at: DateTime<Utc>) -> Message {
        let (author_type, author_id, author_name) = self.author.into_parts();
        let author_id = match (author_type, author_id) {
            (AuthorType::Customer, None) => Some(ticket.customer_id.to_string()),
            (_, id) => id,
        };
        Message {
            id: self.id,
            ticket_id: ticket.id.clone(),
            org_id: ticket.org_id.clone(),
            author_type,
            author_id,
            author_name,
            content: self.content,
            internal: self.internal,
            channel: self.channel,
            email_message_id: self.email_message_id,
            email: self.email,
            created_at: at,
        }
    }
}

/// What opening a ticket needs; the store assigns the number.
pub struct NewTicket {
    /// Subject line.
    pub subject: String,
    /// Priority.
    pub priority: Priority,
    /// Channel.
    pub channel: Channel,
    /// The customer's email.
    pub customer_email: Email,
    /// The customer's name, used when the customer is new.
    pub customer_name: String,
    /// An address a chat visitor typed but did not prove: the customer is then always a
    /// new unverified contact (`customer_email` a placeholder) carrying it.
    pub customer_unverified_email: Option<String>,
    /// The first message, written in the same transaction.
    pub first_message: Option<FirstMessage>,
    /// Message-IDs of the email that opened it.
    pub email_references: Vec<String>,
    /// The CLOSED ticket it continues (its customer wrote again).
    pub follows: Option<TicketId>,
    /// Its team (`None`: the organization's routing rules decide, in
    /// `conversation::open_ticket`).
    pub team_id: Option<crate::ids::TeamId>,
    /// Where it came from beyond its channel (the routing rules read it).
    pub via: crate::domain::Via,
}

/// Which tickets a list wants: a Query on the tickets-by-activity index, filtered.
#[derive(Debug, Default, Clone)]
pub struct TicketFilter {
    /// Only this status.
    pub status: Option<TicketStatus>,
    /// Only this assignee; `Some(None)` means unassigned.
    pub assignee: Option<Option<String>>,
    /// Only this priority.
    pub priority: Option<Priority>,
    /// Only this team.
    pub team: Option<String>,
    /// Only this channel.
    pub channel: Option<Channel>,
    /// Only this customer.
    pub customer: Option<String>,
    /// Order: newest activity first (the default), or soonest SLA due time first (only
    /// tickets with one pending).
    pub sort: TicketSort,
}

/// The order of a ticket list.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum TicketSort {
    /// Newest activity first (the tickets-by-activity index).
    #[default]
    Activity,
    /// Soonest SLA due time first (the sparse tickets-by-due index).
    Due,
}

/// Changes to a ticket's fields; `None` leaves a field as it is (for assignee and team,
/// `Some(None)` clears it).
#[derive(Debug, Default, Clone)]
pub struct TicketChanges {
    /// New status.
    pub status: Option<TicketStatus>,
    /// New priority.
    pub priority: Option<Priority>,
    /// New assignee (their summary is stored with their id).
    pub assignee: Option<Option<PersonSummary>>,
    /// New team.
    pub team_id: Option<Option<String>>,
    /// New subject.
    pub subject: Option<String>,
    /// New tags.
    pub tags: Option<Vec<String>>,
    /// Snoozed until then, or no longer snoozed.
    pub snoozed_until: Option<Option<DateTime<Utc>>>,
}

/// A string attribute, or NULL (how serde writes `None`).
fn opt_s(v: Option<&str>) -> AttributeValue {
    v.map_or(AttributeValue::Null(true), s)
}

/// An UpdateItem built field by field with generated placeholders (so reserved words such
/// as `status` need no care), returning the item as it is after the update.
#[derive(Default)]
struct UpdateBuilder {
    sets: Vec<String>,
    adds: Vec<String>,
    removes: Vec<String>,
    names: std::collections::HashMap<String, String>,
    values: std::collections::HashMap<String, AttributeValue>,
}

impl UpdateBuilder {
    fn name(&mut self, attr_name: &str) -> String {
        if let Some((k, _)) = self.names.iter().find(|(_, v)| *v == attr_name) {
            return k.clone();
        }
        let k = format!("#n{}", self.names.len());
        self.names.insert(k.clone(), attr_name.to_string());
        k
    }

    fn value(&mut self, v: AttributeValue) -> String {
        let k = format!(":v{}", self.values.len());
        self.values.insert(k.clone(), v);
        k
    }

    fn set(&mut self, attr_name: &str, v: AttributeValue) {
        let (n, v) = (self.name(attr_name), self.value(v));
        self.sets.push(format!("{n} = {v}"));
    }

    fn remove(&mut self, attr_name: &str) {
        let n = self.name(attr_name);
        self.removes.push(n);
    }

    fn add(&mut self, attr_name: &str, v: AttributeValue) {
        let (n, v) = (self.name(attr_name), self.value(v));
        self.adds.push(format!("{n} {v}"));
    }

    /// Runs the update; `None` when `condition` failed.
    async fn run(
        self,
        store: &Store,
        key: &keys::Key,
        condition: Option<&str>,
    ) -> StoreResult<Option<Item>> {
        let mut expression = String::new();
        if !self.sets.is_empty() {
            expression.push_str(&format!("SET {}", self.sets.join(", ")));
        }
        if !self.adds.is_empty() {
            expression.push_str(&format!(" ADD {}", self.adds.join(", ")));
        }
        if !self.removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", self.removes.join(", ")));
        }
        let result = store
            .db
            .update_item()
            .table_name(&store.table)
            .set_key(Some(key.to_item()))
            .update_expression(expression)
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(Some(self.names))
            .set_expression_attribute_values(Some(self.values))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(out) => Ok(Some(out.attributes.unwrap_or_default())),
            Err(e) if super::is_condition_failed(&e) => Ok(None),
            Err(e) => Err(anyhow::Error::new(e).context("updating an item").into()),
        }
    }
}

fn wire<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl Store {
    /// The ticket's item with its key in the tickets-by-activity index.
    fn ticket_item(&self, t: &Ticket) -> StoreResult<Item> {
        let mut item = to_item(&keys::ticket(&t.org_id, &t.id), t)?;
        item.insert(attr::GSI3PK.into(), s(keys::tickets_all_pk(&t.org_id)));
        item.insert(
            attr::GSI3SK.into(),
            s(keys::ticket_activity_sk(t.last_activity_at, &t.id)),
        );
        Ok(item)
    }

    /// Opens a ticket: finds or creates the customer, takes the next number, and writes
    /// counter, ticket, customer, customer link, first message and number marker in one
    /// transaction,
    /// retrying when a concurrent ticket took the number (so numbers never repeat or skip).
    pub async fn open_ticket(
        &self,
        org: &Organization,
        new: NewTicket,
    ) -> StoreResult<(Ticket, Customer, Option<Message>)> {
        let counter_key = keys::ticket_counter(&org.id);
        for attempt in 0..MAX_NUMBER_ATTEMPTS {
            let (counter, existing) = tokio::try_join!(
                self.get_item(&counter_key),
                self.find_customer(&org.id, &new.customer_email)
            )?;
            let current: u64 = counter
                .as_ref()
                .and_then(|c| c.get("count"))
                .and_then(|v| v.as_n().ok())
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let now = Utc::now();
            let customer_is_new = existing.is_none();
            let customer = existing.unwrap_or_else(|| {
                Customer::new(
                    org.id.clone(),
                    new.customer_email.clone(),
                    new.customer_name.clone(),
                    now,
                )
                .with_unverified_email(new.customer_unverified_email.clone())
            });
            let number = current + 1;
            let ticket = Ticket {
                id: TicketId::new(),
                org_id: org.id.clone(),
                number,
                ticket_number: Ticket::format_key(&org.ticket_prefix, number),
                subject: new.subject.clone(),
                status: TicketStatus::Open,
                priority: new.priority,
                channel: new.channel,
                customer_id: customer.id.clone(),
                assignee_id: None,
                team_id: new.team_id.clone(),
                tags: Vec::new(),
                customer: Some((&customer).into()),
                assignee: None,
                message_count: u64::from(new.first_message.is_some()),
                snoozed_until: None,
                sla: None,
                email_references: new.email_references.clone(),
                mail_to: None,
                follows: new.follows.clone(),
                followed_by: None,
                first_response_at: None,
                created_at: now,
                updated_at: now,
                last_activity_at: now,
                version: 1,
            };
            let message = new.first_message.clone().map(|m| m.on(&ticket, now));

            let mut tx = Tx::new()
                .update(
                    self,
                    &counter_key,
                    "SET #count = :next",
                    Some("attribute_not_exists(PK) OR #count = :current"),
                    &[("#count", "count")],
                    vec![(":next", n(number)), (":current", n(current))],
                )?
                .or_conflict(Conflict::WriteConflict)
                .put_new(self, self.ticket_item(&ticket)?)?
                .put_new(
                    self,
                    keys::customer_ticket(&org.id, &customer.id, &ticket.id).to_item(),
                )?;
            if customer_is_new {
                tx = tx
                    .put_new(self, self.customer_item(&customer)?)?
                    .put_new(self, self.customer_marker_item(&customer))?
                    .or_conflict(Conflict::WriteConflict);
            } else {
                // A merge that committed after the marker was read moved the customer's
                // addresses on: read again, and the ticket goes to the merged-into customer.
                tx = tx
                    .check(
                        self,
                        &keys::customer(&org.id, &customer.id),
                        "attribute_exists(PK) AND attribute_not_exists(mergedInto)",
                        &[],
                        vec![],
                    )?
                    .or_conflict(Conflict::WriteConflict);
            }
            if let Some(m) = &message {
                tx = tx.put_new(
                    self,
                    to_item(&keys::message(&org.id, &ticket.id, &m.id), m)?,
                )?;
            }
            // Last, so the indexes checked on cancellation above stay put: finds the
            // ticket by its number (search, `[#ACME-0042]` in a mail's subject).
            tx = tx.put(
                self,
                super::email::number_marker_item(&org.id, &ticket.ticket_number, &ticket.id),
                None,
                vec![],
            )?;
            match tx.run(self, "opening a ticket").await {
                Ok(()) => return Ok((ticket, customer, message)),
                // The number or the customer was taken concurrently: read again and retry.
                Err(StoreError::Conflict(Conflict::WriteConflict)) => backoff(attempt).await,
                Err(e) => return Err(e),
            }
        }
        Err(
            anyhow::anyhow!("could not take a ticket number after {MAX_NUMBER_ATTEMPTS} attempts")
                .into(),
        )
    }

    /// A ticket of `org_id`.
    pub async fn get_ticket(&self, org_id: &OrgId, id: &TicketId) -> StoreResult<Option<Ticket>> {
        self.get_as(&keys::ticket(org_id, id)).await
    }

    /// Tickets by id (missing ones skipped), in the order of `ids`.
    pub async fn get_tickets(&self, org_id: &OrgId, ids: &[String]) -> StoreResult<Vec<Ticket>> {
        let keys = ids.iter().map(|id| keys::ticket(org_id, id)).collect();
        let mut tickets: Vec<Ticket> = self.get_many(keys, false).await?;
        in_order_of(&mut tickets, ids, |t| t.id.as_str());
        Ok(tickets)
    }

    /// Applies `changes` to `current` in one UpdateItem: only the fields that change are
    /// written, so a concurrent message (activity, count) or a PATCH of other fields is never
    /// overwritten. When status or assignee change, the update is conditioned on neither
    /// having moved since `current` was read (a reopen applies only to a ticket still
    /// RESOLVED; who may reassign depends on who holds it); otherwise
    /// `Conflict::StaleWrite` (the caller re-reads and tries again).
    pub async fn update_ticket(
        &self,
        current: &Ticket,
        changes: &TicketChanges,
    ) -> StoreResult<Ticket> {
        let mut u = UpdateBuilder::default();
        u.set("updatedAt", s(super::ts(Utc::now())));
        if let Some(v) = changes.status {
            u.set("status", s(v.as_str()));
        }
        if let Some(v) = changes.priority {
            u.set("priority", s(wire(&v)));
        }
        if let Some(v) = &changes.assignee {
            u.set("assigneeId", opt_s(v.as_ref().map(|a| a.id.as_str())));
            u.set("assignee", summary_attr(v.as_ref())?);
        }
        if let Some(v) = &changes.team_id {
            u.set("teamId", opt_s(v.as_deref()));
        }
        if let Some(v) = &changes.subject {
            u.set("subject", s(v));
        }
        if let Some(v) = &changes.tags {
            u.set(
                "tags",
                AttributeValue::L(v.iter().map(|t| s(t.as_str())).collect()),
            );
        }
        if let Some(v) = &changes.snoozed_until {
            u.set(
                "snoozedUntil",
                v.map_or(AttributeValue::Null(true), |t| s(super::ts(t))),
            );
        }
        let mut condition = "attribute_exists(PK)".to_string();
        if changes.status.is_some() || changes.assignee.is_some() {
            let st = u.value(s(current.status.as_str()));
            let sn = u.name("status");
            let an = u.name("assigneeId");
            condition.push_str(&format!(" AND {sn} = {st}"));
            match &current.assignee_id {
                Some(a) => {
                    let av = u.value(s(a));
                    condition.push_str(&format!(" AND {an} = {av}"));
                }
                None => {
                    let nv = u.value(AttributeValue::Null(true));
                    condition
                        .push_str(&format!(" AND (attribute_not_exists({an}) OR {an} = {nv})"));
                }
            }
        }
        u.add("version", n(1));
        let key = keys::ticket(&current.org_id, &current.id);
        match u.run(self, &key, Some(&condition)).await? {
            Some(item) => super::from_item(item),
            None => Err(Conflict::StaleWrite.into()),
        }
    }

    /// Stores `message` and moves its ticket: one more message and, when `activity`, new
    /// last activity (which moves its one index entry, re-sorting the lists). Two
    /// single-item writes, no transaction and no version check, so concurrent messages on
    /// one ticket never conflict with each other or with a PATCH. A message whose id is
    /// already stored is not stored again: [`Conflict::DuplicateMessage`]. `uploads` are
    /// agent uploads the message carries: then the message and their claims (each
    /// `pending` on this ticket becomes `used` by this message) are one transaction, so a
    /// file goes with one message only and a refused claim stores nothing
    /// ([`Conflict::AttachmentUsed`]). Returns the ticket as it is now.
    pub async fn append_message(
        &self,
        message: &Message,
        activity: bool,
        uploads: &[(String, String)],
    ) -> StoreResult<Ticket> {
        let key = keys::message(&message.org_id, &message.ticket_id, &message.id);
        let item = to_item(&key, message)?;
        let duplicate = || StoreError::Conflict(Conflict::DuplicateMessage);
        if uploads.is_empty() {
            let put = self
                .db
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK)")
                .send()
                .await;
            match put {
                Ok(_) => {}
                Err(e) if super::is_condition_failed(&e) => return Err(duplicate()),
                Err(e) => return Err(anyhow::Error::new(e).context("storing a message").into()),
            }
        } else {
            let mut tx = Tx::new()
                .put_new(self, item)?
                .or_conflict(Conflict::DuplicateMessage);
            for (id, final_key) in uploads {
                tx = tx
                    .update(
                        self,
                        &keys::attachment(&message.org_id, id),
                        "SET #state = :used, messageId = :message, s3Key = :key REMOVE #ttl",
                        Some("#state = :pending AND ticketId = :ticket"),
                        &[("#state", "state"), ("#ttl", attr::TTL)],
                        vec![
                            (":used", s("used")),
                            (":pending", s("pending")),
                            (":message", s(&message.id)),
                            (":key", s(final_key)),
                            (":ticket", s(&message.ticket_id)),
                        ],
                    )?
                    .or_conflict(Conflict::AttachmentUsed);
            }
            tx.run(self, "storing a message with its attachments")
                .await?;
        }
        let now = message.created_at;
        let mut u = UpdateBuilder::default();
        u.set("updatedAt", s(super::ts(now)));
        if activity {
            u.set("lastActivityAt", s(super::ts(now)));
            u.set(
                attr::GSI3SK,
                s(keys::ticket_activity_sk(now, &message.ticket_id)),
            );
        }
        u.add("messageCount", n(1));
        let ticket_key = keys::ticket(&message.org_id, &message.ticket_id);
        match u
            .run(self, &ticket_key, Some("attribute_exists(PK)"))
            .await?
        {
            Some(item) => super::from_item(item),
            None => Err(StoreError::NotFound("Ticket")),
        }
    }

    /// Marks CLOSED ticket `closed_id` as continued by `follow_up_id`.
    pub async fn set_followed_by(
        &self,
        org_id: &OrgId,
        closed_id: &TicketId,
        follow_up_id: &TicketId,
    ) -> StoreResult<()> {
        let mut u = UpdateBuilder::default();
        u.set("followedBy", s(follow_up_id));
        match u
            .run(
                self,
                &keys::ticket(org_id, closed_id),
                Some("attribute_exists(PK)"),
            )
            .await?
        {
            Some(_) => Ok(()),
            None => Err(StoreError::NotFound("Ticket")),
        }
    }

    /// One message of a ticket.
    pub async fn get_message(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        message_id: &str,
    ) -> StoreResult<Option<Message>> {
        self.get_as(&keys::message(org_id, ticket_id, message_id))
            .await
    }

    /// The `(ticket_id, message_id)` an earlier post claimed `dedupe_key` for, if any
    /// (read only: [`Self::claim_dedupe`] claims).
    pub async fn get_dedupe(
        &self,
        org_id: &OrgId,
        dedupe_key: &str,
    ) -> StoreResult<Option<(String, String)>> {
        let Some(existing) = self
            .get_item(&keys::message_dedupe(org_id, dedupe_key))
            .await?
        else {
            return Ok(None);
        };
        let field = |name: &str| {
            existing
                .get(name)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default()
        };
        Ok(Some((field("ticketId"), field("messageId"))))
    }

    /// Claims `dedupe_key` for a message about to be stored: `Ok(None)` when this is the
    /// first claim (store `message_id` now), `Ok(Some((ticket_id, message_id)))` when an
    /// earlier delivery already claimed it (that message is the answer, stored or about to
    /// be: a claim whose message is missing was interrupted and is resumed with its id).
    pub async fn claim_dedupe(
        &self,
        org_id: &OrgId,
        dedupe_key: &str,
        ticket_id: &TicketId,
        message_id: &str,
    ) -> StoreResult<Option<(TicketId, String)>> {
        let key = keys::message_dedupe(org_id, dedupe_key);
        let mut item = key.to_item();
        item.insert("ticketId".into(), s(ticket_id));
        item.insert("messageId".into(), s(message_id));
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(None),
            Err(e) if super::is_condition_failed(&e) => {
                let existing = self
                    .get_item(&key)
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("dedupe marker vanished"))?;
                let field = |name: &str| {
                    existing
                        .get(name)
                        .and_then(|v| v.as_s().ok())
                        .cloned()
                        .unwrap_or_default()
                };
                Ok(Some((
                    TicketId::trusted(field("ticketId")),
                    field("messageId"),
                )))
            }
            Err(e) => Err(anyhow::Error::new(e)
                .context("claiming a dedupe key")
                .into()),
        }
    }

    /// A page of a ticket's messages, oldest first, strictly after message `after` if given.
    pub async fn list_messages(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        after: Option<&str>,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Message>> {
        let pk = keys::messages_pk(org_id, ticket_id);
        let q = match after {
            None => QuerySpec::prefix(None, pk, keys::MESSAGE_PREFIX.into(), true),
            Some(after) => {
                let mut q = QuerySpec::partition(None, pk, true);
                q.key_condition = "#pk = :pk AND #sk > :after".into();
                q.names.insert("#sk".into(), attr::SK.into());
                q.values.insert(
                    ":after".into(),
                    s(format!("{}{after}", keys::MESSAGE_PREFIX)),
                );
                q
            }
        };
        self.query_as(&q, limit, start).await
    }

    /// A page of tickets, newest activity first: one Query on the tickets-by-activity
    /// index with `filter` applied to what it projects. Open tickets are the active ones,
    /// so the usual lists find their rows near the top; a sparse filter reads further.
    pub async fn list_tickets(
        &self,
        org_id: &OrgId,
        filter: &TicketFilter,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<TicketSummary>> {
        let mut q = match filter.sort {
            TicketSort::Activity => {
                QuerySpec::partition(Some(GSI3), keys::tickets_all_pk(org_id), false)
            }
            TicketSort::Due => QuerySpec::partition(Some(GSI1), keys::tickets_due_pk(org_id), true),
        };
        match &filter.assignee {
            Some(Some(user)) => {
                q.and_filter("assigneeId = :assignee");
                q.values.insert(":assignee".into(), s(user));
            }
            Some(None) => {
                q.and_filter("(attribute_not_exists(assigneeId) OR assigneeId = :null)");
                q.values.insert(":null".into(), AttributeValue::Null(true));
            }
            None => {}
        }
        let mut eq = |attr_name: &str, placeholder: &'static str, value: Option<String>| {
            if let Some(v) = value {
                let name = format!("#{}", &placeholder[1..]);
                q.and_filter(&format!("{name} = {placeholder}"));
                q.names.insert(name, attr_name.into());
                q.values.insert(placeholder.into(), s(v));
            }
        };
        eq(
            "status",
            ":status",
            filter.status.map(|v| v.as_str().to_string()),
        );
        eq("priority", ":priority", filter.priority.map(|p| wire(&p)));
        eq("teamId", ":team", filter.team.clone());
        eq("channel", ":channel", filter.channel.map(|c| wire(&c)));
        eq("customerId", ":customer", filter.customer.clone());
        // Status, priority, channel and the unassigned queue match much of the recent
        // activity: three pages' worth covers them in one read (growing fourfold a round).
        // One agent's, team's or customer's tickets are a thin slice of the organization's:
        // read a full page (up to 1 MB) at once, one round trip instead of several growing
        // ones (10,000 tickets, mine and open: 2 calls and 75 read units, not 4 and 100).
        let sparse = matches!(filter.assignee, Some(Some(_)))
            || filter.team.is_some()
            || filter.customer.is_some();
        q.first_read = Some(if sparse {
            super::FILTERED_PAGE
        } else {
            (limit + 1) * 3
        });
        self.query_as(&q, limit, start).await
    }

    /// Writes `assignee`'s new name and avatar onto every ticket assigned to them (a
    /// filtered read of the organization's list index, then one conditional update per
    /// ticket, a few at a time). A profile change is rare; lists then need no look-up.
    pub async fn refresh_assignee(
        &self,
        org_id: &OrgId,
        assignee: &PersonSummary,
    ) -> StoreResult<usize> {
        let mut q = QuerySpec::partition(Some(GSI3), keys::tickets_all_pk(org_id), false);
        q.and_filter("assigneeId = :assignee");
        q.values.insert(":assignee".into(), s(&assignee.id));
        let value = summary_attr(Some(assignee))?;
        let mut start = None;
        let mut updated = 0;
        loop {
            let page = self.query_page(&q, 100, start).await?;
            let ids: Vec<String> = page
                .items
                .iter()
                .filter_map(|i| i.get("id").and_then(|v| v.as_s().ok()).cloned())
                .collect();
            // Owned inputs: the stream's futures borrow nothing from this one.
            let writes = ids.into_iter().map(|id| {
                let (db, table, value) = (self.db.clone(), self.table.clone(), value.clone());
                let (key, assignee) = (keys::ticket(org_id, &id), assignee.id.clone());
                async move {
                    let result = db
                        .update_item()
                        .table_name(table)
                        .set_key(Some(key.to_item()))
                        .update_expression("SET assignee = :summary")
                        .condition_expression("assigneeId = :assignee")
                        .expression_attribute_values(":summary", value)
                        .expression_attribute_values(":assignee", s(assignee))
                        .send()
                        .await;
                    match result {
                        Ok(_) => Ok(true),
                        // Reassigned meanwhile: its new assignee's summary is already there.
                        Err(e) if super::is_condition_failed(&e) => Ok(false),
                        Err(e) => Err(StoreError::from(
                            anyhow::Error::new(e).context("refreshing an assignee summary"),
                        )),
                    }
                }
            });
            let results: Vec<StoreResult<bool>> = futures::stream::iter(writes)
                .buffer_unordered(16)
                .collect()
                .await;
            for r in results {
                updated += usize::from(r?);
            }
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(updated),
            }
        }
    }
}

/// A summary as an item attribute (NULL for none, as serde writes `None`).
fn summary_attr<T: serde::Serialize>(v: Option<&T>) -> StoreResult<AttributeValue> {
    match v {
        Some(v) => Ok(serde_dynamo::to_attribute_value(v)
            .map_err(|e| anyhow::anyhow!("serializing a summary: {e}"))?),
        None => Ok(AttributeValue::Null(true)),
    }
}

/// Waits a little, more with each attempt, with jitter so racing writers spread out.
async fn backoff(attempt: u32) {
    let cap = 2u64.saturating_pow(attempt.min(6)).min(50);
    let ms = rand::rng().random_range(0..=cap);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

/// A snoozed ticket waiting in the wake queue.
#[derive(Debug, Clone)]
pub struct SnoozeItem {
    /// The queue item's sort key (to remove it).
    pub sk: String,
    /// The ticket's organization.
    pub org_id: OrgId,
    /// The ticket.
    pub ticket_id: TicketId,
    /// When it wakes.
    pub until: DateTime<Utc>,
}

impl Store {
    /// Queues `ticket_id` to wake at `until`: an item in one partition sorted by time, so
    /// the waker reads what is due with one Query, never a Scan.
    pub async fn queue_snooze(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        until: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut item = keys::snooze(&super::ts(until), org_id, ticket_id).to_item();
        item.insert("orgId".into(), s(org_id));
        item.insert("ticketId".into(), s(ticket_id));
        item.insert("until".into(), s(super::ts(until)));
        self.put(item, "queueing a snooze").await?;
        Ok(())
    }

    /// Snoozes due at `now`, earliest first (at most `limit`).
    pub async fn due_snoozes(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Vec<SnoozeItem>> {
        Ok(self
            .due_in_queue(keys::SNOOZE_PK, now, limit)
            .await?
            .iter()
            .filter_map(|i| {
                let f = |n: &str| i.get(n).and_then(|v| v.as_s().ok()).cloned();
                Some(SnoozeItem {
                    sk: f("SK")?,
                    org_id: OrgId::trusted(f("orgId")?),
                    ticket_id: TicketId::trusted(f("ticketId")?),
                    until: DateTime::parse_from_rfc3339(&f("until")?)
                        .ok()?
                        .with_timezone(&Utc),
                })
            })
            .collect())
    }

    /// Removes a snooze from the wake queue (idempotent).
    pub async fn delete_snooze(&self, sk: &str) -> StoreResult<()> {
        let mut key = keys::snooze("", "", "");
        key.sk = sk.to_string();
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .context("removing a snooze")?;
        Ok(())
    }
}

/// An SLA due time waiting in the breach queue.
#[derive(Debug, Clone)]
pub struct SlaDueItem {
    /// The queue item's sort key (to remove it).
    pub sk: String,
    /// The ticket's organization.
    pub org_id: String,
    /// The ticket.
    pub ticket_id: String,
    /// What is due.
    pub target: crate::sla::SlaTarget,
    /// When.
    pub due: DateTime<Utc>,
}

/// A due time as stored: fixed width to the millisecond (what the ticket holds, so the
/// breach check compares equal times).
fn due_ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// Writes `sla` as `ticket`'s due times and moves it in the tickets-by-due index (out
    /// of it when nothing is due). Due times follow the latest message, so no version is
    /// checked; with `while_status`, only while the ticket is in that status (a stale write
    /// is `StaleWrite`): a pause or resume must not outlive the status it followed.
    pub async fn set_ticket_sla(
        &self,
        ticket: &Ticket,
        sla: &crate::sla::TicketSla,
        while_status: Option<TicketStatus>,
    ) -> StoreResult<Ticket> {
        let mut u = UpdateBuilder::default();
        let mut condition = "attribute_exists(PK)".to_string();
        if let Some(status) = while_status {
            let (n, v) = (u.name("status"), u.value(s(status.as_str())));
            condition.push_str(&format!(" AND {n} = {v}"));
        }
        // A paused clock is kept with nothing due (its ticket leaves the due index).
        if sla.is_blank() {
            u.set("sla", AttributeValue::Null(true));
        } else {
            let value = serde_dynamo::to_attribute_value(sla)
                .map_err(|e| anyhow::anyhow!("serializing SLA due times: {e}"))?;
            u.set("sla", value);
        }
        match sla.next_due() {
            Some((due, _)) => {
                u.set(attr::GSI1PK, s(keys::tickets_due_pk(&ticket.org_id)));
                u.set(attr::GSI1SK, s(keys::ticket_due_sk(due, &ticket.id)));
            }
            None => {
                u.remove(attr::GSI1PK);
                u.remove(attr::GSI1SK);
            }
        }
        let key = keys::ticket(&ticket.org_id, &ticket.id);
        match u.run(self, &key, Some(&condition)).await? {
            Some(item) => super::from_item(item),
            None if while_status.is_some() => Err(StoreError::Conflict(Conflict::StaleWrite)),
            None => Err(StoreError::NotFound("Ticket")),
        }
    }

    /// Queues `target` of a ticket for the breach check at `due`: an item in one partition
    /// sorted by time, read with one Query.
    pub async fn queue_sla_due(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        target: crate::sla::SlaTarget,
        due: DateTime<Utc>,
    ) -> StoreResult<()> {
        let due = due_ts(due);
        let mut item = keys::sla_due(&due, org_id, ticket_id, target.as_str()).to_item();
        item.insert("orgId".into(), s(org_id));
        item.insert("ticketId".into(), s(ticket_id));
        item.insert("target".into(), s(target.as_str()));
        item.insert("due".into(), s(due));
        self.put(item, "queueing an SLA due time").await?;
        Ok(())
    }

    /// SLA due times reached at `now`, earliest first (at most `limit`).
    pub async fn due_sla(&self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<SlaDueItem>> {
        Ok(self
            .due_in_queue(keys::SLA_DUE_PK, now, limit)
            .await?
            .iter()
            .filter_map(|i| {
                let f = |n: &str| i.get(n).and_then(|v| v.as_s().ok()).cloned();
                Some(SlaDueItem {
                    sk: f("SK")?,
                    org_id: f("orgId")?,
                    ticket_id: f("ticketId")?,
                    target: crate::sla::SlaTarget::parse(&f("target")?)?,
                    due: DateTime::parse_from_rfc3339(&f("due")?)
                        .ok()?
                        .with_timezone(&Utc),
                })
            })
            .collect())
    }

    /// Removes a due time from the breach queue (idempotent).
    pub async fn delete_sla_due(&self, sk: &str) -> StoreResult<()> {
        let mut key = keys::sla_due("", "", "", "");
        key.sk = sk.to_string();
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .context("removing an SLA due time")?;
        Ok(())
    }

    /// Marks `target` of a ticket, due at `due`, breached: `true` the first time only, so
    /// a breach is announced once however often the check runs.
    pub async fn claim_sla_breach(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        target: crate::sla::SlaTarget,
        due: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut item = keys::sla_breach(org_id, ticket_id, target.as_str(), &due_ts(due)).to_item();
        item.insert("breachedAt".into(), s(super::ts(Utc::now())));
        self.put_if(item, "attribute_not_exists(PK)", "marking an SLA breach")
            .await
    }
}
