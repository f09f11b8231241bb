// Files in the chat, seen from both sides: a visitor attaches an image in the widget (and
// sees its preview); the agent, with the ticket open, gets it live on the ticket and
// downloads the very bytes.

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

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

describe('widget files', () => {
  test('a visitor attaches an image and the agent sees it on the ticket', async () => {
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
      await vpage.getByRole('textbox', { name: 'Message' }).fill('My order page is broken');
      await vpage.getByRole('button', { name: 'Send', exact: true }).click();
      const chat = await h.until(async () => (await o.api.get('/api/tickets?limit=10')).find((t) => t.channel === 'CHAT'), {
        what: 'the chat ticket',
      });
      await agent.page.goto(`/tickets/${chat.id}`);
      const thread = agent.page.getByRole('region', { name: 'Conversation' });
      await thread.getByText('My order page is broken').waitFor();

      // The visitor attaches a screenshot and sends it.
      const [chooser] = await Promise.all([
        vpage.waitForEvent('filechooser'),
        vpage.getByRole('button', { name: 'Attach files' }).click(),
      ]);
      await chooser.setFiles({ name: 'screenshot.png', mimeType: 'image/png', buffer: PNG });
      await vpage.getByRole('textbox', { name: 'Message' }).fill('Here is a screenshot');
      await vpage.getByRole('button', { name: 'Send', exact: true }).click();
      const preview = vpage.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'screenshot.png' });
      await h.until(() => preview.evaluate((img) => img.complete && img.naturalWidth > 0), { what: 'the preview' });
      await h.shot(vpage, 'widget-files-visitor');

      // Live on the agent's open ticket, as the customer's file; it downloads as sent.
      const message = thread.getByRole('article', { name: /^Customer message from/ }).filter({ hasText: 'Here is a screenshot' });
      const download = message.getByRole('button', { name: 'Download screenshot.png' });
      await download.waitFor();
      await h.shot(agent.page, 'widget-files-ticket');
      const [file] = await Promise.all([agent.page.waitForEvent('download'), download.click()]);
      assert.equal(file.suggestedFilename(), 'screenshot.png');
      const path = await file.path();
      const { readFile } = await import('node:fs/promises');
      assert.deepEqual(await readFile(path), PNG);
      assert.deepEqual(agent.page.pageErrors, []);
      assert.deepEqual(visitorErrors, []);
    } finally {
      await agent.context.close();
      await visitor.close();
    }
  });
});
