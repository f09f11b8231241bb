// Customer satisfaction: resolving mails rating links; the link's page (no sign-in)
// preselects the rating and sends it with a comment; the agent sees it on the ticket live.

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

describe('csat', () => {
  test('a resolved ticket is rated from the mailed link and the rating shows on the ticket live', async () => {
    const o = await h.newOrg(stack.base);
    const customer = `${h.unique('pat')}@customer.test`.toLowerCase();
    const t = await h.createTicket(o.api, { subject: 'Rate me', email: customer });
    const agent = await h.newAgentPage(browser, stack);
    await h.signIn(agent.page, o.email, o.password);
    await agent.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await agent.page.goto(`/tickets/${t.id}`);
    await agent.page.getByLabel('Status').selectOption('RESOLVED');
    const link = await h.linkFromOutbox(stack.base, customer, '/rate/');

    // The customer, not signed in, in their own browser.
    const visitor = await h.newAgentPage(browser, stack);
    await visitor.page.goto(`${link}?rating=4`);
    await visitor.page.getByRole('heading', { name: 'Rate our help', level: 1 }).waitFor();
    assert.equal(await visitor.page.getByLabel('4 · Good').isChecked(), true);
    await visitor.page.getByLabel('Comment (optional)').fill('Fast and friendly.');
    await h.shot(visitor.page, 'csat-rate');
    await visitor.page.getByRole('button', { name: 'Send rating' }).click();
    await visitor.page.getByRole('status').getByText(/You rated .* 4 out of 5/).waitFor();

    // Live on the agent's open ticket.
    const thread = agent.page.getByRole('region', { name: 'Conversation' });
    await thread.getByText('The customer rated this conversation 4/5.').waitFor();
    await thread.getByText('Fast and friendly.', { exact: false }).waitFor();
    await h.shot(agent.page, 'csat-ticket');

    // The link again: rated already, no second rating.
    await visitor.page.goto(`${link}?rating=1`);
    await visitor.page.getByRole('status').getByText(/You rated .* 4 out of 5/).waitFor();
    assert.deepEqual(agent.page.pageErrors, []);
    assert.deepEqual(visitor.page.pageErrors, []);
    await visitor.context.close();
    await agent.context.close();
  });
});
