// The chat widget in a real browser (Debian Chromium), embedded on a host page of another
// origin: the product owner's checklist and every case of issue 10.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as h from './helpers.mjs';

let stack;
let host;
let browser;

before(async () => {
  stack = await h.startStack();
  host = await h.startHost(stack);
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await host?.stop();
  await stack?.stop();
});

/** An organization with an agent online (so the widget does not ask for an email first). */
async function onlineOrg(widget) {
  const o = await h.newOrg(stack, host.origin, widget);
  o.agent = await h.agentSocket(browser, stack, o.token);
  return o;
}

/** The ticket of the org's only chat, once it exists. */
async function theChat(api) {
  return h.until(async () => (await h.tickets(api)).find((t) => t.channel === 'CHAT'), { what: 'a CHAT ticket' });
}

describe('widget', () => {
  test('bubble, open, send → CHAT ticket, agent reply and typing live, unread badge, keyboard', async () => {
    const o = await h.newOrg(stack, host.origin);
    const agent = await h.agentSocket(browser, stack, o.token);
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.waitFor();
      await h.shot(page, '01-bubble');
      assert.equal(await w.dialog.isVisible(), false);

      await w.bubble.click();
      await w.dialog.waitFor();
      await page.getByText('We are online. Ask us anything.').waitFor();
      await page.getByText('Hi! How can we help?').waitFor();
      await h.shot(page, '02-open');

      await h.say(page, 'Where is my <b>order</b>? <img src=x onerror=alert(1)>');
      const ticket = await theChat(o.api);
      assert.equal(ticket.channel, 'CHAT');
      const stored = await h.until(async () => {
        const m = await h.messagesOf(o.api, ticket.id);
        return m.length === 1 && m;
      }, { what: 'the visitor message stored' });
      assert.equal(stored[0].authorType, 'CUSTOMER');
      assert.equal(stored[0].content, 'Where is my <b>order</b>? <img src=x onerror=alert(1)>');
      // Rendered as text, not HTML.
      await h.delivered(page, 'Where is my <b>order</b>? <img src=x onerror=alert(1)>');
      assert.equal(await page.locator('wrrk-chat').evaluate((el) => el.shadowRoot.querySelectorAll('img, b').length), 0);

      // Typing is not caught up later: the agent types once the widget is in the room.
      await h.live(page);
      await agent.typeOn(ticket.id);
      await page.getByText('Ada Agent is typing…').waitFor();
      // The visitor's typing reaches the agent (who is in the ticket's room now).
      await w.message.pressSequentially('And one more');
      await h.until(
        async () => (await agent.frames()).some((f) => f.event === 'typing:indicator' && f.data.kind === 'VISITOR' && f.data.typing),
        { what: 'visitor typing at the agent' },
      );
      await w.message.fill('');
      await h.shot(page, '03-agent-typing');

      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'An internal note', internal: true });
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'It ships today.' });
      await w.log.getByText('It ships today.').waitFor();
      assert.equal(await w.log.getByText('An internal note').count(), 0);
      await h.until(async () => (await page.evaluate(() => window.__got)).includes('It ships today.'), {
        what: "wrrk('on', 'message') queued before load",
      });
      await h.shot(page, '04-agent-reply');

      // Keyboard: Escape closes and returns focus to the bubble; a reply while closed shows a badge.
      await w.message.focus();
      await page.keyboard.press('Escape');
      await h.until(async () => !(await w.dialog.isVisible()), { what: 'the dialog to close' });
      assert.equal(await w.bubble.evaluate((b) => b.getRootNode().activeElement === b), true);
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'Anything else?' });
      await page.getByRole('button', { name: 'Open chat (1 unread messages)' }).waitFor();
      await h.shot(page, '05-unread-badge');
      await page.keyboard.press('Enter');
      await w.dialog.waitFor();
      await page.getByRole('button', { name: 'Minimize chat' }).waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
      await agent.close();
    }
  });

  test('a reload and a second tab show the same conversation; a dropped socket reconnects and catches up', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      const sockets = [];
      await page.routeWebSocket(/\?ticket=/, (ws) => {
        ws.connectToServer();
        sockets.push(ws);
      });
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      // Stored before the reload (its "Sending…" bubble is not enough: a reload would cut
      // the send short; that case has its own test below).
      await h.deliver(page, 'First question');
      const ticket = await theChat(o.api);

      await page.reload();
      await h.widget(page).bubble.click();
      await h.widget(page).log.getByText('First question').waitFor();
      await h.shot(page, '06-after-reload');
      const { token } = JSON.parse(await page.evaluate((k) => localStorage.getItem(`wrrk:${k}`), o.key));
      assert.ok(token);

      const second = await context.newPage();
      await second.goto(host.url(o.key));
      await h.widget(second).bubble.click();
      await h.widget(second).log.getByText('First question').waitFor();
      await h.deliver(second, 'From the second tab');
      await h.widget(page).log.getByText('From the second tab').waitFor();
      await h.shot(second, '07-second-tab');

      // Drop the first tab's live socket; a reply sent meanwhile arrives after the reconnect.
      await h.live(page);
      const count = sockets.length;
      await sockets[count - 1].close();
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'Sent while you were away' });
      await h.until(() => sockets.length > count, { what: 'a reconnect', timeout: 20_000 });
      await h.widget(page).log.getByText('Sent while you were away').waitFor();
      await h.live(page);
      const msgs = await h.messagesOf(o.api, ticket.id);
      assert.deepEqual(msgs.map((m) => m.content), ['First question', 'From the second tab', 'Sent while you were away']);
      // History, live events and catch-up show each message once.
      for (const m of msgs) assert.equal(await h.shown(page, m.content), 1, m.content);
      // The session token never appears in a URL.
      for (const s of sockets) assert.ok(!s.url().includes(token));
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('two tabs open before the first message: the other tab follows the new conversation and neither loses it', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      const other = await context.newPage();
      for (const p of [page, other]) {
        await p.goto(host.url(o.key));
        await h.widget(p).bubble.click();
      }
      await h.deliver(page, 'Hi from the first tab');
      const ticket = await theChat(o.api);
      await h.widget(other).log.getByText('Hi from the first tab').waitFor();
      await h.live(other);
      await h.live(page);
      // Following it in one tab must not forget it in the other (nor in storage).
      const stored = (p) => p.evaluate((k) => JSON.parse(localStorage.getItem(`wrrk:${k}`) || 'null')?.ticketId, o.key);
      assert.equal(await stored(page), ticket.id);
      await h.deliver(other, 'And from the other tab');
      await h.widget(page).log.getByText('And from the other tab').waitFor();
      await page.reload();
      await h.widget(page).bubble.click();
      await h.widget(page).log.getByText('And from the other tab').waitFor();
      assert.equal((await h.tickets(o.api)).length, 1);
      assert.deepEqual((await h.messagesOf(o.api, ticket.id)).map((m) => m.content), ['Hi from the first tab', 'And from the other tab']);
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('a reload while sends are unanswered: each message is sent again after it and stored once', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      await h.deliver(page, 'Hello');
      const ticket = await theChat(o.api);

      // One send never reaches the server; another is stored but its answer never comes.
      const held = [];
      let stored = false;
      await page.route('**/api/widget/messages', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        held.push(route);
        if (route.request().postDataJSON().content === 'Stored, answer lost') {
          await route.fetch();
          stored = true;
        }
      });
      await h.say(page, 'Stored, answer lost');
      await h.until(() => stored, { what: 'the first send stored' });
      await h.say(page, 'Not stored yet');
      await h.until(() => held.length === 2, { what: 'the second send held' });
      await page.unroute('**/api/widget/messages');

      await page.reload();
      await h.widget(page).bubble.click();
      await h.delivered(page, 'Stored, answer lost');
      await h.delivered(page, 'Not stored yet');
      await h.live(page);
      await h.shot(page, '06b-resent-after-reload');
      const msgs = await h.messagesOf(o.api, ticket.id);
      assert.deepEqual(msgs.map((m) => m.content).sort(), ['Hello', 'Not stored yet', 'Stored, answer lost']);
      for (const m of msgs) assert.equal(await h.shown(page, m.content), 1, m.content);
      // Nothing is left to send.
      assert.equal(await page.evaluate((k) => localStorage.getItem(`wrrk:${k}:out`), o.key), null);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('the conversation shows over HTTP while the socket is refused or slow; catching up does not duplicate', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      // First every socket is refused; then one is held open-ended until released.
      let mode = 'refuse';
      let release;
      const gate = new Promise((r) => (release = r));
      const held = [];
      await page.routeWebSocket(/\?ticket=/, async (ws) => {
        if (mode === 'refuse') return ws.close();
        held.push(ws);
        await gate;
        ws.connectToServer();
      });
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      await h.deliver(page, 'Can you hear me?');
      const ticket = await theChat(o.api);
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'Yes, loud and clear.' });

      await page.reload();
      await h.widget(page).bubble.click();
      await w.log.getByText('Yes, loud and clear.').waitFor();
      assert.equal(await page.locator('wrrk-chat').getAttribute('data-state'), 'connecting');
      await h.shot(page, '06c-no-socket-after-reload');

      // A slow socket: a reply posted before it joins the room comes with its catch-up.
      mode = 'hold';
      await page.evaluate(() => window.dispatchEvent(new Event('online'))); // retry now
      await h.until(() => held.length === 1, { what: 'a held socket' });
      // Posted before the held socket is in the room: only the catch-up can bring it.
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'Before your socket opened' });
      release();
      await h.live(page);
      await w.log.getByText('Before your socket opened').waitFor();
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'And live again' });
      await w.log.getByText('And live again').waitFor();
      const msgs = await h.messagesOf(o.api, ticket.id);
      assert.equal(msgs.length, 4);
      for (const m of msgs) assert.equal(await h.shown(page, m.content), 1, m.content);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('a strict CSP host page renders and works with zero securitypolicyviolation events', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key, 'csp'));
      const w = h.widget(page);
      await w.bubble.click();
      await h.say(page, 'Hello under CSP');
      const ticket = await theChat(o.api);
      await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'Reply under CSP' });
      await w.log.getByText('Reply under CSP').waitFor();
      // The socket too (connect-src): live means it opened.
      await h.live(page);
      await h.shot(page, '08-strict-csp');
      assert.deepEqual(await page.evaluate(() => window.__violations), []);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('hostile host CSS does not hide or break the widget', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key, 'hostile'));
      const w = h.widget(page);
      await w.bubble.waitFor({ state: 'visible' });
      const box = await w.bubble.boundingBox();
      assert.ok(box.width >= 40 && box.height >= 40, JSON.stringify(box));
      assert.ok(box.x > 900 && box.y > 650, `bottom right: ${JSON.stringify(box)}`);
      await w.bubble.click();
      await w.dialog.waitFor({ state: 'visible' });
      await h.deliver(page, 'Hello despite hostile CSS');
      await theChat(o.api);
      await h.shot(page, '09-hostile-css');
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('offline: no agent online, the widget asks for an email and stores it on the customer', async () => {
    const o = await h.newOrg(stack, host.origin);
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      await page.getByText('We are away right now. Leave your email and we will get back to you.').waitFor();
      await w.email.waitFor();
      await h.shot(page, '10-offline-email');
      await w.email.fill('not-an-email');
      await h.say(page, 'Call me back');
      await w.alert.getByText('Please enter a valid email address.').waitFor();
      await w.email.fill('away@example.com');
      await w.send.click();
      await h.delivered(page, 'Call me back');
      const ticket = await theChat(o.api);
      const full = await o.api.get(`/api/tickets/${ticket.id}`);
      // Typed, not proven: the chat's customer is a new unverified contact carrying it.
      const customer = await o.api.get(`/api/customers/${full.customerId}`);
      assert.equal(customer.unverifiedEmail, 'away@example.com');
      assert.equal(await w.email.isVisible(), false);
      await h.shot(page, '11-offline-sent');
    } finally {
      await context.close();
    }
  });

  test('enforced identity: an unverified user is refused (no ticket); a verified one chats and resumes on another device', async () => {
    const o = await onlineOrg({ identityEnforced: true });
    const secret = o.org.widget.identitySecret;
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key, 'plain', { id: 'user-7', email: 'u7@example.com', name: 'Uma', hash: '0'.repeat(64) }));
      const w = h.widget(page);
      await w.bubble.click();
      await h.say(page, 'Let me in');
      await w.alert.getByText('This chat is only available to signed-in users.').waitFor();
      await h.shot(page, '12-identity-refused');
      assert.equal((await h.tickets(o.api)).length, 0);

      const anon = await h.newVisitor(browser);
      await anon.page.goto(host.url(o.key));
      await h.widget(anon.page).bubble.click();
      await h.say(anon.page, 'Anonymous hello');
      await h.widget(anon.page).alert.getByText('This chat is only available to signed-in users.').waitFor();
      await anon.context.close();
      assert.equal((await h.tickets(o.api)).length, 0);

      const hash = createHmac('sha256', secret).update('user-7').digest('hex');
      const user = { id: 'user-7', email: 'u7@example.com', name: 'Uma', hash };
      await page.goto(host.url(o.key, 'plain', user));
      await w.bubble.click();
      await h.deliver(page, 'Verified hello');
      const ticket = await theChat(o.api);
      assert.equal((await o.api.get(`/api/tickets/${ticket.id}`)).customer.email, 'u7@example.com');

      const other = await h.newVisitor(browser);
      await other.page.goto(host.url(o.key, 'plain', user));
      await h.widget(other.page).bubble.click();
      await h.widget(other.page).log.getByText('Verified hello').waitFor();
      await h.shot(other.page, '13-identity-other-device');
      await other.context.close();
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('a retried send (answer lost) is stored once', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      // Settled first, so the interception below catches only the next send.
      await h.deliver(page, 'Warm-up');
      const ticket = await theChat(o.api);
      let lost = 0;
      await page.route('**/api/widget/messages', async (route) => {
        if (route.request().method() === 'POST' && lost === 0) {
          lost += 1;
          await route.fetch(); // the server stores it...
          return route.abort('connectionreset'); // ...but the answer never arrives
        }
        return route.continue();
      });
      await h.deliver(page, 'Only once please');
      assert.equal(lost, 1);
      const msgs = await h.messagesOf(o.api, ticket.id);
      assert.deepEqual(msgs.map((m) => m.content), ['Warm-up', 'Only once please']);
      await h.shot(page, '14-retried-once');
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('a rate-limited visitor is told politely, and the message is kept to retry', async () => {
    const o = await onlineOrg();
    const { context, page } = await h.newVisitor(browser);
    try {
      await page.goto(host.url(o.key));
      const w = h.widget(page);
      await w.bubble.click();
      // One at a time, each stored before the next, so the 21st is the one refused.
      for (let i = 0; i < 20; i++) await h.deliver(page, `message ${i}`);
      await h.say(page, 'one too many');
      await w.alert.getByText(/You are sending messages a little fast\. Please wait \d+ seconds, then try again\./).waitFor();
      assert.equal(await w.message.inputValue(), 'one too many');
      await h.shot(page, '15-rate-limited');
    } finally {
      await context.close();
      await o.agent.close();
    }
  });

  test('a German browser gets the widget in German', async () => {
    const o = await h.newOrg(stack, host.origin);
    const { context, page } = await h.newVisitor(browser, { locale: 'de-DE' });
    try {
      await page.goto(host.url(o.key));
      await page.getByRole('button', { name: 'Chat öffnen' }).click();
      await page.getByRole('textbox', { name: 'Nachricht' }).waitFor();
      await page.getByRole('button', { name: 'Senden' }).waitFor();
      await h.shot(page, '16-german');
    } finally {
      await context.close();
    }
  });
});
