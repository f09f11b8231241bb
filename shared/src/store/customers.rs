//! Customers: found by email within an organization, listed and searched.

use crate::ids::{CustomerId, OrgId};
use futures::StreamExt;

use super::tx::Tx;
use super::{Conflict, Item, Page, QuerySpec, Store, StoreError, StoreResult, n, s, to_item};
use crate::domain::{Customer, CustomerSummary, Email};
use crate::keys;

/// Lower-cased "name emails phone", what customer search matches against.
const SEARCH_TEXT: &str = "searchText";

/// The condition that a customer is as it was read at `:prev` and not merged away
/// (customers stored before versions existed have no `version`).
const UNCHANGED: &str = "attribute_exists(PK) AND attribute_not_exists(mergedInto) AND (attribute_not_exists(version) OR version = :prev)";

/// The text search matches: name, every address, phone.
fn search_text(customer: &Customer) -> String {
    let mut text = customer.name.to_lowercase();
    for e in customer.all_emails() {
        text.push(' ');
        text.push_str(e.as_str());
    }
    if let Some(phone) = &customer.phone {
        text.push(' ');
        text.push_str(&phone.to_lowercase());
    }
    text
}

/// The marker of `email` pointing at `customer_id`.
fn marker(org_id: &OrgId, email: &Email, customer_id: &CustomerId) -> Item {
    let mut item = keys::customer_email_marker(org_id, email.as_str()).to_item();
    item.insert("customerId".into(), s(customer_id.as_str()));
    item
}

impl Store {
    /// The item for `customer`, with its search text.
    pub(super) fn customer_item(&self, customer: &Customer) -> StoreResult<Item> {
        let mut item = to_item(&keys::customer(&customer.org_id, &customer.id), customer)?;
        item.insert(SEARCH_TEXT.into(), s(search_text(customer)));
        Ok(item)
    }

    /// The marker that reserves `customer.email` within the organization.
    pub(super) fn customer_marker_item(&self, customer: &Customer) -> Item {
        marker(&customer.org_id, &customer.email, &customer.id)
    }

    /// A customer of `org_id`.
    pub async fn get_customer(
        &self,
        org_id: &OrgId,
        id: &CustomerId,
    ) -> StoreResult<Option<Customer>> {
        self.get_as(&keys::customer(org_id, id)).await
    }

    /// Customers by id (missing ones skipped).
    pub async fn get_customers(
        &self,
        org_id: &OrgId,
        ids: &[String],
    ) -> StoreResult<Vec<Customer>> {
        let keys = ids.iter().map(|id| keys::customer(org_id, id)).collect();
        self.get_many(keys, false).await
    }

    /// The customer with `email` in `org_id`.
    pub async fn find_customer(
        &self,
        org_id: &OrgId,
        email: &Email,
    ) -> StoreResult<Option<Customer>> {
        let Some(marker) = self
            .get_item(&keys::customer_email_marker(org_id, email.as_str()))
            .await?
        else {
            return Ok(None);
        };
        match marker.get("customerId").and_then(|v| v.as_s().ok()) {
            Some(id) => self.get_customer(org_id, &CustomerId::trusted(id)).await,
            None => Ok(None),
        }
    }

    /// A page of customers (merged-away ones left out), newest first, optionally searched
    /// by name, email or phone.
    pub async fn list_customers(
        &self,
        org_id: &OrgId,
        search: Option<&str>,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Customer>> {
        let mut q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::CUSTOMER_PREFIX.into(),
            false,
        );
        q.and_filter("attribute_not_exists(mergedInto)");
        if let Some(search) = search {
            q.and_filter("contains(#search, :search)");
            q.names.insert("#search".into(), SEARCH_TEXT.into());
            q.values.insert(":search".into(), s(search.to_lowercase()));
        }
        self.query_as(&q, limit, start).await
    }

