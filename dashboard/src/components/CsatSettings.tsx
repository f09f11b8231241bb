// Per channel, whether resolving a ticket asks the customer for a satisfaction rating
// (PATCH /api/organizations/{id} `{csat}`). Chats ask in the widget when the visitor is
// there, otherwise by mail.

import { useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { Organization } from '../api/types';

const CHANNELS = [
  ['email', 'Email tickets', 'by mail, with rating links'],
  ['chat', 'Chats', 'in the widget while the visitor is there, else by mail'],
  ['manual', 'Tickets agents open', 'by mail, with rating links'],
] as const;

type Channel = (typeof CHANNELS)[number][0];

export function CsatSettings({
  org,
  editable,
  onSaved,
}: {
  org: Organization;
  editable: boolean;
  onSaved: (o: Organization) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const csat = Object.fromEntries(CHANNELS.map(([c]) => [c, d.get(c) === 'on'])) as Record<Channel, boolean>;
    setBusy(true);
    setSaid(null);
    setError(null);
    try {
      onSaved({ ...org, ...(await api.updateOrganization(org.id, { csat })) });
      setSaid('Survey settings saved.');
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel stack narrow" aria-labelledby="csat-heading" onSubmit={(e) => void submit(e)}>
      <h2 id="csat-heading">Satisfaction surveys</h2>
      <p class="muted">When a ticket is resolved, its customer is asked once for a rating from 1 to 5.</p>
      <fieldset disabled={!editable || busy} class="stack">
        <legend>Ask on</legend>
        {CHANNELS.map(([c, label, how]) => (
          <label key={c} class="check">
            <input type="checkbox" name={c} defaultChecked={org.csat?.[c] ?? true} /> {label}{' '}
            <span class="muted">({how})</span>
          </label>
        ))}
        {editable && (
          <p>
            <button type="submit">{busy ? 'Saving…' : 'Save survey settings'}</button>
          </p>
        )}
      </fieldset>
      {said && <p role="status">{said}</p>}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
    </form>
  );
}
