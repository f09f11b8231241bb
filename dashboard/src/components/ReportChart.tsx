// The reports page's chart: conversations opened and resolved per day, drawn by uPlot
// (a small canvas charting library) from the report's day series.

import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Report } from '../api/types';

/** Seconds since the epoch of a local date's noon in UTC (uPlot's x axis is in seconds). */
function dayStamp(date: string): number {
  return Date.parse(`${date}T12:00:00Z`) / 1000;
}

export function ReportChart({ report }: { report: Report }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data: uPlot.AlignedData = [
      report.days.map((d) => dayStamp(d.date)),
      report.days.map((d) => d.figures.opened),
      report.days.map((d) => d.figures.resolved),
    ];
    const chart = new uPlot(
      {
        width: Math.max(320, el.clientWidth || 640),
        height: 240,
        // Days are the organization's: label them as dates, not in the viewer's zone.
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        series: [
          { label: 'Day' },
          { label: 'Opened', stroke: '#2563eb', width: 2, points: { show: true } },
          { label: 'Resolved', stroke: '#16a34a', width: 2, points: { show: true } },
        ],
        axes: [{}, { label: 'Conversations' }],
      },
      data,
      el,
    );
    return () => chart.destroy();
  }, [report]);
  return (
    <figure class="report-chart">
      <div ref={box} role="img" aria-label="Conversations opened and resolved per day" data-days={report.days.length} />
      <figcaption class="muted">Conversations opened and resolved per day ({report.timezone}).</figcaption>
    </figure>
  );
}
