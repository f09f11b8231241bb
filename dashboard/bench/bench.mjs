// `npm run bench`: figures, not tests (no pass/fail; the machines are shared and noisy).
//
//   1. gzipped JS and CSS of dist/
//   2. navigation to an interactive inbox, with 10,000 tickets in the organization
//   3. opening a ticket with 1,000 messages (until the last one is on screen)
//   4. one agent's send to display in a second agent's open ticket, p50/p99 over 50
//
// Options: --tickets N --messages N --samples N (defaults 10000, 1000, 50).
// Uses WRRK_LOCAL_BIN like the tests (a release build gives the fairest server figures).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as h from '../tests/helpers.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const TICKETS = arg('tickets', 10_000);
const MESSAGES = arg('messages', 1_000);
const SAMPLES = arg('samples', 50);
const CONCURRENCY = arg('concurrency', 8);

const fmt = (ms) => `${ms.toFixed(0)} ms`;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const median = (xs) => pct(xs, 50);

/** Runs `count` jobs, `width` at a time. */
async function pool(count, width, job) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await job(i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function sizes() {
  const dir = join(h.distDir, 'assets');
  let js = 0;
  let css = 0;
  for (const f of readdirSync(dir)) {
    const gz = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
    if (f.endsWith('.js')) js += gz;
    if (f.endsWith('.css')) css += gz;
  }
  const html = gzipSync(readFileSync(join(h.distDir, 'index.html')), { level: 9 }).length;
  console.log('## Bundle (gzip -9)');
  console.log(`JS   ${(js / 1024).toFixed(1)} KB`);
  console.log(`CSS  ${(css / 1024).toFixed(1)} KB`);
  console.log(`HTML ${(html / 1024).toFixed(1)} KB`);
  console.log(`JS+CSS ${((js + css) / 1024).toFixed(1)} KB (budget 60 KB)`);
}

async function main() {
  sizes();
  const stack = await h.startStack();
  const browser = await h.launchBrowser();
  try {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });

    // -- 10,000 tickets ------------------------------------------------------------------
    let t0 = performance.now();
    await pool(TICKETS, CONCURRENCY, (i) =>
      h.createTicket(o.api, {
        subject: `Bench ticket ${i}`,
        email: `customer${i % 500}@bench.test`,
        name: `Customer ${i % 500}`,
        message: `Message body ${i}`,
      }),
    );
    const created = performance.now() - t0;
    console.log(`\n## Setup\n${TICKETS} tickets created through the API in ${fmt(created)} (${((TICKETS / created) * 1000).toFixed(0)}/s, ${CONCURRENCY} at a time)`);

    const { context, page } = await h.newAgentPage(browser, stack);
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();

    // -- navigation to interactive inbox ---------------------------------------------------
    const inbox = [];
    for (let i = 0; i < 7; i++) {
      const start = performance.now();
      await page.goto('/', { waitUntil: 'commit' });
      await page.getByRole('table').and(page.locator('[aria-busy="false"]')).getByRole('link').first().waitFor();
      inbox.push(performance.now() - start);
    }
    console.log(`\n## Inbox, ${TICKETS} tickets in the organization`);
    console.log(`navigation → interactive (first page of rows, filters usable): median ${fmt(median(inbox))}, runs ${inbox.map((x) => x.toFixed(0)).join(', ')} ms (first run cold)`);

    // -- ticket with 1,000 messages ------------------------------------------------------
    const big = await h.createTicket(o.api, { subject: 'Long thread', message: 'message 0' });
    t0 = performance.now();
    await pool(MESSAGES - 1, 4, (i) =>
      o.api.post(`/api/tickets/${big.id}/messages`, { content: `message ${i + 1}`, internal: i % 10 === 0 }),
    );
    console.log(`\n## Ticket with ${MESSAGES} messages (posted in ${fmt(performance.now() - t0)})`);
    const open = [];
    const usable = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await page.goto(`/tickets/${big.id}`, { waitUntil: 'commit' });
      await page.getByLabel('Reply to customer').waitFor();
      usable.push(performance.now() - start);
      await page.getByRole('region', { name: 'Conversation' }).getByRole('article').nth(MESSAGES - 1).waitFor();
      open.push(performance.now() - start);
    }
    console.log(`navigation → ticket usable (header, controls, reply box): median ${fmt(median(usable))}, runs ${usable.map((x) => x.toFixed(0)).join(', ')} ms`);
    console.log(`navigation → all ${MESSAGES} messages on screen: median ${fmt(median(open))}, runs ${open.map((x) => x.toFixed(0)).join(', ')} ms`);

    // -- send → display in a second agent's open ticket -------------------------------------
    const t = await h.createTicket(o.api, { subject: 'Latency' });
    const b = await h.newAgentPage(browser, stack);
    await h.signIn(b.page, bob.email, bob.password);
    await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.goto(`/tickets/${t.id}`);
    await b.page.goto(`/tickets/${t.id}`);
    await page.getByRole('heading', { name: /Latency/ }).waitFor();
    await b.page.getByRole('heading', { name: /Latency/ }).waitFor();
    // Warm up until the receiver's subscription is live.
    const box = page.getByLabel('Reply to customer');
    let w = 0;
    await h.until(
      async () => {
        await box.fill(`warm-up ${w++}`);
        await page.getByRole('button', { name: 'Send reply' }).click();
        await box.and(page.locator(':not([disabled])')).waitFor();
        return b.page.getByText(`warm-up ${w - 1}`, { exact: true }).isVisible();
      },
      { timeout: 20_000, interval: 200, what: 'the receiver to be subscribed' },
    );
    // The receiver stamps the moment each message shows up (same machine, same clock).
    await b.page.evaluate(() => {
      const seen = (window.__benchSeen = {});
      const region = document.querySelector('[aria-label="Conversation"]');
      new MutationObserver(() => {
        const now = Date.now();
        for (const el of region.querySelectorAll('article .body')) {
          const m = /^bench (\d+)$/.exec(el.textContent ?? '');
          if (m && !(m[1] in seen)) seen[m[1]] = now;
        }
      }).observe(region, { childList: true, subtree: true });
    });
    const lat = [];
    for (let i = 0; i < SAMPLES; i++) {
      await box.fill(`bench ${i}`);
      const sent = await page.evaluate(() => {
        const button = [...document.querySelectorAll('button')].find((x) => x.textContent === 'Send reply');
        const at = Date.now();
        button.click();
        return at;
      });
      const shown = await h.until(() => b.page.evaluate((k) => window.__benchSeen[k], String(i)), {
        timeout: 10_000,
        interval: 5,
        what: `bench ${i} on the second page`,
      });
      lat.push(shown - sent);
      await page.getByRole('button', { name: 'Send reply' }).and(page.locator(':not([disabled])')).waitFor();
    }
    console.log(`\n## Send → display in the second agent's open ticket (${SAMPLES} sends)`);
    console.log(`p50 ${fmt(pct(lat, 50))}, p99 ${fmt(pct(lat, 99))}, min ${fmt(Math.min(...lat))}, max ${fmt(Math.max(...lat))}`);
    await b.context.close();
    await context.close();
  } finally {
    await browser.close();
    await stack.stop();
  }
}

await main();
