// The widget's DOM: built once in an open shadow root with the constructable stylesheet.
// Untrusted text is only ever set with `textContent`.

import type { Message } from './api';
import { fill, type Words } from './i18n';
import { badgeText } from './rules';
import { css } from './styles';

export const h = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...kids: (Node | string)[]
): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
};

export type View = ReturnType<typeof createView>;

export function createView(t: Words) {
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
  const row = h('div', { class: 'row' }, text, sendBtn);
  const form = h('form', { class: 'foot', novalidate: '' }, emailRow, row);
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
  root.append(h('div', { class: 'w' }, panel, bubble));

  const scrollDown = () => (log.scrollTop = log.scrollHeight);

  return {
    host,
    title,
    status,
    closeBtn,
    log,
    typing,
    note,
    emailIn,
    emailRow,
    text,
    row,
    form,
    panel,
    bubble,
    scrollDown,
    showNote(msg: string) {
      note.textContent = msg;
      note.hidden = !msg;
    },
    setBadge(unread: number, open: boolean) {
      badge.hidden = unread === 0;
      badge.textContent = badgeText(unread);
      badge.setAttribute('aria-label', fill(t.unread, { n: unread }));
      bubble.setAttribute('aria-label', open ? t.minimize : unread ? `${t.open} (${fill(t.unread, { n: unread })})` : t.open);
    },
    setPanel(open: boolean) {
      panel.hidden = !open;
      bubble.setAttribute('aria-expanded', String(open));
    },
    /** A "Sending…" bubble for `content`, until the server confirms it. */
    pending(content: string) {
      const el = h('div', { class: 'm me pending', 'aria-label': t.sending });
      el.dataset.text = content;
      el.append(h('span', { class: 'who' }, t.you), h('span', {}, content));
      log.append(el);
      scrollDown();
      return el;
    },
    /** The pending bubble whose text is `content` (our own message echoed live before its
     *  send answered takes it). */
    pendingFor(content: string) {
      return Array.from(log.querySelectorAll<HTMLElement>('.pending')).find((p) => p.dataset.text === content);
    },
    /** Shows `m` in `el` (a pending bubble) or a new bubble. */
    message(m: Message, mine: boolean, el: HTMLElement = h('div')) {
      el.className = mine ? 'm me' : 'm';
      el.replaceChildren(h('span', { class: 'who' }, mine ? t.you : m.authorName), h('span', {}, m.content));
      el.dataset.id = m.id;
      el.removeAttribute('aria-label');
      delete el.dataset.text;
      if (!el.isConnected) log.append(el);
      scrollDown();
      return el;
    },
    clearLog(welcome?: string) {
      log.replaceChildren();
      if (welcome) log.append(h('div', { class: 'm' }, welcome));
    },
  };
}
