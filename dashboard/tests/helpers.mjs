// Shared test harness: one wrrk-local per test file (free ports, readiness by polling
// /config.json), headless Debian Chromium via playwright-core, and HTTP API helpers to
// set up data. No fixed sleeps: everything waits on a condition with a deadline.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createConnection, createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const dashboardDir = resolve(here, '..');
export const distDir = join(dashboardDir, 'dist');
export const widgetDistDir = resolve(dashboardDir, '../widget/dist');
export const artifactsDir = join(dashboardDir, 'test-artifacts');
export const binary = resolve(dashboardDir, process.env.WRRK_LOCAL_BIN ?? '../target/debug/wrrk-local');
export const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** A TCP port nobody listens on right now (bind port 0, read it, release it). */
export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function until(check, { timeout = 15_000, interval = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

let noBuild;
function supportsNoBuild() {
  noBuild ??= execFileSync(binary, ['--help'], { encoding: 'utf8' }).includes('--no-build');
  return noBuild;
}

/**
 * Starts wrrk-local serving dist/; resolves once /config.json answers and the SMTP door's
 * address is printed. `demo`: with the demo organization; `widget`: also serving the
 * built chat widget (`../widget/dist`) at /widget.js.
 */
export async function startStack({ demo = false, widget = false } = {}) {
  if (!existsSync(binary)) throw new Error(`wrrk-local not found at ${binary} (set WRRK_LOCAL_BIN)`);
  if (!existsSync(join(distDir, 'index.html'))) throw new Error('dashboard/dist is missing: run `npm run build` first');
  if (widget && !existsSync(join(widgetDistDir, 'widget.js')))
    throw new Error('widget/dist is missing: run `cd ../widget && npm ci && npm run build` first');
  const [port, wsPort] = [await freePort(), await freePort()];
  // Every port free and picked here or by the OS (the SMTP door's default 2525 would clash
  // between test files and with a running stack).
  const args = ['--in-memory', '--port', String(port), '--ws-port', String(wsPort), '--smtp-port', '0', '--dashboard-dir', distDir];
  if (!demo) args.push('--no-demo');
  if (widget) args.push('--widget-dir', widgetDistDir);
  // Serve dist/ as built (`npm run build` ran before the tests); never rebuild it here.
  if (supportsNoBuild()) args.push('--no-build');
  const child = spawn(binary, args, {
    cwd: dashboardDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let output = '';
  const keep = (d) => {
    output = (output + d.toString()).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  const base = `http://127.0.0.1:${port}`;
  try {
    await until(
      async () => {
        if (exited) throw new Error(`wrrk-local exited (${JSON.stringify(exited)}):\n${output}`);
        const r = await fetch(`${base}/config.json`);
        return r.ok && (await r.json()).apiUrl;
      },
      { timeout: 60_000, interval: 100, what: 'wrrk-local /config.json' },
    );
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
  const config = await (await fetch(`${base}/config.json`)).json();
  // The stack prints where the SMTP door listens (`--smtp-port 0` lets the OS pick).
  const smtp = await until(
    () => {
      const m = /SMTP\s+([0-9.]+):(\d+)/.exec(output);
      return m && { host: m[1], port: Number(m[2]) };
    },
    { timeout: 10_000, what: 'the SMTP address in the output' },
  ).catch((e) => {
    child.kill('SIGKILL');
    throw e;
  });
  return {
    base,
    config,
    smtp,
    output: () => output,
    async stop() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(t);
    },
  };
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh browser context (its own storage: one agent) and a page in it. */
export async function newAgentPage(browser, stack) {
  const context = await browser.newContext({ baseURL: stack.base, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.pageErrors = errors;
  return { context, page };
}

/** Saves a full-page screenshot to test-artifacts/NAME.png. */
export async function shot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`), fullPage: true });
}

// ---------------------------------------------------------------------------------------
// HTTP API helpers

export class Api {
  constructor(base, token = null) {
    this.base = base;
    this.token = token;
  }

  async call(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) {
      const err = new Error(`${method} ${path} → ${res.status}: ${json?.error ?? text}`);
      err.status = res.status;
      err.code = json?.code;
      throw err;
    }
    return json;
  }

  get = (p) => this.call('GET', p).then((j) => j?.data);
  post = (p, b = {}) => this.call('POST', p, b).then((j) => j?.data);
  patch = (p, b) => this.call('PATCH', p, b).then((j) => j?.data);
  del = (p) => this.call('DELETE', p);
  as = (token) => new Api(this.base, token);
}

let seq = 0;
/** Unique per run, so tests never collide on emails (unique system-wide). */
export function unique(prefix) {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

/** The mail the stack sent (local outbox). */
export async function outbox(base) {
  const r = await fetch(`${base}/_local/outbox`);
  const j = await r.json();
  return Array.isArray(j) ? j : j.data ?? [];
}

/** The raw MIME made searchable: quoted-printable soft breaks and =3D undone. */
export function decodeMime(raw) {
  return raw.replace(/=\r?\n/g, '').replace(/=3D/gi, '=');
}

function recipients(mail) {
  return (Array.isArray(mail.to) ? mail.to : [mail.to]).join(',').toLowerCase();
}

/** Waits for a mail to `to` containing a link whose path starts with `pathPrefix`; its path. */
export async function linkFromOutbox(base, to, pathPrefix, { timeout = 10_000 } = {}) {
  const re = new RegExp(`https?://[^\\s"'<>]+?(${pathPrefix.replace(/[/]/g, '\\/')}[A-Za-z0-9_\\-.~%]+)`);
  return until(
    async () => {
      const mails = (await outbox(base)).filter((m) => recipients(m).includes(to.toLowerCase())).reverse();
      for (const m of mails) {
        const hit = decodeMime(m.raw ?? '').match(re);
        if (hit) return hit[1];
      }
      return null;
    },
    { timeout, what: `a ${pathPrefix} link mailed to ${to}` },
  );
}

/** A new organization with its admin, email verified when the backend asks for it. */
export async function newOrg(base, name = unique('Acme')) {
  const email = `${unique('admin')}@example.com`.toLowerCase();
  const password = 'correct horse battery';
  const api = new Api(base);
  const s = await api.post('/api/auth/signup', { organizationName: name, name: 'Ada Admin', email, password });
  const admin = api.as(s.token);
  await verifyIfAsked(base, email);
  return { api: admin, token: s.token, user: s.user, org: s.organization, email, password };
}

/** Follows the emailed verification link through the API, if the backend sends one. */
export async function verifyIfAsked(base, email) {
  // Lambda handlers send mail before they answer, so the mail is there or never comes.
  let path;
  try {
    path = await linkFromOutbox(base, email, '/verify-email/', { timeout: 0 });
  } catch {
    return false; // this backend does not verify emails
  }
  const token = decodeURIComponent(path.split('/').pop());
  await new Api(base).post('/api/auth/verify-email', { token });
  return true;
}

/** Invites `role` and accepts through the API; the new user's session. */
export async function addUser(base, admin, { name, role = 'AGENT' }) {
  const email = `${unique(name.split(' ')[0].toLowerCase())}@example.com`;
  await admin.post('/api/invitations', { email, role });
  const path = await linkFromOutbox(base, email, '/invite/');
  const token = decodeURIComponent(path.split('/').pop());
  const password = 'another good password';
  const s = await new Api(base).post(`/api/invitations/token/${encodeURIComponent(token)}/accept`, { name, password });
  return { api: admin.as(s.token), token: s.token, user: s.user, email, password };
}

/** Creates a ticket through the API. */
export function createTicket(api, { subject = 'Help', email = 'pat@customer.test', name = 'Pat Customer', message = 'Hello?', priority } = {}) {
  return api.post('/api/tickets', { subject, customer: { email, name }, message, ...(priority ? { priority } : {}) });
}

export const ticketNumber = (t) => t.ticketNumber ?? t.key;

/** Signs in through the UI and waits for the inbox. */
export async function signIn(page, email, password, path = '/login') {
  await page.goto(path);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * A TCP proxy in front of the WebSocket API, so a test can cut the line: `cut()` drops
 * every connection and refuses new ones until `restore()`.
 */
export async function wsProxy(upstreamUrl) {
  const { createConnection } = await import('node:net');
  const up = new URL(upstreamUrl);
  const sockets = new Set();
  let refusing = false;
  const server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: up.hostname, port: Number(up.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    cut() {
      refusing = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      refusing = false;
    },
    close: () => new Promise((ok) => {
      for (const s of sockets) s.destroy();
      server.close(ok);
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Mail and chat from the outside

/**
 * Sends `raw` (a whole RFC 5322 message) through the stack's SMTP door with a minimal
 * SMTP client: EHLO, MAIL FROM, RCPT TO, DATA (dot-stuffed, CRLF), QUIT. The door answers
 * the DATA with 250 once the inbound function has stored the mail.
 */
export function sendMail(smtp, { from, to, raw }) {
  const recipients = Array.isArray(to) ? to : [to];
  return new Promise((ok, fail) => {
    const sock = createConnection({ host: smtp.host, port: smtp.port });
    sock.setEncoding('utf8');
    sock.setTimeout(30_000, () => sock.destroy(new Error('SMTP timed out')));
    let buffer = '';
    let waiting = null;
    // One reply: lines `ddd-text` ending with `ddd text`.
    const take = () => {
      if (!waiting) return;
      const lines = buffer.split('\r\n');
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3} /.test(lines[i]) || /^\d{3}$/.test(lines[i])) {
          const reply = lines.slice(0, i + 1).join('\n');
          buffer = lines.slice(i + 1).join('\r\n');
          const w = waiting;
          waiting = null;
          w(reply);
          return;
        }
      }
    };
    sock.on('data', (d) => {
      buffer += d;
      take();
    });
    sock.on('error', fail);
    const reply = () => new Promise((r) => ((waiting = r), take()));
    const step = async (line, want) => {
      if (line !== null) sock.write(`${line}\r\n`);
      const r = await reply();
      if (!want.test(r)) throw new Error(`SMTP: sent ${line ?? '(connect)'}, got ${r}`);
      return r;
    };
    (async () => {
      await step(null, /^220/);
      await step('EHLO dashboard-tests', /^250/);
      await step(`MAIL FROM:<${from}>`, /^250/);
      for (const rcpt of recipients) await step(`RCPT TO:<${rcpt}>`, /^25[01]/);
      await step('DATA', /^354/);
      const body = raw
        .replace(/\r?\n/g, '\r\n')
        .split('\r\n')
        .map((l) => (l.startsWith('.') ? `.${l}` : l))
        .join('\r\n');
      await step(`${body}${body.endsWith('\r\n') ? '' : '\r\n'}.`, /^250/);
      await step('QUIT', /^221/);
      sock.end();
    })().then(ok, (e) => {
      sock.destroy();
      fail(e);
    });
  });
}

/** A plain text mail; `headers` adds lines (`In-Reply-To: <...>`). */
export function plainMail({ from, to, subject, messageId, body, headers = [] }) {
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: ${subject}`,
    `Message-ID: <${messageId}>`,
    `Date: ${new Date().toUTCString().replace('GMT', '+0000')}`,
    'MIME-Version: 1.0',
    ...headers,
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
  ].join('\r\n');
}

/** Makes the local SES refuse the next `count` sends (0: accept again). */
export async function failMail(base, count) {
  const r = await fetch(`${base}/_local/outbox/fail`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ count }),
  });
  if (!r.ok) throw new Error(`/_local/outbox/fail → ${r.status}`);
}

/** A decoded header of an outbox mail (`decoded.headers` is a list of [name, value]). */
export function mailHeader(mail, name) {
  const hit = (mail.decoded?.headers ?? []).find(([n]) => n.toLowerCase() === name.toLowerCase());
  return hit ? hit[1] : undefined;
}

/**
 * A host site on its own origin: `GET /page?key=K&user=JSON` embeds the chat widget from
 * `stack` (`user` makes the page call `wrrk('setUser', user)` first).
 */
export async function startHost(stack) {
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    if (url.pathname === '/before.js') {
      const user = url.searchParams.get('user');
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      return res.end(
        `window.wrrk=window.wrrk||function(){(window.wrrk.q=window.wrrk.q||[]).push(arguments)};` +
          (user ? `wrrk('setUser',${JSON.stringify(JSON.parse(user))});` : ''),
      );
    }
    if (url.pathname !== '/page') {
      res.writeHead(404);
      return res.end();
    }
    const key = url.searchParams.get('key') ?? '';
    const user = url.searchParams.get('user');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<script src="/before.js${user ? `?user=${encodeURIComponent(user)}` : ''}"></script></head>
<body><h1>Welcome to the shop</h1><p>Buy things.</p>
<script src="${stack.base}/widget.js" data-wrrk-key="${encodeURIComponent(key)}" async></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (key, user) =>
      `${origin}/page?key=${encodeURIComponent(key)}${user ? `&user=${encodeURIComponent(JSON.stringify(user))}` : ''}`,
    stop: () => new Promise((r) => server.close(r)),
  };
}
