// "Send from your own address": an admin starts verification of the organization's own
// address or domain as an SES identity, sees where it stands and the DNS records to
// create, and removes it. Replies to mail that came to a verified address go out from it.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { SenderIdentity } from '../api/types';
import { ErrorText, Field, Notice, useAction } from './ui';

const STATUS: Record<SenderIdentity['status'], string> = {
  PENDING: 'Waiting for verification',
  SUCCESS: 'Verified',
  FAILED: 'Verification failed: remove it and add it again',
  TEMPORARY_FAILURE: 'SES could not check yet; it tries again',
  NOT_STARTED: 'Not verified: remove it and add it again',
};

function Identity({
  item,
  editable,
  busy,
  onRemove,
}: {
  item: SenderIdentity;
  editable: boolean;
  busy: boolean;
  onRemove: () => void;
}) {
  const headingId = `sender-${item.identity.replace(/[^a-z0-9]/g, '-')}`;
  return (
    <li aria-labelledby={headingId}>
      <p>
        <strong id={headingId}>{item.identity}</strong>{' '}
        <span class={item.verifiedForSending ? 'badge ok' : 'badge'}>{STATUS[item.status]}</span>
      </p>
      {!item.verifiedForSending && item.kind === 'EMAIL_ADDRESS' && (
        <p class="muted">Amazon SES mailed a verification link to {item.identity}: open it to finish.</p>
      )}
      {item.dnsRecords.length > 0 && !item.verifiedForSending && (
        <table>
          <caption>DNS records to create for {item.identity}</caption>
          <thead>
            <tr>
              <th scope="col">Type</th>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
            </tr>
          </thead>
          <tbody>
            {item.dnsRecords.map((r) => (
              <tr key={r.name}>
                <td>{r.type}</td>
                <td>
                  <code>{r.name}</code>
                </td>
                <td>
                  <code>{r.value}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editable && (
        <button type="button" class="danger" disabled={busy} onClick={onRemove} aria-label={`Remove ${item.identity}`}>
          Remove
        </button>
      )}
    </li>
  );
}

export function SenderIdentities({ orgId, editable }: { orgId: string; editable: boolean }) {
  const [items, setItems] = useState<SenderIdentity[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const load = useAction();
  const change = useAction();
  const { run } = load;

  const refresh = useCallback(
    () =>
      run(async () => {
        setItems(await api.senderIdentities(orgId));
      }, describe),
    [orgId, run],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const add = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const identity = String(new FormData(form).get('identity') ?? '').trim();
    setNotice(null);
    void change.run(async () => {
      const added = await api.addSenderIdentity(orgId, identity);
      setItems((list) => [...(list ?? []).filter((i) => i.identity !== added.identity), added]);
      form.reset();
      setNotice(`Verification of ${added.identity} started.`);
    }, describe);
  };

  const remove = (identity: string) => {
    if (!confirm(`Stop sending from ${identity}? Replies go from the built-in address again.`)) return;
    setNotice(null);
    void change.run(async () => {
      await api.removeSenderIdentity(orgId, identity);
      setItems((list) => (list ?? []).filter((i) => i.identity !== identity));
      setNotice(`${identity} removed.`);
    }, describe);
  };

  return (
    <section class="panel narrow" aria-labelledby="sender-heading">
      <h2 id="sender-heading">Send from your own address</h2>
      <p>
        Replies to mail that came to one of your own support addresses are sent from it once that address, or
        its whole domain, is verified with Amazon SES. Until then they go from the built-in address.
      </p>
      <ErrorText error={load.error} />
      {items === null && !load.error && <p role="status">Loading…</p>}
      {items && items.length === 0 && <p class="muted">No address or domain is verified yet.</p>}
      {items && items.length > 0 && (
        <ul class="plain" aria-label="Your addresses and domains">
          {items.map((i) => (
            <Identity
              key={i.identity}
              item={i}
              editable={editable}
              busy={change.busy}
              onRemove={() => remove(i.identity)}
            />
          ))}
        </ul>
      )}
      {items && items.length > 0 && (
        <button type="button" disabled={load.busy} onClick={() => void refresh()}>
          Check again
        </button>
      )}
      {editable && (
        <form onSubmit={add} class="stack">
          <Field label="Address or domain" hint="support@yourcompany.com, or yourcompany.com for every address in it.">
            <input name="identity" required maxLength={253} autoComplete="off" />
          </Field>
          <button type="submit" class="primary" disabled={change.busy}>
            Verify
          </button>
        </form>
      )}
      <ErrorText error={change.error} />
      <Notice>{notice}</Notice>
    </section>
  );
}
