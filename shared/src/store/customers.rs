//! Customers: found by email within an organization, listed and searched.

use super::{Item, Page, QuerySpec, Store, StoreResult, s, to_item};
use crate::domain::{Customer, Email};
use crate::keys;

/// Lower-cased "name email", what customer search matches against.
const SEARCH_TEXT: &str = "searchText";

impl Store {
    /// The item for `customer`, with its search text.
    pub(super) fn customer_item(&self, customer: &Customer) -> StoreResult<Item> {
        let mut item = to_item(&keys::customer(&customer.org_id, &customer.id), customer)?;
        item.insert(
            SEARCH_TEXT.into(),
            s(format!(
                "{} {}",
                customer.name.to_lowercase(),
                customer.email
            )),
        );
        Ok(item)
    }

    /// The marker that reserves `customer.email` within the organization.
    pub(super) fn customer_marker_item(&self, customer: &Customer) -> Item {
        let mut item =
            keys::customer_email_marker(&customer.org_id, customer.email.as_str()).to_item();
        item.insert("customerId".into(), s(&customer.id));
        item
    }

    /// A customer of `org_id`.
    pub async fn get_customer(&self, org_id: &str, id: &str) -> StoreResult<Option<Customer>> {
        self.get_as(&keys::customer(org_id, id)).await
    }

    /// Customers by id (missing ones skipped).
    pub async fn get_customers(&self, org_id: &str, ids: &[String]) -> StoreResult<Vec<Customer>> {
        let keys = ids.iter().map(|id| keys::customer(org_id, id)).collect();
        self.get_many(keys, false).await
    }

    /// The customer with `email` in `org_id`.
    pub async fn find_customer(
        &self,
        org_id: &str,
        email: &Email,
    ) -> StoreResult<Option<Customer>> {
        let Some(marker) = self
            .get_item(&keys::customer_email_marker(org_id, email.as_str()))
            .await?
        else {
            return Ok(None);
        };
        match marker.get("customerId").and_then(|v| v.as_s().ok()) {
            Some(id) => self.get_customer(org_id, id).await,
            None => Ok(None),
        }
    }

    /// A page of customers, newest first, optionally searched by name or email.
    pub async fn list_customers(
        &self,
        org_id: &str,
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
        org_id: &str,
        customer_id: &str,
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
}
