// Signing in and out, signing up, joining by invitation, and a 401 mid-session.

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

describe('auth', () => {
  test('sign in, wrong password shown in plain words, sign out', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await page.goto('/');
      await page.waitForURL(/\/login\?next=/);
      await page.getByLabel('Email', { exact: true }).fill(o.email);
      await page.getByLabel('Password', { exact: true }).fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'The email or password is incorrect.' }).waitFor();
      await h.shot(page, 'login-error');

      await page.getByLabel('Password', { exact: true }).fill(o.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      assert.equal(new URL(page.url()).pathname, '/');
      await page.getByText('Ada Admin').first().waitFor();
      await h.shot(page, 'inbox-empty');

      const token = await page.evaluate(() => localStorage.getItem('wrrk.token'));
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      // Signing out ends the session on the server, not only in this browser.
      assert.equal(await page.evaluate(() => localStorage.getItem('wrrk.token')), null);
      await assert.rejects(o.api.as(token).get('/api/auth/me'), (e) => e.status === 401);
      await h.shot(page, 'login');
      await page.goto('/settings/profile');
      await page.waitForURL(/\/login\?next=%2Fsettings%2Fprofile/);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('sign up creates an organization and signs in', async () => {
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      const orgName = h.unique('Globex');
      await page.goto('/login');
      await page.getByRole('link', { name: 'Create an organization' }).click();
      await page.getByRole('heading', { name: 'Create your organization' }).waitFor();
      await page.getByLabel('Organization name').fill(orgName);
      await page.getByLabel('Your name').fill('Grace Founder');
      await page.getByLabel('Email', { exact: true }).fill(`${h.unique('grace')}@example.com`);
      await page.getByLabel('Password', { exact: true }).fill('a long enough password');
      await h.shot(page, 'signup');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByText(orgName).waitFor();
      await page.getByText('Grace Founder').first().waitFor();
      await h.shot(page, 'signup-done');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('an invitation accepted through the emailed link signs the new agent in', async () => {
    const o = await h.newOrg(stack.base);
    const email = `${h.unique('newbie')}@example.com`;
    await o.api.post('/api/invitations', { email, role: 'AGENT' });
    const path = await h.linkFromOutbox(stack.base, email, '/invite/');
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await page.goto(path);
      await page.getByRole('heading', { name: 'Join your team' }).waitFor();
      await page.getByText(o.org.name).waitFor();
      assert.equal(await page.getByLabel('Email', { exact: true }).inputValue(), email.toLowerCase());
      await page.getByLabel('Your name').fill('Nora Newbie');
      await page.getByLabel('Choose a password').fill('nora has a password');
      await h.shot(page, 'invite');
      await page.getByRole('button', { name: 'Accept invitation' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByText('Nora Newbie').first().waitFor();
      await page.getByText('Agent', { exact: false }).first().waitFor();

      // The link is single-use: opening it again says so in plain words.
      const again = await context.newPage();
      await again.goto(path);
      await again.getByRole('alert').waitFor();
      assert.match(await again.getByRole('alert').innerText(), /\S/);
      await h.shot(again, 'invite-used');
      await again.close();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('a 401 returns to sign-in, then back to the same ticket with the draft kept', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Session test ticket' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto(`/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Session test ticket/ }).waitFor();
      await page.getByLabel('Reply to customer').fill('Draft that must survive');
      // The session ends behind the page's back (as an expired or revoked token does);
      // the next request answers 401. The token is swapped from a plain same-origin
      // document, with no dashboard code running: a request the ticket page still had in
      // hand would otherwise meet the bad token first, sign out and remove it, and the
      // page would come back with no session at all rather than an ended one.
      await page.goto('/config.json');
      await page.evaluate(() => localStorage.setItem('wrrk.token', 'expired.invalid.token'));
      await page.goto(`/tickets/${t.id}`);
      await page.waitForURL(/\/login\?expired=1&next=/);
      await page.getByText('Your session has ended').waitFor();
      await h.shot(page, 'login-expired');
      await page.getByLabel('Email', { exact: true }).fill(o.email);
      await page.getByLabel('Password', { exact: true }).fill(o.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => u.pathname === `/tickets/${t.id}`);
      await page.getByRole('heading', { name: /Session test ticket/ }).waitFor();
      assert.equal(await page.getByLabel('Reply to customer').inputValue(), 'Draft that must survive');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
