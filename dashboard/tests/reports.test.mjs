// Reports: the page draws its chart from GET /api/reports and downloads the same figures
// as CSV.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as h from './helpers.mjs';

let stack;
let browser;

before(async () => {
  stack = await h.startStack();
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('reports', () => {
  test('the page charts the API figures and downloads them as CSV', async () => {
    const o = await h.newOrg(stack.base);
    // Today: one ticket opened, answered and resolved (a survey goes to the customer).
    const t = await h.createTicket(o.api, { subject: 'Counted', email: 'pat@customer.test' });
    await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'On it.' });
    await o.api.patch(`/api/tickets/${t.id}`, { status: 'RESOLVED' });

    const { context, page } = await h.newAgentPage(browser, stack);
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    const answered = page.waitForResponse((r) => r.url().includes('/api/reports?') && r.status() === 200);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    const report = (await (await answered).json()).data;
    assert.equal(report.totals.opened, 1);
    assert.equal(report.totals.resolved, 1);

    // The chart: uPlot's canvas and legend, one point per day of the API's series.
    const chart = page.getByRole('img', { name: 'Conversations opened and resolved per day' });
    await chart.locator('canvas').waitFor();
    assert.equal(await chart.getAttribute('data-days'), String(report.days.length));
    await chart.getByText('Opened', { exact: true }).waitFor();
    await chart.getByText('Resolved', { exact: true }).waitFor();
    const totals = page.getByRole('definition').first();
    assert.equal((await totals.textContent()).trim(), '1');
    const agents = page.getByRole('region', { name: 'By agent' });
    await agents.getByRole('rowheader', { name: 'Ada Admin' }).waitFor();
    await page.getByRole('region', { name: 'By channel' }).getByRole('rowheader', { name: 'MANUAL' }).waitFor();
    await h.shot(page, 'reports');

    // The CSV: the header, the total and one row per day of the range.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^wrrk-report-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), 'utf8');
    const lines = csv.trimEnd().split('\r\n');
    assert.ok(lines[0].startsWith('section,key,name,opened,resolved,first_response_count'), lines[0]);
    const total = lines[1].split(',');
    assert.deepEqual(total.slice(0, 5), ['total', `${report.from}..${report.to}`, 'UTC', '1', '1']);
    assert.equal(lines.filter((l) => l.startsWith('day,')).length, report.days.length);
    assert.ok(lines.some((l) => l.startsWith('channel,MANUAL,MANUAL,1,1')), csv);
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });

  test('agents have no reports link and the API refuses them', async () => {
    const o = await h.newOrg(stack.base);
    const agent = await h.addUser(stack.base, o.api, { name: 'Bo Agent' });
    await assert.rejects(agent.api.get('/api/reports?from=2026-01-01&to=2026-01-31'), { status: 403 });
    const { context, page } = await h.newAgentPage(browser, stack);
    await h.signIn(page, agent.email, agent.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).count(), 0);
    await context.close();
  });
});
