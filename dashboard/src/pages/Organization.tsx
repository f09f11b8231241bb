import { useEffect, useState } from 'preact/hooks';
import { api, describe, getConfig } from '../api/client';
import type { Organization, WidgetPosition } from '../api/types';
import { can, org } from '../state';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';

export function OrganizationSettings() {
  useTitle('Organization');
  const [o, setO] = useState<Organization | null>(org.value);
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState<string | null>(null);
  const save = useAction();
  const editable = can('org:update');

  useEffect(() => {
    if (org.value) api.organization(org.value.id).then(setO, () => undefined);
  }, []);
  if (!o) return <p role="status">Loading…</p>;

  const submit = (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(d.get(k) ?? '').trim();
    setSaved(false);
    void save.run(async () => {
      const next = await api.updateOrganization(o.id, {
        name: get('name'),
        ticketPrefix: get('ticketPrefix'),
        timezone: get('timezone'),
        ...(o.widget
          ? {
              widget: {
                primaryColor: get('primaryColor'),
                position: get('position') as WidgetPosition,
                welcomeMessage: get('welcomeMessage'),
              },
            }
          : {}),
      });
      setO(next);
      org.value = next;
      setSaved(true);
    }, describe);
  };

  const snippet = o.widgetKey
    ? `<script src="${getConfig().apiUrl}/widget.js" data-wrrk-key="${o.widgetKey}" async></script>`
    : null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(snippet!);
      setCopied('Copied the snippet.');
    } catch {
      setCopied('Copying is not allowed here: select the snippet and copy it.');
    }
  };
  const support = o.supportAddress ?? o.supportEmail;

  return (
    <>
      <h1 tabIndex={-1}>Organization</h1>
      {!editable && <p class="muted">Only an admin can change these settings.</p>}
      <form class="panel stack narrow" onSubmit={submit} aria-labelledby="org-heading">
        <h2 id="org-heading">General</h2>
        <fieldset disabled={!editable} class="stack">
          <Field label="Organization name">
            <input name="name" defaultValue={o.name} required maxLength={100} />
          </Field>
          <Field label="Ticket prefix" hint="2 to 6 letters, as in ACME-0042. New tickets use it.">
            <input name="ticketPrefix" defaultValue={o.ticketPrefix} required pattern="[A-Za-z]{2,6}" />
          </Field>
          <Field label="Timezone" hint="An IANA name such as Europe/Berlin, or UTC.">
            <input name="timezone" defaultValue={o.timezone} required />
          </Field>
          {o.widget && (
            <>
              <h2>Chat widget</h2>
              <Field label="Widget color">
                <input name="primaryColor" type="color" defaultValue={o.widget.primaryColor} />
              </Field>
              <Field label="Widget position">
                <select name="position">
                  <option value="bottom-right" selected={o.widget.position === 'bottom-right'}>
                    Bottom right
                  </option>
                  <option value="bottom-left" selected={o.widget.position === 'bottom-left'}>
                    Bottom left
                  </option>
                </select>
              </Field>
              <Field label="Welcome message">
                <input name="welcomeMessage" defaultValue={o.widget.welcomeMessage} maxLength={500} />
              </Field>
            </>
          )}
          <ErrorText error={save.error} />
          {saved && <Notice>Settings saved.</Notice>}
          {editable && (
            <button type="submit" class="primary" disabled={save.busy}>
              Save settings
            </button>
          )}
        </fieldset>
      </form>
      {support && (
        <section class="panel narrow" aria-labelledby="support-heading">
          <h2 id="support-heading">Support address</h2>
          <p>
            Customers can email <strong>{support}</strong>; each new conversation becomes a ticket.
          </p>
        </section>
      )}
      {snippet && (
        <section class="panel narrow" aria-labelledby="embed-heading">
          <h2 id="embed-heading">Embed the chat widget</h2>
          <p>Paste this before the closing body tag of your site:</p>
          <pre class="snippet" aria-label="Embed snippet">
            <code>{snippet}</code>
          </pre>
          <button type="button" onClick={() => void copy()}>
            Copy
          </button>
          {copied && <Notice>{copied}</Notice>}
        </section>
      )}
    </>
  );
}
