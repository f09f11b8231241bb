// Reports: conversations opened and resolved, first-response and resolution times (median
// and 90th percentile), satisfaction, per day and by agent, team and channel, for a range
// of days local to the organization; a chart and a CSV download.

import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, describe } from '../api/client';
import type { Report, ReportFigures, ReportRow } from '../api/types';
import { ErrorText, Field, useAction, useTitle } from '../components/ui';
import { ReportChart } from '../components/ReportChart';
import { reportCsv } from '../reports/csv';

/** `YYYY-MM-DD` of a date, as the viewer's calendar has it. */
function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** A duration in seconds as people read it: `45s`, `12m`, `3h 05m`, `2d 4h`. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined) return '–';
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function rate(r: number | null | undefined): string {
  return r === null || r === undefined ? '–' : `${Math.round(r * 100)}%`;
}

function Totals({ f }: { f: ReportFigures }) {
  return (
    <dl class="report-totals" aria-label="Totals">
      <div>
        <dt>Opened</dt>
        <dd>{f.opened}</dd>
      </div>
      <div>
        <dt>Resolved</dt>
        <dd>{f.resolved}</dd>
      </div>
      <div>
        <dt>First response (median / 90th)</dt>
        <dd>
          {duration(f.firstResponse.median)} / {duration(f.firstResponse.p90)}
        </dd>
      </div>
      <div>
        <dt>Resolution (median / 90th)</dt>
        <dd>
          {duration(f.resolution.median)} / {duration(f.resolution.p90)}
        </dd>
      </div>
      <div>
        <dt>Satisfaction</dt>
        <dd>
          {f.csat.average ?? '–'} ({rate(f.csat.responseRate)} answered)
        </dd>
      </div>
    </dl>
  );
}

function Breakdown({ title, rows, what }: { title: string; rows: ReportRow[]; what: string }) {
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p class="muted">Nothing in this range.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{what}</th>
                <th scope="col">Opened</th>
                <th scope="col">Resolved</th>
                <th scope="col">First response median</th>
                <th scope="col">First response 90th</th>
                <th scope="col">Resolution median</th>
                <th scope="col">Resolution 90th</th>
                <th scope="col">Satisfaction</th>
                <th scope="col">Answered</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.name ?? '(deleted)'}</th>
                  <td>{r.figures.opened}</td>
                  <td>{r.figures.resolved}</td>
                  <td>{duration(r.figures.firstResponse.median)}</td>
                  <td>{duration(r.figures.firstResponse.p90)}</td>
                  <td>{duration(r.figures.resolution.median)}</td>
                  <td>{duration(r.figures.resolution.p90)}</td>
                  <td>{r.figures.csat.average ?? '–'}</td>
                  <td>{rate(r.figures.csat.responseRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function download(report: Report) {
  const blob = new Blob([reportCsv(report)], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `wrrk-report-${report.from}-to-${report.to}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function Reports() {
  useTitle('Reports');
  const today = new Date();
  const [from, setFrom] = useState(isoDay(new Date(today.getTime() - 29 * 86_400_000)));
  const [to, setTo] = useState(isoDay(today));
  const [report, setReport] = useState<Report | null>(null);
  const { busy, error, run } = useAction();
  const load = useCallback(
    (f: string, t: string) =>
      void run(async () => {
        setReport(await api.report(f, t));
      }, describe),
    [run],
  );
  // The first range loads once; later ones on "Show".
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => load(from, to), [load]);
  const submit = (e: Event) => {
    e.preventDefault();
    load(from, to);
  };
  return (
    <div class="stack">
      <h1 tabIndex={-1}>Reports</h1>
      <form class="row" onSubmit={submit} aria-label="Date range">
        <Field label="From">
          <input type="date" value={from} required onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field label="To">
          <input type="date" value={to} required onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Loading…' : 'Show'}
        </button>
        <button type="button" disabled={!report} onClick={() => report && download(report)}>
          Download CSV
        </button>
      </form>
      <ErrorText error={error} />
      {report && (
        <>
          <p class="muted">
            Days {report.from} to {report.to} in {report.timezone};{' '}
            {report.businessHours ? 'times count business hours.' : 'times count every hour.'} Medians and 90th
            percentiles are nearest-rank.
          </p>
          <Totals f={report.totals} />
          <ReportChart report={report} />
          <Breakdown title="By agent" what="Agent" rows={report.agents} />
          <Breakdown title="By team" what="Team" rows={report.teams} />
          <Breakdown title="By channel" what="Channel" rows={report.channels} />
        </>
      )}
    </div>
  );
}
