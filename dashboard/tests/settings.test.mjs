// Profile, team and organization settings, and what each role is offered.

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

describe('settings', () => {
  test('profile is saved and still there after a reload', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click();
      await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
      await page.getByLabel('Name', { exact: true }).fill('Ada Lovelace');
      await page.getByLabel('Avatar URL').fill('https://example.com/ada.png');
      await page.getByRole('button', { name: 'Save profile' }).click();
      await page.getByText('Profile saved.').waitFor();
      await page.getByRole('banner').getByText('Ada Lovelace').waitFor();

      await page.reload();
      await page.getByRole('heading', { name: 'Your profile', level: 1 }).waitFor();
      assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Ada Lovelace');
      assert.equal(await page.getByLabel('Avatar URL').inputValue(), 'https://example.com/ada.png');
      await h.shot(page, 'settings-profile');
      const me = await o.api.get('/api/auth/me');
      assert.equal(me.user.name, 'Ada Lovelace');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('team page lists the members, invites, and manages teams', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
      await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      const members = page.getByRole('table', { name: 'Members of your organization' });
      const adaRow = members.getByRole('row').filter({ hasText: 'Ada Admin' });
      const bobRow = members.getByRole('row').filter({ hasText: 'Bob Agent' });
      await adaRow.getByText(o.email).waitFor();
      await bobRow.getByText(bob.email.toLowerCase()).waitFor();
      assert.equal(await adaRow.getByRole('cell', { name: 'Admin', exact: true }).count(), 1);
      assert.equal(await page.getByLabel('Role of Bob Agent').inputValue(), 'AGENT');

      // Change a role.
      await page.getByLabel('Role of Bob Agent').selectOption('SUPERVISOR');
      await h.until(async () => (await o.api.get(`/api/users/${bob.user.id}`)).role === 'SUPERVISOR', {
        what: 'the role change',
      });

      // Invite someone; the invitation is listed and can be revoked.
      const email = `${h.unique('carol')}@example.com`;
      await page.getByLabel('Email to invite').fill(email);
      await page.getByRole('button', { name: 'Send invitation' }).click();
      await page.getByText(`Invitation sent to ${email.toLowerCase()}.`).waitFor();
      const pending = page.getByRole('list', { name: 'Pending invitations' });
      await pending.getByText(email.toLowerCase()).waitFor();
      await pending.getByRole('listitem').filter({ hasText: email.toLowerCase() }).getByText(/· Agent/).waitFor();
      await h.linkFromOutbox(stack.base, email, '/invite/');
      await page.getByRole('button', { name: `Revoke invitation for ${email.toLowerCase()}` }).click();
      await pending.getByText(email.toLowerCase()).waitFor({ state: 'detached' });

      // Create a team and add a member.
      await page.getByLabel('Team name').fill('Escalations');
      await page.getByRole('button', { name: 'Create team' }).click();
      await page.getByRole('heading', { name: /Escalations/ }).waitFor();
      await page.getByLabel('Add a member to Escalations').selectOption({ label: 'Bob Agent' });
      await page.getByRole('button', { name: 'Add member' }).click();
      await page.getByRole('list', { name: 'Members of Escalations' }).getByText('Bob Agent').waitFor();

      // Deactivate Bob (after confirming, told what becomes of his conversations).
      let asked = '';
      page.once('dialog', (d) => {
        asked = d.message();
        void d.accept();
      });
      await page.getByRole('button', { name: 'Deactivate Bob Agent' }).click();
      await bobRow.getByText('Deactivated').waitFor();
      assert.match(asked, /conversations they hold open or pending go back to their teams/);
      await h.shot(page, 'settings-team');
      assert.equal((await o.api.get(`/api/users/${bob.user.id}`)).active, false);
      await assert.rejects(bob.api.get('/api/auth/me'), (e) => e.status === 401);

      // And back.
      await page.getByRole('button', { name: 'Reactivate Bob Agent' }).click();
      await bobRow.getByText('Active').waitFor();
      assert.equal((await o.api.get(`/api/users/${bob.user.id}`)).active, true);
      await new h.Api(stack.base).post('/api/auth/login', { email: bob.email, password: bob.password });
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('an agent is offered only what an agent may do', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });
    const t = await h.createTicket(o.api, { subject: 'Role aware' });
    await o.api.post('/api/teams', { name: 'Support' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, bob.email, bob.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto('/settings/team');
      await page.getByRole('table', { name: 'Members of your organization' }).getByText('Ada Admin').waitFor();
      await page.getByRole('heading', { name: /Support/ }).waitFor();
      assert.equal(await page.getByRole('combobox', { name: /Role of/ }).count(), 0);
      assert.equal(await page.getByRole('button', { name: /Deactivate/ }).count(), 0);
      assert.equal(await page.getByRole('heading', { name: 'Invitations' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Create team' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Add member' }).count(), 0);

      await page.goto('/settings/organization');
      await page.getByText('Only an admin can change these settings.').waitFor();
      assert.equal(await page.getByLabel('Organization name').isDisabled(), true);
      assert.equal(await page.getByRole('button', { name: 'Save settings' }).count(), 0);

      // On a ticket: an agent may take it or leave it, not give it to someone else.
      await page.goto(`/tickets/${t.id}`);
      const assignee = page.getByLabel('Assignee');
      await assignee.waitFor();
      const options = await assignee.getByRole('option').allInnerTexts();
      assert.deepEqual(options, ['Unassigned', 'Bob Agent (me)']);
      await assignee.selectOption({ label: 'Bob Agent (me)' });
      await h.until(async () => (await o.api.get(`/api/tickets/${t.id}`)).assigneeId === bob.user.id, {
        what: 'the assignment',
      });

      // A colleague's ticket stays theirs: the control is shown but cannot be changed.
      const t2 = await h.createTicket(o.api, { subject: 'Ada keeps this' });
      await o.api.patch(`/api/tickets/${t2.id}`, { assigneeId: o.user.id });
      await page.goto(`/tickets/${t2.id}`);
      await page.getByRole('heading', { name: /Ada keeps this/, level: 1 }).waitFor();
      await h.until(async () => (await page.getByLabel('Assignee').inputValue()) === o.user.id, { what: 'the assignee shown' });
      assert.equal(await page.getByLabel('Assignee').isDisabled(), true);
      await page.getByText('A colleague has this ticket').waitFor();
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });

  test('organization settings are saved', async () => {
    const o = await h.newOrg(stack.base);
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto('/settings/organization');
      await page.getByRole('heading', { name: 'Organization', level: 1 }).waitFor();
      await page.getByLabel('Organization name').fill('Initech Support');
      await page.getByLabel('Ticket prefix').fill('INIT');
      await page.getByLabel('Timezone').fill('Europe/Berlin');
      await page.getByLabel('Welcome message').fill('Hello from Initech');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByText('Settings saved.').waitFor();
      await page.getByRole('banner').getByText('Initech Support').waitFor();
      await h.shot(page, 'settings-organization');
      const org = await o.api.get(`/api/organizations/${o.org.id}`);
      assert.equal(org.name, 'Initech Support');
      assert.equal(org.ticketPrefix, 'INIT');
      assert.equal(org.timezone, 'Europe/Berlin');
      assert.equal(org.widget.welcomeMessage, 'Hello from Initech');

      // The chat widget: where it may appear, and the snippet to embed it.
      await page.getByLabel('Allowed origins').fill('https://www.initech.example\nhttps://help.initech.example');
      await page.getByRole('button', { name: 'Save settings' }).click();
      await h.until(
        async () =>
          (await o.api.get(`/api/organizations/${o.org.id}`)).widget.allowedOrigins?.join(' ') ===
          'https://www.initech.example https://help.initech.example',
        { what: 'the allowed origins to be saved' },
      );
      const key = (await o.api.get(`/api/organizations/${o.org.id}`)).widget.widgetKey;
      assert.ok(key, 'the organization has a widget key');
      const snippet = page.getByLabel('Embed snippet', { exact: true });
      assert.equal(
        await snippet.innerText(),
        `<script src="${stack.config.apiUrl}/widget.js" data-wrrk-key="${key}" async></script>`,
      );
      await page.getByRole('button', { name: 'Copy the embed snippet' }).waitFor();
      // Mail to the support address becomes tickets; the page shows it.
      const { supportAddress } = await o.api.get(`/api/organizations/${o.org.id}`);
      assert.ok(supportAddress, 'the organization has a support address');
      await page.getByRole('region', { name: 'Support address' }).getByText(supportAddress).waitFor();
      page.once('dialog', (d) => d.accept());
      await page.getByRole('button', { name: 'Replace widget key' }).click();
      await page.getByText('A new widget key is in the snippet above.').waitFor();
      const rotated = (await o.api.get(`/api/organizations/${o.org.id}`)).widget.widgetKey;
      assert.notEqual(rotated, key);
      assert.ok((await snippet.innerText()).includes(`data-wrrk-key="${rotated}"`));
      await h.shot(page, 'settings-organization-widget');

      // A refused value is explained in plain words.
      await page.getByLabel('Ticket prefix').fill('TOOLONGPREFIX');
      await page.getByLabel('Ticket prefix').evaluate((el) => el.removeAttribute('pattern'));
      await page.getByRole('button', { name: 'Save settings' }).click();
      await page.getByRole('alert').filter({ hasText: /ticketPrefix/ }).waitFor();
    } finally {
      await context.close();
    }
  });
});
