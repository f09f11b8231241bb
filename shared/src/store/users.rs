//! Users and their credentials.

use crate::ids::{OrgId, UserId};
use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;

use super::Conflict;
use super::tx::Tx;
use super::{Item, Page, QuerySpec, Store, StoreResult, from_item, in_order_of, n, s, to_item, ts};
use crate::domain::{Email, User};
use crate::keys;

/// Attribute holding the argon2 hash; never part of [`User`].
const PASSWORD_HASH: &str = "passwordHash";
/// Lower-cased "name email", what user search matches against.
const SEARCH_TEXT: &str = "searchText";

impl Store {
    /// The item for `user`, with its hash when given and its search text.
    pub(super) fn user_item(&self, user: &User, password_hash: Option<&str>) -> StoreResult<Item> {
        let mut item = to_item(&keys::user(&user.org_id, &user.id), user)?;
        if let Some(h) = password_hash {
            item.insert(PASSWORD_HASH.into(), s(h));
        }
        item.insert(
            SEARCH_TEXT.into(),
            s(format!("{} {}", user.name.to_lowercase(), user.email)),
        );
        Ok(item)
    }

    /// A user of `org_id`, or `None` (also for another organization's user id).
    pub async fn get_user(&self, org_id: &OrgId, user_id: &UserId) -> StoreResult<Option<User>> {
        self.get_as(&keys::user(org_id, user_id)).await
    }

    /// The user registered with `email`, their password hash and session epoch, for login.
    pub async fn find_credentials(
        &self,
        email: &Email,
    ) -> StoreResult<Option<(User, String, u64)>> {
        let Some(marker) = self.get_item(&keys::email_marker(email.as_str())).await? else {
            return Ok(None);
        };
        let attr = |name: &str| {
            marker
                .get(name)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .with_context(|| format!("email marker without {name}"))
        };
        let (org_id, user_id) = (attr("orgId")?, attr("userId")?);
        let Some(mut item) = self.get_item(&keys::user(&org_id, &user_id)).await? else {
            return Ok(None);
        };
        let hash = item
            .remove(PASSWORD_HASH)
            .and_then(|v| v.as_s().ok().cloned())
            .context("user without password hash")?;
        let epoch = Self::session_epoch_of(&item);
        Ok(Some((from_item(item)?, hash, epoch)))
    }
}

/// Filters of the user list.
#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    /// Case-insensitive substring of name or email.
    pub search: Option<String>,
    /// Only this role.
    pub role: Option<crate::domain::Role>,
}

impl Store {
    /// A page of the organization's users, newest first (ids are ULIDs), filtered
    /// server-side. One Query per page unless the filter discards most items.
    pub async fn list_users(
        &self,
        org_id: &OrgId,
        filter: &UserFilter,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<User>> {
        let mut q = QuerySpec::prefix(None, keys::org_pk(org_id), keys::USER_PREFIX.into(), false);
        let mut conditions = Vec::new();
        if let Some(search) = &filter.search {
            conditions.push("contains(#search, :search)");
            q.names.insert("#search".into(), SEARCH_TEXT.into());
            q.values.insert(":search".into(), s(search.to_lowercase()));
        }
        if let Some(role) = filter.role {
            conditions.push("#role = :role");
            q.names.insert("#role".into(), "role".into());
            q.values.insert(":role".into(), s(role.as_str()));
        }
        if !conditions.is_empty() {
            q.filter = Some(conditions.join(" AND "));
        }
        self.query_as(&q, limit, start).await
    }

    /// Users of `org_id` by id (missing ids are skipped), in the order of `ids`.
    pub async fn get_users(&self, org_id: &OrgId, ids: &[String]) -> StoreResult<Vec<User>> {
        let keys = ids.iter().map(|id| keys::user(org_id, id)).collect();
        let mut users: Vec<User> = self.get_many(keys, false).await?;
        in_order_of(&mut users, ids, |u| u.id.as_str());
        Ok(users)
    }

    /// Saves a changed user if nobody else changed it first (`version` is the new
    /// version). `admin_delta` (+1/-1) moves the admin counter in the same transaction,
    /// which refuses to go below one: `Conflict::LastAdmin`.
    pub async fn save_user(&self, user: &User, admin_delta: i64) -> StoreResult<()> {
        let mut set = vec![
            "#name = :name",
            "#role = :role",
            "active = :active",
            "updatedAt = :updated",
            "version = :version",
            "#search = :search",
            "notifications = :notifications",
        ];
        let mut vals: super::tx::Values = vec![
            (":name", s(&user.name)),
            (":role", s(user.role.as_str())),
            (":active", AttributeValue::Bool(user.active)),
            (":updated", s(ts(user.updated_at))),
            (":version", n(user.version)),
            (
                ":search",
                s(format!("{} {}", user.name.to_lowercase(), user.email)),
            ),
            (":prev", n(user.version.saturating_sub(1))),
            (
                ":notifications",
                serde_dynamo::to_attribute_value(user.notifications)
                    .context("serializing notification preferences")?,
            ),
        ];
        let mut expression = String::new();
        match &user.avatar_url {
            Some(url) => {
                set.push("avatarUrl = :avatar");
                vals.push((":avatar", s(url)));
            }
            None => expression.push_str(" REMOVE avatarUrl"),
        }
        expression.insert_str(0, &format!("SET {}", set.join(", ")));
        let names = [
            ("#name", "name"),
            ("#role", "role"),
            ("#search", SEARCH_TEXT),
        ];
        let mut tx = Tx::new()
            .update(
                self,
                &keys::user(&user.org_id, &user.id),
                &expression,
                Some("attribute_exists(PK) AND version = :prev"),
                &names,
                vals,
            )?
            .or_conflict(Conflict::StaleWrite);
        if admin_delta != 0 {
            tx = tx
                .update(
                    self,
                    &keys::admin_counter(&user.org_id),
                    "ADD #count :delta",
                    Some("#count >= :min"),
                    &[("#count", "count")],
                    vec![
                        (":delta", n(admin_delta)),
                        (":min", n(1 - admin_delta.min(0))),
                    ],
                )?
                .or_conflict(Conflict::LastAdmin);
        }
        tx.run(self, "saving a user").await
    }
}
