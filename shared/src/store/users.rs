//! Users and their credentials.

use anyhow::Context;

use super::{Item, Store, StoreResult, from_item, s, to_item};
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
    pub async fn get_user(&self, org_id: &str, user_id: &str) -> StoreResult<Option<User>> {
        match self.get_item(&keys::user(org_id, user_id)).await? {
            Some(item) => Ok(Some(from_item(item)?)),
            None => Ok(None),
        }
    }

    /// The user registered with `email` and their password hash, for login.
    pub async fn find_credentials(&self, email: &Email) -> StoreResult<Option<(User, String)>> {
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
        Ok(Some((from_item(item)?, hash)))
    }
}
