//! Teams, their unique names and their memberships.

use crate::ids::{OrgId, TeamId, UserId};
use aws_sdk_dynamodb::types::AttributeValue;

use super::tx::Tx;
use super::{Conflict, Item, Page, QuerySpec, Store, StoreResult, n, s, to_item, ts};
use crate::domain::Team;
use crate::keys::{self, GSI1, attr};

fn name_marker(team: &Team) -> Item {
    let mut item = keys::team_name_marker(&team.org_id, &team.name.to_lowercase()).to_item();
    item.insert("teamId".into(), s(&team.id));
    item
}

impl Store {
    /// Creates a team and reserves its name. `Conflict::TeamNameTaken` on a duplicate.
    pub async fn create_team(&self, team: &Team) -> StoreResult<()> {
        Tx::new()
            .put_new(self, to_item(&keys::team(&team.org_id, &team.id), team)?)?
            .put_new(self, name_marker(team))?
            .or_conflict(Conflict::TeamNameTaken)
            .run(self, "creating a team")
            .await
    }

    /// A team of `org_id`.
    pub async fn get_team(&self, org_id: &OrgId, team_id: &TeamId) -> StoreResult<Option<Team>> {
        self.get_as(&keys::team(org_id, team_id)).await
    }

    /// A page of teams, oldest first.
    pub async fn list_teams(
        &self,
        org_id: &OrgId,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<Team>> {
        let q = QuerySpec::prefix(None, keys::org_pk(org_id), keys::TEAM_PREFIX.into(), true);
        self.query_as(&q, limit, start).await
    }

    /// Teams by id (missing ones skipped).
    pub async fn get_teams(&self, org_id: &OrgId, ids: &[String]) -> StoreResult<Vec<Team>> {
        let keys = ids.iter().map(|id| keys::team(org_id, id)).collect();
        let mut teams: Vec<Team> = self.get_many(keys, false).await?;
        teams.sort_by_key(|t| t.name.to_lowercase());
        Ok(teams)
    }

    /// Saves a renamed or re-described team (`version` is the new version), moving the
    /// name marker when the name changed.
    pub async fn save_team(&self, team: &Team, old_name: &str) -> StoreResult<()> {
        let mut tx = Tx::new().update(
            self,
            &keys::team(&team.org_id, &team.id),
            "SET #name = :name, description = :description, assignmentMode = :mode, maxOpenPerAgent = :cap, updatedAt = :updated, version = :version",
            Some("attribute_exists(PK) AND version = :prev"),
            &[("#name", "name")],
            vec![
                (":name", s(&team.name)),
                (
                    ":description",
                    team.description.as_ref().map_or(AttributeValue::Null(true), s),
                ),
                (":mode", s(team.assignment_mode.as_str())),
                (":cap", n(team.max_open_per_agent)),
                (":updated", s(ts(team.updated_at))),
                (":version", n(team.version)),
                (":prev", n(team.version.saturating_sub(1))),
            ],
        )?;
        let renamed = old_name.to_lowercase() != team.name.to_lowercase();
        if renamed {
            tx = tx
                .put_new(self, name_marker(team))?
                .or_conflict(Conflict::TeamNameTaken)
                .delete(
                    self,
                    &keys::team_name_marker(&team.org_id, &old_name.to_lowercase()),
                    None,
                    vec![],
                )?;
        }
        tx.run(self, "saving a team").await
    }

    /// Deletes a team and its name marker atomically, then its memberships.
    pub async fn delete_team(&self, team: &Team) -> StoreResult<()> {
        Tx::new()
            .delete(
                self,
                &keys::team(&team.org_id, &team.id),
                Some("attribute_exists(PK)"),
                vec![],
            )?
            .or_not_found("Team")
            .delete(
                self,
                &keys::team_name_marker(&team.org_id, &team.name.to_lowercase()),
                None,
                vec![],
            )?
            .run(self, "deleting a team")
            .await?;
        // Memberships of a deleted team are unreachable; removing them is housekeeping.
        let mut start = None;
        loop {
            let page = self
                .team_member_ids(&team.org_id, &team.id, 100, start)
                .await?;
            for user_id in &page.items {
                self.db
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(
                        keys::team_member(&team.org_id, &team.id, user_id).to_item(),
                    ))
                    .send()
                    .await
                    .map_err(|e| anyhow::Error::new(e).context("deleting a membership"))?;
            }
            match page.next {
                Some(next) => start = Some(next),
                None => return Ok(()),
            }
        }
    }

