// The inbox's rules, apart from the page: filters to and from the URL, the API query they
// make, whether a live event's ticket belongs in the list, and ticket numbers as typed.

import type { TicketQuery } from './api/client';
import type { TicketSummary } from './api/types';
import { nextDue } from './sla';

export const VIEWS = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'open', label: 'All open' },
  { id: 'all', label: 'All tickets' },
] as const;

export interface Filters {
  view: string;
  status: string;
  priority: string;
  channel: string;
  team: string;
  q: string;
  /** `due`: SLA due next; empty: newest activity. */
  sort: string;
}

/** The filters of a location's query string (the view defaults to all open). */
export function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  return {
    view: p.get('view') ?? 'open',
    status: p.get('status') ?? '',
    priority: p.get('priority') ?? '',
    channel: p.get('channel') ?? '',
    team: p.get('team') ?? '',
    q: p.get('q') ?? '',
    sort: p.get('sort') ?? '',
  };
}

/** The list query of the filters (a status filter overrides the view's). */
export function toQuery(f: Filters): TicketQuery {
  const q: TicketQuery = {};
  if (f.view === 'mine') q.assignee = 'me';
  if (f.view === 'unassigned') q.assignee = 'unassigned';
  if (f.view === 'open') q.status = 'OPEN';
  if (f.status) q.status = f.status;
  if (f.priority) q.priority = f.priority;
  if (f.channel) q.channel = f.channel;
  if (f.team) q.team = f.team;
  if (f.sort) q.sort = f.sort;
  return q;
}

/** Whether a ticket belongs in the list the query describes (for live events). */
export function matches(t: TicketSummary, q: TicketQuery, meId: string | undefined): boolean {
  if (q.assignee === 'me' && t.assigneeId !== meId) return false;
  if (q.assignee === 'unassigned' && t.assigneeId) return false;
  if (q.status && t.status !== q.status) return false;
  if (q.priority && t.priority !== q.priority) return false;
  if (q.channel && t.channel !== q.channel) return false;
  if (q.team && t.teamId !== q.team) return false;
  // The due-next list holds only tickets with something due.
  if (q.sort === 'due' && !nextDue(t.sla)) return false;
  return true;
}

/** The inbox URL of the filters: only those set, and no `view` for the default one. */
export function hrefFor(f: Filters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && !(k === 'view' && v === 'open')) p.set(k, v);
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

/** Most recent activity first. */
export const byActivity = (a: TicketSummary, b: TicketSummary) => b.lastActivityAt.localeCompare(a.lastActivityAt);

/** The row for an event's ticket (events carry the customer and assignee; an older
 * backend's bare ticket keeps the row's). */
export function mergeRow(old: TicketSummary | undefined, t: TicketSummary, names: Map<string, string>): TicketSummary {
  const next = { ...old, ...t };
  if (t.customer === undefined && old) next.customer = old.customer;
  if (t.assignee === undefined) {
    next.assignee =
      old && old.assigneeId === t.assigneeId
        ? old.assignee
        : t.assigneeId
          ? { id: t.assigneeId, name: names.get(t.assigneeId) ?? 'Someone' }
          : null;
  }
  return next;
}

/** A ticket number as people type it: `ACME-0042`, `acme-42`, `#ACME-42`, or `#42`. */
export function typedNumber(text: string, prefix: string | undefined): string | null {
  if (/^#?[A-Za-z0-9]{1,10}-\d{1,12}$/.test(text)) return text;
  const bare = /^#(\d{1,12})$/.exec(text);
  return bare && prefix ? `${prefix}-${bare[1]}` : null;
}
