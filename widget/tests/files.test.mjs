// Files in the chat, in a real browser: a visitor attaches an image, sees its preview, and
// the agent gets it on the ticket; an agent's file reaches the widget as a link; after a
// reload the image is shown from its download URL.

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

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

/** Whether the image named `name` in the widget has loaded. */
const loaded = (page, name) =>
  h.widget(page).log.getByRole('img', { name }).evaluate((img) => img.complete && img.naturalWidth > 0);

test('a visitor attaches an image: previewed in the widget, on the ticket for the agent; agents’ files show as links', async () => {
  const o = await h.newOrg(stack, host.origin);
  o.agent = await h.agentSocket(browser, stack, o.token);
  const { context, page } = await h.newVisitor(browser);
  try {
    await page.goto(host.url(o.key));
    const w = h.widget(page);
    await w.bubble.click();
    await w.dialog.waitFor();
    await page.getByText('We are online. Ask us anything.').waitFor();

    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await chooser.setFiles({ name: 'shot.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('list', { name: 'Files to send' }).getByText('shot.png (70 B)').waitFor();
    await w.message.fill('Here is the error');
    await w.send.click();
    await h.delivered(page, 'Here is the error');
    await h.until(() => loaded(page, 'shot.png'), { what: 'the image preview' });
    await h.shot(page, '30-files-visitor-image');

    // The agent has it on the ticket, and its bytes are the visitor's.
    const ticket = await h.until(async () => (await h.tickets(o.api)).find((t) => t.channel === 'CHAT'), { what: 'the chat' });
    const m = await h.until(
      async () => (await h.messagesOf(o.api, ticket.id)).find((x) => x.email?.attachments?.[0]?.filename === 'shot.png'),
      { what: 'the image on the ticket' },
    );
    assert.equal(m.content, 'Here is the error');
    assert.equal(m.authorType, 'CUSTOMER');
    const link = await o.api.get(`/api/attachments/${m.email.attachments[0].id}`);
    assert.deepEqual(Buffer.from(await (await fetch(link.url)).arrayBuffer()), PNG);

    // An agent's file reaches the widget as a link to it.
    const up = await o.api.post(`/api/tickets/${ticket.id}/attachments`, { filename: 'guide.txt', contentType: 'text/plain', size: 5 });
    const put = await fetch(up.uploadUrl, { method: 'PUT', headers: up.uploadHeaders, body: 'hello' });
    assert.equal(put.status, 200);
    await o.api.post(`/api/tickets/${ticket.id}/messages`, { content: 'The guide', attachmentIds: [up.attachment.id] });
    const guide = w.log.getByRole('link', { name: 'guide.txt (5 B)' });
    await h.until(async () => ((await guide.getAttribute('href')) || '').startsWith('http'), { what: "the agent's file as a link" });
    assert.equal(await (await fetch(await guide.getAttribute('href'))).text(), 'hello');

    // After a reload the image comes from its download URL.
    await page.reload();
    await w.bubble.click();
    await w.log.getByText('The guide').waitFor();
    await h.until(() => loaded(page, 'shot.png'), { what: 'the image from its download URL' });
    await h.shot(page, '31-files-after-reload');
  } finally {
    await context.close();
  }
});
