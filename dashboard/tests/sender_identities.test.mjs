// The organization page's "Send from your own address": an admin starts verification of
// a domain, sees the DNS records to create, sees it verified once SES says so (locally:
// POST /_local/ses/identities/{identity}/verify, what AWS does after DNS), and removes it.

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

async function verifyInSes(identity) {
  const r = await fetch(`${stack.base}/_local/ses/identities/${encodeURIComponent(identity)}/verify`, {
    method: 'POST',
  });
  assert.equal(r.status, 200, `verifying ${identity}`);
}

describe('sender identities', () => {
  test('an admin verifies a domain, sees its DNS records and its state, and removes it', async () => {
    const o = await h.newOrg(stack.base);
    const domain = `${h.unique('acme').toLowerCase()}.example`;
    const { context, page } = await h.newAgentPage(browser, stack);
    page.on('dialog', (d) => void d.accept());
    try {
      await h.signIn(page, o.email, o.password);
      await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
      await page.goto('/settings/organization');
      const section = page.getByRole('region', { name: 'Send from your own address' });
      await section.getByText('No address or domain is verified yet.').waitFor();

      await section.getByLabel('Address or domain').fill(domain.toUpperCase());
      await section.getByRole('button', { name: 'Verify' }).click();
      await section.getByText(`Verification of ${domain} started.`).waitFor();
      const item = section.getByRole('list', { name: 'Your addresses and domains' }).getByRole('listitem');
      await item.getByText('Waiting for verification').waitFor();
      const records = section.getByRole('table', { name: `DNS records to create for ${domain}` });
      // A header row and the three DKIM CNAMEs.
      assert.equal(await records.getByRole('row').count(), 4);
      const [listed] = await o.api.get(`/api/organizations/${o.org.id}/sender-identities`);
      for (const r of listed.dnsRecords) {
        await records.getByRole('cell', { name: r.name }).waitFor();
        await records.getByRole('cell', { name: r.value }).waitFor();
      }
      await h.shot(page, 'settings-sender-identity-pending');

      await verifyInSes(domain);
      await section.getByRole('button', { name: 'Check again' }).click();
      await item.getByText('Verified', { exact: true }).waitFor();
      assert.equal(await records.count(), 0, 'no records left to create');

      await section.getByRole('button', { name: `Remove ${domain}` }).click();
      await section.getByText(`${domain} removed.`).waitFor();
      await section.getByText('No address or domain is verified yet.').waitFor();
      assert.deepEqual(await o.api.get(`/api/organizations/${o.org.id}/sender-identities`), []);

      // A malformed entry is refused with the server's sentence, nothing added.
      await section.getByLabel('Address or domain').fill('not a domain');
      await section.getByRole('button', { name: 'Verify' }).click();
      await section.getByRole('alert').waitFor();
      assert.deepEqual(await o.api.get(`/api/organizations/${o.org.id}/sender-identities`), []);
      assert.deepEqual(page.pageErrors, []);
    } finally {
      await context.close();
    }
  });
});
