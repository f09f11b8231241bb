//! The email channel's items: Message-ID references, inbound dedupe claims, ticket-number
//! and reply-address markers, participants, support addresses, quarantine, attachments,
//! outbound delivery state and the retry queue.

use crate::ids::{CustomerId, OrgId, TicketId};
use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Conflict;
use super::tx::Tx;
use super::{Item, QuerySpec, Store, StoreError, StoreResult, s, to_item};
use crate::domain::{Attachment, EmailMeta};
use crate::keys;

/// What claiming an inbound mail found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboundClaim {
    /// First delivery: process it, then [`Store::finish_inbound`].
    New,
    /// Already processed: the outcome recorded then.
    Done(String),
    /// Another delivery is processing it right now (or stopped half-way a moment ago).
    InProgress,
}

/// Inbound mail that is kept but is not a ticket: spam, virus, DMARC failures.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QuarantinedMail {
    /// ULID.
    pub id: String,
    /// The organization it was addressed to.
    pub org_id: String,
    /// `spam`, `virus` or `dmarc`.
    pub reason: String,
    /// The From address.
    pub from: String,
    /// The subject (plain text).
    pub subject: String,
    /// Where the raw message is kept in the bucket.
    pub s3_key: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
}

/// An attachment's item: the public part and where its bytes are.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StoredAttachment {
    /// What the message lists.
    #[serde(flatten)]
    pub attachment: Attachment,
    /// Its ticket.
    pub ticket_id: String,
    /// The object key in the bucket.
    pub s3_key: String,
    /// Agent uploads only (inbound mail's files have none): `pending` until a message
    /// carries it, then `used`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<UploadState>,
    /// Uploads only (an agent's user id, a visitor's customer id): who asked for the
    /// upload URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_by: Option<String>,
    /// Uploads only: the session that asked for the upload (an agent's token id, a digest
    /// of a visitor's token), the only one that can send it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload_session: Option<String>,
    /// The message it went with: an upload's once used, an inbound mail's file's from the
    /// start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Pending uploads only: epoch seconds after which the item is forgotten (the table's
    /// TTL attribute; removed when a message uses it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<i64>,
}

/// Where an agent's upload stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum UploadState {
    /// An upload URL was handed out; no message carries the file yet.
    Pending,
    /// A message carries it (claimed in the message's own write).
    Used,
}

/// An outbound mail waiting for a retry.
#[derive(Debug, Clone)]
pub struct RetryItem {
    /// The queue item's sort key (delete it when done).
    pub sk: String,
    /// The organization.
    pub org_id: OrgId,
    /// The ticket.
    pub ticket_id: TicketId,
    /// The message.
    pub message_id: String,
}

impl Store {
    /// Records Message-IDs as belonging to `ticket_id`; an id another ticket already
    /// holds keeps pointing there (a reused id never moves a conversation).
    pub async fn put_mail_references(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        message_ids: &[String],
    ) -> StoreResult<()> {
        let puts = message_ids.iter().map(|id| async move {
            let mut item = keys::mail_reference(org_id, id).to_item();
            item.insert("ticketId".into(), s(ticket_id));
            // A reference stored before keeps its first ticket.
            self.put_if(item, "attribute_not_exists(PK)", "storing a mail reference")
                .await
        });
        futures::future::try_join_all(puts).await?;
        Ok(())
    }

    /// The ticket the newest of `message_ids` (oldest first, as `References` lists them)
    /// belongs to.
    pub async fn find_ticket_by_references(
        &self,
        org_id: &OrgId,
        message_ids: &[String],
    ) -> StoreResult<Option<TicketId>> {
        if message_ids.is_empty() {
            return Ok(None);
        }
        // Newest wins: keep each id's last position (BatchGetItem refuses duplicates).
        let mut ids: Vec<&String> = Vec::new();
        for id in message_ids.iter().rev() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids.reverse();
        let keys: Vec<_> = ids
            .iter()
            .map(|id| keys::mail_reference(org_id, id))
            .collect();
        let items = self.batch_get(keys.clone(), true).await?;
        for key in keys.iter().rev() {
            if let Some(item) = items
                .iter()
                .find(|i| i.get("SK").and_then(|v| v.as_s().ok()) == Some(&key.sk))
            {
                return Ok(item
                    .get("ticketId")
                    .and_then(|v| v.as_s().ok())
                    .map(TicketId::trusted));
            }
        }
        Ok(None)
    }

