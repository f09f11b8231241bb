// The chat checklist in a real browser: a visitor chats through the real widget
// (widget/dist/widget.js, embedded on a host page of another origin, in its own browser
// context) and an agent works the conversation in the dashboard: it appears in the inbox
// live, the agent opens it, types and answers, and the answer reaches the visitor live;
// the visitor's next message reaches the agent's open ticket live.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
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

/** The widget's parts, by role and label inside its open shadow root. */
function widget(page) {
  return {
    bubble: page.getByRole('button', { name: /^(Open chat|Minimize chat)/ }),
    message: page.getByRole('textbox', { name: 'Message' }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    log: page.getByRole('log', { name: 'Messages' }),
  };
}

describe('widget', () => {
  test('a widget conversation appears live, the agent answers it, the visitor gets it live', async () => {
    const o = await h.newOrg(stack.base);
    const org = await o.api.patch(`/api/organizations/${o.org.id}`, { widget: { allowedOrigins: [host.origin] } });
    const key = org.widget.widgetKey;
    // A signed-in customer of the host site (so the chat carries their name and address).
    const visitorUser = { id: 'shop-user-7', name: 'Vera Visitor', email: 'vera@shop.test' };
    visitorUser.hash = createHmac('sha256', org.widget.identitySecret).update(visitorUser.id).digest('hex');

    const agent = await h.newAgentPage(browser, stack);
    const visitor = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
    const vpage = await visitor.newPage();
    vpage.setDefaultTimeout(15_000);
    const visitorErrors = [];
    vpage.on('pageerror', (e) => visitorErrors.push(e));
    try {
      await h.signIn(agent.page, o.email, o.password);
      await agent.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      // Live, and online: the widget then offers chat without asking for an email.
      await agent.page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();

      await vpage.goto(host.url(key, visitorUser));
      const w = widget(vpage);
      await w.bubble.click();
      await vpage.getByText('We are online. Ask us anything.').waitFor();
      await w.message.fill('Hi, my parcel 88123 is late.');
      await w.send.click();
      await w.log.getByText('Hi, my parcel 88123 is late.').waitFor();

      // The chat appears in the agent's open inbox without a reload.
      const row = agent.page.getByRole('row').filter({ hasText: 'Chat with Vera Visitor' });
      await row.getByRole('cell', { name: 'Vera Visitor', exact: true }).waitFor();
      await h.shot(agent.page, 'widget-01-inbox');
      await row.getByRole('link', { name: 'Chat with Vera Visitor' }).click();
      await agent.page.getByRole('heading', { name: /Chat with Vera Visitor/, level: 1 }).waitFor();
      await agent.page.getByText('Chat · opened').waitFor();
      const thread = agent.page.getByRole('region', { name: 'Conversation' });
      await thread
        .getByRole('article', { name: 'Customer message from Vera Visitor' })
        .getByText('Hi, my parcel 88123 is late.')
        .waitFor();
      await agent.page.getByRole('region', { name: 'Customer' }).getByText('vera@shop.test').waitFor();

      // The agent types (the visitor sees it), then answers.
      const box = agent.page.getByLabel('Reply to customer');
      const typing = vpage.getByText('Ada Admin is typing…');
      await h.until(
        async () => {
          await box.pressSequentially('I');
          return typing.isVisible();
        },
        { timeout: 15_000, interval: 700, what: 'the typing indicator in the widget' },
      );
      await box.fill('It left our warehouse this morning and arrives tomorrow.');
      await agent.page.getByRole('button', { name: 'Send reply' }).click();
      await w.log.getByText('It left our warehouse this morning and arrives tomorrow.').waitFor();
      await h.shot(vpage, 'widget-02-visitor-got-answer');

      // An internal note stays with the agents.
      await agent.page.getByRole('checkbox', { name: 'Internal note' }).check();
      await agent.page.getByLabel('Internal note', { exact: true }).and(agent.page.getByRole('textbox')).fill('Courier confirmed by phone');
      await agent.page.getByRole('button', { name: 'Add note' }).click();
      await thread.getByRole('article', { name: 'Internal note from Ada Admin' }).waitFor();

      // The visitor answers; the agent's open ticket shows it without a reload.
      await w.message.fill('Great, thank you!');
      await w.send.click();
      await thread.getByText('Great, thank you!').waitFor();
      await h.shot(agent.page, 'widget-03-agent-thread');
      assert.equal(await thread.getByRole('article').count(), 4);
      assert.equal(await w.log.getByText('Courier confirmed by phone').count(), 0);
      // The answer stayed in the chat: the visitor was on the page, so nothing was mailed.
      assert.equal((await h.outbox(stack.base)).filter((m) => String(m.to).includes('vera@shop.test')).length, 0);
      assert.deepEqual(agent.page.pageErrors, []);
      assert.deepEqual(visitorErrors, []);
    } finally {
      await agent.context.close();
      await visitor.close();
    }
  });

  test('a chat from a visitor who only typed an address shows it as unverified', async () => {
    const o = await h.newOrg(stack.base);
    const org = await o.api.patch(`/api/organizations/${o.org.id}`, { widget: { allowedOrigins: [host.origin] } });
    // A server-side call (no Origin), as the widget's first send makes it.
    const res = await fetch(`${stack.base}/api/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        widgetKey: org.widget.widgetKey,
        name: 'Maybe Alice',
        email: 'alice@shop.test',
        message: { clientId: 'c-1', content: 'Send my invoices here' },
      }),
    });
    assert.equal(res.status, 201);
    const session = (await res.json()).data;
    const agent = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(agent.page, o.email, o.password);
      await agent.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await agent.page.goto(`/tickets/${session.ticketId}`);
      const panel = agent.page.getByRole('region', { name: 'Customer' });
      await panel.getByText('None proven').waitFor();
      await panel.getByText('alice@shop.test').waitFor();
      await panel.getByText(/not proven: replies are not mailed/).waitFor();
      await h.shot(agent.page, 'widget-04-unverified-contact');
      assert.deepEqual(agent.page.pageErrors, []);
    } finally {
      await agent.context.close();
    }
  });
});
