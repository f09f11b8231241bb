// The organization's routing rules: a new conversation goes to the team of the first rule
// it matches (channel, the support address a mail came to, the site a chat started on).

import { useEffect, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import { CHANNELS, type Channel, type RoutingRule, type Team } from '../api/types';
import { titleCase } from '../format';
import { ErrorText, Notice, useAction } from './ui';

interface Draft {
  channel: Channel | '';
  supportAddress: string;
  widgetOrigin: string;
  teamId: string;
}

const draftOf = (r: RoutingRule): Draft => ({
  channel: r.channel ?? '',
  supportAddress: r.supportAddress ?? '',
  widgetOrigin: r.widgetOrigin ?? '',
  teamId: r.teamId,
});

export function RoutingRules({ orgId, rules, editable }: { orgId: string; rules: RoutingRule[]; editable: boolean }) {
  const [drafts, setDrafts] = useState<Draft[]>(rules.map(draftOf));
  const [teams, setTeams] = useState<Team[]>([]);
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  useEffect(() => {
    void run(async () => setTeams(await all((cursor) => api.teams({ limit: 100, cursor }))), describe);
  }, [run]);
  const edit = (i: number, patch: Partial<Draft>) => {
    setSaved(false);
    setDrafts((d) => d.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(false);
    void run(async () => {
      const stored = await api.updateRoutingRules(
        orgId,
        drafts.map((d) => ({
          channel: d.channel || undefined,
          supportAddress: d.supportAddress.trim() || undefined,
          widgetOrigin: d.widgetOrigin.trim() || undefined,
          teamId: d.teamId,
        })),
      );
      setDrafts(stored.map(draftOf));
      setSaved(true);
    }, describe);
  };
  return (
    <form class="panel stack" onSubmit={submit} aria-labelledby="routing-heading">
      <h2 id="routing-heading">Routing rules</h2>
      <p class="muted">
        A new conversation goes to the team of the first rule it matches; empty conditions match anything. A team in
        round robin then assigns it.
      </p>
      {teams.length === 0 && <p class="muted">Create a team first (Team page).</p>}
      <fieldset disabled={!editable} class="stack">
        <ol class="rules">
          {drafts.map((d, i) => (
            <li key={i} class="row" aria-label={`Rule ${i + 1}`}>
              <label class="field">
                <span class="label">Channel</span>
                <select value={d.channel} onChange={(e) => edit(i, { channel: e.currentTarget.value as Channel | '' })}>
                  <option value="">Any channel</option>
                  {CHANNELS.map((c) => (
                    <option value={c}>{titleCase(c)}</option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span class="label">Support address</span>
                <input
                  type="email"
                  maxLength={254}
                  value={d.supportAddress}
                  placeholder="any"
                  onInput={(e) => edit(i, { supportAddress: e.currentTarget.value })}
                />
              </label>
              <label class="field">
                <span class="label">Widget site</span>
                <input
                  maxLength={300}
                  value={d.widgetOrigin}
                  placeholder="any, or https://shop.example.com"
                  onInput={(e) => edit(i, { widgetOrigin: e.currentTarget.value })}
                />
              </label>
              <label class="field">
                <span class="label">Team</span>
                <select required value={d.teamId} onChange={(e) => edit(i, { teamId: e.currentTarget.value })}>
                  <option value="">Choose a team…</option>
                  {teams.map((t) => (
                    <option value={t.id}>{t.name}</option>
                  ))}
                </select>
              </label>
              {editable && (
                <button
                  type="button"
                  aria-label={`Remove rule ${i + 1}`}
                  onClick={() => setDrafts((l) => l.filter((_, j) => j !== i))}
                >
                  Remove
                </button>
              )}
            </li>
          ))}
        </ol>
        {drafts.length === 0 && <p class="muted">No rules: new conversations belong to no team.</p>}
        <ErrorText error={error} />
        {saved && <Notice>Routing rules saved.</Notice>}
        {editable && (
          <div class="row">
            <button
              type="button"
              disabled={drafts.length >= 50 || teams.length === 0}
              onClick={() =>
                setDrafts((l) => [...l, { channel: '', supportAddress: '', widgetOrigin: '', teamId: teams[0]?.id ?? '' }])
              }
            >
              Add rule
            </button>
            <button type="submit" class="primary" disabled={busy}>
              Save routing rules
            </button>
          </div>
        )}
      </fieldset>
    </form>
  );
}
