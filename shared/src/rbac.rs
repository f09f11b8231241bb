//! The one permission table: which role may do what. Every handler asks it.

use serde::Serialize;

use crate::domain::Role;

/// Something a user may be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Permission {
    /// Edit other users' profiles.
    #[serde(rename = "users:update")]
    UsersUpdate,
    /// Change anyone's role.
    #[serde(rename = "users:change_role")]
    UsersChangeRole,
    /// Deactivate users.
    #[serde(rename = "users:deactivate")]
    UsersDeactivate,
    /// Invite people, list and revoke invitations.
    #[serde(rename = "invitations:create")]
    InvitationsCreate,
    /// Create, rename, delete teams and change their members.
    #[serde(rename = "teams:manage")]
    TeamsManage,
    /// Change organization settings.
    #[serde(rename = "org:update")]
    OrgUpdate,
    /// Assign tickets to other agents.
    #[serde(rename = "tickets:assign")]
    TicketsAssign,
    /// Create, edit and delete the organization's shared saved replies.
    #[serde(rename = "saved_replies:manage")]
    SavedRepliesManage,
    /// See the organization's reports (every agent's and team's figures).
    #[serde(rename = "reports:view")]
    ReportsView,
}

use Permission::*;
use Role::*;

/// Who holds each permission. A permission missing here is held by nobody.
const TABLE: &[(Permission, &[Role])] = &[
    (UsersUpdate, &[Admin, Manager]),
    (UsersChangeRole, &[Admin]),
    (UsersDeactivate, &[Admin, Manager]),
    (InvitationsCreate, &[Admin, Manager]),
    (TeamsManage, &[Admin, Manager]),
    (OrgUpdate, &[Admin]),
    (TicketsAssign, &[Admin, Manager, Supervisor]),
    (SavedRepliesManage, &[Admin, Manager]),
    (ReportsView, &[Admin, Manager, Supervisor]),
];

/// Whether `role` holds `permission`.
pub fn allows(role: Role, permission: Permission) -> bool {
    TABLE
        .iter()
        .any(|(p, roles)| *p == permission && roles.contains(&role))
}

/// Whether a user of role `actor` may grant or act on a user of role `target`
/// (nobody manages someone more privileged than themselves).
pub fn outranks_or_equals(actor: Role, target: Role) -> bool {
    rank(actor) <= rank(target)
}

fn rank(role: Role) -> usize {
    Role::ALL
        .iter()
        .position(|r| *r == role)
        .unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_holds_everything() {
        for (p, _) in TABLE {
            assert!(allows(Admin, *p), "{p:?}");
        }
    }

    #[test]
    fn agents_manage_nothing() {
        for (p, _) in TABLE {
            assert!(!allows(Agent, *p), "{p:?}");
        }
        assert!(outranks_or_equals(Admin, Manager));
        assert!(!outranks_or_equals(Manager, Admin));
    }

    /// The whole matrix, written out apart from [`TABLE`]: a change to who may do what
    /// must change both.
    #[test]
    fn the_permission_matrix() {
        // (permission, ADMIN, MANAGER, SUPERVISOR, AGENT)
        let matrix = [
            (UsersUpdate, true, true, false, false),
            (UsersChangeRole, true, false, false, false),
            (UsersDeactivate, true, true, false, false),
            (InvitationsCreate, true, true, false, false),
            (TeamsManage, true, true, false, false),
            (OrgUpdate, true, false, false, false),
            (TicketsAssign, true, true, true, false),
            (SavedRepliesManage, true, true, false, false),
            (ReportsView, true, true, true, false),
        ];
        assert_eq!(
            matrix.len(),
            TABLE.len(),
            "every permission is in the matrix"
        );
        for (p, admin, manager, supervisor, agent) in matrix {
            for (role, want) in [
                (Admin, admin),
                (Manager, manager),
                (Supervisor, supervisor),
                (Agent, agent),
            ] {
                assert_eq!(allows(role, p), want, "{role:?} {p:?}");
            }
        }
    }

    #[test]
    fn nobody_acts_on_someone_above_them() {
        let order = [Admin, Manager, Supervisor, Agent];
        for (i, actor) in order.iter().enumerate() {
            for (j, target) in order.iter().enumerate() {
                assert_eq!(
                    outranks_or_equals(*actor, *target),
                    i <= j,
                    "{actor:?} -> {target:?}"
                );
            }
        }
    }
}