    /// Claims an inbound mail by its dedupe key (see [`InboundClaim`]). A claim left
    /// unfinished for `stale_after` is taken over: the delivery that made it stopped.
    pub async fn claim_inbound(
        &self,
        org_id: &OrgId,
        dedupe: &str,
        stale_after: chrono::Duration,
    ) -> StoreResult<InboundClaim> {
        let key = keys::inbound_mail(org_id, dedupe);
        let now = Utc::now();
        let mut item = key.to_item();
        item.insert("claimedAt".into(), s(super::ts(now)));
        let put = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK) OR (attribute_not_exists(outcome) AND claimedAt < :stale)")
            .expression_attribute_values(":stale", s(super::ts(now - stale_after)))
            .send()
            .await;
        match put {
            Ok(_) => Ok(InboundClaim::New),
            Err(e) if super::is_condition_failed(&e) => {
                let existing = self.get_item(&key).await?;
                match existing
                    .as_ref()
                    .and_then(|i| i.get("outcome"))
                    .and_then(|v| v.as_s().ok())
                {
                    Some(outcome) => Ok(InboundClaim::Done(outcome.clone())),
                    None => Ok(InboundClaim::InProgress),
                }
            }
            Err(e) => Err(anyhow::Error::new(e)
                .context("claiming an inbound mail")
                .into()),
        }
    }

    /// Records what an inbound mail became (a ticket id, or why it was dropped).
    pub async fn finish_inbound(
        &self,
        org_id: &OrgId,
        dedupe: &str,
        outcome: &str,
    ) -> StoreResult<()> {
        let mut item = keys::inbound_mail(org_id, dedupe).to_item();
        item.insert("outcome".into(), s(outcome));
        item.insert("claimedAt".into(), s(super::ts(Utc::now())));
        self.put(item, "finishing an inbound mail").await
    }

    /// Forgets a claim (processing failed; the retry starts afresh).
    pub async fn release_inbound(&self, org_id: &OrgId, dedupe: &str) -> StoreResult<()> {
        self.delete_plain(&keys::inbound_mail(org_id, dedupe)).await
    }

    /// Points `[#ticket_number]` at `ticket_id`.
    pub async fn put_ticket_number_marker(
        &self,
        org_id: &OrgId,
        ticket_number: &str,
        ticket_id: &TicketId,
    ) -> StoreResult<()> {
        self.put(
            number_marker_item(org_id, ticket_number, ticket_id),
            "storing a ticket-number marker",
        )
        .await
    }

    /// The ticket numbered `ticket_number` (every ticket opened since markers are
    /// written at opening; older ones once mail went out or came in on them).
    pub async fn find_ticket_by_number(
        &self,
        org_id: &OrgId,
        ticket_number: &str,
    ) -> StoreResult<Option<TicketId>> {
        Ok(self
            .get_item(&keys::ticket_number_marker(org_id, ticket_number))
            .await?
            .and_then(|i| {
                i.get("ticketId")
                    .and_then(|v| v.as_s().ok())
                    .map(TicketId::trusted)
            }))
    }

    /// Records `email` as a participant of the ticket's mail thread.
    pub async fn add_mail_participant(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        email: &str,
    ) -> StoreResult<()> {
        let item = keys::mail_participant(org_id, ticket_id, email).to_item();
        self.put(item, "storing a participant").await
    }

    /// Whether `email` took part in the ticket's mail thread.
    pub async fn is_mail_participant(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        email: &str,
    ) -> StoreResult<bool> {
        Ok(self
            .get_item(&keys::mail_participant(org_id, ticket_id, email))
            .await?
            .is_some())
    }

    /// Points a reply-address token at its ticket.
    pub async fn put_reply_token(
        &self,
        token: &str,
        org_id: &OrgId,
        ticket_id: &TicketId,
    ) -> StoreResult<()> {
        let mut item = keys::reply_token(token).to_item();
        item.insert("orgId".into(), s(org_id));
        item.insert("ticketId".into(), s(ticket_id));
        self.put(item, "storing a reply token").await
    }

    /// The organization and ticket of a reply-address token.
    pub async fn find_reply_token(&self, token: &str) -> StoreResult<Option<(OrgId, TicketId)>> {
        let Some(item) = self.get_item(&keys::reply_token(token)).await? else {
            return Ok(None);
        };
        let field = |n: &str| item.get(n).and_then(|v| v.as_s().ok()).cloned();
        Ok(field("orgId")
            .map(OrgId::trusted)
            .zip(field("ticketId").map(TicketId::trusted)))
    }

    /// Adds a support address to `org_id`, unique across all organizations:
    /// `Conflict::AddressTaken` when any organization has it.
    pub async fn add_support_address(&self, org_id: &OrgId, address: &str) -> StoreResult<()> {
        let mut marker = keys::support_address_marker(address).to_item();
        marker.insert("orgId".into(), s(org_id));
        let mut own = keys::support_address(org_id, address).to_item();
        own.insert("address".into(), s(address));
        own.insert("createdAt".into(), s(super::ts(Utc::now())));
        Tx::new()
            .put_new(self, marker)?
            .or_conflict(Conflict::AddressTaken)
            .put_new(self, own)?
            .or_conflict(Conflict::AddressTaken)
            .run(self, "adding a support address")
            .await
    }

    /// Removes one of `org_id`'s own support addresses (`NotFound` if it has no such one).
    pub async fn remove_support_address(&self, org_id: &OrgId, address: &str) -> StoreResult<()> {
        if self
            .get_item(&keys::support_address(org_id, address))
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound("Support address"));
        }
        self.delete_plain(&keys::support_address(org_id, address))
            .await?;
        self.delete_plain(&keys::support_address_marker(address))
            .await
    }

    /// The organization's own support addresses.
    pub async fn list_support_addresses(&self, org_id: &OrgId) -> StoreResult<Vec<String>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::SUPPORT_ADDRESS_PREFIX.to_string(),
            true,
        );
        let page = self.query_page(&q, 100, None).await?;
        Ok(page
            .items
            .iter()
            .filter_map(|i| i.get("address").and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }

    /// The organization an own support address belongs to.
    pub async fn find_support_address(&self, address: &str) -> StoreResult<Option<OrgId>> {
        Ok(self
            .get_item(&keys::support_address_marker(address))
            .await?
            .and_then(|i| {
                i.get("orgId")
                    .and_then(|v| v.as_s().ok())
                    .map(OrgId::trusted)
            }))
    }

    /// Keeps a quarantined mail.
    pub async fn put_quarantined(&self, q: &QuarantinedMail) -> StoreResult<()> {
        let item = to_item(&keys::quarantined(&q.org_id, &q.id), q)?;
        self.put(item, "quarantining a mail").await
    }

    /// The organization's quarantined mail, newest first.
    pub async fn list_quarantined(
        &self,
        org_id: &OrgId,
        limit: usize,
    ) -> StoreResult<Vec<QuarantinedMail>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::QUARANTINE_PREFIX.to_string(),
            false,
        );
        Ok(self.query_as(&q, limit, None).await?.items)
    }

    /// Records an attachment.
    pub async fn put_attachment(&self, org_id: &OrgId, a: &StoredAttachment) -> StoreResult<()> {
        let item = to_item(&keys::attachment(org_id, &a.attachment.id), a)?;
        self.put(item, "storing an attachment").await
    }

    /// Records an agent's upload as `pending` (its `ttl` set); a reused id is refused.
    pub async fn put_upload(&self, org_id: &OrgId, a: &StoredAttachment) -> StoreResult<()> {
        let item = to_item(&keys::attachment(org_id, &a.attachment.id), a)?;
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .context("storing an upload")?;
        Ok(())
    }

    /// Attachments of `org_id` by id (strongly consistent: a post decides on them), in the
    /// order of `ids`; unknown ids are left out.
    pub async fn get_attachments(
        &self,
        org_id: &OrgId,
        ids: &[String],
    ) -> StoreResult<Vec<StoredAttachment>> {
        let keys = ids.iter().map(|id| keys::attachment(org_id, id)).collect();
        let mut found: Vec<StoredAttachment> = self.get_many(keys, true).await?;
        super::in_order_of(&mut found, ids, |a| &a.attachment.id);
        Ok(found)
    }

    /// An attachment of `org_id`.
    pub async fn get_attachment(
        &self,
        org_id: &OrgId,
        id: &str,
    ) -> StoreResult<Option<StoredAttachment>> {
        self.get_as(&keys::attachment(org_id, id)).await
    }

    /// Replaces a message's email details (delivery state moves).
    pub async fn set_message_email(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        message_id: &str,
        email: &EmailMeta,
    ) -> StoreResult<()> {
        let value = serde_dynamo::to_attribute_value(email).context("serializing email details")?;
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::message(org_id, ticket_id, message_id).to_item()))
            .update_expression("SET #e = :e")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#e", "email")
            .expression_attribute_values(":e", value)
            .send()
            .await
            .context("updating a message's email details")?;
        Ok(())
    }

    /// Appends Message-IDs to the ticket's thread (what outbound `References` carry).
    pub async fn append_ticket_references(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        ids: &[String],
    ) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let list = AttributeValue::L(ids.iter().map(|i| s(i.as_str())).collect());
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::ticket(org_id, ticket_id).to_item()))
            .update_expression("SET #r = list_append(if_not_exists(#r, :empty), :ids)")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_names("#r", "emailReferences")
            .expression_attribute_values(":ids", list)
            .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
            .send()
            .await
            .context("appending ticket references")?;
        Ok(())
    }

    /// Flags a customer's address as bouncing.
    pub async fn mark_customer_bouncing(
        &self,
        org_id: &OrgId,
        customer_id: &CustomerId,
    ) -> StoreResult<()> {
        let r = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::customer(org_id, customer_id).to_item()))
            .update_expression("SET emailBouncing = :t")
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":t", AttributeValue::Bool(true))
            .send()
            .await;
        match r {
            Ok(_) => Ok(()),
            Err(e) if super::is_condition_failed(&e) => Err(StoreError::NotFound("Customer")),
            Err(e) => Err(anyhow::Error::new(e).context("flagging a customer").into()),
        }
    }

    /// Queues a message's outbound mail for a retry at `due`.
    pub async fn queue_mail_retry(
        &self,
        due: DateTime<Utc>,
        org_id: &OrgId,
        ticket_id: &TicketId,
        message_id: &str,
    ) -> StoreResult<()> {
        let mut item = keys::mail_retry(&super::ts(due), org_id, ticket_id, message_id).to_item();
        item.insert("orgId".into(), s(org_id));
        item.insert("ticketId".into(), s(ticket_id));
        item.insert("messageId".into(), s(message_id));
        self.put(item, "queueing a mail retry").await
    }

    /// Retries due at `now`, oldest first.
    pub async fn due_mail_retries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> StoreResult<Vec<RetryItem>> {
        Ok(self
            .due_in_queue(keys::MAIL_RETRY_PK, now, limit)
            .await?
            .iter()
            .filter_map(|i| {
                let f = |n: &str| i.get(n).and_then(|v| v.as_s().ok()).cloned();
                Some(RetryItem {
                    sk: f("SK")?,
                    org_id: OrgId::trusted(f("orgId")?),
                    ticket_id: TicketId::trusted(f("ticketId")?),
                    message_id: f("messageId")?,
                })
            })
            .collect())
    }

    /// Removes a retry from the queue.
    pub async fn delete_mail_retry(&self, sk: &str) -> StoreResult<()> {
        let mut key = keys::mail_retry("", "", "", "");
        key.sk = sk.to_string();
        self.delete_plain(&key).await
    }

    async fn delete_plain(&self, key: &keys::Key) -> StoreResult<()> {
        self.db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .send()
            .await
            .context("deleting an item")?;
        Ok(())
    }
}

/// The item pointing `[#ticket_number]` (and a search for the number) at `ticket_id`.
pub(super) fn number_marker_item(
    org_id: &OrgId,
    ticket_number: &str,
    ticket_id: &TicketId,
) -> Item {
    let mut item = keys::ticket_number_marker(org_id, ticket_number).to_item();
    item.insert("ticketId".into(), s(ticket_id.as_str()));
    item
}
