// Service levels in the inbox: the soonest due time of a ticket as time left or breached,
// the "due next" order, and the control that picks it.

import { signal } from '@preact/signals';
import { nextDue, pausedLeft, span, type Sla } from '../sla';

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
  if (!due) {
    // Nothing due, but a clock stopped while the customer is waited on: say so, not nothing.
    const left = pausedLeft(sla);
    if (left == null) return null;
    return (
      <span class="pill sla-paused" title="The resolution clock runs again when the ticket reopens.">
        Resolution paused, {span(left)} left
      </span>
    );
  }
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
