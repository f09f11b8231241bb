// The demo host page wrrk-local serves at /widget-demo: the demo organization's embed works.

import { after, before, test } from 'node:test';
import * as h from './helpers.mjs';

let stack;
let browser;

before(async () => {
  stack = await h.startStack({ demo: true });
  browser = await h.launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

test('the demo page shows the bubble and a chat reaches the demo organization', async () => {
  const { context, page } = await h.newVisitor(browser);
  try {
    await page.goto(`${stack.base}/widget-demo`);
    const w = h.widget(page);
    await w.bubble.click();
    await page.getByRole('heading', { name: 'Demo Support' }).waitFor();
    await w.email.fill('demo-visitor@example.com');
    await h.say(page, 'Hello from the demo page');
    await w.log.getByText('Hello from the demo page').waitFor();
    const login = await new h.Api(stack.base).post('/api/auth/login', {
      email: 'admin@demo.wrrk.test',
      password: 'wrrk-demo-password',
    });
    const api = new h.Api(stack.base, login.token);
    await h.until(async () => (await h.tickets(api)).some((t) => t.channel === 'CHAT'), { what: 'the demo chat ticket' });
    await h.shot(page, '20-demo-page');
  } finally {
    await context.close();
  }
});
