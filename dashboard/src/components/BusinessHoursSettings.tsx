// The organization's business hours (weekly schedule, holidays, in its timezone) and SLA
// targets per priority: one form on the organization page.

import { useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { Organization, OrganizationPatch } from '../api/types';
import { PRIORITIES } from '../api/types';
import { ErrorText, Field, Notice, useAction } from './ui';
import { titleCase } from '../format';

type Schedule = NonNullable<OrganizationPatch['schedule']>;
type Day = keyof Schedule;
type Policies = NonNullable<OrganizationPatch['slaPolicies']>;
type Policy = NonNullable<Policies['low']>;

const DAYS: [Day, string][] = [
  ['mon', 'Monday'],
  ['tue', 'Tuesday'],
  ['wed', 'Wednesday'],
  ['thu', 'Thursday'],
  ['fri', 'Friday'],
  ['sat', 'Saturday'],
  ['sun', 'Sunday'],
];

const TARGETS: [keyof Policy, string][] = [
  ['firstResponseSecs', 'First response'],
  ['nextResponseSecs', 'Next response'],
  ['resolutionSecs', 'Resolution'],
];

/** `09:00-12:00, 13:00-17:00` from a day's intervals, and back (null: not that shape). */
export function intervalsText(list: Schedule[Day] | undefined): string {
  return (list ?? []).map((i) => `${i.start}-${i.end}`).join(', ');
}
export function parseIntervals(text: string): Schedule[Day] | null {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const out: NonNullable<Schedule[Day]> = [];
  for (const p of parts) {
    const m = /^(\d{2}:\d{2})\s*[-–]\s*(\d{2}:\d{2})$/.exec(p);
    if (!m) return null;
    out.push({ start: m[1], end: m[2] });
  }
  return out;
}

export function BusinessHoursSettings({
  org,
  editable,
  onSaved,
}: {
  org: Organization;
  editable: boolean;
  onSaved: (o: Organization) => void;
}) {
  const save = useAction();
  const [saved, setSaved] = useState<string | null>(null);
  const [allDay, setAllDay] = useState(!org.schedule);
  const policies = (org.slaPolicies ?? {}) as Policies;

  const submit = (e: Event) => {
    e.preventDefault();
    setSaved(null);
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const get = (k: string) => String(d.get(k) ?? '').trim();
    let schedule: Schedule | null = null;
    if (!allDay) {
      schedule = {};
      for (const [day, name] of DAYS) {
        const list = parseIntervals(get(`day-${day}`));
        if (!list) {
          save.setError(`${name}: write intervals like 09:00-12:00, 13:00-17:00.`);
          return;
        }
        schedule[day] = list;
      }
    }
    const holidays = get('holidays').split(/[\s,]+/).filter(Boolean);
    const slaPolicies: Policies = {};
    for (const p of PRIORITIES) {
      const policy: Policy = {};
      for (const [k] of TARGETS) {
        const minutes = get(`sla-${p}-${k}`);
        if (minutes) policy[k] = Math.round(Number(minutes) * 60);
      }
      if (Object.keys(policy).length) slaPolicies[p.toLowerCase() as keyof Policies] = policy;
    }
    void save.run(async () => {
      const next = await api.updateOrganization(org.id, { schedule, holidays, slaPolicies });
      onSaved({ ...org, ...next });
      setSaved('Business hours and SLAs saved.');
    }, describe);
  };

  return (
    <form class="panel stack narrow" onSubmit={submit} aria-labelledby="hours-heading">
      <h2 id="hours-heading">Business hours and SLAs</h2>
      <p class="muted">In the organization's timezone ({org.timezone}). SLA targets count business time only.</p>
      <fieldset disabled={!editable} class="stack">
        <label class="check">
          <input type="checkbox" checked={allDay} onChange={(e) => setAllDay(e.currentTarget.checked)} />
          Open around the clock
        </label>
        {!allDay &&
          DAYS.map(([day, name]) => (
            <Field key={day} label={`${name} hours`} hint={day === 'mon' ? 'Like 09:00-12:00, 13:00-17:00; empty: closed.' : undefined}>
              <input name={`day-${day}`} defaultValue={intervalsText(org.schedule?.[day])} placeholder="Closed" />
            </Field>
          ))}
        <Field label="Holidays" hint="Dates the team is away all day, like 2026-12-25, one per line.">
          <textarea name="holidays" rows={3} defaultValue={(org.holidays ?? []).join('\n')} />
        </Field>
        <table class="sla-table">
          <caption>SLA targets in business minutes (empty: none)</caption>
          <thead>
            <tr>
              <th scope="col">Priority</th>
              {TARGETS.map(([k, label]) => (
                <th key={k} scope="col">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {PRIORITIES.map((p) => {
              const policy = policies[p.toLowerCase() as keyof Policies];
              return (
                <tr key={p}>
                  <th scope="row">{titleCase(p)}</th>
                  {TARGETS.map(([k, label]) => (
                    <td key={k}>
                      <input
                        name={`sla-${p}-${k}`}
                        type="number"
                        min={1}
                        max={525600}
                        step="any"
                        aria-label={`${titleCase(p)} ${label.toLowerCase()} minutes`}
                        defaultValue={policy?.[k] ? String(policy[k]! / 60) : ''}
                      />
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
        <ErrorText error={save.error} />
        {saved && <Notice>{saved}</Notice>}
        {editable && (
          <button type="submit" class="primary" disabled={save.busy}>
            Save business hours
          </button>
        )}
      </fieldset>
    </form>
  );
}
