// Service levels as the inbox reads them: a ticket's soonest due time, the "due next"
// order, and a duration as people read it. Pure, so unit-tested apart from the badge.

import type { TicketSummary } from './api/types';

export type Sla = TicketSummary['sla'];

const LABELS = {
  firstResponseDueAt: 'First response',
  nextResponseDueAt: 'Next response',
  resolutionDueAt: 'Resolution',
} as const;

/** The soonest pending due time and what it is for. */
export function nextDue(sla: Sla): { at: string; label: string } | null {
  if (!sla) return null;
  let best: { at: string; label: string } | null = null;
  for (const [k, label] of Object.entries(LABELS)) {
    const at = sla[k as keyof typeof LABELS];
    if (at && (!best || Date.parse(at) < Date.parse(best.at))) best = { at, label };
  }
  return best;
}

/** While the resolution clock stands still (the ticket waits PENDING on the customer): the
 * business time it has left, in ms. */
export function pausedLeft(sla: Sla): number | null {
  if (!sla?.resolutionPausedAt || sla.resolutionLeftSecs == null) return null;
  return sla.resolutionLeftSecs * 1000;
}

/** Soonest due first; tickets with nothing due last, newest activity first among them. */
export function byDue(a: TicketSummary, b: TicketSummary): number {
  const da = nextDue(a.sla);
  const db = nextDue(b.sla);
  if (da && db) return Date.parse(da.at) - Date.parse(db.at);
  if (da || db) return da ? -1 : 1;
  return b.lastActivityAt.localeCompare(a.lastActivityAt);
}

/** "1 h 5 min", "3 d 2 h", "45 s". */
export function span(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}
