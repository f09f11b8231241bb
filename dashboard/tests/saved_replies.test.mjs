// Saved replies: managed on their settings page, inserted with `/` in the reply box,
// filled for the ticket by the server and inserted as text.

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

describe('saved replies', () => {
  test('managed in settings; `/` in the reply box picks one and inserts it filled', async () => {
    const o = await h.newOrg(stack.base);
    const agent = await h.addUser(stack.base, o.api, { name: 'Bo Agent' });
    // The customer's name is markup: it must arrive in the box as text.
    const t = await h.createTicket(o.api, { subject: 'Late order', name: '<b>Pat</b>', email: 'pat@customer.test' });
    const { context, page } = await h.newAgentPage(browser, stack);
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();

    // Settings: one shared reply, one personal one.
    await page.getByRole('link', { name: 'Saved replies' }).click();
    await page.getByRole('heading', { name: 'Saved replies', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'New saved reply' });
    await form.getByLabel('Title').fill('Refund policy');
    await form.getByLabel('Text').fill('Hi {{customer.name}}, {{agent.name}} here about {{ticket.number}}.');
    await form.getByLabel('Shared with the whole organization').check();
    await form.getByRole('button', { name: 'Add saved reply' }).click();
    await page.getByRole('list', { name: 'Shared replies' }).getByRole('heading', { name: 'Refund policy' }).waitFor();
    await form.getByLabel('Title').fill('Thanks');
    await form.getByLabel('Text').fill('Thank you!');
    await form.getByRole('button', { name: 'Add saved reply' }).click();
    await page.getByRole('list', { name: 'My replies' }).getByRole('heading', { name: 'Thanks' }).waitFor();
    await h.shot(page, 'saved-replies');

    // The agent sees the shared one but not the admin's personal one.
    const theirs = await agent.api.call('GET', '/api/saved-replies?scope=personal');
    assert.deepEqual(theirs.data, []);

    // `/ref` finds "Refund policy"; Enter inserts it filled.
    await page.goto(`/tickets/${t.id}`);
    const box = page.getByLabel('Reply to customer');
    await box.waitFor();
    await box.fill('');
    await box.pressSequentially('Hello.\n/ref');
    const list = page.getByRole('listbox', { name: 'Saved replies' });
    await list.getByRole('option', { name: /Refund policy/ }).waitFor();
    assert.equal(await list.getByRole('option').count(), 1);
    await h.shot(page, 'saved-replies-picker');
    await box.press('Enter');
    await h.until(async () => (await box.inputValue()).includes('Ada Admin'), { what: 'the filled reply' });
    assert.equal(await box.inputValue(), `Hello.\nHi <b>Pat</b>, Ada Admin here about ${h.ticketNumber(t)}.`);
    assert.equal(await list.count(), 0, 'the list closes');

    // A click picks too; `/` alone lists every reply.
    await box.pressSequentially(' /');
    await list.getByRole('option', { name: /Thanks/ }).click();
    await h.until(async () => (await box.inputValue()).endsWith('Thank you!'), { what: 'the second reply' });

    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText(`Hi <b>Pat</b>, Ada Admin here about ${h.ticketNumber(t)}.`, { exact: false }).waitFor();
    assert.equal(await page.locator('.thread b').count(), 0, 'the name is not markup');
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
});
