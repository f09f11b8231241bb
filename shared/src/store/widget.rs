//! The chat widget's items: the public key marker, single-use WebSocket connect tickets,
//! rate-limit windows and the conversations of verified users.

use crate::ids::OrgId;
use anyhow::Context;
use aws_sdk_dynamodb::types::ReturnValue;
use chrono::Utc;

use super::Conflict;
use super::tx::Tx;
use super::{Item, Store, StoreError, StoreResult, n, s, to_item};
use crate::domain::Organization;
use crate::keys::{self, attr};

/// What a connect ticket stands for: one visitor of one ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTicket {
    /// The organization.
    pub org_id: OrgId,
    /// The customer (the visitor).
    pub customer_id: String,
    /// The ticket the visitor may follow.
    pub ticket_id: crate::ids::TicketId,
    /// Display name.
    pub name: String,
}

/// A verified widget user's conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WidgetUser {
    /// Their ticket.
    pub ticket_id: crate::ids::TicketId,
    /// Their customer record.
    pub customer_id: crate::ids::CustomerId,
}

fn field(item: &Item, name: &str) -> String {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

impl Store {
    /// The marker that finds `org` from its widget key.
    pub(super) fn widget_key_marker_item(&self, org: &Organization) -> Item {
        let mut item = keys::widget_key_marker(&org.widget.widget_key).to_item();
        item.insert("orgId".into(), s(&org.id));
        item
    }

    /// The organization whose public widget key is `widget_key` (two reads).
    pub async fn organization_by_widget_key(
        &self,
        widget_key: &str,
    ) -> StoreResult<Option<Organization>> {
        if widget_key.is_empty() || widget_key.len() > 100 {
            return Ok(None);
        }
        let Some(marker) = self.get_item(&keys::widget_key_marker(widget_key)).await? else {
            return Ok(None);
        };
        let org = self
            .get_organization(&OrgId::trusted(field(&marker, "orgId")))
            .await?;
        Ok(org.filter(|o| o.widget.widget_key == widget_key))
    }

    /// Writes `org` (versioned like [`Store::update_organization`]) with a new widget key:
    /// the old key's marker goes and the new one comes in the same transaction.
    pub async fn update_organization_widget_key(
        &self,
        org: &Organization,
        old_key: &str,
    ) -> StoreResult<()> {
        let mut tx = Tx::new()
            .put(
                self,
                to_item(&keys::org(&org.id), org)?,
                Some("attribute_exists(PK) AND version = :prev"),
                vec![(":prev", n(org.version.saturating_sub(1)))],
            )?
            .or_conflict(Conflict::StaleWrite);
        tx = tx
            .put_new(self, self.widget_key_marker_item(org))?
            .or_conflict(Conflict::WriteConflict);
        if !old_key.is_empty() {
            tx = tx.delete(self, &keys::widget_key_marker(old_key), None, vec![])?;
        }
        tx.run(self, "rotating the widget key").await
    }

    /// Stores a connect ticket (by the hash of its secret) valid for `ttl_seconds`.
    pub async fn put_connect_ticket(
        &self,
        ticket_hash: &str,
        t: &ConnectTicket,
        ttl_seconds: i64,
    ) -> StoreResult<()> {
        let mut item = keys::widget_connect_ticket(ticket_hash).to_item();
        item.insert("orgId".into(), s(&t.org_id));
        item.insert("customerId".into(), s(&t.customer_id));
        item.insert("ticketId".into(), s(&t.ticket_id));
        item.insert("name".into(), s(&t.name));
        item.insert(attr::TTL.into(), n(Utc::now().timestamp() + ttl_seconds));
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .context("storing a connect ticket")?;
        Ok(())
    }

    /// Consumes a connect ticket: one conditional delete, so a ticket works once. `None`
    /// when it is unknown, used or expired.
    pub async fn take_connect_ticket(
        &self,
        ticket_hash: &str,
    ) -> StoreResult<Option<ConnectTicket>> {
        let result = self
            .db
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(keys::widget_connect_ticket(ticket_hash).to_item()))
            .condition_expression("attribute_exists(PK)")
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        let item = match result {
            Ok(out) => out.attributes.unwrap_or_default(),
            Err(e) if super::is_condition_failed(&e) => return Ok(None),
            Err(e) => {
                return Err(anyhow::Error::new(e)
                    .context("taking a connect ticket")
                    .into());
            }
        };
        let expires: i64 = item
            .get(attr::TTL)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if expires <= Utc::now().timestamp() {
            return Ok(None);
        }
        Ok(Some(ConnectTicket {
            org_id: OrgId::trusted(field(&item, "orgId")),
            customer_id: field(&item, "customerId"),
            ticket_id: crate::ids::TicketId::trusted(field(&item, "ticketId")),
            name: field(&item, "name"),
        }))
    }

    /// Counts one request for `subject` in the fixed window `window` (of `window_seconds`);
    /// returns the counts of this window (this one included, one atomic ADD) and of the
    /// window before (read at the same time), for a sliding-window estimate.
    pub async fn count_widget_request(
        &self,
        subject: &str,
        window: i64,
        window_seconds: i64,
    ) -> StoreResult<(u64, u64)> {
        let previous = async {
            // The previous window is over: its count no longer changes.
            let item = self
                .read_item(&keys::widget_rate(subject, window - 1), false)
                .await?;
            Ok::<u64, StoreError>(
                item.as_ref()
                    .and_then(|a| a.get("count"))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            )
        };
        let (current, previous) = tokio::try_join!(
            self.add_widget_request(subject, window, window_seconds),
            previous
        )?;
        Ok((current, previous))
    }

    async fn add_widget_request(
        &self,
        subject: &str,
        window: i64,
        window_seconds: i64,
    ) -> StoreResult<u64> {
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::widget_rate(subject, window).to_item()))
            .update_expression("ADD #c :one SET #ttl = :ttl")
            .expression_attribute_names("#c", "count")
            .expression_attribute_names("#ttl", attr::TTL)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":ttl", n((window + 2) * window_seconds))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .context("counting a widget request")?;
        Ok(out
            .attributes
            .as_ref()
            .and_then(|a| a.get("count"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// The conversation of the verified user `user_id`, if they have one.
    pub async fn get_widget_user(
        &self,
        org_id: &OrgId,
        user_id: &str,
    ) -> StoreResult<Option<WidgetUser>> {
        Ok(self
            .get_item(&keys::widget_user(org_id, user_id))
            .await?
            .map(|item| WidgetUser {
                ticket_id: crate::ids::TicketId::trusted(field(&item, "ticketId")),
                customer_id: crate::ids::CustomerId::trusted(field(&item, "customerId")),
            }))
    }

    /// Remembers the verified user's conversation (the latest one wins).
    pub async fn put_widget_user(
        &self,
        org_id: &OrgId,
        user_id: &str,
        user: &WidgetUser,
    ) -> StoreResult<()> {
        let mut item = keys::widget_user(org_id, user_id).to_item();
        item.insert("ticketId".into(), s(&user.ticket_id));
        item.insert("customerId".into(), s(&user.customer_id));
        self.put(item, "remembering a widget user").await?;
        Ok(())
    }
}
