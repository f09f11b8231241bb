// Shared harness for the widget's browser tests: one wrrk-local per test file (free ports,
// readiness by polling /config.json), a host-page server on another port (so every widget
// call is cross-origin and CORS is exercised), headless Debian Chromium via playwright-core,
// and HTTP API helpers. No fixed sleeps: everything waits on a condition with a deadline.

import { spawn } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const widgetDir = resolve(here, '..');
export const distDir = join(widgetDir, 'dist');
export const artifactsDir = join(widgetDir, 'test-artifacts');
export const binary = resolve(widgetDir, process.env.WRRK_LOCAL_BIN ?? '../target/debug/wrrk-local');
export const chromiumPath = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

/** A TCP port nobody listens on right now. */
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

/** Starts wrrk-local serving dist/ (widget.js); resolves once /config.json answers. */
export async function startStack({ env = {}, demo = false } = {}) {
  if (!existsSync(binary)) throw new Error(`wrrk-local not found at ${binary} (set WRRK_LOCAL_BIN)`);
  if (!existsSync(join(distDir, 'widget.js'))) throw new Error('widget/dist is missing: run `npm run build` first');
  const [port, wsPort] = [await freePort(), await freePort()];
  // The SMTP door on a free port too (its default 2525 would clash between test files).
  const args = ['--in-memory', '--port', String(port), '--ws-port', String(wsPort), '--smtp-port', '0', '--widget-dir', distDir];
  if (!demo) args.splice(1, 0, '--no-demo');
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env },
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
  return {
    base,
    wsUrl: config.wsUrl,
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

/**
 * A host site on its own origin. `GET /page?key=K&mode=M` is a page embedding the widget
 * from `stack`; modes: `plain`, `queued` (wrrk() calls before the script loads, from a
 * same-origin file), `csp` (strict Content-Security-Policy), `hostile` (CSS that tries to
 * hide and restyle everything). `user` (JSON) makes the page call `wrrk('setUser', user)`.
 */
export async function startHost(stack) {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url, origin);
    const send = (type, body, headers = {}) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      res.end(body);
    };
    if (url.pathname === '/record.js') {
      // Records CSP violations, so a test can assert there were none.
      return send(
        'text/javascript',
        `window.__violations=[];document.addEventListener('securitypolicyviolation',function(e){window.__violations.push(e.violatedDirective+' '+e.blockedURI)});`,
      );
    }
    if (url.pathname === '/before.js') {
      const user = url.searchParams.get('user');
      return send(
        'text/javascript',
        `window.wrrk=window.wrrk||function(){(window.wrrk.q=window.wrrk.q||[]).push(arguments)};` +
          `window.__got=[];wrrk('on','message',function(m){window.__got.push(m.content)});` +
          (user ? `wrrk('setUser',${user});` : ''),
      );
    }
    if (url.pathname === '/hostile.css') {
      return send('text/css', '* { all: unset !important; } div { display: none !important; } wrrk-chat, button, section { display: none !important; opacity: 0 !important; }');
    }
    if (url.pathname !== '/page') {
      res.writeHead(404);
      return res.end();
    }
    const key = url.searchParams.get('key');
    const mode = url.searchParams.get('mode') ?? 'plain';
    const user = url.searchParams.get('user');
    const headers = {};
    if (mode === 'csp') {
      headers['content-security-policy'] =
        `default-src 'none'; script-src 'self' ${stack.base}; connect-src ${stack.base} ${stack.wsUrl}; ` +
        `style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'`;
    }
    const q = user ? `?user=${encodeURIComponent(user)}` : '';
    send(
      'text/html; charset=utf-8',
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host ${mode}</title>
<script src="/record.js"></script>
${mode === 'hostile' ? '<link rel="stylesheet" href="/hostile.css">' : ''}
<script src="/before.js${q}"></script>
</head><body><div id="app"><h1>Welcome to the shop</h1><p>Buy things.</p></div>
<script src="${stack.base}/widget.js" data-wrrk-key="${key}" async></script>
</body></html>`,
      headers,
    );
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return {
    origin,
    url: (key, mode = 'plain', user) =>
      `${origin}/page?key=${encodeURIComponent(key)}&mode=${mode}${user ? `&user=${encodeURIComponent(JSON.stringify(user))}` : ''}`,
    stop: () => new Promise((r) => server.close(r)),
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

/** A fresh browser context (one visitor's storage) and a page in it. */
export async function newVisitor(browser, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.pageErrors = errors;
  return { context, page };
}

/** Saves a screenshot to test-artifacts/NAME.png. */
export async function shot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  await page.screenshot({ path: join(artifactsDir, `${name}.png`) });
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
      throw err;
    }
    return json;
  }

  get = (p) => this.call('GET', p).then((j) => j?.data);
  post = (p, b = {}) => this.call('POST', p, b).then((j) => j?.data);
  patch = (p, b) => this.call('PATCH', p, b).then((j) => j?.data);
}

let seq = 0;
export function unique(prefix) {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

/** A new organization whose widget may be embedded on `origin`; its admin API and key. */
export async function newOrg(stack, origin, widget = {}) {
  const email = `${unique('admin')}@example.com`.toLowerCase();
  const s = await new Api(stack.base).post('/api/auth/signup', {
    organizationName: unique('Shop'),
    name: 'Ada Agent',
    email,
    password: 'correct horse battery',
  });
  const api = new Api(stack.base, s.token);
  const org = await api.patch(`/api/organizations/${s.user.orgId}`, {
    widget: { allowedOrigins: [origin], ...widget },
  });
  return { api, token: s.token, user: s.user, org, key: org.widget.widgetKey };
}

/** All tickets of the org (CHAT ones first page is enough for tests). */
export const tickets = (api) => api.get('/api/tickets?limit=100');
export const messagesOf = (api, id) => api.get(`/api/tickets/${id}/messages?limit=100`);

/**
 * An agent's live connection, opened in a browser page (Node 20 has no WebSocket): it
 * makes the agent online and can type on a ticket.
 */
export async function agentSocket(browser, stack, token) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${stack.base}/config.json`);
  await page.evaluate(
    ({ url, token }) =>
      new Promise((ok, fail) => {
        const ws = new WebSocket(`${url}/?token=${encodeURIComponent(token)}`);
        window.__ws = ws;
        window.__frames = [];
        ws.onmessage = (e) => window.__frames.push(JSON.parse(e.data));
        ws.onopen = () => ok();
        ws.onerror = () => fail(new Error('agent socket failed'));
      }),
    { url: stack.wsUrl, token },
  );
  return {
    async typeOn(ticketId) {
      await page.evaluate(
        (ticketId) =>
          new Promise((ok) => {
            const before = window.__frames.length;
            window.__ws.send(JSON.stringify({ action: 'ticket:subscribe', ticketId }));
            const t = setInterval(() => {
              if (window.__frames.slice(before).some((f) => f.event === 'ticket:subscribed')) {
                clearInterval(t);
                window.__ws.send(JSON.stringify({ action: 'typing:start', ticketId }));
                ok();
              }
            }, 20);
          }),
        ticketId,
      );
    },
    frames: () => page.evaluate(() => window.__frames),
    close: () => context.close(),
  };
}

