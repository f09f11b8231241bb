// Account flows that go through email: verification, forgotten password, and the
// signed-in password change; signing out ends the session on the server too.

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

describe('account', () => {
  test('a new admin verifies their email through the emailed link', async () => {
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      const email = `${h.unique('vera')}@example.com`;
      await page.goto('/signup');
      await page.getByLabel('Organization name').fill(h.unique('Verify Co'));
      await page.getByLabel('Your name').fill('Vera Verifier');
      await page.getByLabel('Email', { exact: true }).fill(email);
      await page.getByLabel('Password', { exact: true }).fill('a long enough password');
      await page.getByRole('button', { name: 'Sign up' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      const banner = page.getByRole('region', { name: 'Email verification' });
      await banner.getByText('Please verify your email address').waitFor();
      await h.shot(page, 'inbox-unverified');

      // Until then, inviting is refused, in plain words.
      await page.goto('/settings/team');
      await page.getByLabel('Email to invite').fill(`${h.unique('early')}@example.com`);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByRole('alert').filter({ hasText: 'Confirm your email address first' }).waitFor();
      await h.shot(page, 'settings-team-unverified');

      // A lost link is not a dead end: ask for a new one, and use the newest.
      const first = await h.linkFromOutbox(stack.base, email, '/verify-email/');
      await banner.getByRole('button', { name: 'Send a new link' }).click();
      await banner.getByRole('status').filter({ hasText: 'A new link is on its way.' }).waitFor();
      const path = await h.until(async () => {
        const p = await h.linkFromOutbox(stack.base, email, '/verify-email/');
        return p !== first && p;
      }, { what: 'a second verification link' });
      await page.goto(path);
      await page.getByText('Your email address is verified.').waitFor();
      await h.shot(page, 'verify-email');
      await page.getByRole('link', { name: 'Go to the inbox' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await banner.waitFor({ state: 'detached' });

      await page.goto('/settings/team');
      const invitee = `${h.unique('later')}@example.com`;
      await page.getByLabel('Email to invite').fill(invitee);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitation sent to ${invitee.toLowerCase()}.`).waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('a forgotten password is reset through the emailed link', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await page.goto('/login');
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByLabel('Email', { exact: true }).fill(o.email);
      await page.getByRole('button', { name: 'Send reset link' }).click();
      await page.getByText('we have emailed it a link').waitFor();
      const path = await h.linkFromOutbox(stack.base, o.email, '/reset-password/');
      await page.goto(path);
      await page.getByLabel('New password', { exact: true }).fill('brand new password 1');
      await page.getByLabel('Confirm new password').fill('brand new password 2');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').filter({ hasText: 'do not match' }).waitFor();
      await page.getByLabel('Confirm new password').fill('brand new password 1');
      await h.shot(page, 'reset-password-mismatch');
      await page.getByRole('button', { name: 'Change password' }).click();
      // The reset signs this browser in; every older session has ended.
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByText('Your password has been changed, and you are signed in.').waitFor();
      await assert.rejects(o.api.get('/api/auth/me'), (e) => e.status === 401);
      await assert.rejects(new h.Api(stack.base).post('/api/auth/login', { email: o.email, password: o.password }));
      await new h.Api(stack.base).post('/api/auth/login', { email: o.email, password: 'brand new password 1' });

      // The link works once.
      await page.goto(path);
      await page.getByLabel('New password', { exact: true }).fill('third password here');
      await page.getByLabel('Confirm new password').fill('third password here');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').filter({ hasText: /invalid, expired or already used/ }).waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('the password is changed on the profile page', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto('/settings/profile');
      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill('my next password');
      await page.getByLabel('Confirm new password').fill('my next password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('alert').first().waitFor();
      await page.getByLabel('Current password').fill(o.password);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText(/Password changed\./).waitFor();
      await h.shot(page, 'settings-profile-password');
      // Other sessions ended; this one goes on with the fresh token, live included.
      await assert.rejects(o.api.get('/api/auth/me'), (e) => e.status === 401);
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('list', { name: 'Online agents' }).getByText('Ada Admin').waitFor();
      const t = await h.createTicket(o.api.as((await new h.Api(stack.base).post('/api/auth/login', { email: o.email, password: 'my next password' })).token), { subject: 'After the change' });
      await page.getByRole('link', { name: 'After the change' }).waitFor();
      assert.ok(t.id);
      assert.equal(new URL(page.url()).pathname, '/');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
