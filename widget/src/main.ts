// wrrk's chat widget: one script tag, an open shadow root with a constructable stylesheet,
// the public widget API over fetch and live replies over the WebSocket API.
//
//   <script src="{base}/widget.js" data-wrrk-key="{widgetKey}" async></script>
//
// Optional attributes: data-wrrk-api (the widget API's base URL; default: where the script
// came from) and data-wrrk-ws (the WebSocket URL; default: read from {api}/config.json).
//
// This file wires the modules together: `state` (the one model and the connection's state
// machine), `storage`, `api`, `socket` (the live connection), `view` (the DOM) and `rules`
// (pure decisions). Features that add to the panel live in modules of their own, called
// from the marked places below.

import { Api, ApiError, type Init, type Message, type SessionData } from './api';
import { askRating } from './csat';
import { statusText } from './availability';
import { createFiles, filesText } from './files';
import { fill, words } from './i18n';
import { emailWanted as wantsEmail, plausibleEmail, randomId, SEND_ATTEMPTS, sendDelay, sendFailure, transient, typingDue } from './rules';
import { Live, type Frame } from './socket';
import { dataState, initialModel, transition, type PhaseEvent } from './state';
import { Store, type Out, type Stored, type User } from './storage';
import { createView } from './view';

type Fn = (...args: unknown[]) => void;

const w = window as unknown as { wrrk?: Fn & { q?: IArguments[]; loaded?: boolean } };
const script = (document.currentScript ||
  document.querySelector('script[data-wrrk-key]')) as HTMLScriptElement | null;

if (script && !w.wrrk?.loaded) start(script);

