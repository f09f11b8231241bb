use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{OrgId, TeamId};

/// A group of agents (e.g. "Billing"), unique by name within an organization.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Team {
    /// ULID.
    pub id: TeamId,
    /// The organization.
    pub org_id: OrgId,
    /// Display name.
    pub name: String,
    /// Optional description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Number of members, kept in step with memberships transactionally.
    #[serde(default)]
    pub member_count: u64,
    /// How its new conversations find an agent.
    #[serde(default)]
    #[schema(required = true)]
    pub assignment_mode: super::AssignmentMode,
    /// Round robin gives an agent no more open conversations than this.
    #[serde(default = "default_cap")]
    #[schema(required = true, minimum = 1, maximum = 100)]
    pub max_open_per_agent: u32,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// Optimistic-concurrency version.
    pub version: u64,
}

fn default_cap() -> u32 {
    super::DEFAULT_MAX_OPEN_PER_AGENT
}
