// Service levels in the inbox: the soonest due time of a ticket as time left or breached,
// the "due next" order, and the control that picks it.

import { signal } from '@preact/signals';
import type { TicketSummary } from '../api/types';

type Sla = TicketSummary['sla'];

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

// One clock for every badge: the time left moves without each row keeping a timer.
const now = signal(Date.now());
let ticking = false;
function tick() {
  if (ticking) return;
  ticking = true;
  setInterval(() => (now.value = Date.now()), 30_000);
}

/** The ticket's soonest SLA due time: time left, or how long ago it was breached. */
export function SlaBadge({ sla }: { sla: Sla }) {
  tick();
  const due = nextDue(sla);
  if (!due) return null;
  const left = Date.parse(due.at) - now.value;
  const breached = left <= 0;
  const text = breached ? `${due.label} breached ${span(left)} ago` : `${due.label} in ${span(left)}`;
  return (
    <time class={`pill ${breached ? 'sla-breached' : left < 3_600_000 ? 'sla-soon' : 'sla-ok'}`} dateTime={due.at} title={new Date(due.at).toLocaleString()}>
      {text}
    </time>
  );
}

/** The inbox's order: newest activity, or SLA due next. */
export function SlaSortSelect({ value, onChange }: { value: string; onChange: (sort: string) => void }) {
  return (
    <label class="field inline">
      <span class="label">Sort</span>
      <select value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">Newest activity</option>
        <option value="due">SLA due next</option>
      </select>
    </label>
  );
}
