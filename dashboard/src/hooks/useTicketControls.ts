// The ticket's controls: saving a change, who it may be assigned to, and tags.

import { useEffect, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import type { Ticket, TicketPatch, User } from '../api/types';
import { rememberUsers } from '../state';

export interface AssigneeOption {
  value: string;
  label: string;
  disabled?: boolean;
}

/**
 * The assignee choices. With tickets:assign: unassigned or any active user. Without it an
 * agent may take an unassigned ticket or give back their own, and a colleague's ticket
 * stays theirs (`colleagues`: the control is locked). The current assignee is always listed.
 */
export function assigneeChoices(a: {
  canAssign: boolean;
  me: { id: string; name: string };
  users: User[];
  assigneeId: string | null | undefined;
  assigneeName: (id: string) => string;
}): { options: AssigneeOption[]; colleagues: boolean } {
  const current = a.assigneeId ?? '';
  const colleagues = !a.canAssign && !!current && current !== a.me.id;
  const options: AssigneeOption[] = a.canAssign
    ? [
        { value: '', label: 'Unassigned' },
        ...a.users.map((u) => ({ value: u.id, label: u.id === a.me.id ? `${u.name} (me)` : u.name })),
      ]
    : [
        { value: '', label: 'Unassigned', disabled: colleagues },
        { value: a.me.id, label: `${a.me.name} (me)`, disabled: colleagues },
      ];
  if (current && !options.some((o) => o.value === current))
    options.push({ value: current, label: a.assigneeName(current), disabled: !a.canAssign });
  return { options, colleagues };
}

/** The tags after adding a typed one (trimmed, lower case), or null when there is nothing to add. */
export function withTag(tags: string[], typed: string): string[] | null {
  const t = typed.trim().toLowerCase();
  if (!t || tags.includes(t)) return null;
  return [...tags, t];
}

/** The active users, when this agent may assign to anyone (else none are loaded). */
export function useAssignableUsers(canAssign: boolean): User[] {
  const [users, setUsers] = useState<User[]>([]);
  useEffect(() => {
    if (!canAssign) return;
    all((cursor) => api.users({ limit: 100, cursor }), 1000).then(
      (u) => {
        setUsers(u.filter((x) => x.active));
        rememberUsers(u);
      },
      () => undefined,
    );
  }, [canAssign]);
  return users;
}

/** Saves changes to a ticket; the saved ticket goes to `onChange`. */
export function useTicketPatch(ticketId: string, onChange: (t: Ticket) => void) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const patch = async (p: TicketPatch) => {
    setSaving(true);
    setError(null);
    try {
      onChange(await api.updateTicket(ticketId, p));
    } catch (e) {
      setError(describe(e));
    } finally {
      setSaving(false);
    }
  };
  return { patch, saving, error };
}
