//! Building and running `TransactWriteItems`, where every multi-item write goes.

use std::collections::HashMap;

use anyhow::Context;
use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, TransactWriteItem, Update};

use super::{Conflict, Item, Store, StoreError, StoreResult, cancellation_reasons};
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

/// Why DynamoDB cancelled one write of a transaction (its `CancellationReason` code,
/// parsed once here at the SDK boundary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Reason {
    /// This write was fine; another one failed.
    None,
    /// Its condition did not hold.
    ConditionFailed,
    /// Another transaction held the item.
    TransactionConflict,
    /// Anything else (throttling, validation).
    Other,
}

impl Reason {
    pub(super) fn parse(code: Option<&str>) -> Self {
        match code {
            None | Some("None") => Self::None,
            Some("ConditionalCheckFailed") => Self::ConditionFailed,
            Some("TransactionConflict") => Self::TransactionConflict,
            Some(_) => Self::Other,
        }
    }
}

/// What a write's failed condition means to the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Failed {
    /// A conflict of this kind.
    Conflict(Conflict),
    /// The item (this kind of thing) is gone.
    NotFound(&'static str),
}

impl From<Failed> for StoreError {
    fn from(f: Failed) -> Self {
        match f {
            Failed::Conflict(c) => Self::Conflict(c),
            Failed::NotFound(what) => Self::NotFound(what),
        }
    }
}

/// The writes of one transaction, each with what its failed condition means.
#[derive(Default)]
pub(super) struct Tx {
    items: Vec<TransactWriteItem>,
    meanings: Vec<Option<Failed>>,
}

impl Tx {
    /// An empty transaction.
    pub(super) fn new() -> Self {
        Self::default()
    }

    fn push(&mut self, item: TransactWriteItem) {
        self.items.push(item);
        self.meanings.push(None);
    }

    /// Declares what it means when the condition of the write added last fails. A failed
    /// condition without a meaning is a [`Conflict::StaleWrite`].
    pub(super) fn or(mut self, meaning: Failed) -> Self {
        if let Some(last) = self.meanings.last_mut() {
            *last = Some(meaning);
        }
        self
    }

    /// [`Tx::or`] a conflict.
    pub(super) fn or_conflict(self, conflict: Conflict) -> Self {
        self.or(Failed::Conflict(conflict))
    }

    /// [`Tx::or`] not found.
    pub(super) fn or_not_found(self, what: &'static str) -> Self {
        self.or(Failed::NotFound(what))
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
        self.push(TransactWriteItem::builder().put(put).build());
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
        self.push(TransactWriteItem::builder().update(update).build());
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
        self.push(TransactWriteItem::builder().delete(delete).build());
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
        self.push(TransactWriteItem::builder().condition_check(check).build());
        Ok(self)
    }

    /// Runs the transaction. A failed condition comes back as the meaning declared for
    /// the first write whose condition failed (see [`Tx::or`]).
    /// A clash with another in-flight transaction on the same items (`TransactionConflict`,
    /// which the SDK does not retry) is retried briefly, then answered as
    /// [`Conflict::WriteConflict`].
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
            let reasons = cancellation_reasons(&e).unwrap_or_default();
            if let Some(i) = reasons.iter().position(|r| *r == Reason::ConditionFailed) {
                return Err(match self.meanings.get(i).cloned().flatten() {
                    Some(meaning) => meaning.into(),
                    None => Conflict::StaleWrite.into(),
                });
            }
            if reasons.contains(&Reason::TransactionConflict) {
                if attempt == ATTEMPTS {
                    return Err(Conflict::WriteConflict.into());
                }
                let jitter = u64::from(rand::random::<u8>() % 20);
                let wait = 10 * u64::from(attempt) + jitter;
                tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                continue;
            }
            return Err(anyhow::Error::new(e)
                .context(format!("transaction: {what}"))
                .into());
        }
    }
}
