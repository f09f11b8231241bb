// Widget figures (printed, never pass/fail): widget.js size raw and gzipped; time from the
// script tag to a visible bubble on the demo page; agent reply (POST) to widget display,
// p50/p99 over 100 messages. Needs `npm run build` and a built wrrk-local.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as h from '../tests/helpers.mjs';

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const ms = (v) => `${v.toFixed(1)} ms`;

const js = readFileSync(join(h.distDir, 'widget.js'));
console.log(`widget.js                     ${js.length} B raw, ${gzipSync(js, { level: 9 }).length} B gzipped`);

const stack = await h.startStack({ demo: true });
const browser = await h.launchBrowser();
try {
  // Script tag → visible bubble: from the moment widget.js is requested (resource timing)
  // to the first frame with the bubble painted, on the demo page, fresh context each run.
  const runs = [];
  const loads = [];
  const inits = [];
  for (let i = 0; i < 20; i++) {
    const { context, page } = await h.newVisitor(browser);
    await page.addInitScript(() => {
      new MutationObserver((_, obs) => {
        if (document.querySelector('wrrk-chat')) {
          obs.disconnect();
          requestAnimationFrame(() => (window.__bubbleAt = performance.now()));
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(`${stack.base}/widget-demo`);
    await page.waitForFunction(() => window.__bubbleAt);
    const t = await page.evaluate(() => {
      const all = performance.getEntriesByType('resource');
      const r = all.find((e) => e.name.endsWith('/widget.js'));
      const init = all.find((e) => e.name.endsWith('/api/widget/init'));
      return [window.__bubbleAt - r.startTime, r.responseEnd - r.startTime, init.responseEnd - init.startTime];
    });
    if (i > 0) {
      // the first run warms the stack
      runs.push(t[0]);
      loads.push(t[1]);
      inits.push(t[2]);
    }
    await context.close();
  }
  console.log(`script tag → visible bubble   p50 ${ms(pct(runs, 50))}, p99 ${ms(pct(runs, 99))} (${runs.length} page loads)`);
  console.log(`  of which widget.js download p50 ${ms(pct(loads, 50))}, POST /api/widget/init p50 ${ms(pct(inits, 50))}`);

  // Agent reply → widget display.
  const login = await new h.Api(stack.base).post('/api/auth/login', {
    email: 'admin@demo.wrrk.test',
    password: 'wrrk-demo-password',
  });
  const api = new h.Api(stack.base, login.token);
  const { context, page } = await h.newVisitor(browser);
  await page.goto(`${stack.base}/widget-demo`);
  const w = h.widget(page);
  await w.bubble.click();
  await w.email.fill('bench@example.com');
  await h.say(page, 'Benchmark visitor');
  await w.log.getByText('Benchmark visitor').waitFor();
  const ticket = await h.until(async () => (await api.get('/api/tickets')).find((t) => t.channel === 'CHAT'));
  await page.evaluate(() => {
    window.__shown = {};
    window.wrrk('on', 'message', (m) => (window.__shown[m.content] = Date.now()));
  });
  const lat = [];
  for (let i = 0; i < 100; i++) {
    const content = `reply ${i}`;
    const t0 = Date.now();
    await api.post(`/api/tickets/${ticket.id}/messages`, { content });
    const shownAt = await page.waitForFunction((c) => window.__shown[c], content).then((v) => v.jsonValue());
    lat.push(shownAt - t0);
  }
  console.log(`agent reply → widget display  p50 ${pct(lat, 50)} ms, p99 ${pct(lat, 99)} ms (100 messages)`);
  await context.close();
} finally {
  await browser.close();
  await stack.stop();
}
