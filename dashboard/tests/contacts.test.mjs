// Contacts: the list with search, editing a contact, and merging a duplicate into it.

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

describe('contacts', () => {
  test('search, edit, and merge a duplicate: its conversations move and its address is kept', async () => {
    const o = await h.newOrg(stack.base);
    const t1 = await h.createTicket(o.api, { subject: 'First question', name: 'Ann Lee', email: 'ann@customer.test' });
    await h.createTicket(o.api, { subject: 'Second question', name: 'Ann Lee', email: 'ann@customer.test' });
    await h.createTicket(o.api, { subject: 'From the other address', name: 'Ann B', email: 'annb@other.test' });
    const { context, page } = await h.newAgentPage(browser, stack);
    page.on('dialog', (d) => void d.accept());
    await h.signIn(page, o.email, o.password);
    await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('heading', { name: 'Contacts', level: 1 }).waitFor();
    await page.getByLabel('Search contacts').fill('other.test');
    const table = page.getByRole('table');
    await h.until(async () => (await table.getByRole('row').count()) === 2, { what: 'one contact found' });
    await table.getByRole('link', { name: 'Ann B' }).waitFor();
    await page.getByLabel('Search contacts').fill('ann');
    await h.until(async () => (await table.getByRole('row').count()) === 3, { what: 'two contacts found' });
    await table.getByRole('link', { name: 'Ann Lee' }).click();

    // Edit.
    await page.getByRole('heading', { name: 'Ann Lee', level: 1 }).waitFor();
    const form = page.getByRole('form', { name: 'Edit contact' });
    await form.getByLabel('Name').fill('Ann Lee-Smith');
    await form.getByLabel('Phone').fill('+1 555 0100');
    await form.getByLabel('Notes').fill('Prefers email.');
    await form.getByRole('button', { name: 'Save contact' }).click();
    await page.getByRole('status').getByText('Contact saved.').waitFor();
    await page.getByRole('heading', { name: 'Ann Lee-Smith', level: 1 }).waitFor();
    const conversations = page.getByRole('list', { name: 'Conversations' });
    await h.until(async () => (await conversations.getByRole('listitem').count()) === 2, { what: 'two conversations' });

    // Merge the duplicate.
    await page.getByLabel('Find the duplicate').fill('annb');
    await page.getByRole('button', { name: 'Merge Ann B into this contact' }).click();
    await page.getByRole('status').getByText('Merged: 1 conversation moved here.').waitFor();
    await h.until(async () => (await conversations.getByRole('listitem').count()) === 3, { what: 'three conversations' });
    await conversations.getByRole('link', { name: /From the other address/ }).waitFor();
    await page.getByRole('list', { name: 'Other addresses' }).getByText('annb@other.test').waitFor();
    await h.shot(page, 'contact');

    // Stored as shown; the ticket page links to the contact.
    const c = await o.api.get(`/api/customers/${t1.customerId}`);
    assert.equal(c.name, 'Ann Lee-Smith');
    assert.equal(c.phone, '+1 555 0100');
    assert.deepEqual(c.secondaryEmails, ['annb@other.test']);
    assert.equal(c.tickets.length, 3);
    await page.goto(`/tickets/${t1.id}`);
    await page.getByRole('region', { name: 'Customer' }).getByRole('link', { name: 'Ann Lee-Smith' }).click();
    await page.getByRole('heading', { name: 'Ann Lee-Smith', level: 1 }).waitFor();

    // The list shows one contact now.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByLabel('Search contacts').fill('ann');
    await h.until(async () => (await table.getByRole('row').count()) === 2, { what: 'one contact left' });
    assert.deepEqual(page.pageErrors, []);
    await context.close();
  });
});
