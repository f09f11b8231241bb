// Two agents on one ticket, live: messages, typing, presence, who else is viewing; tickets
// appearing in the inbox as they are opened; and the reply box keeping its text through
// errors.

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

describe('live', () => {
  test('two agents on the same ticket: message, typing indicator, presence', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });
    const t = await h.createTicket(o.api, { subject: 'Shared ticket' });
    const a = await h.newAgentPage(browser, stack);
    const b = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(a.page, o.email, o.password);
      await a.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await h.signIn(b.page, bob.email, bob.password);
      await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();

      // Presence: Ada sees Bob come online.
      const adaOnline = a.page.getByRole('list', { name: 'Online agents' });
      await adaOnline.getByText('Bob Agent').waitFor();

      await a.page.goto(`/tickets/${t.id}`);
      await b.page.goto(`/tickets/${t.id}`);
      await a.page.getByRole('heading', { name: /Shared ticket/ }).waitFor();
      await b.page.getByRole('heading', { name: /Shared ticket/ }).waitFor();
      await adaOnline.getByText('Bob Agent').waitFor();

      // Typing: Bob types, Ada sees it. The subscription may still be on its way, so
      // keep typing (the dashboard throttles starts to one per 3 s) until it shows.
      const typing = a.page.getByText('Bob Agent is typing…');
      const box = b.page.getByLabel('Reply to customer');
      await h.until(
        async () => {
          await box.pressSequentially('x');
          return typing.isVisible();
        },
        { timeout: 15_000, interval: 700, what: 'the typing indicator' },
      );
      await h.shot(a.page, 'ticket-typing');

      // A message sent by Bob appears for Ada without a reload, once.
      await box.fill('Bob says hello from tab B');
      await b.page.getByRole('button', { name: 'Send reply' }).click();
      const thread = a.page.getByRole('region', { name: 'Conversation' });
      await thread.getByText('Bob says hello from tab B').waitFor();
      await typing.waitFor({ state: 'hidden' });
      assert.equal(await thread.getByText('Bob says hello from tab B').count(), 1);

      // An internal note from Ada reaches Bob, visibly labelled.
      await a.page.getByRole('checkbox', { name: 'Internal note' }).check();
      await a.page.getByLabel('Internal note', { exact: true }).and(a.page.getByRole('textbox')).fill('Note for the team');
      await a.page.getByRole('button', { name: 'Add note' }).click();
      const note = b.page.getByRole('article', { name: 'Internal note from Ada Admin' });
      await note.getByText('Note for the team').waitFor();
      await h.shot(b.page, 'ticket-two-agents');
      assert.equal(await b.page.getByText('Note for the team').count(), 1);

      // A change made by one agent shows in the other's controls, in place.
      await a.page.getByLabel('Priority').selectOption('HIGH');
      await h.until(async () => (await b.page.getByLabel('Priority').inputValue()) === 'HIGH', {
        what: "Bob's priority control to follow",
      });
      await a.page.getByLabel('Assignee').selectOption({ label: 'Bob Agent' });
      await h.until(async () => (await b.page.getByLabel('Assignee').inputValue()) === bob.user.id, {
        what: "Bob's assignee control to follow",
      });

      // Presence: Bob leaves (his only tab closes), Ada sees him go offline.
      await b.context.close();
      await adaOnline.getByText('Bob Agent').waitFor({ state: 'detached' });
      await h.shot(a.page, 'ticket');
      assert.deepEqual(a.page.pageErrors, []);
    } finally {
      await a.context.close();
      await b.context.close().catch(() => undefined);
    }
  });

  test('who else is viewing: chips follow open, navigate away, a second tab and closing', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });
    const t = await h.createTicket(o.api, { subject: 'Viewed together' });
    const a = await h.newAgentPage(browser, stack);
    const b = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(a.page, o.email, o.password);
      await a.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await h.signIn(b.page, bob.email, bob.password);
      await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await a.page.goto(`/tickets/${t.id}`);
      await a.page.getByRole('heading', { name: /Viewed together/ }).waitFor();
      // Alone: nobody else is listed (the agent never sees themselves).
      await a.page.getByRole('list', { name: /^Also viewing/ }).waitFor({ state: 'detached' });

      await b.page.goto(`/tickets/${t.id}`);
      const adaSees = a.page.getByRole('list', { name: 'Also viewing: Bob Agent' });
      await adaSees.waitFor();
      await adaSees.getByRole('listitem').getByText('Bob Agent').waitFor();
      await b.page.getByRole('list', { name: 'Also viewing: Ada Admin' }).waitFor();
      assert.equal(await adaSees.getByRole('listitem').count(), 1);
      await h.shot(a.page, 'ticket-viewers');

      // Bob's second tab on the same ticket, then closed: he is still there, once.
      const bobTab2 = await b.context.newPage();
      bobTab2.setDefaultTimeout(15_000);
      await bobTab2.goto(`/tickets/${t.id}`);
      await bobTab2.getByRole('list', { name: 'Also viewing: Ada Admin' }).waitFor();
      await bobTab2.close();
      await adaSees.waitFor();
      assert.equal(await a.page.getByRole('list', { name: /^Also viewing/ }).getByRole('listitem').count(), 1);

      // Bob goes back to the inbox: he is no longer viewing.
      await b.page.getByRole('link', { name: 'Inbox', exact: true }).first().click();
      await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await adaSees.waitFor({ state: 'detached' });
      // He opens it again, then his browser goes away (the socket closes).
      await b.page.goto(`/tickets/${t.id}`);
      await adaSees.waitFor();
      await b.context.close();
      await adaSees.waitFor({ state: 'detached' });
      assert.deepEqual(a.page.pageErrors, []);
    } finally {
      await a.context.close();
      await b.context.close().catch(() => undefined);
    }
  });

  test('two tabs of one agent both receive live messages', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Two tabs' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const second = await context.newPage();
      await page.goto(`/tickets/${t.id}`);
      await second.goto(`/tickets/${t.id}`);
      await second.getByRole('heading', { name: /Two tabs/ }).waitFor();
      await page.getByRole('heading', { name: /Two tabs/ }).waitFor();
      await page.getByLabel('Reply to customer').fill('Sent from the first tab');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await second.getByRole('region', { name: 'Conversation' }).getByText('Sent from the first tab').waitFor();
      // A message posted through the API (another client) reaches both tabs.
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Posted elsewhere', internal: false });
      await page.getByText('Posted elsewhere').waitFor();
      await second.getByText('Posted elsewhere').waitFor();
      assert.equal(await page.getByText('Sent from the first tab').count(), 1);
    } finally {
      await context.close();
    }
  });

  test('after the connection drops: offline banner, reconnect, catch up without duplicates', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Flaky network' });
    const proxy = await h.wsProxy(stack.config.wsUrl);
    const { context, page } = await h.newAgentPage(browser, stack);
    // The page is told to reach the WebSocket API through the proxy; everything else is real.
    await page.route('**/config.json', (route) =>
      route.fulfill({ json: { ...stack.config, wsUrl: proxy.url }, headers: { 'cache-control': 'no-store' } }),
    );
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Flaky network/ }).waitFor();
      await page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();
      // Prove the subscription is live before cutting the line.
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Before the cut', internal: false });
      const thread = page.getByRole('region', { name: 'Conversation' });
      await thread.getByText('Before the cut').waitFor();

      await page.getByLabel('Reply to customer').fill('Typed while offline');
      proxy.cut();
      const banner = page.getByRole('alert').filter({ hasText: 'You are offline' });
      await banner.waitFor();
      await h.shot(page, 'ticket-offline');
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Missed while away', internal: false });
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Also missed', internal: true });

      proxy.restore();
      await banner.waitFor({ state: 'detached', timeout: 30_000 });
      await thread.getByText('Missed while away').waitFor();
      await thread.getByText('Also missed').waitFor();
      assert.equal(await page.getByLabel('Reply to customer').inputValue(), 'Typed while offline');

      // Live again after the reconnect (re-subscribed), and nothing shown twice.
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'After the reconnect', internal: false });
      await thread.getByText('After the reconnect').waitFor();
      for (const text of ['Hello?', 'Before the cut', 'Missed while away', 'Also missed', 'After the reconnect'])
        assert.equal(await thread.getByText(text, { exact: true }).count(), 1, text);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
      await proxy.close();
    }
  });

  test('a ticket created through the API appears live in the inbox', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();
      const t = await h.createTicket(o.api, { subject: 'Arrived while watching', name: 'Live Customer', email: 'live@customer.test' });
      const row = page.getByRole('row').filter({ hasText: 'Arrived while watching' });
      await row.waitFor();
      await row.getByText('Live Customer').waitFor();
      await row.getByText(h.ticketNumber(t)).waitFor();
      // A change made elsewhere updates the row in place.
      await o.api.patch(`/api/tickets/${t.id}`, { priority: 'URGENT' });
      await row.getByText('Urgent').waitFor();
      await h.shot(page, 'inbox-live');
      assert.equal(await page.getByRole('row').filter({ hasText: 'Arrived while watching' }).count(), 1);
    } finally {
      await context.close();
    }
  });

  test('a message elsewhere moves its row to the top; a reopen shows on the open ticket', async () => {
    const o = await h.newOrg(stack.base);
    const older = await h.createTicket(o.api, { subject: 'Older matter' });
    await h.createTicket(o.api, { subject: 'Newer matter' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();
      const firstRow = () => page.getByRole('row').nth(1);
      await firstRow().getByText('Newer matter').waitFor();
      // A reply on the older ticket, from another client: its row moves to the top.
      await o.api.post(`/api/tickets/${older.id}/messages`, { content: 'An answer', internal: false });
      await firstRow().getByText('Older matter').waitFor();

      // On the ticket's page, a resolve elsewhere shows, and so does the reopen that a
      // new message brings with it (one event: the message carries the ticket).
      await page.goto(`/tickets/${older.id}`);
      await page.getByRole('heading', { name: /Older matter/ }).waitFor();
      const status = page.getByLabel('Status');
      await o.api.patch(`/api/tickets/${older.id}`, { status: 'RESOLVED' });
      await h.until(async () => (await status.inputValue()) === 'RESOLVED', { what: 'the resolved status' });
      await o.api.post(`/api/tickets/${older.id}/messages`, { content: 'One more question', internal: false });
      await page.getByRole('region', { name: 'Conversation' }).getByText('One more question').waitFor();
      await h.until(async () => (await status.inputValue()) === 'OPEN', { what: 'the reopened status' });
    } finally {
      await context.close();
    }
  });

  test('an error keeps the reply text', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Keep my words' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Keep my words/ }).waitFor();
      const box = page.getByLabel('Reply to customer');

      // The server refuses it (too long): its sentence is shown, the text stays.
      const long = 'x'.repeat(70 * 1024);
      await box.fill(long);
      await page.getByRole('button', { name: 'Send reply' }).click();
      const alert = page.getByRole('form', { name: 'Reply' }).getByRole('alert');
      await alert.waitFor();
      assert.match(await alert.innerText(), /content/i);
      assert.equal((await box.inputValue()).length, long.length);

      // The network is gone: a plain sentence, the text stays, and it sends once back.
      await box.fill('Words worth keeping');
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Send reply' }).click();
      await alert.filter({ hasText: 'Could not reach the server' }).waitFor();
      await h.shot(page, 'ticket-send-error');
      assert.equal(await box.inputValue(), 'Words worth keeping');
      await context.setOffline(false);
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.getByRole('region', { name: 'Conversation' }).getByText('Words worth keeping').waitFor();
      // The live event may show it before the POST answers; the box empties on the answer.
      await h.until(async () => (await box.inputValue()) === '', { what: 'the reply box to empty' });
    } finally {
      await context.close();
    }
  });
});