    /// A page of the ids of a customer's tickets, newest first.
    pub async fn customer_ticket_ids(
        &self,
        org_id: &OrgId,
        customer_id: &CustomerId,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<String>> {
        let prefix = keys::customer_ticket_prefix(customer_id);
        let q = QuerySpec::prefix(None, keys::org_pk(org_id), prefix.clone(), false);
        let page = self.query_page(&q, limit, start).await?;
        Ok(Page {
            items: page
                .items
                .iter()
                .filter_map(|i| i.get(keys::attr::SK).and_then(|v| v.as_s().ok()))
                .filter_map(|sk| sk.strip_prefix(&prefix).map(str::to_string))
                .collect(),
            next: page.next,
        })
    }

    /// Saves an agent's edit of `before` as `after` (`after.version` is the new version):
    /// stale if it changed since read. A new primary address that is not one of the
    /// customer's own takes its marker (409 `ErrorCode::CustomerEmailTaken` if another customer has
    /// it) and frees the old one; a secondary promoted to primary keeps both markers.
    pub async fn save_customer(&self, before: &Customer, after: &Customer) -> StoreResult<()> {
        let org = &after.org_id;
        let mut tx = Tx::new().put(
            self,
            self.customer_item(after)?,
            Some(UNCHANGED),
            vec![(":prev", n(before.version))],
        )?;
        let owned = |e: &Email| before.all_emails().any(|x| x == e);
        if !owned(&after.email) {
            tx = tx
                .put_new(self, marker(org, &after.email, &after.id))?
                .or_conflict(Conflict::CustomerEmailTaken);
        }
        for gone in before
            .all_emails()
            .filter(|e| !after.all_emails().any(|x| x == *e))
        {
            tx = tx.delete(
                self,
                &keys::customer_email_marker(org, gone.as_str()),
                Some("customerId = :id"),
                vec![(":id", s(&after.id))],
            )?;
        }
        tx.run(self, "saving a customer").await
    }

    /// The first step of merging `source` into `target`, in one transaction: `target` as
    /// merged (`target_after`: its addresses, notes and phone joined), `source` marked
    /// `mergedInto`, and every address marker of `source` pointed at `target`, so mail
    /// from any of them maps to `target` from this moment. Both must be as read.
    pub async fn merge_customer_records(
        &self,
        target_before: &Customer,
        target_after: &Customer,
        source_before: &Customer,
    ) -> StoreResult<()> {
        let mut source_after = source_before.clone();
        source_after.merged_into = Some(target_after.id.clone());
        source_after.version += 1;
        source_after.updated_at = target_after.updated_at;
        let mut tx = Tx::new()
            .put(
                self,
                self.customer_item(target_after)?,
                Some(UNCHANGED),
                vec![(":prev", n(target_before.version))],
            )?
            .put(
                self,
                self.customer_item(&source_after)?,
                Some(UNCHANGED),
                vec![(":prev", n(source_before.version))],
            )?;
        for email in source_before.all_emails() {
            tx = tx.put(
                self,
                marker(&target_after.org_id, email, &target_after.id),
                Some("customerId = :source"),
                vec![(":source", s(source_before.id.as_str()))],
            )?;
        }
        tx.run(self, "merging customers").await
    }

    /// The second step of a merge: moves every ticket still linked to `source_id` to
    /// `target` (the ticket's customer and summary, the link), one transaction per ticket.
    /// Each move is idempotent, so running this again after an interruption finishes the
    /// job. Returns how many tickets moved.
    pub async fn move_customer_tickets(
        &self,
        org_id: &OrgId,
        source_id: &CustomerId,
        target: &Customer,
    ) -> StoreResult<usize> {
        let summary = summary_value(target)?;
        let mut moved = 0;
        let mut start = None;
        loop {
            let page = self
                .customer_ticket_ids(org_id, source_id, 25, start)
                .await?;
            // Owned inputs: the stream's futures borrow nothing from this one.
            let moves = page.items.into_iter().map(|ticket_id| {
                let (store, summary) = (self.clone(), summary.clone());
                let (org_id, source_id) = (org_id.to_string(), source_id.to_string());
                let target_id = target.id.to_string();
                async move {
                    Tx::new()
                        .update(
                            &store,
                            &keys::ticket(&org_id, &ticket_id),
                            "SET customerId = :target, customer = :summary",
                            Some("attribute_exists(PK)"),
                            &[],
                            vec![(":target", s(&target_id)), (":summary", summary)],
                        )?
                        .or_not_found("Ticket")
                        .put(
                            &store,
                            keys::customer_ticket(&org_id, &target_id, &ticket_id).to_item(),
                            None,
                            vec![],
                        )?
                        .delete(
                            &store,
                            &keys::customer_ticket(&org_id, &source_id, &ticket_id),
                            None,
                            vec![],
                        )?
                        .run(&store, "moving a ticket to another customer")
                        .await
                }
            });
            let results: Vec<StoreResult<()>> = futures::stream::iter(moves)
                .buffer_unordered(8)
                .collect()
                .await;
            for r in results {
                r?;
                moved += 1;
            }
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(moved),
            }
        }
    }

    /// Writes `customer`'s summary onto every ticket of theirs (after an edit).
    pub async fn refresh_customer(&self, customer: &Customer) -> StoreResult<()> {
        let summary = summary_value(customer)?;
        let org_id = &customer.org_id;
        let mut start = None;
        loop {
            let page = self
                .customer_ticket_ids(org_id, &customer.id, 100, start)
                .await?;
            // Owned inputs: the stream's futures borrow nothing from this one.
            let writes = page.items.into_iter().map(|ticket_id| {
                let (db, table, summary) = (self.db.clone(), self.table.clone(), summary.clone());
                let key = keys::ticket(org_id, &ticket_id);
                let customer_id = customer.id.to_string();
                async move {
                    let result = db
                        .update_item()
                        .table_name(table)
                        .set_key(Some(key.to_item()))
                        .update_expression("SET customer = :summary")
                        .condition_expression("customerId = :id")
                        .expression_attribute_values(":summary", summary)
                        .expression_attribute_values(":id", s(customer_id))
                        .send()
                        .await;
                    match result {
                        // Moved to another customer meanwhile: its summary is theirs.
                        Err(e) if super::is_condition_failed(&e) => Ok(()),
                        Err(e) => Err(StoreError::from(
                            anyhow::Error::new(e).context("refreshing a customer summary"),
                        )),
                        Ok(_) => Ok(()),
                    }
                }
            });
            let results: Vec<StoreResult<()>> = futures::stream::iter(writes)
                .buffer_unordered(16)
                .collect()
                .await;
            for r in results {
                r?;
            }
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(()),
            }
        }
    }
}

/// A customer's summary as an item attribute.
fn summary_value(customer: &Customer) -> StoreResult<aws_sdk_dynamodb::types::AttributeValue> {
    Ok(
        serde_dynamo::to_attribute_value(CustomerSummary::from(customer))
            .map_err(|e| anyhow::anyhow!("serializing a customer summary: {e}"))?,
    )
}
