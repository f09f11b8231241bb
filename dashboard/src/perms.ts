// The README's permission table, so the dashboard offers only what a role may do.
// The API still enforces every rule; this only hides controls that would fail.

import type { Role } from './api/types';

export type Permission =
  | 'users:update'
  | 'users:deactivate'
  | 'users:change_role'
  | 'org:update'
  | 'invitations:create'
  | 'teams:manage'
  | 'tickets:assign'
  | 'saved_replies:manage'
  | 'reports:view';

const TABLE: Record<Permission, Role[]> = {
  'users:update': ['ADMIN', 'MANAGER'],
  'users:deactivate': ['ADMIN', 'MANAGER'],
  'users:change_role': ['ADMIN'],
  'org:update': ['ADMIN'],
  'invitations:create': ['ADMIN', 'MANAGER'],
  'teams:manage': ['ADMIN', 'MANAGER'],
  'tickets:assign': ['ADMIN', 'MANAGER', 'SUPERVISOR'],
  'saved_replies:manage': ['ADMIN', 'MANAGER'],
  'reports:view': ['ADMIN', 'MANAGER', 'SUPERVISOR'],
};

const RANK: Record<Role, number> = { ADMIN: 0, MANAGER: 1, SUPERVISOR: 2, AGENT: 3 };

export function allows(role: Role | undefined, p: Permission): boolean {
  return !!role && TABLE[p].includes(role);
}

/** Nobody manages someone more privileged than themselves. */
export function outranksOrEquals(actor: Role, target: Role): boolean {
  return RANK[actor] <= RANK[target];
}
