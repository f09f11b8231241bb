// wrrk's chat widget: one script tag, an open shadow root with a constructable stylesheet,
// the public widget API over fetch and live replies over the WebSocket API.
//
//   <script src="{base}/widget.js" data-wrrk-key="{widgetKey}" async></script>
//
// Optional attributes: data-wrrk-api (the widget API's base URL; default: where the script
// came from) and data-wrrk-ws (the WebSocket URL; default: read from {api}/config.json).

import { Api, ApiError, type Init, type Message, type SessionData } from './api';
import { fill, words } from './i18n';
import { statusText } from './availability';
import { css } from './styles';

type Fn = (...args: unknown[]) => void;
interface User {
  id: string;
  email?: string;
  name?: string;
  hash: string;
}
interface Stored {
  token: string;
  ticketId: string;
  userId?: string;
}
/** A sent message not yet confirmed by the server (kept across a reload, sent again). */
interface Out {
  clientId: string;
  content: string;
  ticketId: string;
}

const w = window as unknown as { wrrk?: Fn & { q?: IArguments[]; loaded?: boolean } };
const script = (document.currentScript ||
  document.querySelector('script[data-wrrk-key]')) as HTMLScriptElement | null;

if (script && !w.wrrk?.loaded) start(script);

function start(el: HTMLScriptElement) {
  const key = el.dataset.wrrkKey || '';
  const apiBase = (el.dataset.wrrkApi || new URL(el.src, location.href).origin).replace(/\/$/, '');
  const api = new Api(apiBase);
  const t = words(navigator.languages?.length ? navigator.languages : [navigator.language]);
  const storeKey = `wrrk:${key}`;
  const outKey = `${storeKey}:out`;
  const listeners: Record<string, Fn[]> = {};
  const seen = new Set<string>();

  let init: Init | null = null;
  let user: User | null = null;
  let session: Stored | null = load();
  // The newest message id read over HTTP: where the next catch-up starts. Live messages do
  // not move it, so a message stored while the socket was joining is never skipped.
  let lastId = '';
  // The conversation was read once: messages read after that count as unread.
  let loaded = false;
  let loading: Promise<void> | null = null;
  let loadAgain = false;
  let open = false;
  let unread = 0;
  let ws: WebSocket | null = null;
  let wsUrl = el.dataset.wrrkWs || '';
  let retry = 0;
  let reconnectTimer = 0;
  let typingSent = 0;
  let typingStop = 0;
  let typingClear = 0;
  let creating: Promise<Stored | null> | null = null;
  let connecting = false;

  // ---- DOM ---------------------------------------------------------------------------
  const h = <K extends keyof HTMLElementTagNameMap>(
    tag: K,
    attrs: Record<string, string> = {},
    ...kids: (Node | string)[]
  ): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    e.append(...kids);
    return e;
  };
  const host = document.createElement('wrrk-chat');
  const root = host.attachShadow({ mode: 'open' });
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [sheet];

  const title = h('h2', { id: 'wrrk-title' }, t.chat);
  const status = h('p');
  const closeBtn = h('button', { class: 'x', type: 'button', 'aria-label': t.close }, '×');
  const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': t.messages, tabindex: '0' });
  const typing = h('div', { class: 'typing', role: 'status', 'aria-live': 'polite' });
  const note = h('div', { class: 'note', role: 'alert', hidden: '' });
  const emailIn = h('input', { type: 'email', autocomplete: 'email', 'aria-label': t.email, placeholder: t.email });
  const emailRow = h('div', { hidden: '' }, emailIn);
  const text = h('textarea', { rows: '1', 'aria-label': t.message, placeholder: t.message, maxlength: '10000' });
  const sendBtn = h('button', { class: 'send', type: 'submit' }, t.send);
  const form = h('form', { class: 'foot', novalidate: '' }, emailRow, h('div', { class: 'row' }, text, sendBtn));
  const panel = h(
    'section',
    { class: 'panel', role: 'dialog', 'aria-labelledby': 'wrrk-title', hidden: '' },
    h('div', { class: 'head' }, h('div', {}, title, status), closeBtn),
    log,
    typing,
    note,
    form,
  );
  const badge = h('span', { class: 'badge', hidden: '' });
  const bubble = h('button', { class: 'bubble', type: 'button', 'aria-label': t.open, 'aria-expanded': 'false' });
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H8l-5 4V5a2 2 0 0 1 1-2z');
  svg.append(path);
  bubble.append(svg, badge);
  const wrap = h('div', { class: 'w' }, panel, bubble);
  root.append(wrap);

  // ---- state -------------------------------------------------------------------------
  function read(k: string) {
    try {
      return JSON.parse(localStorage.getItem(k) || 'null');
    } catch {
      return null;
    }
  }
  function write(k: string, v: unknown) {
    try {
      if (v) localStorage.setItem(k, JSON.stringify(v));
      else localStorage.removeItem(k);
    } catch {
      /* storage blocked: the session lasts as long as the page */
    }
  }
  function load(): Stored | null {
    const s = read(storeKey);
    return s && s.token ? s : null;
  }
  const save = (s: Stored | null) => write(storeKey, s);
  function outbox(): Out[] {
    const o = read(outKey);
    return Array.isArray(o) ? o : [];
  }
  const setOutbox = (o: Out[]) => write(outKey, o.length ? o : null);
  /** `idle` (no conversation), `connecting`, or `live` (socket open and caught up). */
  const setState = (v: string) => (host.dataset.state = v);
  setState('idle');
  const emit = (name: string, ...args: unknown[]) => {
    for (const f of listeners[name] || []) {
      try {
        f(...args);
      } catch (e) {
        console.error(e);
      }
    }
  };
  const showNote = (msg: string) => {
    note.textContent = msg;
    note.hidden = !msg;
  };
  const setBadge = () => {
    badge.hidden = unread === 0;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    badge.setAttribute('aria-label', fill(t.unread, { n: unread }));
    bubble.setAttribute('aria-label', open ? t.minimize : unread ? `${t.open} (${fill(t.unread, { n: unread })})` : t.open);
  };
  const emailWanted = () => !session && !!init?.askEmail && !user?.email;

  function setOpen(v: boolean) {
    if (!init || open === v) return;
    open = v;
    panel.hidden = !v;
    bubble.setAttribute('aria-expanded', String(v));
    if (v) {
      unread = 0;
      emailRow.hidden = !emailWanted();
      (emailWanted() ? emailIn : text).focus();
      log.scrollTop = log.scrollHeight;
      if (session && !ws) connect();
    } else {
      bubble.focus();
    }
    setBadge();
    emit(v ? 'open' : 'close');
  }

  function render(m: Message, pendingEl?: HTMLElement, live = true) {
    if (m.internal || seen.has(m.id)) {
      if (pendingEl && pendingEl.dataset.id !== m.id) pendingEl.remove();
      return;
    }
    seen.add(m.id);
    const mine = m.authorType === 'CUSTOMER';
    // Our own message echoed live before its send answered: it takes the pending bubble.
    if (mine && !pendingEl) {
      pendingEl = Array.from(log.querySelectorAll<HTMLElement>('.pending')).find((p) => p.dataset.text === m.content);
    }
    const el = pendingEl || h('div');
    el.className = mine ? 'm me' : 'm';
    el.replaceChildren(h('span', { class: 'who' }, mine ? t.you : m.authorName), h('span', {}, m.content));
    el.dataset.id = m.id;
    el.removeAttribute('aria-label');
    delete el.dataset.text;
    if (!el.isConnected) log.append(el);
    log.scrollTop = log.scrollHeight;
    if (!mine) {
      typing.textContent = '';
      if (!open && live) {
        unread++;
        setBadge();
      }
    }
    emit('message', { ...m });
  }

  // ---- session -----------------------------------------------------------------------
  /** Forgets the session in this tab only (another tab may just have stored a new one). */
  function drop() {
    session = null;
    lastId = '';
    loaded = false;
    ws?.close();
    ws = null;
    clearTimeout(reconnectTimer);
    setState('idle');
  }
  /** Forgets the session everywhere: it is invalid, or the visitor was reset. */
  function clearSession() {
    drop();
    save(null);
    setOutbox([]);
  }

  /** Shows the session's conversation over HTTP at once, and goes live beside it. */
  function follow() {
    catchUp();
    connect();
  }

  /**
   * The session, opened if need be with `first` as the conversation's first message (one
   * request: agents never see an empty chat). `first` is the stored message when this call
   * opened the conversation with it; otherwise it still has to be sent.
   */
  async function ensureSession(
    email?: string,
    message?: { clientId: string; content: string },
  ): Promise<{ s: Stored; first: Message | null } | null> {
    if (session) return { s: session, first: null };
    if (creating) {
      const s = await creating;
      return s && { s, first: null };
    }
    let first: Message | null = null;
    creating = (async () => {
      const body: Record<string, unknown> = { widgetKey: key };
      if (user) body.user = user;
      if (email) body.email = email;
      if (message) body.message = message;
      const s = await api.call<SessionData>('POST', '/api/widget/sessions', undefined, body);
      first = s.firstMessage ?? null;
      session = { token: s.token, ticketId: s.ticketId, userId: user?.id };
      save(session);
      // A verified user may have got an existing conversation back.
      follow();
      return session;
    })().finally(() => (creating = null));
    const s = await creating;
    return s && { s, first };
  }

  /**
   * Reads the conversation after `lastId` over HTTP (everything, the first time). One read
   * at a time: a call while one runs makes it read once more when it is done (the socket
   * opened meanwhile), and resolves then. Messages already shown are not shown twice.
   */
  function catchUp(): Promise<void> {
    if (loading) {
      loadAgain = true;
      return loading;
    }
    loading = (async () => {
      do {
        loadAgain = false;
        await history();
      } while (loadAgain);
    })().finally(() => (loading = null));
    return loading;
  }

  async function history() {
    const s = session;
    if (!s) return;
    // Fixed for the whole read: the server binds its page cursor to it.
    const after = lastId;
    try {
      let cursor = '';
      do {
        const q = new URLSearchParams({ limit: '100' });
        if (after) q.set('after', after);
        if (cursor) q.set('cursor', cursor);
        const res = await fetch(`${apiBase}/api/widget/messages?${q}`, {
          headers: { Authorization: `Bearer ${s.token}`, Accept: 'application/json' },
          credentials: 'omit',
        });
        if (session !== s) return;
        if (res.status === 401) return clearSession();
        if (!res.ok) return;
        const page = await res.json();
        if (session !== s) return;
        for (const m of page.data as Message[]) {
          render(m, undefined, loaded);
          if (m.id > lastId) lastId = m.id;
        }
        cursor = page.nextCursor || '';
      } while (cursor);
      loaded = true;
    } catch {
      /* offline: the next reconnect catches up */
    }
  }

  // ---- live --------------------------------------------------------------------------
  async function connect() {
    if (!session || ws || connecting) return;
    clearTimeout(reconnectTimer);
    setState('connecting');
    const mySession = session;
    let socket: WebSocket;
    connecting = true;
    try {
      if (!wsUrl) {
        const c = await (await fetch(`${apiBase}/config.json`, { credentials: 'omit' })).json();
        wsUrl = c.wsUrl;
      }
      const { ticket } = await api.call<{ ticket: string }>('POST', '/api/widget/connect-ticket', mySession.token);
      if (session !== mySession || ws) {
        // Another session was adopted meanwhile: connect that one (once this call is done).
        if (!ws) setTimeout(connect);
        return;
      }
      socket = new WebSocket(`${wsUrl.replace(/\/$/, '')}/?ticket=${encodeURIComponent(ticket)}`);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return clearSession();
      return reconnect();
    } finally {
      connecting = false;
    }
    ws = socket;
    socket.onopen = () => {
      retry = 0;
      if (init) status.textContent = statusText(init, t, navigator.languages ?? []);
      // What was posted before the socket joined the room (or while it was away).
      catchUp().then(() => {
        if (ws === socket && socket.readyState === WebSocket.OPEN) setState('live');
      });
    };
    socket.onmessage = (ev) => {
      let f: { event?: string; data?: Record<string, unknown> };
      try {
        f = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (f.event === 'message:new' && f.data) render(f.data as unknown as Message);
      if (f.event === 'typing:indicator' && f.data && f.data.kind !== 'VISITOR') {
        clearTimeout(typingClear);
        typing.textContent = f.data.typing ? fill(t.typing, { name: String(f.data.name || '') }) : '';
        if (f.data.typing) typingClear = window.setTimeout(() => (typing.textContent = ''), 10_000);
      }
    };
    socket.onclose = () => {
      if (ws === socket) {
        ws = null;
        setState('connecting');
        reconnect();
      }
    };
  }

  function reconnect() {
    if (!session) return;
    status.textContent = t.reconnecting;
    clearTimeout(reconnectTimer);
    const delay = Math.min(30_000, 500 * 2 ** retry) * (0.5 + Math.random() / 2);
    retry = Math.min(retry + 1, 8);
    reconnectTimer = window.setTimeout(connect, delay);
  }

  /** Whether it went out (only then does the 3 s throttle start). */
  function sendTyping(on: boolean): boolean {
    if (ws?.readyState !== WebSocket.OPEN || !session) return false;
    ws.send(JSON.stringify({ action: on ? 'typing:start' : 'typing:stop', ticketId: session.ticketId }));
    return true;
  }

  // ---- sending -----------------------------------------------------------------------
  const randomId = () =>
    Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

  /** Sends `content`, or (`again`) a message a previous page load could not confirm. */
  async function send(content: string, again?: Out) {
    showNote('');
    let email: string | undefined;
    if (!again && emailWanted()) {
      email = emailIn.value.trim();
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
        showNote(t.badEmail);
        emailIn.focus();
        return;
      }
    }
    const pending = h('div', { class: 'm me pending', 'aria-label': t.sending });
    pending.dataset.text = content;
    pending.append(h('span', { class: 'who' }, t.you), h('span', {}, content));
    log.append(pending);
    log.scrollTop = log.scrollHeight;
    if (!again) text.value = '';
    const clientId = again?.clientId || randomId();
    try {
      const opened = await ensureSession(email, { clientId, content });
      if (!opened) throw new ApiError(0, 'network', 'network');
      const s = opened.s;
      emailRow.hidden = true;
      // Until the server confirms it, the message survives a reload: the next page load
      // sends it again with the same clientId, so it is stored once.
      if (!again && !opened.first) setOutbox([...outbox(), { clientId, content, ticketId: s.ticketId }]);
      let m: Message | null = opened.first;
      for (let attempt = 0; !m; attempt++) {
        try {
          m = await api.call<Message>('POST', '/api/widget/messages', s.token, { clientId, content });
        } catch (e) {
          // A lost answer or a server hiccup: the same clientId makes the retry safe.
          const transient = e instanceof ApiError && (e.status === 0 || e.status >= 500);
          if (!transient || attempt >= 4) throw e;
          await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
        }
      }
      pending.removeAttribute('aria-label');
      render(m, pending);
    } catch (e) {
      pending.remove();
      if (!text.value) text.value = content;
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', 'network');
      if (err.status === 429) showNote(fill(t.slow, { s: err.retryAfter || 30 }));
      else if (err.status === 403) showNote(t.refused);
      else if (err.status === 401) {
        clearSession();
        showNote(t.failed);
      } else showNote(t.failed);
    } finally {
      setOutbox(outbox().filter((o) => o.clientId !== clientId));
    }
  }

  /** Sends again, in order, what the last page load could not confirm. */
  async function resend() {
    const mine = outbox().filter((o) => o.ticketId === session?.ticketId);
    setOutbox(mine);
    for (const o of mine) await send(o.content, o);
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const content = text.value.trim();
    if (!content) return;
    clearTimeout(typingStop);
    if (typingSent) sendTyping(false);
    typingSent = 0;
    send(content);
  });
  text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
  text.addEventListener('input', () => {
    const now = Date.now();
    if (now - typingSent > 3000 && sendTyping(true)) typingSent = now;
    clearTimeout(typingStop);
    typingStop = window.setTimeout(() => {
      typingSent = 0;
      sendTyping(false);
    }, 2500);
  });
  bubble.addEventListener('click', () => setOpen(!open));
  closeBtn.addEventListener('click', () => setOpen(false));
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') setOpen(false);
  });
  window.addEventListener('storage', (ev) => {
    // Another tab started (or reset) the conversation: follow it.
    if (ev.key !== storeKey) return;
    const s = load();
    if (s?.token === session?.token) return;
    drop();
    session = s;
    seen.clear();
    log.replaceChildren();
    welcome();
    if (session) follow();
  });
  window.addEventListener('online', () => {
    if (session && !ws) connect();
  });

  function welcome() {
    if (init?.settings.welcomeMessage) log.append(h('div', { class: 'm' }, init.settings.welcomeMessage));
  }

  // ---- the JavaScript API ------------------------------------------------------------
  const commands: Record<string, Fn> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    on: (name, fn) => {
      if (typeof name === 'string' && typeof fn === 'function') (listeners[name] ||= []).push(fn as Fn);
    },
    setUser: (u) => {
      const next = u as User | null;
      if (!next || typeof next.id !== 'string' || typeof next.hash !== 'string') return;
      user = { id: next.id, hash: next.hash, email: next.email, name: next.name };
      if (session && session.userId !== user.id) reset(false);
      if (!session && init) resume();
    },
    reset: () => reset(true),
  };

  function reset(forgetUser: boolean) {
    clearSession();
    if (forgetUser) user = null;
    seen.clear();
    unread = 0;
    setBadge();
    log.replaceChildren();
    welcome();
    showNote('');
    emailRow.hidden = !emailWanted();
  }

  /** A verified user's conversation from another device, found without opening one. */
  async function resume() {
    if (!user || session) return;
    try {
      const s = await api.call<SessionData | null>('POST', '/api/widget/sessions', undefined, {
        widgetKey: key,
        user,
        resume: true,
      });
      if (s && !session) {
        session = { token: s.token, ticketId: s.ticketId, userId: user.id };
        save(session);
        emailRow.hidden = true;
        follow();
      }
    } catch {
      /* refused or offline: the first send says why */
    }
  }

  const queued = Array.from(w.wrrk?.q || []);
  const wrrk = ((cmd: unknown, ...args: unknown[]) => {
    const f = typeof cmd === 'string' ? commands[cmd] : undefined;
    if (f) f(...args);
    else console.warn('wrrk: unknown command', cmd);
  }) as Fn & { loaded?: boolean };
  wrrk.loaded = true;
  w.wrrk = wrrk;

  // ---- boot --------------------------------------------------------------------------
  (async () => {
    try {
      init = await api.call<Init>('POST', '/api/widget/init', undefined, { widgetKey: key });
    } catch (e) {
      console.warn('wrrk: the chat widget is not available here', e);
      return;
    }
    const color = init.settings.primaryColor;
    if (/^#[0-9a-f]{6}$/i.test(color)) host.style.setProperty('--wrrk-primary', color);
    if (init.settings.position === 'bottom-left') host.classList.add('left');
    title.textContent = init.organization.name;
    status.textContent = statusText(init, t, navigator.languages ?? []);
    welcome();
    emailRow.hidden = !emailWanted();
    setBadge();
    (document.body || document.documentElement).append(host);
    for (const args of queued) wrrk(...Array.from(args));
    // The conversation over HTTP at once (a slow or blocked socket must not hide it), then
    // whatever the last page load sent but could not confirm.
    if (session) {
      follow();
      resend();
    }
  })();
}
