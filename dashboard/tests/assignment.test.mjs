// A team's assignment rule and the organization's routing rules, set in the dashboard.

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

describe('assignment', () => {
  test('a manager sets round robin and a cap on the team page, and a routing rule on the organization page', async () => {
    const o = await h.newOrg(stack.base);
    const team = await o.api.post('/api/teams', { name: 'Front line' });
    const { context, page } = await h.newAgentPage(browser, stack);
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
      await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      const form = page.getByRole('form', { name: 'Assignment of Front line' });
      assert.equal(await form.getByLabel('Assignment').inputValue(), 'MANUAL');
      await form.getByLabel('Assignment').selectOption({ label: 'Round robin' });
      await form.getByLabel('Most open conversations per agent').fill('3');
      await form.getByRole('button', { name: 'Save assignment' }).click();
      await form.getByText('Assignment saved.').waitFor();
      const saved = await o.api.get(`/api/teams/${team.id}`);
      assert.equal(saved.assignmentMode, 'ROUND_ROBIN');
      assert.equal(saved.maxOpenPerAgent, 3);

      // Still there after a reload.
      await page.reload();
      await page.getByRole('heading', { name: 'Team', level: 1 }).waitFor();
      const again = page.getByRole('form', { name: 'Assignment of Front line' });
      await h.until(async () => (await again.getByLabel('Assignment').inputValue()) === 'ROUND_ROBIN', {
        what: 'the saved mode',
      });
      assert.equal(await again.getByLabel('Most open conversations per agent').inputValue(), '3');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
      const rules = page.getByRole('form', { name: 'Routing rules' });
      await rules.waitFor();
      await rules.getByRole('button', { name: 'Add rule' }).click();
      const rule = rules.getByRole('listitem', { name: 'Rule 1' });
      await rule.getByLabel('Channel').selectOption({ label: 'Chat' });
      await rule.getByLabel('Team').selectOption({ label: 'Front line' });
      await rules.getByRole('button', { name: 'Save routing rules' }).click();
      await rules.getByText('Routing rules saved.').waitFor();
      const org = await o.api.get(`/api/organizations/${o.org.id}`);
      assert.deepEqual(org.routingRules, [{ channel: 'CHAT', teamId: team.id }]);
      await h.shot(page, 'routing-rules');
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
