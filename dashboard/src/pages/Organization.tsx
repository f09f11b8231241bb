import { useEffect, useState } from 'preact/hooks';
import { api, describe, getConfig } from '../api/client';
import type { Organization, OrganizationPatch, WidgetPatch, WidgetPosition } from '../api/types';
import { can, org } from '../state';
import { ErrorText, Field, Notice, useAction, useTitle } from '../components/ui';
import { CsatSettings } from '../components/CsatSettings';
import { BusinessHoursSettings } from '../components/BusinessHoursSettings';
import { SenderIdentities } from '../components/SenderIdentities';
import { RoutingRules } from '../components/RoutingRules';

function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied.');
    } catch {
      setSaid('Copying is not allowed here: select the text and copy it.');
    }
  };
  return (
    <>
      <button type="button" onClick={() => void copy()} aria-label={label}>
        Copy
      </button>{' '}
      {said && <span role="status">{said}</span>}
    </>
  );
}

export function OrganizationSettings() {
  useTitle('Organization');
  const [o, setO] = useState<Organization | null>(org.value);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useAction();
  const editable = can('org:update');

  useEffect(() => {
    if (org.value) api.organization(org.value.id).then(setO, () => undefined);
  }, []);
  if (!o) return <p role="status">Loading…</p>;

  const apply = (patch: Parameters<typeof api.updateOrganization>[1], done: string) => {
    setSaved(null);
    void save.run(async () => {
      // The PATCH answer is the stored organization; GET adds what derives from it (the
      // support address follows the name), so read it again.
      const saved = await api.updateOrganization(o.id, patch);
      const next = await api.organization(o.id).catch(() => ({ ...o, ...saved }));
      setO(next);
      org.value = next;
      setSaved(done);
    }, describe);
  };

  const submit = (e: Event) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(d.get(k) ?? '').trim();
    const widget: WidgetPatch | undefined = o.widget
      ? {
          primaryColor: get('primaryColor'),
          position: get('position') as WidgetPosition,
          welcomeMessage: get('welcomeMessage'),
          ...(o.widget.allowedOrigins !== undefined
            ? { allowedOrigins: get('allowedOrigins').split(/\s+/).filter(Boolean) }
            : {}),
          ...(o.widget.identityEnforced !== undefined ? { identityEnforced: d.get('identityEnforced') === 'on' } : {}),
        }
      : undefined;
    apply(
      { name: get('name'), ticketPrefix: get('ticketPrefix'), timezone: get('timezone') as OrganizationPatch['timezone'], ...(widget ? { widget } : {}) },
      'Settings saved.',
    );
  };

  const w = o.widget;
  const key = w?.widgetKey;
  const snippet = key ? `<script src="${getConfig().apiUrl}/widget.js" data-wrrk-key="${key}" async></script>` : null;

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
          {w && (
            <>
              <h2>Chat widget</h2>
              <Field label="Widget color">
                <input name="primaryColor" type="color" defaultValue={w.primaryColor} />
              </Field>
              <Field label="Widget position">
                <select name="position">
                  <option value="bottom-right" selected={w.position === 'bottom-right'}>
                    Bottom right
                  </option>
                  <option value="bottom-left" selected={w.position === 'bottom-left'}>
                    Bottom left
                  </option>
                </select>
              </Field>
              <Field label="Welcome message">
                <input name="welcomeMessage" defaultValue={w.welcomeMessage} maxLength={500} />
              </Field>
              {w.allowedOrigins !== undefined && (
                <Field
                  label="Allowed origins"
                  hint="The sites that may show the widget, one per line, like https://www.example.com. None: the widget works nowhere."
                >
                  <textarea name="allowedOrigins" rows={3} defaultValue={w.allowedOrigins.join('\n')} />
                </Field>
              )}
              {w.identityEnforced !== undefined && (
                <label class="check">
                  <input type="checkbox" name="identityEnforced" defaultChecked={w.identityEnforced} />
                  Require identity verification (refuse chats without a valid identity hash)
                </label>
              )}
            </>
          )}
          <ErrorText error={save.error} />
          {saved && <Notice>{saved}</Notice>}
          {editable && (
            <button type="submit" class="primary" disabled={save.busy}>
              Save settings
            </button>
          )}
        </fieldset>
      </form>
      <BusinessHoursSettings org={o} editable={editable} onSaved={(n) => ((org.value = n), setO(n))} />
      <RoutingRules orgId={o.id} rules={o.routingRules} editable={editable} />
      {o.supportAddress && (
        <section class="panel narrow" aria-labelledby="support-heading">
          <h2 id="support-heading">Support address</h2>
          <p>
            Mail to <strong>{o.supportAddress}</strong> becomes tickets; forward your support mailbox to it.
          </p>
          <CopyButton text={o.supportAddress} label="Copy the support address" />
        </section>
      )}
      {o.supportAddress && <SenderIdentities orgId={o.id} editable={editable} />}
      {snippet && (
        <section class="panel narrow" aria-labelledby="embed-heading">
          <h2 id="embed-heading">Embed the chat widget</h2>
          <p>Paste this before the closing body tag of your site:</p>
          <pre class="snippet" aria-label="Embed snippet">
            <code>{snippet}</code>
          </pre>
          <CopyButton text={snippet} label="Copy the embed snippet" />
          {editable && (
            <p>
              <button
                type="button"
                class="danger"
                onClick={() => {
                  if (confirm('Make a new widget key? Sites with the old snippet stop showing the widget.'))
                    apply({ widget: { rotateKey: true } }, 'A new widget key is in the snippet above.');
                }}
              >
                Replace widget key
              </button>
            </p>
          )}
        </section>
      )}
      <CsatSettings
        org={o}
        editable={editable}
        onSaved={(next) => {
          setO(next);
          org.value = next;
        }}
      />
      {editable && w?.identitySecret && (
        <section class="panel narrow" aria-labelledby="identity-heading">
          <h2 id="identity-heading">Identity verification secret</h2>
          <p>
            Your server signs each visitor's email with this key (HMAC-SHA256), so the widget can trust who
            they are. Keep it secret.
          </p>
          <pre class="snippet" aria-label="Identity secret">
            <code>{w.identitySecret}</code>
          </pre>
          <CopyButton text={w.identitySecret} label="Copy the identity secret" />{' '}
          <button
            type="button"
            class="danger"
            onClick={() => {
              if (confirm('Make a new identity secret? Your server must sign with the new one.'))
                apply({ widget: { rotateIdentitySecret: true } }, 'A new identity secret is shown above.');
            }}
          >
            Replace secret
          </button>
        </section>
      )}
    </>
  );
}
