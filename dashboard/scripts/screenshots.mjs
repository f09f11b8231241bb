// `npm run screenshots`: the README's pictures. Run by hand (not part of tests/run), after
// `cargo build -p wrrk-local` and building the widget (`cd ../widget && npm ci && npm run
// build`). Starts its own in-memory stack (like the tests: WRRK_LOCAL_BIN, free ports),
// fills an organization with realistic tickets through the real channels (HTTP API, mail
// through the SMTP door, a chat through the widget API), then photographs the inbox, a
// ticket with a second agent viewing and typing, and the real widget on a shop's page with
// an agent's answer. Writes ../docs/screenshots/{inbox,ticket}.png (1280x800) and
// widget.png (960x720).

import { createHmac } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import * as h from '../tests/helpers.mjs';

const out = resolve(h.dashboardDir, '../docs/screenshots');
const VIEWPORT = { width: 1280, height: 800 };
const WIDGET_VIEWPORT = { width: 960, height: 720 };
const PASSWORD = 'screenshots password';

/** A shop's page embedding the widget (another origin, as on a customer's site), with a
 * signed-in shopper passed to the widget by `wrrk('setUser', …)`. */
async function startShop(stack) {
  let page = '';
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** Serves the page for this widget key and shopper. */
    set(key, user) {
      page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Northwind Outfitters</title>
<style>
  body { margin: 0; font: 16px/1.5 system-ui, sans-serif; color: #1f2a37; background: #f6f4ef; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 18px 40px; background: #23412f; color: #fff; }
  header b { font-size: 20px; letter-spacing: .5px; } nav a { color: #dfe9e2; margin-left: 22px; text-decoration: none; }
  main { padding: 36px 40px; } h1 { margin: 0 0 6px; font-size: 30px; } .grid { display: grid; grid-template-columns: repeat(3, 1fr); gap: 20px; margin-top: 24px; }
  .card { background: #fff; border-radius: 10px; padding: 16px; box-shadow: 0 1px 3px rgba(0,0,0,.08); }
  .img { height: 120px; border-radius: 6px; margin-bottom: 10px; } .price { color: #23412f; font-weight: 600; }
</style>
<script>window.wrrk=window.wrrk||function(){(window.wrrk.q=window.wrrk.q||[]).push(arguments)};wrrk('setUser',${JSON.stringify(user)});</script>
</head><body>
<header><b>Northwind Outfitters</b><nav><a href="#">Tents</a><a href="#">Jackets</a><a href="#">Boots</a><a href="#">My orders</a></nav></header>
<main><h1>Winter sale</h1><p>Gear for the cold months, up to 30% off.</p>
<div class="grid">
  <div class="card"><div class="img" style="background:#c9d8c5"></div><b>Alpine down jacket</b><div class="price">€189</div></div>
  <div class="card"><div class="img" style="background:#d8cfc0"></div><b>Trailhead 2 tent</b><div class="price">€249</div></div>
  <div class="card"><div class="img" style="background:#c5cdd8"></div><b>Ridge hiking boots</b><div class="price">€139</div></div>
</div></main>
<script src="${stack.base}/widget.js" data-wrrk-key="${encodeURIComponent(key)}" async></script>
</body></html>`;
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}

async function signup(base, shopOrigin) {
  const email = 'maya@northwind.example';
  const api = new h.Api(base);
  const s = await api.post('/api/auth/signup', {
    organizationName: 'Northwind Outfitters',
    name: 'Maya Okafor',
    email,
    password: PASSWORD,
  });
  await h.verifyIfAsked(base, email);
  const admin = api.as(s.token);
  const org = await admin.patch(`/api/organizations/${s.user.orgId}`, {
    ticketPrefix: 'NW',
    widget: { allowedOrigins: [base, shopOrigin] },
  });
  return { api: admin, user: s.user, org: await admin.get(`/api/organizations/${org.id}`), email };
}

/** Invites and accepts through the emailed link; the member's API and user. */
async function member(base, admin, email, name, role) {
  await admin.post('/api/invitations', { email, role });
  const path = await h.linkFromOutbox(base, email, '/invite/');
  const token = decodeURIComponent(path.split('/').pop());
  const s = await new h.Api(base).post(`/api/invitations/token/${encodeURIComponent(token)}/accept`, {
    name,
    password: PASSWORD,
  });
  return { api: admin.as(s.token), user: s.user, email };
}

/** A customer's new mail to the support address; the ticket it opened. */
async function mail(stack, o, { name, email, subject, body, extra }) {
  const messageId = `${h.unique('m')}@${email.split('@')[1]}`;
  const raw = extra
    ? extra({ messageId })
    : h.plainMail({ from: `${name} <${email}>`, to: o.org.supportAddress, subject, messageId, body });
  await h.sendMail(stack.smtp, { from: email, to: o.org.supportAddress, raw });
  return h.until(
    async () => (await o.api.get('/api/tickets?limit=100')).find((t) => t.customer?.email === email && t.subject === subject),
    { what: `the ticket of ${subject}` },
  );
}

/** A visitor's chat through the widget API (as the widget calls it). */
async function chat(base, key, { name, email, lines }) {
  const call = async (path, body, token) => {
    const headers = { 'Content-Type': 'application/json', Origin: base };
    if (token) headers.Authorization = `Bearer ${token}`;
    const r = await fetch(`${base}/api/widget/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`widget ${path} → ${r.status}: ${await r.text()}`);
    return (await r.json()).data;
  };
  await call('init', { widgetKey: key });
  const s = await call('sessions', { widgetKey: key, name, email });
  for (const [i, content] of lines.entries()) await call('messages', { clientId: `c-${i}-${Date.now()}`, content }, s.token);
  return s.ticketId;
}

const tentMail = (o, messageId) =>
  [
    'From: Jonas Lind <jonas.lind@example.net>',
    `To: ${o.org.supportAddress}`,
    'Subject: Tent pole snapped on the first night',
    `Message-ID: <${messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="M"',
    '',
    '--M',
    'Content-Type: multipart/alternative; boundary="A"',
    '',
    '--A',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hi, the main pole of my Trailhead 2 tent snapped on the first night out. Order #51877. Photo attached.',
    '--A',
    'Content-Type: text/html; charset=utf-8',
    '',
    '<p>Hi,</p><p>the main pole of my <b>Trailhead 2</b> tent snapped on the first night out, in very little wind. Order <b>#51877</b>, bought three weeks ago.</p><p>Photo attached. Can you help before our trip on Friday?</p><p>Jonas</p>',
    '--A--',
    '--M',
    'Content-Type: image/jpeg; name="pole.jpg"',
    'Content-Disposition: attachment; filename="pole.jpg"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.alloc(184_320, 7).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--M--',
    '',
  ].join('\r\n');

async function main() {
  mkdirSync(out, { recursive: true });
  const stack = await h.startStack({ widget: true });
  const shop = await startShop(stack);
  const browser = await h.launchBrowser();
  try {
    const base = stack.base;
    const o = await signup(base, shop.origin);
    const liam = await member(base, o.api, 'liam@northwind.example', 'Liam Chen', 'AGENT');
    const sofia = await member(base, o.api, 'sofia@northwind.example', 'Sofia Ruiz', 'SUPERVISOR');
    const billing = await o.api.post('/api/teams', { name: 'Billing' });
    const returns = await o.api.post('/api/teams', { name: 'Returns' });
    const set = (t, patch) => o.api.patch(`/api/tickets/${t.id}`, patch);

    // Older history first (the inbox sorts by last activity).
    const parcel = await mail(stack, o, {
      name: 'Jonas Lind',
      email: 'jonas.lind@example.net',
      subject: 'Where is my parcel?',
      body: 'Tracking has said "in transit" for five days.',
    });
    await o.api.post(`/api/tickets/${parcel.id}/messages`, { content: 'It was delayed at the depot; it arrives tomorrow.' });
    await set(parcel, { status: 'RESOLVED', assigneeId: liam.user.id });

    const address = await h.createTicket(o.api, {
      subject: 'Change the delivery address',
      name: 'Aiko Tanaka',
      email: 'aiko.tanaka@example.org',
      message: 'Called in: ship order #51702 to her office instead (Kaiserstrasse 12).',
      priority: 'LOW',
    });
    await set(address, { status: 'RESOLVED', assigneeId: sofia.user.id });

    const invoice = await mail(stack, o, {
      name: 'Greta Sommer',
      email: 'greta@sommer-design.example',
      subject: 'Invoice with our VAT number, please',
      body: 'Could you reissue invoice 2231 with our VAT ID DE811907980?',
    });
    await set(invoice, { teamId: billing.id, assigneeId: o.user.id, tags: ['invoice'] });

    const discount = await mail(stack, o, {
      name: 'Carlos Mendes',
      email: 'carlos.mendes@example.com',
      subject: 'Discount code WINTER24 not working',
      body: 'The checkout says the code is invalid, but your newsletter came yesterday.',
    });
    await set(discount, { priority: 'MEDIUM' });

    const refund = await mail(stack, o, {
      name: 'Tom Becker',
      email: 'tom.becker@example.com',
      subject: 'Refund not received for order #48213',
      body: 'I returned the boots two weeks ago and have not seen the refund yet.',
    });
    await o.api.post(`/api/tickets/${refund.id}/messages`, {
      content: 'The return arrived on the 3rd; the refund went out today and takes 3-5 days to show.',
    });
    await set(refund, { status: 'PENDING', teamId: billing.id, assigneeId: o.user.id, tags: ['refund'] });

    const chatId = await chat(base, o.org.widget.widgetKey, {
      name: 'Priya Nair',
      email: 'priya.nair@example.in',
      lines: ['Hi! Does the Alpine down jacket run small?', 'I am usually an M in your fleeces.'],
    });
    await set({ id: chatId }, { assigneeId: sofia.user.id });

    const jackets = await h.createTicket(o.api, {
      subject: 'Quote for 40 team jackets',
      name: 'Elena Petrova',
      email: 'elena@harbor-rowing.example',
      message: 'Harbor Rowing Club wants 40 Windline jackets with the club logo by March.',
      priority: 'HIGH',
    });
    await set(jackets, { assigneeId: sofia.user.id, tags: ['b2b', 'quote'] });

    // The ticket shown: mail with HTML and a photo, a note, an emailed answer, their reply.
    const tentId = `${h.unique('tent')}@example.net`;
    const tent = await mail(stack, o, {
      name: 'Jonas Lind',
      email: 'jonas.lind@example.net',
      subject: 'Tent pole snapped on the first night',
      extra: () => tentMail(o, tentId),
    });
    await set(tent, { priority: 'URGENT', teamId: returns.id, assigneeId: liam.user.id, tags: ['warranty'] });
    await liam.api.post(`/api/tickets/${tent.id}/messages`, {
      content: 'Known issue with the 2024 pole batch (RMA-1182). Replacement sets are in stock.',
      internal: true,
    });
    const answer = await liam.api.post(`/api/tickets/${tent.id}/messages`, {
      content:
        'Sorry to hear that, Jonas! A replacement pole set goes out today by express, so it reaches you on Thursday. No need to send anything back.',
    });
    const sent = await h.until(
      async () => (await h.outbox(base)).find((m) => m.decoded?.text?.includes('A replacement pole set')),
      { what: 'the emailed answer' },
    );
    await h.sendMail(stack.smtp, {
      from: 'jonas.lind@example.net',
      to: o.org.supportAddress,
      raw: h.plainMail({
        from: 'Jonas Lind <jonas.lind@example.net>',
        to: h.mailHeader(sent, 'Reply-To'),
        subject: `Re: ${sent.subject}`,
        messageId: `${h.unique('thanks')}@example.net`,
        headers: [`In-Reply-To: ${h.mailHeader(sent, 'Message-ID')}`],
        body: 'Wow, thank you! Thursday works. Should I keep the broken pole for anything?',
      }),
    });
    if (answer.email?.delivery?.state !== 'sent') throw new Error('the answer was not emailed');

    // Liam signs in first, so the admin sees a colleague online.
    const lctx = await browser.newContext({ baseURL: base, viewport: VIEWPORT });
    const lpage = await lctx.newPage();
    await h.signIn(lpage, liam.email, PASSWORD);
    await lpage.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();

    // The inbox, as the admin sees all tickets.
    const mctx = await browser.newContext({ baseURL: base, viewport: VIEWPORT });
    const mpage = await mctx.newPage();
    await h.signIn(mpage, o.email, PASSWORD);
    await mpage.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
    await mpage.getByRole('list', { name: 'Online agents' }).getByText('Liam Chen').waitFor();
    await mpage.goto('/?view=all');
    await mpage.getByRole('table').and(mpage.locator('[aria-busy="false"]')).waitFor();
    await mpage.getByRole('row').filter({ hasText: 'Quote for 40 team jackets' }).waitFor();
    await mpage.screenshot({ path: join(out, 'inbox.png') });

    // The ticket, with Liam viewing it too and typing.
    await lpage.goto(`/tickets/${tent.id}`);
    await mpage.goto(`/tickets/${tent.id}`);
    await mpage.getByRole('list', { name: 'Also viewing: Liam Chen' }).waitFor();
    await mpage.getByText('Should I keep the broken pole').waitFor();
    await mpage.getByText('Email: Sent').waitFor();
    const box = lpage.getByLabel('Reply to customer');
    await h.until(
      async () => {
        await box.pressSequentially('N');
        return mpage.getByText('Liam Chen is typing…').isVisible();
      },
      { interval: 700, what: 'the typing indicator' },
    );
    await mpage.evaluate(() => document.activeElement instanceof HTMLElement && document.activeElement.blur());
    await mpage.screenshot({ path: join(out, 'ticket.png') });
    await box.fill('');
    await mctx.close();

    // The widget on the shop's page: a signed-in shopper asks, Liam (online) answers.
    const shopper = { id: 'shop-4471', name: 'Lena Fischer', email: 'lena.fischer@example.de' };
    shopper.hash = createHmac('sha256', o.org.widget.identitySecret).update(shopper.id).digest('hex');
    shop.set(o.org.widget.widgetKey, shopper);
    const vctx = await browser.newContext({ viewport: WIDGET_VIEWPORT, locale: 'en-US' });
    const vpage = await vctx.newPage();
    await vpage.goto(`${shop.origin}/`);
    await vpage.getByRole('button', { name: 'Open chat' }).click();
    await vpage.getByText('We are online. Ask us anything.').waitFor();
    const question = 'Hi! Do the Ridge boots come in half sizes? I am a 38.5.';
    await vpage.getByRole('textbox', { name: 'Message' }).fill(question);
    await vpage.getByRole('button', { name: 'Send', exact: true }).click();
    const log = vpage.getByRole('log', { name: 'Messages' });
    await log.getByText(question).waitFor();
    const chatTicket = await h.until(
      async () => (await o.api.get('/api/tickets?limit=100')).find((t) => t.customer?.email === shopper.email),
      { what: "the shopper's chat" },
    );
    await liam.api.post(`/api/tickets/${chatTicket.id}/messages`, {
      content: 'Hi Lena! They do: 38.5 is in stock in both colours, and returns are free if the fit is off.',
    });
    await log.getByText('38.5 is in stock').waitFor();
    await vpage.getByRole('textbox', { name: 'Message' }).fill('Perfect, ordering now');
    await vpage.screenshot({ path: join(out, 'widget.png') });
    await vctx.close();
    await lctx.close();

    for (const f of ['inbox.png', 'ticket.png', 'widget.png'])
      console.log(`${join(out, f)}: ${(statSync(join(out, f)).size / 1024).toFixed(0)} KB`);
  } finally {
    await browser.close();
    await shop.stop();
    await stack.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
