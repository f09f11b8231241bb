// A report as CSV (RFC 4180): one row per day, then one per agent, team and channel, so a
// spreadsheet gets every figure the page shows. Durations are in seconds.

import type { Report, ReportFigures } from '../api/types';

const HEADER = [
  'section',
  'key',
  'name',
  'opened',
  'resolved',
  'first_response_count',
  'first_response_median_s',
  'first_response_p90_s',
  'resolution_count',
  'resolution_median_s',
  'resolution_p90_s',
  'csat_surveys',
  'csat_ratings',
  'csat_average',
  'csat_response_rate',
];

/** One field, quoted when it must be; a leading =, +, - or @ is defused for spreadsheets. */
export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function figures(f: ReportFigures): (number | null | undefined)[] {
  return [
    f.opened,
    f.resolved,
    f.firstResponse.count,
    f.firstResponse.median,
    f.firstResponse.p90,
    f.resolution.count,
    f.resolution.median,
    f.resolution.p90,
    f.csat.surveys,
    f.csat.ratings,
    f.csat.average,
    f.csat.responseRate,
  ];
}

export function reportCsv(r: Report): string {
  const rows: (string | number | null | undefined)[][] = [HEADER];
  rows.push(['total', `${r.from}..${r.to}`, r.timezone, ...figures(r.totals)]);
  for (const d of r.days) rows.push(['day', d.date, '', ...figures(d.figures)]);
  for (const [section, list] of [
    ['agent', r.agents],
    ['team', r.teams],
    ['channel', r.channels],
  ] as const) {
    for (const row of list) rows.push([section, row.key, row.name ?? '', ...figures(row.figures)]);
  }
  return rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
