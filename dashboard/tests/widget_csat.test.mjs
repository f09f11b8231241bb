// Satisfaction in the chat: an agent resolves a chat while its visitor is on the page; the
// widget asks for a rating, the visitor rates, and the rating shows on the agent's open
// ticket live. An admin turns chat surveys off on the organization page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

let stack;
let host;
let browser;

before(async () => {
  stack = await h.startStack({ widget: true });
  host = await h.startHost(stack);
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
});

describe('widget csat', () => {
  test('the rating widget appears after resolve and the rating shows on the ticket live', async () => {
    const o = await h.newOrg(stack.base);
    const org = await o.api.patch(`/api/organizations/${o.org.id}`, { widget: { allowedOrigins: [host.origin] } });
    const agent = await h.newAgentPage(browser, stack);
    const visitor = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    const vpage = await visitor.newPage();
    vpage.setDefaultTimeout(15_000);
    const visitorErrors = [];
    vpage.on('pageerror', (e) => visitorErrors.push(e));
    try {
      await h.signIn(agent.page, o.email, o.password);
      await agent.page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();

      await vpage.goto(host.url(org.widget.widgetKey));
      await vpage.getByRole('button', { name: /^Open chat/ }).click();
      await vpage.getByRole('textbox', { name: 'Message' }).fill('Where is my parcel?');
      await vpage.getByRole('button', { name: 'Send', exact: true }).click();
      // Live: the widget's socket is in the chat's room.
      await vpage.locator('wrrk-chat[data-state="live"]').waitFor({ state: 'attached' });

      const chat = await h.until(async () => (await o.api.get('/api/tickets?limit=10')).find((t) => t.channel === 'CHAT'), {
        what: 'the chat ticket',
      });
      await agent.page.goto(`/tickets/${chat.id}`);
      const thread = agent.page.getByRole('region', { name: 'Conversation' });
      await thread.getByText('Where is my parcel?').waitFor();
      await agent.page.getByLabel('Status').selectOption('RESOLVED');

      // The widget asks, once.
      let survey = vpage.getByRole('form', { name: 'How did we do?' });
      await survey.waitFor();
      // A reload before answering asks again, below the conversation, still once.
      await vpage.reload();
      await vpage.getByRole('button', { name: /^Open chat/ }).click();
      survey = vpage.getByRole('form', { name: 'How did we do?' });
      await survey.waitFor();
      assert.equal(await survey.count(), 1);
      await survey.getByRole('button', { name: 'Send rating' }).click();
      await survey.getByText('Choose a rating from 1 to 5 first.').waitFor();
      await survey.getByRole('button', { name: '4 / 5' }).click();
      assert.equal(await survey.getByRole('button', { name: '4 / 5' }).getAttribute('aria-pressed'), 'true');
      await survey.getByRole('textbox', { name: 'Comment (optional)' }).fill('Quick and kind.');
      await h.shot(vpage, 'widget-csat-ask');
      await survey.getByRole('button', { name: 'Send rating' }).click();
      await vpage.getByText('Thank you for your rating!').waitFor();
      // Answered: a reload does not ask again.
      assert.equal(await vpage.evaluate((k) => localStorage.getItem(`wrrk:${k}:survey`), org.widget.widgetKey), null);

      // Live on the agent's open ticket.
      await thread.getByText('The customer rated this conversation 4/5.').waitFor();
      await thread.getByText('Quick and kind.', { exact: false }).waitFor();
      await h.shot(agent.page, 'widget-csat-ticket');
      // Asked in the chat, so not by mail.
      assert.equal((await h.outbox(stack.base)).filter((m) => String(m.subject).startsWith('How did we do?')).length, 0);
      assert.deepEqual(agent.page.pageErrors, []);
      assert.deepEqual(visitorErrors, []);
    } finally {
      await agent.context.close();
      await visitor.close();
    }
  });

  test('an admin turns chat surveys off on the organization page', async () => {
    const o = await h.newOrg(stack.base);
    const agent = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(agent.page, o.email, o.password);
      await agent.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await agent.page.goto('/settings/organization');
      const form = agent.page.getByRole('form', { name: 'Satisfaction surveys' });
      const chats = form.getByRole('checkbox', { name: /^Chats/ });
      assert.equal(await chats.isChecked(), true);
      await chats.uncheck();
      await form.getByRole('button', { name: 'Save survey settings' }).click();
      await form.getByRole('status').getByText('Survey settings saved.').waitFor();
      const saved = await o.api.get(`/api/organizations/${o.org.id}`);
      assert.deepEqual(saved.csat, { email: true, chat: false, manual: true });
      await agent.page.reload();
      assert.equal(await agent.page.getByRole('form', { name: 'Satisfaction surveys' }).getByRole('checkbox', { name: /^Chats/ }).isChecked(), false);
      assert.deepEqual(agent.page.pageErrors, []);
    } finally {
      await agent.context.close();
    }
  });
});
