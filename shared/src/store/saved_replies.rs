//! Saved replies: shared ones in one key range of the organization, each agent's own in
//! another, so a list reads only what the caller may see.

use super::tx::Tx;
use super::{Item, Page, QuerySpec, Store, StoreResult, n, s, to_item, ts};
use crate::domain::SavedReply;
use crate::ids::{OrgId, SavedReplyId, UserId};
use crate::keys;

/// Lower-cased title, what `search` matches.
const TITLE_SEARCH: &str = "titleSearch";

fn key(reply: &SavedReply) -> keys::Key {
    keys::saved_reply(
        &reply.org_id,
        reply.owner_id.as_ref().map(UserId::as_str),
        &reply.id,
    )
}

impl Store {
    /// Stores a new saved reply.
    pub async fn create_saved_reply(&self, reply: &SavedReply) -> StoreResult<()> {
        let mut item = to_item(&key(reply), reply)?;
        item.insert(TITLE_SEARCH.into(), s(reply.title.to_lowercase()));
        Tx::new()
            .put_new(self, item)?
            .run(self, "creating a saved reply")
            .await
    }

    /// The saved reply `id` as `user_id` sees it: shared, or their own (another agent's
    /// personal reply is not found). One BatchGetItem of both possible keys.
    pub async fn get_saved_reply(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
        id: &SavedReplyId,
    ) -> StoreResult<Option<SavedReply>> {
        let found: Vec<SavedReply> = self
            .get_many(
                vec![
                    keys::saved_reply(org_id, None, id),
                    keys::saved_reply(org_id, Some(user_id.as_str()), id),
                ],
                true,
            )
            .await?;
        Ok(found.into_iter().next())
    }

    /// A page of shared replies (`owner` `None`) or of one agent's own, by title search.
    pub async fn list_saved_replies(
        &self,
        org_id: &OrgId,
        owner: Option<&str>,
        search: Option<&str>,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<SavedReply>> {
        let prefix = match owner {
            Some(user_id) => keys::personal_reply_prefix(user_id),
            None => keys::SHARED_REPLY_PREFIX.to_string(),
        };
        let mut q = QuerySpec::prefix(None, keys::org_pk(org_id), prefix, true);
        if let Some(search) = search {
            q.and_filter("contains(#search, :search)");
            q.names.insert("#search".into(), TITLE_SEARCH.into());
            q.values.insert(":search".into(), s(search.to_lowercase()));
        }
        self.query_as(&q, limit, start).await
    }

    /// Saves an edited reply (`version` is the new version): stale if it changed since read.
    pub async fn save_saved_reply(&self, reply: &SavedReply) -> StoreResult<()> {
        Tx::new()
            .update(
                self,
                &key(reply),
                "SET title = :title, #body = :body, #search = :search, updatedAt = :updated, version = :version",
                Some("attribute_exists(PK) AND version = :prev"),
                &[("#body", "body"), ("#search", TITLE_SEARCH)],
                vec![
                    (":title", s(&reply.title)),
                    (":body", s(&reply.body)),
                    (":search", s(reply.title.to_lowercase())),
                    (":updated", s(ts(reply.updated_at))),
                    (":version", n(reply.version)),
                    (":prev", n(reply.version.saturating_sub(1))),
                ],
            )?
            .run(self, "saving a saved reply")
            .await
    }

    /// Deletes a saved reply; not found if it is gone already.
    pub async fn delete_saved_reply(&self, reply: &SavedReply) -> StoreResult<()> {
        Tx::new()
            .delete(self, &key(reply), Some("attribute_exists(PK)"), vec![])?
            .or_not_found("Saved reply")
            .run(self, "deleting a saved reply")
            .await
    }
}
