//! Satisfaction surveys: one item per survey in the organization's partition.

use super::{Store, StoreResult, to_item};
use crate::csat::Survey;
use crate::ids::OrgId;
use crate::keys;

impl Store {
    /// Stores a new survey.
    pub async fn put_survey(&self, survey: &Survey) -> StoreResult<()> {
        let item = to_item(&keys::survey(&survey.org_id, &survey.id), survey)?;
        self.db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await
            .map_err(|e| anyhow::Error::new(e).context("storing a survey"))?;
        Ok(())
    }

    /// A survey of `org_id`.
    pub async fn get_survey(&self, org_id: &OrgId, id: &str) -> StoreResult<Option<Survey>> {
        self.get_as(&keys::survey(org_id, id)).await
    }

    /// Writes the rating of `rated` if the survey has none yet; `false` if it had one.
    pub async fn rate_survey(&self, rated: &Survey) -> StoreResult<bool> {
        let item = to_item(&keys::survey(&rated.org_id, &rated.id), rated)?;
        self.put_if(
            item,
            "attribute_exists(PK) AND attribute_not_exists(rating)",
            "rating a survey",
        )
        .await
    }
}
