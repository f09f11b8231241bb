// Files on a reply: a customer's mail opens an EMAIL ticket (through the stack's SMTP door),
// the agent attaches files in the reply box (one removed again), sends, and the mail in
// the local SES outbox carries the file that stayed.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
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

/** The SMTP door's address, from wrrk-local's start-up lines. */
async function smtpAddress() {
  return h.until(() => stack.output().match(/SMTP\s+(127\.0\.0\.1):(\d+)/), { what: 'the SMTP door in the output' });
}

/** Sends one mail over SMTP; resolves once the door accepted it (the mail has landed). */
async function sendMail({ from, to, raw }) {
  const [, host, port] = await smtpAddress();
  const sock = connect(Number(port), host);
  sock.setEncoding('utf8');
  let buffer = '';
  const waiters = [];
  sock.on('data', (d) => {
    buffer += d;
    // A reply is complete at a line whose code is followed by a space.
    let m;
    while ((m = buffer.match(/^(\d{3}) [^\r\n]*\r\n/m))) {
      const end = buffer.indexOf(m[0]) + m[0].length;
      buffer = buffer.slice(end);
      waiters.shift()?.(m[1]);
    }
  });
  const reply = () => new Promise((ok) => waiters.push(ok));
  const say = async (line, want) => {
    const next = reply();
    sock.write(`${line}\r\n`);
    const code = await next;
    assert.equal(code, want, `SMTP ${line.split(' ')[0]} answered ${code}`);
  };
  assert.equal(await reply(), '220');
  await say('EHLO test.local', '250');
  await say(`MAIL FROM:<${from}>`, '250');
  await say(`RCPT TO:<${to}>`, '250');
  await say('DATA', '354');
  await say(`${raw.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..')}\r\n.`, '250');
  await say('QUIT', '221');
  sock.end();
}

describe('attachments', () => {
  test('an agent attaches files to a reply; the customer mail carries them', async () => {
    const o = await h.newOrg(stack.base);
    const org = await o.api.get(`/api/organizations/${o.org.id}`);
    const customer = `${h.unique('carl')}@customer.test`.toLowerCase();
    await sendMail({
      from: customer,
      to: org.supportAddress,
      raw: [
        `From: Carl <${customer}>`,
        `To: ${org.supportAddress}`,
        'Subject: Where is my invoice?',
        `Message-ID: <${h.unique('m')}@customer.test>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Please send it again.',
      ].join('\r\n'),
    });
    const ticket = await h.until(async () => (await o.api.get('/api/tickets?channel=EMAIL')).find((t) => t.customer?.email === customer), {
      what: 'the email ticket',
    });

    const pdf = Buffer.from(`%PDF-1.4\n${'invoice line\n'.repeat(400)}%%EOF\n`);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${ticket.id}`);
      const reply = page.getByRole('form', { name: 'Reply' });
      await reply.getByLabel('Reply to customer').fill('Here is your invoice again.');

      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        reply.getByRole('button', { name: 'Attach files' }).click(),
      ]);
      assert.ok(chooser.isMultiple());
      await chooser.setFiles([
        { name: 'invoice.pdf', mimeType: 'application/pdf', buffer: pdf },
        { name: 'Notizen für später.txt', mimeType: 'text/plain', buffer: Buffer.from('not for the customer') },
      ]);
      const files = reply.getByRole('list', { name: 'Files to send' });
      await files.getByRole('listitem').filter({ hasText: 'invoice.pdf' }).waitFor();
      await files.getByRole('button', { name: 'Remove Notizen für später.txt' }).click();
      assert.equal(await files.getByRole('listitem').count(), 1);
      // Uploaded straight to storage; the reply waits for that.
      await h.until(async () => !(await files.textContent()).includes('uploading'), { what: 'the upload' });
      await h.shot(page, 'reply-attachments');
      await reply.getByRole('button', { name: 'Send reply' }).click();

      const sent = page.getByRole('article', { name: 'Agent message from Ada Admin' }).filter({ hasText: 'Here is your invoice again.' });
      await sent.getByRole('list', { name: 'Attachments' }).getByRole('button', { name: 'Download invoice.pdf' }).waitFor();
      // The reply can arrive live before the POST answers; the box empties on the answer.
      await h.until(async () => (await reply.getByRole('list', { name: 'Files to send' }).count()) === 0, {
        what: 'the reply box to be empty again',
      });

      const mail = await h.until(
        async () => (await h.outbox(stack.base)).find((m) => m.to.includes(customer) && m.raw.includes('Here is your invoice again')),
        { what: 'the reply in the outbox' },
      );
      assert.deepEqual(mail.decoded.attachments, ['invoice.pdf']);
      assert.match(mail.raw, /Content-Type: multipart\/mixed/);
      assert.ok(mail.raw.replace(/\r\n/g, '').includes(pdf.toString('base64')), 'the file travels in the mail');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('files over the limit are refused before uploading', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Big files' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      const reply = page.getByRole('form', { name: 'Reply' });
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        reply.getByRole('button', { name: 'Attach files' }).click(),
      ]);
      await chooser.setFiles([{ name: 'huge.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(10 * 1024 * 1024 + 1) }]);
      await reply.getByRole('alert').filter({ hasText: 'huge.bin is larger than 10.0 MB.' }).waitFor();
      assert.equal(await reply.getByRole('list', { name: 'Files to send' }).count(), 0);
    } finally {
      await context.close();
    }
  });
});
