//! Single-table DynamoDB access. Every read and write of the table goes through here;
//! keys come from [`crate::keys`]. No Scan anywhere: every list is a Query on a key.

mod assignment;
mod connections;
mod csat;
pub mod cursor;
mod customers;
mod deploy;
mod email;
mod failed_sends;
mod identities;
mod invitations;
mod organizations;
mod reports;
mod saved_replies;
mod sessions;
mod teams;
mod throttle;
mod tickets;
mod tx;
mod users;
mod widget;

use std::collections::HashMap;

use anyhow::Context;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::keys::{self, Key, attr};

pub use assignment::{AgentState, AssignOutcome, Queued};
pub use connections::{Closed, MAX_CONNECTIONS_PER_USER, MAX_ROOMS_PER_CONNECTION};
pub use deploy::SetupLink;
pub use email::{InboundClaim, QuarantinedMail, RetryItem, StoredAttachment, UploadState};
pub use failed_sends::FailedSend;
pub use invitations::status_message;
pub use sessions::{AccountTokenKind, Sessions};
pub use throttle::{LoginLimit, LoginWindow};
pub use tickets::{
    FirstMessage, NewTicket, SlaDueItem, SnoozeItem, TicketChanges, TicketFilter, TicketSort,
};
pub use users::UserFilter;
pub use widget::{ConnectTicket, WidgetUser};

/// Items evaluated per request by a filtered Query.
pub(super) const FILTERED_PAGE: usize = 1000;

/// A raw DynamoDB item.
pub type Item = HashMap<String, AttributeValue>;

/// Why a store call failed, in terms a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The item does not exist (or is another tenant's: same thing to the caller).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness, concurrency or limit condition failed: which one, typed.
    #[error("{0}")]
    Conflict(Conflict),
    /// Anything unexpected (network, throttling, bugs).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// What a failed condition means. Each write that can fail declares its meaning where it
/// is built (see `tx::Tx::or`), so callers match on these, never on DynamoDB's codes or
/// on a transaction's positions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conflict {
    /// An account already uses the email.
    EmailTaken,
    /// Another customer of the organization has the email.
    CustomerEmailTaken,
    /// The customer was merged into another one.
    CustomerMerged,
    /// Another team of the organization has the name.
    TeamNameTaken,
    /// The user is in the team already.
    AlreadyMember,
    /// The change would leave no active admin.
    LastAdmin,
    /// The item changed since it was read (optimistic concurrency): read again.
    StaleWrite,
    /// Another writer took the same item at the same moment (a number, a marker, a
    /// transaction conflict that retries did not clear): try again.
    WriteConflict,
    /// Another organization (or this one) has the support address.
    AddressTaken,
    /// Another organization (or this one) holds the sender identity.
    IdentityTaken,
    /// The message id is stored already (a retried delivery).
    DuplicateMessage,
    /// An attached upload went with another message.
    AttachmentUsed,
    /// The invitation was accepted or revoked meanwhile.
    InvitationUsed,
    /// Another invitation to the email was created at the same time.
    InvitationRace,
    /// The one-time setup link was used (or replaced) meanwhile.
    SetupLinkUsed,
    /// The user has the most live connections allowed.
    TooManyConnections {
        /// The limit.
        max: u64,
    },
    /// The connection sent more frames than the window allows.
    FrameLimit {
        /// Frames per window.
        max: u64,
        /// The window.
        window_seconds: i64,
    },
    /// The agent holds the most open conversations their team's cap allows.
    AgentFull,
    /// The conversation was assigned (or moved on) meanwhile.
    TicketTaken,
    /// The connection follows the most tickets allowed.
    TooManyRooms {
        /// The limit.
        max: usize,
    },
}

