// Snooze a ticket until a time: it waits PENDING and comes back OPEN then, and its
// assignee is notified. Setting a status by hand ends a snooze early.

import { useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { Ticket } from '../api/types';

/** A `datetime-local` value (local time, minutes) for `d`. */
function localValue(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Tomorrow at 9:00, local time: the usual "later". */
function tomorrowMorning(): Date {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  d.setHours(9, 0, 0, 0);
  return d;
}

export function Snooze({ ticket, onChange }: { ticket: Ticket; onChange: (t: Ticket) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const snoozed = ticket.status === 'PENDING' && ticket.snoozedUntil ? new Date(ticket.snoozedUntil) : null;
  if (ticket.status === 'RESOLVED' || ticket.status === 'CLOSED') return null;

  const submit = async (e: Event) => {
    e.preventDefault();
    const raw = String(new FormData(e.currentTarget as HTMLFormElement).get('until') ?? '');
    const until = new Date(raw);
    if (Number.isNaN(until.getTime())) {
      setError('Choose a date and time.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onChange(await api.snoozeTicket(ticket.id, until.toISOString()));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel stack" aria-label="Snooze" onSubmit={(e) => void submit(e)}>
      {snoozed && (
        <p role="status">
          Snoozed until {snoozed.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
        </p>
      )}
      <label class="field">
        <span class="label">Snooze until</span>
        <input
          type="datetime-local"
          name="until"
          required
          min={localValue(new Date())}
          defaultValue={localValue(snoozed ?? tomorrowMorning())}
        />
      </label>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {snoozed ? 'Snooze again' : 'Snooze'}
      </button>
    </form>
  );
}
