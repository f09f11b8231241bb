// How the thread shows what email messages carry (`message.email`): sanitized HTML,
// attachments, auto-reply marks, failed deliveries. The test adds these fields to the real
// API answer on its way to the page (no inbound mail is needed); everything else is real.
// (Real mail through the SMTP door: tests/email.test.mjs.)

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

const HOSTILE = [
  '<p>Hello <b>team</b>, see <a href="https://example.com/invoice" onclick="window.__pwned=1">the invoice</a>.</p>',
  '<script>window.__pwned = 1</script>',
  '<img src="x" onerror="window.__pwned=1" alt="logo">',
  '<a href="javascript:window.__pwned=1">click me</a>',
  '<iframe src="https://example.com"></iframe>',
  '<div style="position:fixed;inset:0">overlay</div>',
  '<svg><script>window.__pwned=1</script></svg>',
  '<form action="https://evil.example"><input name="password"></form>',
].join('');

describe('thread', () => {
  test('email HTML is sanitized; attachments, auto-replies and failed deliveries are shown', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Rich email', message: 'Plain first message' });
    const m2 = await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Plain text version', internal: false });
    const m3 = await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'I am out of office', internal: false });
    const m4 = await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'Our answer', internal: false });
    const { context, page } = await h.newAgentPage(browser, stack);
    await page.route(`**/api/tickets/${t.id}/messages**`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      for (const m of body.data) {
        if (m.id === m2.id) {
          m.authorType = 'CUSTOMER';
          m.email = {
            html: HOSTILE,
            from: 'billing@payer.test',
            attachments: [
              { id: '01J000000000000000000000A1', filename: 'invoice.pdf', contentType: 'application/pdf', size: 20480, inline: false },
              { id: '01J000000000000000000000A2', filename: 'logo.png', contentType: 'image/png', size: 999, inline: true, contentId: 'logo' },
            ],
          };
        }
        if (m.id === m3.id) {
          m.authorType = 'CUSTOMER';
          m.email = { kind: 'AUTO_REPLY' };
        }
        if (m.id === m4.id) m.email = { delivery: { state: 'failed', error: 'Mailbox unavailable', messageId: 'x', attempts: 3 } };
      }
      await route.fulfill({ response: res, json: body });
    });
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      const rich = page.getByRole('article', { name: 'Customer message from Ada Admin' }).first();
      await rich.getByText('the invoice').waitFor();
      await rich.getByText('[image: logo]').waitFor();
      const link = rich.getByRole('link', { name: 'the invoice' });
      assert.equal(await link.getAttribute('href'), 'https://example.com/invoice');
      assert.equal(await link.getAttribute('onclick'), null);
      assert.match(await link.getAttribute('rel'), /noopener/);
      assert.equal(await rich.getByRole('link', { name: 'click me' }).count(), 0);
      await rich.getByText('click me').waitFor();
      const html = await rich.innerHTML();
      for (const bad of ['<script', '<iframe', '<img', '<svg', '<form', '<input', 'style=', 'onerror', 'javascript:'])
        assert.ok(!html.includes(bad), `${bad} must not survive: ${html}`);
      await rich.getByText('<billing@payer.test>').waitFor();
      const files = rich.getByRole('list', { name: 'Attachments' });
      await files.getByRole('button', { name: 'Download invoice.pdf' }).waitFor();
      await files.getByText('application/pdf · 20.0 KB').waitFor();
      assert.equal(await files.getByRole('listitem').count(), 1, 'inline images are not listed');

      const auto = page.getByRole('article').filter({ hasText: 'I am out of office' });
      await auto.getByText('Auto-reply').waitFor();
      const failed = page.getByRole('article').filter({ hasText: 'Our answer' });
      await failed.getByText('Email: Failed: Mailbox unavailable').waitFor();
      await h.shot(page, 'ticket-email');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