impl Conflict {
    /// The machine code of the API error.
    pub fn code(&self) -> crate::http::ErrorCode {
        match self {
            Self::EmailTaken => crate::http::ErrorCode::EmailTaken,
            Self::CustomerEmailTaken => crate::http::ErrorCode::CustomerEmailTaken,
            Self::CustomerMerged => crate::http::ErrorCode::CustomerMerged,
            Self::TeamNameTaken => crate::http::ErrorCode::TeamNameTaken,
            Self::AlreadyMember => crate::http::ErrorCode::AlreadyMember,
            Self::LastAdmin => crate::http::ErrorCode::LastAdmin,
            Self::StaleWrite => crate::http::ErrorCode::StaleWrite,
            Self::WriteConflict => crate::http::ErrorCode::WriteConflict,
            Self::AddressTaken => crate::http::ErrorCode::AddressTaken,
            Self::IdentityTaken => crate::http::ErrorCode::IdentityTaken,
            Self::DuplicateMessage => crate::http::ErrorCode::DuplicateMessage,
            Self::AttachmentUsed => crate::http::ErrorCode::AttachmentUsed,
            Self::InvitationUsed => crate::http::ErrorCode::InvitationUsed,
            Self::InvitationRace => crate::http::ErrorCode::Conflict,
            Self::SetupLinkUsed => crate::http::ErrorCode::SetupLinkUsed,
            Self::TooManyConnections { .. } => crate::http::ErrorCode::TooManyConnections,
            Self::FrameLimit { .. } => crate::http::ErrorCode::FrameLimit,
            Self::TooManyRooms { .. } => crate::http::ErrorCode::TooManyRooms,
            // The rules' own outcomes: handled where they happen, never answered.
            Self::AgentFull | Self::TicketTaken => crate::http::ErrorCode::Conflict,
        }
    }

    /// Whether waiting lifts it (answered 429 rather than 409).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Self::TooManyConnections { .. } | Self::FrameLimit { .. }
        )
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::EmailTaken => f.write_str("An account with this email already exists."),
            Self::CustomerEmailTaken => {
                f.write_str("Another customer has this email; merge the two instead.")
            }
            Self::CustomerMerged => {
                f.write_str("This customer was merged into another one; open that one.")
            }
            Self::TeamNameTaken => f.write_str("A team with this name already exists."),
            Self::AlreadyMember => f.write_str("This user is already a member of the team."),
            Self::LastAdmin => f.write_str("An organization needs at least one active admin."),
            Self::StaleWrite => {
                f.write_str("Someone else changed this at the same time. Reload and try again.")
            }
            Self::WriteConflict => {
                f.write_str("Someone changed the same data at the same moment; try again.")
            }
            Self::AddressTaken => f.write_str("This address is already in use."),
            Self::IdentityTaken => f.write_str("This address or domain is already in use."),
            Self::DuplicateMessage => f.write_str("This message is already stored."),
            Self::AttachmentUsed => {
                f.write_str("An attached file was already sent with another message.")
            }
            Self::InvitationUsed => f.write_str("This invitation has already been used."),
            Self::SetupLinkUsed => f.write_str("This setup link has already been used."),
            Self::InvitationRace => {
                f.write_str("Another invitation to this email was sent at the same time.")
            }
            Self::TooManyConnections { max } => write!(
                f,
                "You have {max} live connections already; close a tab first."
            ),
            Self::FrameLimit {
                max,
                window_seconds,
            } => write!(
                f,
                "At most {max} frames every {window_seconds} seconds; slow down."
            ),
            Self::AgentFull => f.write_str("This agent has as many open conversations as allowed."),
            Self::TicketTaken => f.write_str("This conversation was assigned meanwhile."),
            Self::TooManyRooms { max } => {
                write!(f, "A connection can follow at most {max} tickets.")
            }
        }
    }
}

impl From<Conflict> for StoreError {
    fn from(c: Conflict) -> Self {
        Self::Conflict(c)
    }
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// One page of a list and the key to continue after it.
pub struct Page<T> {
    /// The items, in list order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Item>,
}

/// Single-table access through the AWS SDK client.
#[derive(Clone)]
pub struct Store {
    db: Client,
    table: String,
}

impl Store {
    /// A store over `table`.
    pub fn new(db: Client, table: String) -> Self {
        Self { db, table }
    }

    /// The table name.
    pub fn table(&self) -> &str {
        &self.table
    }

    /// Reads one item, strongly consistent.
    async fn get_item(&self, key: &Key) -> StoreResult<Option<Item>> {
        self.read_item(key, true).await
    }

