use serde::{Deserialize, Serialize};

use super::Invalid;

/// A user's role in their organization, from most to least privileged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Owns the organization: everything, including roles and settings.
    Admin,
    /// Runs the team: people, invitations, teams, assignment.
    Manager,
    /// Oversees the queue: assignment.
    Supervisor,
    /// Works tickets.
    Agent,
}

impl Role {
    /// Every role, most privileged first.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Manager, Role::Supervisor, Role::Agent];

    /// The wire name (`ADMIN`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "ADMIN",
            Role::Manager => "MANAGER",
            Role::Supervisor => "SUPERVISOR",
            Role::Agent => "AGENT",
        }
    }

    /// Parses a wire name; anything else is a 422 on `field`.
    pub fn parse(field: &'static str, s: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| Invalid::new(field, "must be one of ADMIN, MANAGER, SUPERVISOR, AGENT"))
    }
}