    /// Adds an active user of the same organization to a team.
    /// `NotFound("Team")`, `NotFound("User")` (missing or inactive), or
    /// `Conflict::AlreadyMember`.
    pub async fn add_team_member(
        &self,
        org_id: &OrgId,
        team_id: &TeamId,
        user_id: &UserId,
    ) -> StoreResult<()> {
        let mut membership = keys::team_member(org_id, team_id, user_id).to_item();
        membership.insert(
            attr::GSI1PK.into(),
            s(keys::user_teams_gsi_pk(org_id, user_id)),
        );
        membership.insert(attr::GSI1SK.into(), s(keys::user_teams_gsi_sk(team_id)));
        membership.insert("teamId".into(), s(team_id));
        membership.insert("userId".into(), s(user_id));
        Tx::new()
            .check(
                self,
                &keys::user(org_id, user_id),
                "attribute_exists(PK) AND active = :yes",
                &[],
                vec![(":yes", AttributeValue::Bool(true))],
            )?
            .or_not_found("User")
            .put_new(self, membership)?
            .or_conflict(Conflict::AlreadyMember)
            .update(
                self,
                &keys::team(org_id, team_id),
                "ADD memberCount :one",
                Some("attribute_exists(PK)"),
                &[],
                vec![(":one", n(1))],
            )?
            .or_not_found("Team")
            .run(self, "adding a team member")
            .await
    }

    /// Removes a membership. `NotFound("Membership")` if there is none.
    pub async fn remove_team_member(
        &self,
        org_id: &OrgId,
        team_id: &TeamId,
        user_id: &UserId,
    ) -> StoreResult<()> {
        Tx::new()
            .delete(
                self,
                &keys::team_member(org_id, team_id, user_id),
                Some("attribute_exists(PK)"),
                vec![],
            )?
            .or_not_found("Membership")
            .update(
                self,
                &keys::team(org_id, team_id),
                "ADD memberCount :minus",
                Some("attribute_exists(PK)"),
                &[],
                vec![(":minus", n(-1))],
            )?
            .or_not_found("Membership")
            .run(self, "removing a team member")
            .await
    }

    /// A page of a team's member ids.
    pub async fn team_member_ids(
        &self,
        org_id: &OrgId,
        team_id: &TeamId,
        limit: usize,
        start: Option<Item>,
    ) -> StoreResult<Page<String>> {
        let q = QuerySpec::prefix(
            None,
            keys::org_pk(org_id),
            keys::team_member_prefix(team_id),
            true,
        );
        let page = self.query_page(&q, limit, start).await?;
        Ok(Page {
            items: page
                .items
                .iter()
                .filter_map(|i| i.get("userId").and_then(|v| v.as_s().ok()).cloned())
                .collect(),
            next: page.next,
        })
    }

    /// Ids of the teams `user_id` belongs to (through GSI1; at most 100).
    pub async fn user_team_ids(
        &self,
        org_id: &OrgId,
        user_id: &UserId,
    ) -> StoreResult<Vec<String>> {
        let q = QuerySpec::prefix(
            Some(GSI1),
            keys::user_teams_gsi_pk(org_id, user_id),
            keys::TEAM_PREFIX.into(),
            true,
        );
        let page = self.query_page(&q, 100, None).await?;
        Ok(page
            .items
            .iter()
            .filter_map(|i| i.get("teamId").and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }
}