/** The widget's parts, found by role and label inside its open shadow root. */
export function widget(page) {
  return {
    bubble: page.getByRole('button', { name: /^(Open chat|Minimize chat|Chat öffnen|Chat minimieren)/ }),
    dialog: page.getByRole('dialog'),
    message: page.getByRole('textbox', { name: 'Message' }),
    email: page.getByRole('textbox', { name: 'Your email' }),
    send: page.getByRole('button', { name: 'Send', exact: true }),
    close: page.getByRole('button', { name: 'Close chat', exact: true }),
    log: page.getByRole('log', { name: 'Messages' }),
    alert: page.getByRole('alert'),
    status: page.getByRole('status'),
  };
}

/** Types and sends `text` through the widget (for sends that may be refused). */
export async function say(page, text) {
  const w = widget(page);
  await w.message.fill(text);
  await w.send.click();
}

/**
 * Waits until the widget shows `text` as a message the server confirmed. A sent message
 * shows at once as a "Sending…" bubble, so seeing its text alone proves nothing is stored.
 */
export async function delivered(page, text) {
  const w = widget(page);
  await w.log.getByLabel('Sending…', { exact: true }).filter({ hasText: text }).waitFor({ state: 'detached' });
  await w.log.getByText(text, { exact: true }).waitFor();
}

/** Sends `text` through the widget and waits until the server has confirmed it. */
export async function deliver(page, text) {
  await say(page, text);
  await delivered(page, text);
}

/**
 * Waits until the widget is live: its socket is open (so it is in the chat's room and
 * hears replies and typing) and it has caught up (`<wrrk-chat data-state="live">`).
 */
export async function live(page) {
  await page.locator('wrrk-chat[data-state="live"]').waitFor({ state: 'attached' });
}

/** How many messages in the widget's log read exactly `text`. */
export const shown = (page, text) => widget(page).log.getByText(text, { exact: true }).count();