    /// Reads one item; an eventually consistent read costs half, for data that is no
    /// longer changing.
    async fn read_item(&self, key: &Key, consistent: bool) -> StoreResult<Option<Item>> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key.to_item()))
            .consistent_read(consistent)
            .send()
            .await
            .context("GetItem failed")?;
        Ok(out.item)
    }

    /// Reads one item (strongly consistent) as `T`.
    async fn get_as<T: DeserializeOwned>(&self, key: &Key) -> StoreResult<Option<T>> {
        self.get_item(key).await?.map(from_item).transpose()
    }

    /// Reads many items as `T` (see [`Store::batch_get`]), any order.
    async fn get_many<T: DeserializeOwned>(
        &self,
        keys: Vec<Key>,
        consistent: bool,
    ) -> StoreResult<Vec<T>> {
        self.batch_get(keys, consistent)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// One page of a Query (see [`Store::query_page`]) as `T`.
    async fn query_as<T: DeserializeOwned>(
        &self,
        q: &QuerySpec,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<T>> {
        let page = self.query_page(q, limit, start).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(from_item)
                .collect::<StoreResult<_>>()?,
            next: page.next,
        })
    }

    /// Puts `item`, replacing any item of its key.
    async fn put(&self, item: Item, what: &'static str) -> StoreResult<()> {
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e).context(what))?;
        Ok(())
    }

    /// Puts `item` if `condition` holds: `false` when it did not (the caller knows what
    /// that means), an error for anything else.
    async fn put_if(&self, item: Item, condition: &str, what: &'static str) -> StoreResult<bool> {
        let result = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression(condition)
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_condition_failed(&e) => Ok(false),
            Err(e) => Err(anyhow::Error::new(e).context(what).into()),
        }
    }

    /// The entries of a time-ordered queue partition (`SK` starting with the RFC 3339 time
    /// they are due) that are due at `now`, earliest first, at most `limit`: one Query.
    async fn due_in_queue(
        &self,
        pk: &str,
        now: chrono::DateTime<chrono::Utc>,
        limit: usize,
    ) -> StoreResult<Vec<Item>> {
        let mut q = QuerySpec::partition(None, pk.to_string(), true);
        q.key_condition.push_str(" AND #sk <= :now");
        q.names.insert("#sk".into(), "SK".into());
        // `~` sorts after every character of an id: everything due at `now` itself.
        q.values.insert(":now".into(), s(format!("{}~", ts(now))));
        Ok(self.query_page(&q, limit, None).await?.items)
    }

    /// Runs a Query, collecting up to `limit` items from `start`, and returns the key to
    /// continue from. Filtered queries keep reading until the page is full.
    async fn query_page(
        &self,
        q: &QuerySpec,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Item>> {
        let mut items: Vec<Item> = Vec::new();
        let mut start = start;
        let mut round: u32 = 0;
        loop {
            let want = limit + 1 - items.len();
            // A filter discards items after they are read, so read big pages: fewer round
            // trips for the same capacity (DynamoDB still stops each page at 1 MB). A query
            // whose matches are usually dense asks for `first_read` items first and four
            // times more each further round, so the common page costs what it returns.
            let eval_limit = match (&q.filter, q.first_read) {
                (None, _) => want,
                (Some(_), Some(first)) => first
                    .max(want)
                    .saturating_mul(4usize.saturating_pow(round))
                    .min(FILTERED_PAGE),
                (Some(_), None) => want.max(FILTERED_PAGE),
            };
            round += 1;
            let out = self
                .db
                .query()
                .table_name(&self.table)
                .set_index_name(q.index.map(str::to_string))
                .key_condition_expression(&q.key_condition)
                .set_filter_expression(q.filter.clone())
                .set_expression_attribute_names(Some(q.names.clone()))
                .set_expression_attribute_values(Some(q.values.clone()))
                .scan_index_forward(q.forward)
                .limit(i32::try_from(eval_limit).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .context("Query failed")?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(lek) if items.len() <= limit => start = Some(lek),
                lek => {
                    let more = items.len() > limit || lek.is_some();
                    items.truncate(limit);
                    let next = if more {
                        items.last().map(|last| page_key(last, q.index))
                    } else {
                        None
                    };
                    return Ok(Page { items, next });
                }
            }
        }
    }

    /// Reads many items by key (BatchGetItem, retried for unprocessed keys), any order.
    /// Display data (names, summaries) reads eventually consistent, at half the capacity;
    /// anything a decision rests on asks for `consistent`.
    async fn batch_get(&self, keys: Vec<Key>, consistent: bool) -> StoreResult<Vec<Item>> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(100) {
            let mut pending: Vec<Item> = chunk.iter().map(Key::to_item).collect();
            for _attempt in 0..8 {
                if pending.is_empty() {
                    break;
                }
                let ka = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                    .set_keys(Some(std::mem::take(&mut pending)))
                    .consistent_read(consistent)
                    .build()
                    .context("building BatchGetItem keys")?;
                let out = self
                    .db
                    .batch_get_item()
                    .request_items(&self.table, ka)
                    .send()
                    .await
                    .context("BatchGetItem failed")?;
                if let Some(mut r) = out.responses {
                    found.extend(r.remove(&self.table).unwrap_or_default());
                }
                pending = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
            }
            if !pending.is_empty() {
                return Err(anyhow::anyhow!("BatchGetItem left keys unprocessed").into());
            }
        }
        Ok(found)
    }
}

