// Inbox views, filters, search (customer, subject prefix, ticket number) and "Load more"
// over the cursor.

import { after, before, describe, test } from 'node:test';
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

/** The subjects in the inbox table, in order. */
async function subjects(page) {
  await page.getByRole('table').and(page.locator('[aria-busy="false"]')).waitFor();
  const rows = page.getByRole('table').getByRole('row');
  const out = [];
  for (const row of await rows.all()) {
    const link = row.getByRole('link');
    if (await link.count()) out.push(await link.innerText());
  }
  return out.sort();
}

describe('inbox', () => {
  test('views, filters and search', async () => {
    const o = await h.newOrg(stack.base);
    const billing = await o.api.post('/api/teams', { name: 'Billing' });
    const t1 = await h.createTicket(o.api, { subject: 'Billing question', name: 'Alice Payer', email: 'alice@payer.test' });
    const t2 = await h.createTicket(o.api, { subject: 'Login broken', name: 'Bruno Locked', email: 'bruno@locked.test', priority: 'HIGH' });
    const t3 = await h.createTicket(o.api, { subject: 'Old issue', name: 'Carla Waits', email: 'carla@waits.test' });
    await o.api.patch(`/api/tickets/${t1.id}`, { assigneeId: o.user.id, teamId: billing.id });
    await o.api.patch(`/api/tickets/${t3.id}`, { status: 'PENDING' });
    assert.ok(t2.id);

    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const views = page.getByRole('navigation', { name: 'Views' });

      // Default: all open.
      assert.deepEqual(await subjects(page), ['Billing question', 'Login broken']);
      await h.shot(page, 'inbox');

      await views.getByRole('link', { name: 'Mine' }).click();
      await page.waitForURL(/view=mine/);
      assert.deepEqual(await subjects(page), ['Billing question']);

      await views.getByRole('link', { name: 'Unassigned' }).click();
      await page.waitForURL(/view=unassigned/);
      assert.deepEqual(await subjects(page), ['Login broken', 'Old issue']);

      await views.getByRole('link', { name: 'All tickets' }).click();
      await page.waitForURL(/view=all/);
      assert.deepEqual(await subjects(page), ['Billing question', 'Login broken', 'Old issue']);

      await page.getByLabel('Status').selectOption('PENDING');
      await page.waitForURL(/status=PENDING/);
      assert.deepEqual(await subjects(page), ['Old issue']);
      await page.getByLabel('Status').selectOption('');

      await page.getByLabel('Priority').selectOption('HIGH');
      await page.waitForURL(/priority=HIGH/);
      assert.deepEqual(await subjects(page), ['Login broken']);
      await page.getByLabel('Priority').selectOption('');

      await page.getByLabel('Team').selectOption({ label: 'Billing' });
      await page.waitForURL(/team=/);
      assert.deepEqual(await subjects(page), ['Billing question']);
      await page.getByLabel('Team').selectOption('');

      await page.getByLabel('Channel').selectOption('EMAIL');
      await page.waitForURL(/channel=EMAIL/);
      assert.deepEqual(await subjects(page), []);
      await page.getByText('No tickets here.').waitFor();
      await page.getByLabel('Channel').selectOption('MANUAL');
      await page.waitForURL(/channel=MANUAL/);
      assert.deepEqual(await subjects(page), ['Billing question', 'Login broken', 'Old issue']);

      // Search by customer name or email.
      await views.getByRole('link', { name: 'All tickets' }).click();
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill('bruno');
      await page.getByRole('button', { name: 'Search', exact: true }).click();
      await page.waitForURL(/q=bruno/);
      assert.deepEqual(await subjects(page), ['Login broken']);
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill('payer.test');
      await page.getByRole('searchbox', { name: 'Search tickets' }).press('Enter');
      await page.waitForURL(/q=payer.test/);
      assert.deepEqual(await subjects(page), ['Billing question']);
      await h.shot(page, 'inbox-search');

      // Back and forward walk the views.
      await page.goBack();
      await page.waitForURL(/q=bruno/);
      assert.deepEqual(await subjects(page), ['Login broken']);

      // Opening a row shows the ticket, with the customer's other tickets.
      await page.getByRole('link', { name: 'Login broken' }).click();
      await page.getByRole('heading', { name: /Login broken/, level: 1 }).waitFor();
      await page.getByRole('heading', { name: 'Customer' }).waitFor();
      await page.getByText('bruno@locked.test').waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('search by subject prefix within the view, and by ticket number', async () => {
    const o = await h.newOrg(stack.base);
    const a = await h.createTicket(o.api, { subject: 'Refund for order 7', name: 'Dora Buyer', email: 'dora@buyer.test' });
    await h.createTicket(o.api, { subject: 'Where is my refund?', name: 'Emil Waits', email: 'emil@waits.test' });
    const c = await h.createTicket(o.api, { subject: 'refund policy', name: 'Fay Asks', email: 'fay@asks.test' });
    await o.api.patch(`/api/tickets/${c.id}`, { status: 'PENDING' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const search = page.getByRole('searchbox', { name: 'Search tickets' });

      // Subjects by their beginning, case-insensitive, within the view (All open here:
      // the PENDING one is not in it); a customer's name still matches.
      await search.fill('REFUND');
      await search.press('Enter');
      await page.waitForURL(/q=REFUND/);
      assert.deepEqual(await subjects(page), ['Refund for order 7']);
      await page.getByText('with a subject starting “REFUND”').waitFor();
      await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'All tickets' }).click();
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill('refund');
      await page.getByRole('searchbox', { name: 'Search tickets' }).press('Enter');
      await page.waitForURL(/view=all.*q=refund|q=refund.*view=all/);
      assert.deepEqual(await subjects(page), ['Refund for order 7', 'refund policy']);
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill('emil');
      await page.getByRole('searchbox', { name: 'Search tickets' }).press('Enter');
      await page.waitForURL(/q=emil/);
      assert.deepEqual(await subjects(page), ['Where is my refund?']);
      await h.shot(page, 'inbox-search-subject');

      // A ticket number jumps to the ticket, however it is typed; Back returns to the list.
      const number = h.ticketNumber(a);
      const typed = number.toLowerCase().replace(/-0+/, '-');
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill(typed);
      await page.getByRole('searchbox', { name: 'Search tickets' }).press('Enter');
      await page.getByRole('heading', { name: /Refund for order 7/, level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, `/tickets/${a.id}`);
      await page.goBack();
      await page.waitForURL(/q=emil/);
      assert.deepEqual(await subjects(page), ['Where is my refund?']);

      // A number nobody has says so.
      await page.getByRole('searchbox', { name: 'Search tickets' }).fill(`${number.split('-')[0]}-9999`);
      await page.getByRole('searchbox', { name: 'Search tickets' }).press('Enter');
      await page.getByText(`No ticket is numbered ${number.split('-')[0]}-9999.`).waitFor();
      assert.deepEqual(await subjects(page), []);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('a ticket opened from the inbox form', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('button', { name: 'New ticket' }).click();
      const form = page.getByRole('form', { name: 'New ticket' });
      await form.getByLabel('Customer email').fill('walk-in@customer.test');
      await form.getByLabel('Customer name').fill('Walter Walkin');
      assert.equal(await form.getByLabel('Priority').inputValue(), 'MEDIUM');
      await form.getByLabel('Subject').fill('Called about an invoice');
      await form.getByLabel('First message').fill('Customer called, wants a copy of invoice 42.');
      await form.getByRole('button', { name: 'Create ticket' }).click();
      await page.getByRole('heading', { name: /Called about an invoice/, level: 1 }).waitFor();
      await page.getByText('Customer called, wants a copy of invoice 42.').waitFor();
      await page.getByText('walk-in@customer.test').waitFor();
    } finally {
      await context.close();
    }
  });

  test('"Load more" follows the cursor', async () => {
    const o = await h.newOrg(stack.base);
    const N = 30;
    for (let i = 0; i < N; i += 10) {
      await Promise.all(
        Array.from({ length: Math.min(10, N - i) }, (_, k) =>
          h.createTicket(o.api, { subject: `Bulk ticket ${String(i + k + 1).padStart(2, '0')}`, email: `bulk${i + k}@c.test` }),
        ),
      );
    }
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const first = await subjects(page);
      assert.equal(first.length, 25);
      await page.getByRole('button', { name: 'Load more' }).click();
      await h.until(async () => (await subjects(page)).length === N, { what: 'all tickets after Load more' });
      await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
      assert.equal(new Set(await subjects(page)).size, N);
    } finally {
      await context.close();
    }
  });
});
