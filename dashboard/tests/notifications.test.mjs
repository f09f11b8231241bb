// Agent notifications: an agent at work on a ticket hears of a new chat (a browser
// notification, a count in the tab title and on the favicon), and the profile saves
// which events notify.

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

/** A page whose context allowed notifications, recording every one the page shows. */
async function notifyingPage() {
  const a = await h.newAgentPage(browser, stack);
  await a.context.grantPermissions(['notifications'], { origin: stack.base });
  await a.context.addInitScript(() => {
    window.__notifications = [];
    const Real = window.Notification;
    class Recording extends Real {
      constructor(title, options) {
        super(title, options);
        window.__notifications.push({ title, body: options?.body ?? '' });
      }
    }
    window.Notification = Recording;
  });
  return a;
}

describe('notifications', () => {
  test('an agent on a ticket page gets a browser notification and a title count when a chat starts', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Older matter' });
    const { page, context } = await notifyingPage();
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Older matter/ }).waitFor();
      // A message posted after the page loaded shows only through the ticket's room (live,
      // or the catch-up on the subscription's acknowledgement): the socket now follows
      // this ticket, so it is no list any more.
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Still looking into it', internal: true });
      await page.getByRole('region', { name: 'Conversation' }).getByText('Still looking into it').waitFor();

      // A visitor starts a chat (a server-side call: no Origin).
      const res = await fetch(`${stack.base}/api/widget/sessions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ widgetKey: o.org.widget.widgetKey, name: 'Vera Visitor' }),
      });
      assert.equal(res.status, 201);

      const shown = await h.until(
        () => page.evaluate(() => window.__notifications.find((n) => n.title.startsWith('New conversation'))),
        { what: 'a browser notification' },
      );
      assert.match(shown.body, /Vera Visitor/);
      await h.until(() => page.evaluate(() => document.title.startsWith('(1) ')), { what: 'the title count' });
      assert.equal(
        await page.evaluate(() => document.querySelector('link[rel="icon"]')?.dataset.unread),
        '1',
      );
      // The agent is still on the ticket they were working on.
      await page.getByRole('heading', { name: /Older matter/ }).waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('the profile saves notification preferences', async () => {
    const o = await h.newOrg(stack.base);
    const { page, context } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Profile' }).click();
      const form = page.getByRole('form', { name: 'Notifications' });
      const newConversation = form.getByRole('checkbox', { name: 'A new conversation in my teams' });
      const sound = form.getByRole('checkbox', { name: 'Play a sound' });
      assert.equal(await newConversation.isChecked(), true);
      assert.equal(await sound.isChecked(), false);
      // Never asked on load: the button asks on a click.
      await form.getByRole('button', { name: 'Allow browser notifications' }).waitFor();
      await newConversation.uncheck();
      await sound.check();
      await form.getByRole('button', { name: 'Save notifications' }).click();
      await form.getByRole('status').getByText('Notification preferences saved.').waitFor();

      const saved = await o.api.get(`/api/users/${o.user.id}`);
      assert.deepEqual(saved.notifications, {
        newConversation: false,
        assigned: true,
        customerReplied: true,
        mentioned: true,
        sound: true,
        emailAssigned: true,
        emailCustomerReplied: true,
      });
      await page.reload();
      const again = page.getByRole('form', { name: 'Notifications' });
      assert.equal(await again.getByRole('checkbox', { name: 'Play a sound' }).isChecked(), true);
      assert.equal(await again.getByRole('checkbox', { name: 'A new conversation in my teams' }).isChecked(), false);
    } finally {
      await context.close();
    }
  });

  test('an agent snoozes a ticket from its page', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Call back later' });
    const { page, context } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Call back later/ }).waitFor();
      const form = page.getByRole('form', { name: 'Snooze' });
      const at = new Date();
      at.setDate(at.getDate() + 3);
      at.setHours(9, 30, 0, 0);
      const pad = (n) => String(n).padStart(2, '0');
      const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T09:30`;
      await form.getByLabel('Snooze until').fill(local);
      await form.getByRole('button', { name: 'Snooze' }).click();
      await form.getByRole('status').getByText(/Snoozed until/).waitFor();
      assert.equal(await page.getByLabel('Status').inputValue(), 'PENDING');
      const saved = await o.api.get(`/api/tickets/${t.id}`);
      assert.equal(saved.status, 'PENDING');
      assert.equal(new Date(saved.snoozedUntil).getTime(), at.getTime());
    } finally {
      await context.close();
    }
  });

  test('the link in a notification mail turns that kind of mail off', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Away' });
    const t = await h.createTicket(o.api, { subject: 'While you were out' });
    await o.api.patch(`/api/tickets/${t.id}`, { assigneeId: bob.user.id });
    const mail = await h.until(
      async () => (await h.outbox(stack.base)).find((m) => String(m.subject).includes('Assigned to you') && JSON.stringify(m.to).includes(bob.email)),
      { what: 'the assignment mail' },
    );
    const token = h.decodeMime(mail.raw).match(/\/unsubscribe\?token=([A-Za-z0-9_.-]+)/)[1];
    const { page, context } = await h.newAgentPage(browser, stack);
    try {
      await page.goto(`/unsubscribe?token=${token}`);
      await page.getByRole('status').getByText(/gets no more mail about tickets assigned to you/).waitFor();
      const user = await bob.api.get(`/api/users/${bob.user.id}`);
      assert.equal(user.notifications.emailAssigned, false);
      assert.equal(user.notifications.emailCustomerReplied, true);
    } finally {
      await context.close();
    }
  });
});
