import { api, describe } from '../api/client';
import { PRIORITIES, type Ticket } from '../api/types';
import { ErrorText, Field, useAction } from '../components/ui';
import { titleCase } from '../format';

/** Open a ticket for a customer (a phone call, a walk-in): channel MANUAL. */
export function NewTicket({ onCreated }: { onCreated: (t: Ticket) => void }) {
  const { busy, error, run } = useAction();
  const submit = (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(d.get(k) ?? '').trim();
    void run(async () => {
      const t = await api.createTicket({
        subject: get('subject'),
        customer: { email: get('email'), ...(get('name') ? { name: get('name') } : {}) },
        priority: get('priority') as Ticket['priority'],
        message: get('message'),
      });
      onCreated(t);
    }, describe);
  };
  return (
    <form class="panel stack" onSubmit={submit} aria-label="New ticket">
      <div class="row">
        <Field label="Customer email">
          <input name="email" type="email" required />
        </Field>
        <Field label="Customer name">
          <input name="name" maxLength={100} />
        </Field>
        <Field label="Priority">
          <select name="priority">
            {PRIORITIES.map((p) => (
              <option value={p} selected={p === 'MEDIUM'}>
                {titleCase(p)}
              </option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Subject">
        <input name="subject" required maxLength={200} />
      </Field>
      <Field label="First message">
        <textarea name="message" required rows={3} />
      </Field>
      <ErrorText error={error} />
      <button type="submit" class="primary" disabled={busy}>
        Create ticket
      </button>
    </form>
  );
}
