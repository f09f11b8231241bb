//! Outbound mail that failed for good, kept for the operator (the send dead letters):
//! one item per message in one partition, listed with a Query and claimed by a
//! conditional delete, so a replay sends a mail at most once however many run.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{QuerySpec, Store, StoreResult, from_item, is_condition_failed, to_item};
use crate::ids::{MessageId, OrgId, TicketId};
use crate::keys;

/// A message whose mail failed for good.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedSend {
    /// The organization.
    pub org_id: OrgId,
    /// The ticket.
    pub ticket_id: TicketId,
    /// The message (its id in wrrk).
    pub message_id: MessageId,
    /// The mail's Message-ID (the same on every attempt and on a replay).
    pub email_message_id: String,
    /// Why the last attempt failed.
    pub error: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it was given up on.
    pub failed_at: DateTime<Utc>,
}

impl Store {
    /// Keeps `failed` as a dead letter (again, if the message failed before).
    pub async fn record_failed_send(&self, failed: &FailedSend) -> StoreResult<()> {
        let key = keys::failed_send(
            &failed.org_id,
            &failed.ticket_id,
            failed.message_id.as_str(),
        );
        self.put(to_item(&key, failed)?, "recording a failed send")
            .await?;
        Ok(())
    }

    /// The dead letters, at most `limit` (one Query of their partition).
    pub async fn failed_sends(&self, limit: usize) -> StoreResult<Vec<FailedSend>> {
        let q = QuerySpec::partition(None, keys::FAILED_SEND_PK.to_string(), true);
        self.query_page(&q, limit, None)
            .await?
            .items
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Removes a dead letter if it is still there: `true` for the one caller that
    /// removed it (and may send the mail), `false` for any other.
    pub async fn take_failed_send(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        message_id: &str,
    ) -> StoreResult<bool> {
        let key = keys::failed_send(org_id, ticket_id, message_id);
        let result = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .condition_expression("attribute_exists(PK)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::new(e).context("taking a failed send").into()),
        }
    }
}
