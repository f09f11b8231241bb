// Out of business hours the widget says when the team is back and asks for an email, even
// with an agent online.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

test('out of hours: "back at" the next opening, and the email asked for', async () => {
  const o = await h.newOrg(stack, host.origin);
  const agent = await h.agentSocket(browser, stack, o.token);
  // Closed yesterday through tomorrow in UTC (otherwise around the clock): back at
  // midnight UTC the day after tomorrow.
  const day = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
  await o.api.patch(`/api/organizations/${o.user.orgId}`, { holidays: [day(-1), day(0), day(1)] });
  const backAt = new Date(`${day(2)}T00:00:00Z`);
  const { context, page } = await h.newVisitor(browser, { locale: 'en-US', timezoneId: 'UTC' });
  try {
    await page.goto(host.url(o.key));
    const w = h.widget(page);
    await w.bubble.click();
    const weekday = backAt.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
    const line = page.getByText(`We are back ${weekday} 12:00 AM. Leave your email and we will get back to you.`);
    await line.waitFor();
    await w.email.waitFor();
    assert.equal(await w.email.isVisible(), true);
    await h.shot(page, 'availability-back-at');
  } finally {
    await context.close();
    await agent.close();
  }
});
