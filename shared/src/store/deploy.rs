//! What a deployment writes about itself at deploy time (the Site custom resource): the
//! app's URL, and the one-time setup link of a stack whose signup is closed.

use super::{Store, StoreResult, s};
use crate::keys;

/// What became of the setup link when a deploy asked for a new one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupLink {
    /// The new token is the link now (an unused older one stops working).
    Issued,
    /// An organization was created through the link: signup stays closed.
    Used,
}

impl Store {
    /// Stores the app's URL (links in mail point there).
    pub async fn put_app_url(&self, url: &str) -> StoreResult<()> {
        let mut item = keys::deploy_config().to_item();
        item.insert("appUrl".into(), s(url));
        self.put(item, "storing the app's URL").await?;
        Ok(())
    }

    /// The app's URL the deploy stored, if any.
    pub async fn app_url(&self) -> StoreResult<Option<String>> {
        let item = self.get_item(&keys::deploy_config()).await?;
        Ok(item.and_then(|i| i.get("appUrl")?.as_s().ok().cloned()))
    }

    /// Makes `token_hash` the setup link's, unless the link was used already.
    pub async fn issue_setup_link(&self, token_hash: &str) -> StoreResult<SetupLink> {
        let mut item = keys::setup_link().to_item();
        item.insert("tokenHash".into(), s(token_hash));
        let issued = self
            .put_if(
                item,
                "attribute_not_exists(usedBy)",
                "issuing the setup link",
            )
            .await?;
        Ok(if issued {
            SetupLink::Issued
        } else {
            SetupLink::Used
        })
    }

    /// Whether `token_hash` is the setup link's and unused (checked again, atomically,
    /// when the organization is created).
    pub async fn setup_link_open(&self, token_hash: &str) -> StoreResult<bool> {
        let item = self.get_item(&keys::setup_link()).await?;
        Ok(item.is_some_and(|i| {
            !i.contains_key("usedBy")
                && i.get("tokenHash").and_then(|v| v.as_s().ok()) == Some(&token_hash.to_string())
        }))
    }
}