/// What a Query asks for.
struct QuerySpec {
    index: Option<&'static str>,
    key_condition: String,
    filter: Option<String>,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
    forward: bool,
    /// With a filter: items to evaluate in the first round (see [`Store::query_page`]).
    first_read: Option<usize>,
}

impl QuerySpec {
    /// Items of partition `pk` (on the table or an index) whose sort key starts with `prefix`.
    fn prefix(index: Option<&'static str>, pk: String, prefix: String, forward: bool) -> Self {
        let mut q = Self::partition(index, pk, forward);
        q.key_condition = "#pk = :pk AND begins_with(#sk, :prefix)".into();
        q.names
            .insert("#sk".to_string(), index_keys(index).1.to_string());
        q.values
            .insert(":prefix".to_string(), AttributeValue::S(prefix));
        q
    }

    /// Every item of partition `pk` (on the table or an index).
    fn partition(index: Option<&'static str>, pk: String, forward: bool) -> Self {
        let (pk_attr, _) = index_keys(index);
        Self {
            index,
            key_condition: "#pk = :pk".into(),
            filter: None,
            names: HashMap::from([("#pk".to_string(), pk_attr.to_string())]),
            values: HashMap::from([(":pk".to_string(), AttributeValue::S(pk))]),
            forward,
            first_read: None,
        }
    }

    /// Adds a filter condition (joined with AND to any already there).
    fn and_filter(&mut self, condition: &str) {
        self.filter = Some(match self.filter.take() {
            Some(f) => format!("{f} AND {condition}"),
            None => condition.to_string(),
        });
    }
}

/// Partition and sort key attribute names of the table or an index.
fn index_keys(index: Option<&str>) -> (&'static str, &'static str) {
    match index {
        Some(keys::GSI1) => (attr::GSI1PK, attr::GSI1SK),
        Some(keys::GSI3) => (attr::GSI3PK, attr::GSI3SK),
        _ => (attr::PK, attr::SK),
    }
}

/// The key attributes DynamoDB needs to resume a Query after `item`.
fn page_key(item: &Item, index: Option<&str>) -> Item {
    let mut names = vec![attr::PK, attr::SK];
    if index.is_some() {
        let (pk, sk) = index_keys(index);
        names.extend([pk, sk]);
    }
    names
        .into_iter()
        .filter_map(|n| item.get(n).map(|v| (n.to_string(), v.clone())))
        .collect()
}

/// Puts `items` in the order of `ids` (batch reads come back in any order).
fn in_order_of<T>(items: &mut [T], ids: &[String], id: impl Fn(&T) -> &str) {
    items.sort_by_key(|t| ids.iter().position(|i| i == id(t)));
}

/// Serializes `value` and adds its primary key.
fn to_item<T: Serialize>(key: &Key, value: &T) -> StoreResult<Item> {
    let mut item: Item = serde_dynamo::to_item(value).context("serializing item")?;
    item.extend(key.to_item());
    Ok(item)
}

/// Deserializes an item, ignoring key and index attributes.
fn from_item<T: DeserializeOwned>(item: Item) -> StoreResult<T> {
    Ok(serde_dynamo::from_item(item).context("deserializing item")?)
}

/// A string attribute value.
fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

/// A timestamp exactly as serde writes it in items, so conditions compare like with like.
fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A number attribute value.
fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// The per-operation cancellation codes of a cancelled transaction, if that is what failed.
fn cancellation_reasons<R>(
    err: &SdkError<aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError, R>,
) -> Option<Vec<tx::Reason>> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError as E;
    match err.as_service_error() {
        Some(E::TransactionCanceledException(e)) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| tx::Reason::parse(r.code()))
                .collect(),
        ),
        _ => None,
    }
}

/// Whether a conditional write failed its condition.
fn is_condition_failed<E, R>(err: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|c| c == "ConditionalCheckFailedException")
}
