// The email checklist in a real browser, with real mail: a customer writes to the demo
// organization's support address through the SMTP door (a small SMTP client here), the
// ticket appears in the open inbox live, the agent answers from the ticket view, and the
// reply leaves through the local SES outbox threaded to the customer's mail; the
// customer's emailed answer lands on the same ticket live. Rich mail (HTML, attachments),
// auto-replies and bounces arrive the same way, and a reply's delivery state (sent,
// failed) reaches a second agent without a reload.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as h from './helpers.mjs';

let stack;
let browser;
let demo;

const DEMO = { email: 'admin@demo.wrrk.test', password: 'wrrk-demo-password' };

before(async () => {
  stack = await h.startStack({ demo: true });
  browser = await h.launchBrowser();
  const s = await new h.Api(stack.base).post('/api/auth/login', DEMO);
  const api = new h.Api(stack.base, s.token);
  const org = await api.get(`/api/organizations/${s.user.orgId}`);
  demo = { api, user: s.user, org, address: org.supportAddress };
});

after(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The mails the outbox holds for `to`, oldest first. */
async function mailsTo(to) {
  return (await h.outbox(stack.base)).filter((m) => (Array.isArray(m.to) ? m.to : [m.to]).includes(to));
}

async function signInDemo(page) {
  await h.signIn(page, DEMO.email, DEMO.password);
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
  // Live from here on: the socket is open once we are listed online.
  await page.getByRole('list', { name: 'Online agents' }).getByText('Demo Admin').waitFor();
}

describe('email', () => {
  test('a mail to the support address appears live, is answered from the ticket view, threaded', async () => {
    assert.match(demo.address, /^demo-[0-9a-z]+@wrrk\.local$/i);
    const customer = `carla-${h.unique('c')}@customer.test`.toLowerCase();
    const firstId = `${h.unique('first')}@customer.test`;
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await signInDemo(page);
      await h.sendMail(stack.smtp, {
        from: customer,
        to: demo.address,
        raw: h.plainMail({
          from: `Carla Customer <${customer}>`,
          to: demo.address,
          subject: 'Printer on fire',
          messageId: firstId,
          body: 'The printer in room 4 is on fire. Please advise.',
        }),
      });

      // The new ticket shows up in the open inbox without a reload.
      const row = page.getByRole('row').filter({ hasText: 'Printer on fire' });
      await row.getByText('Carla Customer').waitFor();
      await h.shot(page, 'email-01-inbox');
      await row.getByRole('link', { name: 'Printer on fire' }).click();
      await page.getByRole('heading', { name: /Printer on fire/, level: 1 }).waitFor();
      await page.getByText('Email · opened').waitFor();
      const thread = page.getByRole('region', { name: 'Conversation' });
      const first = thread.getByRole('article', { name: 'Customer message from Carla Customer' });
      await first.getByText('The printer in room 4 is on fire.').waitFor();
      await page.getByRole('region', { name: 'Customer' }).getByText(customer).waitFor();

      // The reply, from the ticket view; its delivery state shows on it.
      await page.getByLabel('Reply to customer').fill('Please leave the room and call 112. We are on our way.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      const reply = thread.getByRole('article', { name: 'Agent message from Demo Admin' });
      await reply.getByText('Please leave the room').waitFor();
      await reply.getByText(/Email: Sent/).waitFor();
      await h.shot(page, 'email-02-replied');

      // In the outbox: to the customer, threaded under their mail, with the ticket's tag
      // and reply address.
      const [mail] = await h.until(async () => {
        const m = await mailsTo(customer);
        return m.length === 1 && m;
      }, { what: 'the reply in the outbox' });
      assert.equal(h.mailHeader(mail, 'In-Reply-To'), `<${firstId}>`);
      assert.ok(h.mailHeader(mail, 'References').includes(`<${firstId}>`), h.mailHeader(mail, 'References'));
      assert.match(mail.subject, /^Re: \[#DEMO-\d{4}\] Printer on fire$/);
      assert.match(h.mailHeader(mail, 'Reply-To'), /reply\+[^@]+@wrrk\.local/);
      assert.match(mail.decoded.text, /Please leave the room and call 112\./);
      assert.match(mail.from, /Demo Admin via Demo Support/);

      // The customer answers from their mail client: same ticket, live.
      const sesId = h.mailHeader(mail, 'Message-ID');
      await h.sendMail(stack.smtp, {
        from: customer,
        to: demo.address,
        raw: h.plainMail({
          from: `Carla Customer <${customer}>`,
          to: h.mailHeader(mail, 'Reply-To'),
          subject: `Re: ${mail.subject}`,
          messageId: `${h.unique('answer')}@customer.test`,
          headers: [`In-Reply-To: ${sesId}`, `References: <${firstId}> ${sesId}`],
          body: 'Fire is out, thanks!\n\nOn Tuesday you wrote:\n> Please leave the room',
        }),
      });
      await thread.getByText('Fire is out, thanks!').waitFor();
      assert.equal(await thread.getByRole('article').count(), 3);
      const tickets = await demo.api.get('/api/tickets?limit=100');
      assert.equal(tickets.filter((t) => t.customer?.email === customer).length, 1);
      await h.shot(page, 'email-03-answer');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('rich mail: HTML shown sanitized, the attachment downloads', async () => {
    const customer = `dora-${h.unique('c')}@customer.test`.toLowerCase();
    const pdf = '%PDF-1.4\n% invoice 2231\n';
    const raw = [
      `From: Dora Designer <${customer}>`,
      `To: ${demo.address}`,
      'Subject: Invoice looks wrong',
      `Message-ID: <${h.unique('rich')}@customer.test>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="M"',
      '',
      '--M',
      'Content-Type: multipart/alternative; boundary="A"',
      '',
      '--A',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The total on the invoice is wrong.',
      '--A',
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p onmouseover="steal()">The <b>total</b> on the <a href="https://shop.test/inv/2231">invoice</a> is wrong.</p><script>window.__pwned=1</script>',
      '--A--',
      '--M',
      'Content-Type: application/pdf; name="invoice-2231.pdf"',
      'Content-Disposition: attachment; filename="invoice-2231.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(pdf).toString('base64'),
      '--M--',
      '',
    ].join('\r\n');
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await signInDemo(page);
      await h.sendMail(stack.smtp, { from: customer, to: demo.address, raw });
      const row = page.getByRole('row').filter({ hasText: 'Invoice looks wrong' });
      await row.getByRole('link', { name: 'Invoice looks wrong' }).click();
      const msg = page.getByRole('article', { name: 'Customer message from Dora Designer' });
      await msg.getByRole('link', { name: 'invoice' }).waitFor();
      assert.equal(await msg.getByRole('link', { name: 'invoice' }).getAttribute('href'), 'https://shop.test/inv/2231');
      const html = await msg.innerHTML();
      for (const bad of ['<script', 'onmouseover', 'steal()']) assert.ok(!html.includes(bad), `${bad} in ${html}`);
      assert.equal(await msg.locator('b').innerText(), 'total');

      const files = msg.getByRole('list', { name: 'Attachments' });
      await files.getByText('application/pdf').waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        files.getByRole('button', { name: 'Download invoice-2231.pdf' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'invoice-2231.pdf');
      const chunks = [];
      for await (const c of await download.createReadStream()) chunks.push(c);
      assert.equal(Buffer.concat(chunks).toString(), pdf);
      await h.shot(page, 'email-04-rich');
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test("a second agent sees a reply's delivery fail and succeed live; auto-replies and bounces are marked", async () => {
    const bob = await h.addUser(stack.base, demo.api, { name: 'Bob Agent' });
    const customer = `erin-${h.unique('c')}@customer.test`.toLowerCase();
    await h.sendMail(stack.smtp, {
      from: customer,
      to: demo.address,
      raw: h.plainMail({
        from: `Erin Early <${customer}>`,
        to: demo.address,
        subject: 'Cannot log in',
        messageId: `${h.unique('login')}@customer.test`,
        body: 'My password does not work.',
      }),
    });
    const ticket = await h.until(
      async () => (await demo.api.get('/api/tickets?limit=100')).find((t) => t.customer?.email === customer),
      { what: 'the mailed ticket' },
    );
    const a = await h.newAgentPage(browser, stack);
    const b = await h.newAgentPage(browser, stack);
    try {
      await signInDemo(a.page);
      await h.signIn(b.page, bob.email, bob.password);
      await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await a.page.goto(`/tickets/${ticket.id}`);
      await b.page.goto(`/tickets/${ticket.id}`);
      const bobThread = b.page.getByRole('region', { name: 'Conversation' });
      await bobThread.getByText('My password does not work.').waitFor();
      // Bob's subscription is live once Ada is listed as viewing with him.
      await b.page.getByRole('list', { name: 'Also viewing: Demo Admin' }).waitFor();

      // SES refuses the mail: Bob sees the failure and its reason on the reply, live.
      await h.failMail(stack.base, 1000);
      try {
        await a.page.getByLabel('Reply to customer').fill('Use the reset link on the sign-in page.');
        await a.page.getByRole('button', { name: 'Send reply' }).click();
        const failed = bobThread.getByRole('article').filter({ hasText: 'Use the reset link' });
        await failed.getByText(/Email: Failed:/).waitFor();
        assert.match(await failed.innerText(), /ServiceUnavailable/);
        await failed.getByText(/next attempt/).waitFor();
        await a.page.getByRole('article').filter({ hasText: 'Use the reset link' }).getByText(/Email: Failed:/).waitFor();
        await h.shot(b.page, 'email-05-failed-live');
      } finally {
        await h.failMail(stack.base, 0);
      }
      assert.equal((await mailsTo(customer)).length, 0);

      // The next reply goes out: "Sent" reaches Bob.
      await a.page.getByLabel('Reply to customer').fill('Or tell me your username and I reset it for you.');
      await a.page.getByRole('button', { name: 'Send reply' }).click();
      const sent = bobThread.getByRole('article').filter({ hasText: 'Or tell me your username' });
      await sent.getByText(/Email: Sent/).waitFor();
      const mail = (await mailsTo(customer)).at(-1);
      const sesId = h.mailHeader(mail, 'Message-ID');

      // An out-of-office answer to it is marked, and never answered.
      await h.sendMail(stack.smtp, {
        from: customer,
        to: demo.address,
        raw: h.plainMail({
          from: `Erin Early <${customer}>`,
          to: demo.address,
          subject: `Automatic reply: ${mail.subject}`,
          messageId: `${h.unique('ooo')}@customer.test`,
          headers: ['Auto-Submitted: auto-replied', `In-Reply-To: ${sesId}`],
          body: 'I am out of office until Monday.',
        }),
      });
      const ooo = bobThread.getByRole('article').filter({ hasText: 'I am out of office until Monday.' });
      await ooo.getByText('Auto-reply').waitFor();

      // A bounce of our mail lands on the ticket as a marked note.
      const dsn = [
        'From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>',
        `To: ${demo.address}`,
        'Subject: Undelivered Mail Returned to Sender',
        `Message-ID: <${h.unique('dsn')}@mx.customer.test>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
        '',
        '--B',
        'Content-Type: text/plain',
        '',
        'Your message could not be delivered.',
        '--B',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.customer.test',
        '',
        `Final-Recipient: rfc822; ${customer}`,
        'Action: failed',
        'Status: 5.1.1',
        '',
        '--B',
        'Content-Type: text/rfc822-headers',
        '',
        `Message-ID: ${sesId}`,
        `Subject: ${mail.subject}`,
        '--B--',
        '',
      ].join('\r\n');
      await h.sendMail(stack.smtp, { from: '', to: demo.address, raw: dsn });
      await bobThread.getByRole('article').filter({ hasText: 'Bounced' }).waitFor();
      await h.shot(b.page, 'email-06-auto-reply-bounce');
      // Only our one sent reply went to the customer (the failed one may be retried by the
      // schedule meanwhile; nothing answered the auto-reply or the bounce).
      const ours = (await mailsTo(customer)).filter((m) => !/Use the reset link/.test(m.decoded?.text ?? ''));
      assert.equal(ours.length, 1, 'auto-replies and bounces are never answered');
      assert.deepEqual(a.page.pageErrors, []);
      assert.deepEqual(b.page.pageErrors, []);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });
});
