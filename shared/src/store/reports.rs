//! Report rollups: per organization per local day, items of short entries (see
//! `crate::reports`), appended atomically and read with one Query per range.

use crate::ids::{OrgId, TicketId};

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, Utc};

use super::{Store, StoreResult, is_condition_failed, n, s};
use crate::keys;
use crate::reports::{ENTRIES_PER_ITEM, shard_of};

impl Store {
    /// Appends `entry` to the rollup of `date`: the day's counter (a small item) takes the
    /// next entry number with `ADD`, which names the shard item the entry goes to; the
    /// entry is then appended there with `list_append`. Both are atomic, so concurrent
    /// writers never lose an entry, and shards fill exactly [`ENTRIES_PER_ITEM`] each: an
    /// append rewrites a small item (writes are billed by item size).
    pub async fn append_report_entry(
        &self,
        org_id: &OrgId,
        date: NaiveDate,
        entry: &str,
    ) -> StoreResult<()> {
        self.append_report_entry_within(org_id, date, entry, ENTRIES_PER_ITEM)
            .await
    }

    /// [`Store::append_report_entry`] with items of `per_item` entries (tests fill a day
    /// in a few writes with a small one).
    pub async fn append_report_entry_within(
        &self,
        org_id: &OrgId,
        date: NaiveDate,
        entry: &str,
        per_item: u64,
    ) -> StoreResult<()> {
        let counted = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::report_day_counter(org_id, date).to_item()))
            .update_expression("ADD #n :one")
            .expression_attribute_names("#n", "n")
            .expression_attribute_values(":one", n(1))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::UpdatedNew)
            .send()
            .await
            .context("counting a report entry")?;
        let number: u64 = counted
            .attributes
            .as_ref()
            .and_then(|a| a.get("n"))
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .context("the report counter's new value")?;
        let shard = shard_of(number, per_item);
        self.db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::report_day(org_id, date, shard).to_item()))
            .update_expression("SET #e = list_append(if_not_exists(#e, :none), :entry), #d = :date")
            .expression_attribute_names("#e", "entries")
            .expression_attribute_names("#d", "date")
            .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
            .expression_attribute_values(":entry", AttributeValue::L(vec![s(entry)]))
            .expression_attribute_values(":date", s(date.to_string()))
            .send()
            .await
            .context("appending a report entry")?;
        Ok(())
    }

    /// Writes a whole day's rollup at once: its entries in shards of `per_item` and its
    /// counter, as [`Store::append_report_entry`] would have left them entry by entry
    /// (for seeding benchmarks and imports; it replaces what the day had).
    pub async fn put_report_day(
        &self,
        org_id: &OrgId,
        date: NaiveDate,
        entries: &[String],
        per_item: u64,
    ) -> StoreResult<()> {
        let per_item = usize::try_from(per_item.max(1)).unwrap_or(usize::MAX);
        for (shard, chunk) in entries.chunks(per_item).enumerate() {
            let mut item = keys::report_day(org_id, date, shard as u64).to_item();
            item.insert(
                "entries".into(),
                AttributeValue::L(chunk.iter().map(|e| s(e.as_str())).collect()),
            );
            item.insert("date".into(), s(date.to_string()));
            self.put(item, "writing a report day").await?;
        }
        let mut counter = keys::report_day_counter(org_id, date).to_item();
        counter.insert("n".into(), n(entries.len()));
        self.put(counter, "writing a report day's counter").await?;
        Ok(())
    }

    /// The rollup entries of the days `from` to `to`, by day: one Query (paged past 1 MB)
    /// over the day items, eventually consistent.
    pub async fn report_days(
        &self,
        org_id: &OrgId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, Vec<String>)>> {
        let (low, high) = keys::report_days(from, to);
        // Every item of the range, page by page (DynamoDB stops a page at 1 MB).
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .db
                .query()
                .table_name(&self.table)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :low AND :high")
                .expression_attribute_names("#pk", keys::attr::PK)
                .expression_attribute_names("#sk", keys::attr::SK)
                .expression_attribute_values(":pk", s(keys::org_pk(org_id)))
                .expression_attribute_values(":low", s(low.clone()))
                .expression_attribute_values(":high", s(high.clone()))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .context("reading report items")?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => break,
            }
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let date = item
                .get("date")
                .and_then(|v| v.as_s().ok())
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .context("a report item without its date")?;
            let entries = item
                .get("entries")
                .and_then(|v| v.as_l().ok())
                .map(|l| l.iter().filter_map(|e| e.as_s().ok().cloned()).collect())
                .unwrap_or_default();
            out.push((date, entries));
        }
        Ok(out)
    }

    /// Sets the ticket's `firstResponseAt` unless it has one: `true` for the one writer
    /// that set it.
    pub async fn mark_first_response(
        &self,
        org_id: &OrgId,
        ticket_id: &TicketId,
        at: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let result = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(keys::ticket(org_id, ticket_id).to_item()))
            .update_expression("SET #f = :at")
            .condition_expression("attribute_exists(PK) AND attribute_not_exists(#f)")
            .expression_attribute_names("#f", "firstResponseAt")
            .expression_attribute_values(":at", s(super::ts(at)))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::new(e)
                .context("marking a first response")
                .into()),
        }
    }
}
