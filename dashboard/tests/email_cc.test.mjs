// Cc and Bcc on an emailed reply from the ticket view: shown on the message, Cc in the
// mail's headers and Bcc in none, and the Cc'd person's answer lands on the ticket live.

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

describe('email copies', () => {
  test('an agent copies a reply by Cc and Bcc; the Cc answer threads into the ticket', async () => {
    const o = await h.newOrg(stack.base);
    const org = await o.api.get(`/api/organizations/${o.user.orgId}`);
    const customer = `${h.unique('carl')}@customer.test`.toLowerCase();
    await h.sendMail(stack.smtp, {
      from: customer,
      to: org.supportAddress,
      raw: h.plainMail({ from: `Carl <${customer}>`, to: org.supportAddress, subject: 'Invoice total', messageId: `${h.unique('q')}@customer.test`, body: 'The total is wrong.' }),
    });
    const [t] = await h.until(async () => {
      const list = await o.api.get('/api/tickets');
      return list.length === 1 && list;
    }, { what: 'the ticket' });

    const { context, page } = await h.newAgentPage(browser, stack);
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await page.goto(`/tickets/${t.id}`);
    await page.getByLabel('Reply to customer').fill('Copying our accountant.');
    await page.getByRole('button', { name: 'Cc/Bcc' }).click();
    await page.getByLabel('Cc', { exact: true }).fill('anna@accounts.test');
    await page.getByLabel('Bcc', { exact: true }).fill('boss@customer.test');
    await page.getByRole('button', { name: 'Send reply' }).click();
    const thread = page.getByRole('region', { name: 'Conversation' });
    const reply = thread.getByRole('article', { name: /Agent message/ });
    await reply.getByText('Cc: anna@accounts.test').waitFor();
    await reply.getByText('Bcc: boss@customer.test').waitFor();
    await reply.getByText(/Email: Sent/).waitFor();

    const mail = (await h.outbox(stack.base)).find((m) => [m.to].flat().includes(customer));
    assert.ok(mail, 'the reply was sent');
    assert.deepEqual([mail.to].flat().sort(), ['anna@accounts.test', 'boss@customer.test', customer].sort());
    assert.match(h.mailHeader(mail, 'Cc'), /anna@accounts\.test/);
    assert.ok(!mail.raw.includes('boss@customer.test'), 'Bcc is in no header');

    await h.sendMail(stack.smtp, {
      from: 'anna@accounts.test',
      to: org.supportAddress,
      raw: h.plainMail({
        from: 'Anna <anna@accounts.test>',
        to: org.supportAddress,
        subject: `Re: ${mail.subject}`,
        messageId: `${h.unique('a')}@accounts.test`,
        headers: [`In-Reply-To: ${h.mailHeader(mail, 'Message-ID')}`],
        body: 'The total is right, actually.',
      }),
    });
    await thread.getByText('The total is right, actually.').waitFor();
    assert.equal((await o.api.get('/api/tickets')).length, 1);
    await h.shot(page, 'email-cc');
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
});