function start(el: HTMLScriptElement) {
  const key = el.dataset.wrrkKey || '';
  const apiBase = (el.dataset.wrrkApi || new URL(el.src, location.href).origin).replace(/\/$/, '');
  const api = new Api(apiBase);
  const t = words(navigator.languages?.length ? navigator.languages : [navigator.language]);
  const store = new Store(key);
  const listeners: Record<string, Fn[]> = {};
  const v = createView(t);

  // The one model; the connection's phase changes only through `go`.
  const s = initialModel(store.load());
  const files = createFiles(v, t, api, () => s.session?.token);
  let wsUrl = el.dataset.wrrkWs || '';
  // In-flight work (promises and timers), not state anyone reads.
  let loading: Promise<void> | null = null;
  let loadAgain = false;
  let creating: Promise<Stored | null> | null = null;
  let typingSent = 0;
  let typingStop = 0;
  let typingClear = 0;

  const go = (event: PhaseEvent) => {
    s.phase = transition(s.phase, event);
    v.host.dataset.state = dataState(s.phase);
  };
  go('drop');

  const emit = (name: string, ...args: unknown[]) => {
    for (const f of listeners[name] || []) {
      try {
        f(...args);
      } catch (e) {
        console.error(e);
      }
    }
  };
  const setBadge = () => v.setBadge(s.unread, s.open);
  const emailWanted = () => wantsEmail(!!s.session, !!s.init?.askEmail, s.user?.email);
  /** The header's status line. (Out-of-hours "back at" text goes here.) */
  const statusLine = (init: Init) => statusText(init, t, navigator.languages ?? []);

  function setOpen(open: boolean) {
    if (!s.init || s.open === open) return;
    s.open = open;
    v.setPanel(open);
    if (open) {
      s.unread = 0;
      v.emailRow.hidden = !emailWanted();
      (emailWanted() ? v.emailIn : v.text).focus();
      v.scrollDown();
      if (s.session && !live.active) live.connect();
    } else {
      v.bubble.focus();
    }
    setBadge();
    emit(open ? 'open' : 'close');
  }

  function render(m: Message, pendingEl?: HTMLElement, isLive = true) {
    if (m.internal || s.seen.has(m.id)) {
      if (pendingEl && pendingEl.dataset.id !== m.id) pendingEl.remove();
      return;
    }
    s.seen.add(m.id);
    const mine = m.authorType === 'CUSTOMER';
    files.show(v.message(m, mine, pendingEl || (mine ? v.pendingFor(m.content) : undefined)), m);
    if (!mine) {
      v.typing.textContent = '';
      if (!s.open && isLive) {
        s.unread++;
        setBadge();
      }
    }
    emit('message', { ...m });
  }

  // ---- session -----------------------------------------------------------------------
  /** Forgets the session in this tab only (another tab may just have stored a new one). */
  function drop(event: PhaseEvent = 'drop') {
    s.session = null;
    s.lastId = '';
    s.loaded = false;
    live.close();
    go(event);
  }
  /** Forgets the session everywhere: it is invalid, or the visitor was reset. */
  function clearSession(event: PhaseEvent = 'drop') {
    drop(event);
    store.save(null);
    store.setOutbox([]);
    store.setSurvey(null);
  }
  const refused = () => clearSession('refused');

  /** Shows the session's conversation over HTTP at once, and goes live beside it. */
  function follow() {
    catchUp();
    live.connect();
  }

  /** Adopts a session the server issued. */
  function adopt(data: SessionData) {
    s.session = { token: data.token, ticketId: data.ticketId, userId: s.user?.id };
    store.save(s.session);
    follow();
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
    if (s.session) return { s: s.session, first: null };
    if (creating) {
      const got = await creating;
      return got && { s: got, first: null };
    }
    let first: Message | null = null;
    creating = (async () => {
      const body: Record<string, unknown> = { widgetKey: key };
      if (s.user) body.user = s.user;
      if (email) body.email = email;
      if (message) body.message = message;
      const data = await api.call<SessionData>('POST', '/api/widget/sessions', undefined, body);
      first = data.firstMessage ?? null;
      // A verified user may have got an existing conversation back.
      adopt(data);
      return s.session;
    })().finally(() => (creating = null));
    const got = await creating;
    return got && { s: got, first };
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
    const session = s.session;
    if (!session) return;
    // Fixed for the whole read: the server binds its page cursor to it.
    const after = s.lastId;
    try {
      let cursor = '';
      do {
        const q = new URLSearchParams({ limit: '100' });
        if (after) q.set('after', after);
        if (cursor) q.set('cursor', cursor);
        const page = await api.json<{ data: Message[]; nextCursor?: string | null }>(
          'GET',
          `/api/widget/messages?${q}`,
          session.token,
        );
        if (s.session !== session) return;
        for (const m of page.data) {
          render(m, undefined, s.loaded);
          if (m.id > s.lastId) s.lastId = m.id;
        }
        cursor = page.nextCursor || '';
      } while (cursor);
      const first = !s.loaded;
      s.loaded = true;
      // A survey asked before a reload and not answered: below the conversation again.
      const pending = store.survey();
      if (first && pending?.ticketId === session.ticketId) ask(pending.surveyId);
    } catch (e) {
      if (s.session === session && e instanceof ApiError && e.status === 401) refused();
      /* otherwise offline or failing: the next reconnect catches up */
    }
  }

  // ---- live --------------------------------------------------------------------------
  const live = new Live({
    session: () => s.session,
    url: async () => {
      if (!wsUrl) wsUrl = (await (await fetch(`${apiBase}/config.json`, { credentials: 'omit' })).json()).wsUrl;
      return wsUrl;
    },
    ticket: async () => {
      const session = s.session;
      if (!session) throw new ApiError(0, 'network', 'no session');
      return (await api.call<{ ticket: string }>('POST', '/api/widget/connect-ticket', session.token)).ticket;
    },
    connecting: () => go('connect'),
    opened: (socket) => {
      if (s.init) v.status.textContent = statusLine(s.init);
      // What was posted before the socket joined the room (or while it was away).
      catchUp().then(() => {
        if (live.isCurrent(socket)) go('caughtUp');
      });
    },
    frame: onFrame,
    lost: () => {
      v.status.textContent = t.reconnecting;
      go('lost');
    },
    refused,
  });

  function onFrame(f: Frame) {
    if (f.event === 'message:new' && f.data) render(f.data as unknown as Message);
    if (f.event === 'csat:request' && f.data && s.session) {
      const surveyId = String(f.data.surveyId);
      store.setSurvey({ surveyId, ticketId: s.session.ticketId });
      ask(surveyId);
    }
    if (f.event === 'typing:indicator' && f.data && f.data.kind !== 'VISITOR') {
      clearTimeout(typingClear);
      v.typing.textContent = f.data.typing ? fill(t.typing, { name: String(f.data.name || '') }) : '';
      if (f.data.typing) typingClear = window.setTimeout(() => (v.typing.textContent = ''), 10_000);
    }
  }

  /** Asks survey `surveyId` in the log; answered or closed, it is not asked again. */
  function ask(surveyId: string) {
    if (s.session) askRating(v, t, api, s.session.token, surveyId, () => store.setSurvey(null));
  }

  /** Whether it went out (only then does the 3 s throttle start). */
  function sendTyping(on: boolean): boolean {
    if (!s.session) return false;
    return live.send({ action: on ? 'typing:start' : 'typing:stop', ticketId: s.session.ticketId });
  }

  // ---- sending -----------------------------------------------------------------------
  /** Sends `content` (with `attached` files), or (`again`) a message a previous page load
   *  could not confirm. */
  async function send(content: string, again?: Out, attached: File[] = []) {
    v.showNote('');
    let email: string | undefined;
    if (!again && emailWanted()) {
      email = v.emailIn.value.trim();
      if (!plausibleEmail(email)) {
        v.showNote(t.badEmail);
        v.emailIn.focus();
        return;
      }
    }
    const pending = v.pending(content);
    if (!again) v.text.value = '';
    const clientId = again?.clientId || randomId(crypto.getRandomValues(new Uint8Array(16)));
    try {
      // Files need the session before they are uploaded: it opens without the message.
      const opened = await ensureSession(email, attached.length ? undefined : { clientId, content });
      if (!opened) throw new ApiError(0, 'network', 'network');
      const session = opened.s;
      v.emailRow.hidden = true;
      // Until the server confirms it, the message survives a reload: the next page load
      // sends it again with the same clientId, so it is stored once.
      // (Files are not kept across a reload: a message with files is not stored there.)
      if (!again && !opened.first && !attached.length) store.setOutbox([...store.outbox(), { clientId, content, ticketId: session.ticketId }]);
      let m: Message | null = opened.first;
      const attachmentIds = attached.length ? await files.upload(session.token, attached) : [];
      for (let attempt = 0; !m; attempt++) {
        try {
          m = await api.call<Message>('POST', '/api/widget/messages', session.token, {
            clientId,
            content,
            ...(attachmentIds.length ? { attachmentIds } : {}),
          });
        } catch (e) {
          // A lost answer or a server hiccup: the same clientId makes the retry safe.
          if (!(e instanceof ApiError && transient(e.status)) || attempt + 1 >= SEND_ATTEMPTS) throw e;
          await new Promise((r) => setTimeout(r, sendDelay(attempt)));
        }
      }
      pending.removeAttribute('aria-label');
      render(m, pending);
    } catch (e) {
      pending.remove();
      files.restore(attached);
      if (!v.text.value && !attached.length) v.text.value = content;
      const err = e instanceof ApiError ? e : new ApiError(0, 'network', 'network');
      const why = sendFailure(err.status, err.retryAfter);
      if (attached.length && (err.code === 'upload_failed' || [409, 410, 413, 422].includes(err.status))) v.showNote(t.uploadFailed);
      else if (why.kind === 'slow') v.showNote(fill(t.slow, { s: why.seconds }));
      else if (why.kind === 'refused') v.showNote(t.refused);
      else {
        if (why.kind === 'session') refused();
        v.showNote(t.failed);
      }
    } finally {
      store.setOutbox(store.outbox().filter((o) => o.clientId !== clientId));
    }
  }

  /** Sends again, in order, what the last page load could not confirm. */
  async function resend() {
    const mine = store.outbox().filter((o) => o.ticketId === s.session?.ticketId);
    store.setOutbox(mine);
    for (const o of mine) await send(o.content, o);
  }

  v.form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const attached = files.take();
    const content = v.text.value.trim() || filesText(attached.map((f) => f.name));
    if (!content) return;
    clearTimeout(typingStop);
    if (typingSent) sendTyping(false);
    typingSent = 0;
    send(content, undefined, attached);
  });
  v.text.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      v.form.requestSubmit();
    }
  });
  v.text.addEventListener('input', () => {
    const now = Date.now();
    if (typingDue(now, typingSent) && sendTyping(true)) typingSent = now;
    clearTimeout(typingStop);
    typingStop = window.setTimeout(() => {
      typingSent = 0;
      sendTyping(false);
    }, 2500);
  });
  v.bubble.addEventListener('click', () => setOpen(!s.open));
  v.closeBtn.addEventListener('click', () => setOpen(false));
  v.panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') setOpen(false);
  });
  window.addEventListener('storage', (ev) => {
    // Another tab started (or reset) the conversation: follow it.
    if (ev.key !== store.key) return;
    const next = store.load();
    if (next?.token === s.session?.token) return;
    drop();
    s.session = next;
    s.seen.clear();
    welcome();
    if (s.session) follow();
  });
  window.addEventListener('online', () => {
    if (s.session && !live.active) live.connect();
  });

  /** An empty log with the welcome message. */
  function welcome() {
    v.clearLog(s.init?.settings.welcomeMessage || undefined);
  }

  // ---- the JavaScript API ------------------------------------------------------------
  const commands: Record<string, Fn> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!s.open),
    on: (name, fn) => {
      if (typeof name === 'string' && typeof fn === 'function') (listeners[name] ||= []).push(fn as Fn);
    },
    setUser: (u) => {
      const next = u as User | null;
      if (!next || typeof next.id !== 'string' || typeof next.hash !== 'string') return;
      s.user = { id: next.id, hash: next.hash, email: next.email, name: next.name };
      if (s.session && s.session.userId !== s.user.id) reset(false);
      if (!s.session && s.init) resume();
    },
    reset: () => reset(true),
  };

  function reset(forgetUser: boolean) {
    clearSession();
    if (forgetUser) s.user = null;
    s.seen.clear();
    s.unread = 0;
    setBadge();
    welcome();
    v.showNote('');
    v.emailRow.hidden = !emailWanted();
  }

  /** A verified user's conversation from another device, found without opening one. */
  async function resume() {
    if (!s.user || s.session) return;
    try {
      const data = await api.call<SessionData | null>('POST', '/api/widget/sessions', undefined, {
        widgetKey: key,
        user: s.user,
        resume: true,
      });
      if (data && !s.session) {
        v.emailRow.hidden = true;
        adopt(data);
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
    let init: Init;
    try {
      init = await api.call<Init>('POST', '/api/widget/init', undefined, { widgetKey: key });
    } catch (e) {
      console.warn('wrrk: the chat widget is not available here', e);
      return;
    }
    s.init = init;
    const color = init.settings.primaryColor;
    if (/^#[0-9a-f]{6}$/i.test(color)) v.host.style.setProperty('--wrrk-primary', color);
    if (init.settings.position === 'bottom-left') v.host.classList.add('left');
    v.title.textContent = init.organization.name;
    v.status.textContent = statusLine(init);
    welcome();
    v.emailRow.hidden = !emailWanted();
    setBadge();
    (document.body || document.documentElement).append(v.host);
    for (const args of queued) wrrk(...Array.from(args));
    // The conversation over HTTP at once (a slow or blocked socket must not hide it), then
    // whatever the last page load sent but could not confirm.
    if (s.session) {
      follow();
      resend();
    }
  })();
}
