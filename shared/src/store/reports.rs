//! Report rollups: per organization per local day, items of short entries (see
//! `crate::reports`), appended atomically and read with one Query per range.

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, Utc};

use super::{QuerySpec, Store, StoreResult, is_condition_failed, n, s};
use crate::keys;
use crate::reports::{ENTRIES_PER_ITEM, MAX_SHARDS};

impl Store {
    /// Appends `entry` to the rollup of `date`: one UpdateItem (`list_append` and `ADD`, so
    /// concurrent appends all land) on the day's first item with room. A full item fails
    /// its condition and the next shard is tried.
    pub async fn append_report_entry(
        &self,
        org_id: &str,
        date: NaiveDate,
        entry: &str,
    ) -> StoreResult<()> {
        self.append_report_entry_within(org_id, date, entry, ENTRIES_PER_ITEM)
            .await
    }

    /// [`Store::append_report_entry`] with items of at most `per_item` entries (tests
    /// fill a day in a few writes with a small one).
    pub async fn append_report_entry_within(
        &self,
        org_id: &str,
        date: NaiveDate,
        entry: &str,
        per_item: u64,
    ) -> StoreResult<()> {
        for shard in 0..MAX_SHARDS {
            let result = self
                .db
                .update_item()
                .table_name(&self.table)
                .set_key(Some(keys::report_day(org_id, date, shard).to_item()))
                .update_expression(
                    "SET #e = list_append(if_not_exists(#e, :none), :entry), #d = :date ADD #n :one",
                )
                .condition_expression("attribute_not_exists(#n) OR #n < :cap")
                .expression_attribute_names("#e", "entries")
                .expression_attribute_names("#n", "n")
                .expression_attribute_names("#d", "date")
                .expression_attribute_values(":none", AttributeValue::L(Vec::new()))
                .expression_attribute_values(":entry", AttributeValue::L(vec![s(entry)]))
                .expression_attribute_values(":date", s(date.to_string()))
                .expression_attribute_values(":one", n(1))
                .expression_attribute_values(":cap", n(per_item))
                .send()
                .await;
            match result {
                Ok(_) => return Ok(()),
                Err(e) if is_condition_failed(&e) => continue,
                Err(e) => {
                    return Err(anyhow::Error::new(e)
                        .context("appending a report entry")
                        .into());
                }
            }
        }
        Err(anyhow::anyhow!("the report items of {date} are full ({MAX_SHARDS} shards)").into())
    }

    /// The rollup entries of the days `from` to `to`, by day: one Query (paged past 1 MB)
    /// over the day items, eventually consistent.
    pub async fn report_days(
        &self,
        org_id: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> StoreResult<Vec<(NaiveDate, Vec<String>)>> {
        let (low, high) = keys::report_days(from, to);
        let mut q = QuerySpec::partition(None, keys::org_pk(org_id), true);
        q.key_condition = "#pk = :pk AND #sk BETWEEN :low AND :high".into();
        q.names.insert("#sk".into(), keys::attr::SK.into());
        q.values.insert(":low".into(), s(low));
        q.values.insert(":high".into(), s(high));
        let days = usize::try_from((to - from).num_days() + 1).unwrap_or(0);
        let most = days.saturating_mul(MAX_SHARDS as usize);
        let page = self.query_page(&q, most, None).await?;
        let mut out = Vec::with_capacity(page.items.len());
        for item in page.items {
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
        org_id: &str,
        ticket_id: &str,
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
