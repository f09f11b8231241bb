// Accessibility: axe-core (WCAG 2 A/AA rules, contrast included) on every page, and the
// reply flow done with the keyboard alone.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as h from './helpers.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

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

async function audit(page, name) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  const problems = result.violations.map(
    (v) => `${name}: ${v.id} (${v.impact}) ${v.help} → ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`,
  );
  return problems;
}

describe('accessibility', () => {
  test('every page passes axe (WCAG 2.1 A and AA)', async () => {
    const o = await h.newOrg(stack.base);
    const t = await h.createTicket(o.api, { subject: 'Accessible ticket' });
    await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'A note', internal: true });
    await o.api.post('/api/teams', { name: 'Support' });
    const problems = [];
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      for (const [path, heading] of [
        ['/login', 'Sign in'],
        ['/signup', 'Create your organization'],
        ['/forgot-password', 'Reset your password'],
        ['/reset-password/some-token', 'Choose a new password'],
        ['/invite/not-a-real-invitation-token', 'Join your team'],
        ['/rate/not-a-real-rating-token', 'Rate our help'],
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { name: heading }).waitFor();
        problems.push(...(await audit(page, path)));
      }
      await h.shot(page, 'invite-invalid');
      await page.goto('/forgot-password');
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await h.shot(page, 'forgot-password');
      await page.goto('/reset-password/some-token');
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await h.shot(page, 'reset-password');

      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Accessible ticket' }).waitFor();
      problems.push(...(await audit(page, '/')));
      for (const [path, heading] of [
        [`/tickets/${t.id}`, /Accessible ticket/],
        ['/settings/profile', 'Your profile'],
        ['/settings/team', 'Team'],
        ['/settings/organization', 'Organization'],
        ['/settings/replies', 'Saved replies'],
        ['/contacts', 'Contacts'],
        ['/reports', 'Reports'],
        [`/contacts/${t.customerId}`, 'Pat Customer'],
        ['/no/such/page', 'Page not found'],
      ]) {
        await page.goto(path);
        await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
        if (path.startsWith('/tickets/')) await page.getByText('A note').waitFor();
        if (path === '/settings/team') await page.getByRole('heading', { name: /Support/ }).waitFor();
        if (path === '/contacts') await page.getByRole('link', { name: 'Pat Customer' }).waitFor();
        if (path === '/reports') await page.locator('.report-chart canvas').waitFor();
        if (path.startsWith('/contacts/')) await page.getByRole('link', { name: /Accessible ticket/ }).waitFor();
        problems.push(...(await audit(page, path)));
      }
      await h.shot(page, 'not-found');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('the ticket view with delivery states and a colleague viewing passes axe', async () => {
    const o = await h.newOrg(stack.base);
    const bob = await h.addUser(stack.base, o.api, { name: 'Bob Agent' });
    const { supportAddress } = await o.api.get(`/api/organizations/${o.org.id}`);
    await h.sendMail(stack.smtp, {
      from: 'mia@customer.test',
      to: supportAddress,
      raw: h.plainMail({
        from: 'Mia Customer <mia@customer.test>',
        to: supportAddress,
        subject: 'Accessible mail',
        messageId: `${h.unique('a11y')}@customer.test`,
        body: 'Hello by mail.',
      }),
    });
    const [t] = await o.api.get('/api/tickets?limit=10');
    await h.failMail(stack.base, 1000);
    try {
      await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'This one fails' });
    } finally {
      await h.failMail(stack.base, 0);
    }
    await o.api.post(`/api/tickets/${t.id}/messages`, { content: 'This one goes out' });
    const a = await h.newAgentPage(browser, stack);
    const b = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(a.page, o.email, o.password);
      await a.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await h.signIn(b.page, bob.email, bob.password);
      await b.page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await b.page.goto(`/tickets/${t.id}`);
      await a.page.goto(`/tickets/${t.id}`);
      await a.page.getByRole('list', { name: 'Also viewing: Bob Agent' }).waitFor();
      await a.page.getByText(/Email: Failed:/).waitFor();
      await a.page.getByText(/Email: Sent/).waitFor();
      await a.page.getByText('Full reason').click();
      await h.shot(a.page, 'ticket-delivery-viewers');
      assert.deepEqual(await audit(a.page, `/tickets/${t.id}`), []);
    } finally {
      await a.context.close();
      await b.context.close();
    }
  });

  test('a reply can be written and sent with the keyboard alone', async () => {
    const o = await h.newOrg(stack.base);
    await h.createTicket(o.api, { subject: 'Keyboard ticket' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      // Tab from the top of the page to the ticket's link, then open it with Enter.
      const link = page.getByRole('link', { name: 'Keyboard ticket' });
      await link.waitFor();
      await h.until(
        async () => {
          await page.keyboard.press('Tab');
          return link.evaluate((el) => el === document.activeElement);
        },
        { timeout: 15_000, interval: 0, what: 'focus to reach the ticket link' },
      );
      // Focus is visible: the focused link has an outline.
      const outline = await link.evaluate((el) => getComputedStyle(el).outlineStyle);
      assert.notEqual(outline, 'none');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: /Keyboard ticket/, level: 1 }).waitFor();

      const box = page.getByLabel('Reply to customer');
      await h.until(
        async () => {
          await page.keyboard.press('Tab');
          return box.evaluate((el) => el === document.activeElement);
        },
        { timeout: 15_000, interval: 0, what: 'focus to reach the reply box' },
      );
      await page.keyboard.type('Sent without a mouse');
      await page.keyboard.press('Control+Enter');
      await page.getByRole('region', { name: 'Conversation' }).getByText('Sent without a mouse').waitFor();
      await h.until(async () => (await box.inputValue()) === '', { what: 'the reply box to empty' });
    } finally {
      await context.close();
    }
  });
});
