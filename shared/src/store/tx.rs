//! Building and running `TransactWriteItems`, where every multi-item write goes.

use std::collections::HashMap;

use anyhow::Context;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};

use super::{Item, Store, StoreError, StoreResult, cancellation_codes};
use crate::keys::Key;

/// Expression attribute values.
pub(super) type Values = Vec<(&'static str, aws_sdk_dynamodb::types::AttributeValue)>;

fn values(v: Values) -> Option<HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
    (!v.is_empty()).then(|| v.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

fn names(n: &[(&str, &str)]) -> Option<HashMap<String, String>> {
    (!n.is_empty()).then(|| {
        n.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    })
}

/// The writes of one transaction, in order (cancellation codes come back in this order).
#[derive(Default)]
pub(super) struct Tx {
    items: Vec<TransactWriteItem>,
}

impl Tx {
    /// An empty transaction.
    pub(super) fn new() -> Self {
        Self::default()
    }

    /// Puts `item`, under `condition` if given.
    pub(super) fn put(
        mut self,
        store: &Store,
        item: Item,
        condition: Option<&str>,
        vals: Values,
    ) -> StoreResult<Self> {
        let put = Put::builder()
            .table_name(&store.table)
            .set_item(Some(item))
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_values(values(vals))
            .build()
            .context("building Put")?;
        self.items
            .push(TransactWriteItem::builder().put(put).build());
        Ok(self)
    }

    /// Puts `item` only if its key is free.
    pub(super) fn put_new(self, store: &Store, item: Item) -> StoreResult<Self> {
        self.put(store, item, Some("attribute_not_exists(PK)"), vec![])
    }

    /// Updates `key` with `expression`, under `condition` if given.
    pub(super) fn update(
        mut self,
        store: &Store,
        key: &Key,
        expression: &str,
        condition: Option<&str>,
        attr_names: &[(&str, &str)],
        vals: Values,
    ) -> StoreResult<Self> {
        let update = Update::builder()
            .table_name(&store.table)
            .set_key(Some(key.to_item()))
            .update_expression(expression)
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_names(names(attr_names))
            .set_expression_attribute_values(values(vals))
            .build()
            .context("building Update")?;
        self.items
            .push(TransactWriteItem::builder().update(update).build());
        Ok(self)
    }

    /// Deletes `key`, under `condition` if given.
    pub(super) fn delete(
        mut self,
        store: &Store,
        key: &Key,
        condition: Option<&str>,
        vals: Values,
    ) -> StoreResult<Self> {
        let delete = Delete::builder()
            .table_name(&store.table)
            .set_key(Some(key.to_item()))
            .set_condition_expression(condition.map(str::to_string))
            .set_expression_attribute_values(values(vals))
            .build()
            .context("building Delete")?;
        self.items
            .push(TransactWriteItem::builder().delete(delete).build());
        Ok(self)
    }

    /// Requires `condition` to hold on `key` without writing it.
    pub(super) fn check(
        mut self,
        store: &Store,
        key: &Key,
        condition: &str,
        attr_names: &[(&str, &str)],
        vals: Values,
    ) -> StoreResult<Self> {
        let check = ConditionCheck::builder()
            .table_name(&store.table)
            .set_key(Some(key.to_item()))
            .condition_expression(condition)
            .set_expression_attribute_names(names(attr_names))
            .set_expression_attribute_values(values(vals))
            .build()
            .context("building ConditionCheck")?;
        self.items
            .push(TransactWriteItem::builder().condition_check(check).build());
        Ok(self)
    }

    /// Runs the transaction. A failed condition comes back as
    /// [`StoreError::Cancelled`] with one code per write (`ConditionalCheckFailed` or `None`).
    /// A clash with another in-flight transaction on the same items (`TransactionConflict`,
    /// which the SDK does not retry) is retried briefly, then answered as a 409.
    pub(super) async fn run(self, store: &Store, what: &str) -> StoreResult<()> {
        const ATTEMPTS: u32 = 4;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = store
                .db
                .transact_write_items()
                .set_transact_items(Some(self.items.clone()))
                .send()
                .await;
            let e = match result {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            match cancellation_codes(&e) {
                Some(codes) if codes.iter().any(|c| c == "ConditionalCheckFailed") => {
                    return Err(StoreError::Cancelled(codes));
                }
                Some(codes) if codes.iter().any(|c| c == "TransactionConflict") => {
                    if attempt == ATTEMPTS {
                        return Err(StoreError::Conflict(
                            "write_conflict",
                            "Someone changed the same data at the same moment; try again.".into(),
                        ));
                    }
                    let jitter = u64::from(rand::random::<u8>() % 20);
                    let wait = 10 * u64::from(attempt) + jitter;
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                }
                _ => {
                    return Err(anyhow::Error::new(e)
                        .context(format!("transaction: {what}"))
                        .into());
                }
            }
        }
    }
}

/// Whether the write at `index` failed its condition.
pub(super) fn failed_at(codes: &[String], index: usize) -> bool {
    codes
        .get(index)
        .is_some_and(|c| c == "ConditionalCheckFailed")
}
