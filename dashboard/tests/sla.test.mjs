// Business hours and SLAs in the dashboard: targets set on the organization page, the
// inbox showing time left and sorting by what is due next, a paused clock on the ticket.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

/** The subjects in the inbox table, in the order shown. */
async function subjects(page) {
  await page.getByRole('table').and(page.locator('[aria-busy="false"]')).waitFor();
  const out = [];
  for (const row of await page.getByRole('table').getByRole('row').all()) {
    const link = row.getByRole('link');
    if (await link.count()) out.push(await link.innerText());
  }
  return out;
}

test('SLA targets saved on the organization page; the inbox shows time left and sorts by due', async () => {
  const o = await h.newOrg(stack.base);
  const { context, page } = await h.newAgentPage(browser, stack);
  try {
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.goto(`${stack.base}/settings/organization`);
    const form = page.getByRole('form', { name: 'Business hours and SLAs' });
    await form.waitFor();
    await form.getByLabel('Urgent resolution minutes').fill('30');
    await form.getByLabel('Medium resolution minutes').fill('1440');
    await form.getByLabel('Low resolution minutes').fill('2880');
    await form.getByLabel('Holidays').fill('2031-12-25');
    await form.getByRole('button', { name: 'Save business hours' }).click();
    await form.getByText('Business hours and SLAs saved.').waitFor();
    await h.shot(page, 'sla-settings');
    const stored = await o.api.get(`/api/organizations/${o.user.orgId}`);
    assert.equal(stored.slaPolicies.urgent.resolutionSecs, 1800);
    assert.equal(stored.slaPolicies.urgent.firstResponseSecs, null);
    assert.deepEqual(stored.holidays, ['2031-12-25']);
    assert.equal(stored.schedule, null);

    // Opened in this order: newest activity shows Low first; due next shows Urgent first.
    const medium = await h.createTicket(o.api, { subject: 'Medium one' });
    await h.createTicket(o.api, { subject: 'Urgent one', priority: 'URGENT' });
    await h.createTicket(o.api, { subject: 'Low one', priority: 'LOW' });
    await page.goto(`${stack.base}/`);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    assert.deepEqual(await subjects(page), ['Low one', 'Urgent one', 'Medium one']);
    const urgentRow = page.getByRole('row').filter({ hasText: 'Urgent one' });
    await urgentRow.getByText(/^Resolution in (29|30) min$/).waitFor();

    await page.getByLabel('Sort').selectOption('due');
    await page.waitForURL(/sort=due/);
    assert.deepEqual(await subjects(page), ['Urgent one', 'Medium one', 'Low one']);
    await h.shot(page, 'sla-inbox-due');

    // Waiting on the customer: the resolution clock stands still, and the ticket says so.
    const pending = await o.api.patch(`/api/tickets/${medium.id}`, { status: 'PENDING' });
    assert.equal(pending.sla.resolutionDueAt, null);
    await page.goto(`${stack.base}/tickets/${medium.id}`);
    await page.getByRole('heading', { name: /Medium one/ }).waitFor();
    await page.getByText(/^Resolution paused, (23 h 59 min|1 d) left$/).waitFor();
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await context.close();
  }
});
