// Agent notifications: what the socket says concerns me, shown as a browser notification
// (when the agent allowed them, asked on a click), an unread count in the tab title and a
// badge on the favicon, and an optional sound, each per the agent's preferences (stored
// on their user, edited on the profile page).
//
// What counts: a new conversation in my teams (or with no team; tickets agents open by
// hand are no customer waiting and do not count), a ticket assigned to me by someone
// else, the customer answering my ticket, an internal note that mentions me. Opening the
// ticket concerned marks it read.

import { effect, signal } from '@preact/signals';
import { api } from './api/client';
import type { TicketSummary } from './api/types';
import type { components } from './api/openapi.gen';
import { live } from './live';
import { location, navigate } from './router';
import { me } from './state';

type S = components['schemas'];
export type NotificationPrefs = S['NotificationPrefs'];
type Notice = S['TicketNotice'];

/** Tickets with something I have not looked at yet, newest last. */
export const unread = signal<string[]>([]);
/** The browser's permission, as last read (`unsupported` without the Notification API). */
export const permission = signal<NotificationPermission | 'unsupported'>(
  typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
);

/** Ids of my teams (read once per session; new conversations of other teams are not mine). */
let myTeams: Set<string> | null = null;
let baseTitle = 'wrrk';

/** Sets the page's own title; the unread count is put in front of it. */
export function setPageTitle(title: string) {
  baseTitle = title;
  renderTitle();
}

function renderTitle() {
  const n = unread.value.length;
  document.title = n > 0 ? `(${n}) ${baseTitle}` : baseTitle;
}

/** A small round badge with the count, as an SVG favicon; a plain mark when nothing is unread. */
function faviconHref(n: number): string {
  const mark = '<rect x="8" y="8" width="48" height="48" rx="12" fill="#3451b2"/>';
  const badge =
    n > 0
      ? `<circle cx="46" cy="18" r="17" fill="#d93025"/><text x="46" y="25" font-size="20" font-family="sans-serif" font-weight="bold" text-anchor="middle" fill="#fff">${n > 9 ? '9+' : n}</text>`
      : '';
  return `data:image/svg+xml,${encodeURIComponent(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${mark}${badge}</svg>`)}`;
}

function renderFavicon() {
  let link = document.querySelector<HTMLLinkElement>('link[rel="icon"]');
  if (!link) {
    link = document.createElement('link');
    link.rel = 'icon';
    document.head.appendChild(link);
  }
  link.href = faviconHref(unread.value.length);
  link.dataset.unread = String(unread.value.length);
}

effect(() => {
  void unread.value;
  renderTitle();
  renderFavicon();
});

/** Asks the browser for permission (call from a click: browsers ignore it otherwise). */
export async function askPermission(): Promise<void> {
  if (typeof Notification === 'undefined') return;
  permission.value = await Notification.requestPermission();
}

function prefs(): NotificationPrefs | null {
  return me.value?.notifications ?? null;
}

function markRead(ticketId: string) {
  if (unread.value.includes(ticketId)) unread.value = unread.value.filter((id) => id !== ticketId);
}

/** The ticket open on this tab, if any. */
function openTicket(): string | null {
  const m = location.value.path.match(/^\/tickets\/([^/]+)$/);
  return m ? decodeURIComponent(m[1]) : null;
}

// Opening a ticket reads it.
effect(() => {
  const id = openTicket();
  if (id) markRead(id);
});

let audio: AudioContext | null = null;
function beep() {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch {
    /* no audio here: the notification still shows */
  }
}

function notify(ticket: TicketSummary, title: string, body: string) {
  // Already looking at it: nothing to tell.
  if (openTicket() === ticket.id && document.visibilityState === 'visible') return;
  if (!unread.value.includes(ticket.id)) unread.value = [...unread.value, ticket.id];
  if (prefs()?.sound) beep();
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  try {
    const n = new Notification(title, { body, tag: `${ticket.id}:${title}` });
    n.onclick = () => {
      window.focus();
      navigate(`/tickets/${encodeURIComponent(ticket.id)}`);
      n.close();
    };
  } catch {
    /* some browsers allow notifications only from a service worker */
  }
}

function who(t: TicketSummary): string {
  return t.customer?.name || t.customer?.email || 'A customer';
}

async function loadTeams() {
  const user = me.value;
  if (!user) return;
  try {
    const u = await api.user(user.id);
    myTeams = new Set((u.teams ?? []).map((t) => t.id));
  } catch {
    myTeams = null;
  }
}

function inMyTeams(t: TicketSummary): boolean {
  // Unknown yet: rather tell than miss.
  return !t.teamId || myTeams === null || myTeams.has(t.teamId);
}

function onCreated(t: TicketSummary) {
  const p = prefs();
  if (!p?.newConversation || t.channel === 'MANUAL' || !inMyTeams(t)) return;
  notify(t, `New conversation: ${t.subject}`, `${who(t)} · ${t.ticketNumber}`);
}

function onNotice(n: Notice) {
  const p = prefs();
  const user = me.value;
  if (!p || !user || n.byUserId === user.id) return;
  const t = n.ticket;
  switch (n.kind) {
    case 'ASSIGNED':
      if (p.assigned) notify(t, `Assigned to you: ${t.subject}`, `By ${n.byName} · ${t.ticketNumber}`);
      break;
    case 'CUSTOMER_REPLIED':
      if (p.customerReplied) notify(t, `${n.byName} answered: ${t.subject}`, n.excerpt ?? t.ticketNumber);
      break;
    case 'MENTIONED':
      if (p.mentioned) notify(t, `${n.byName} mentioned you: ${t.subject}`, n.excerpt ?? t.ticketNumber);
      break;
    case 'SNOOZE_ENDED':
      // Their own reminder: always told.
      notify(t, `Snooze ended: ${t.subject}`, `${t.ticketNumber} is open again`);
      break;
    case 'SLA_BREACHED':
      // A missed target on my (or my team's) ticket: always told, like a snooze ending.
      notify(t, `SLA breached: ${t.subject}`, `${n.excerpt ?? 'A target was missed'} · ${t.ticketNumber}`);
      break;
  }
}

let started = false;
/** Starts listening (once per page load; the socket outlives sign-ins). */
export function startNotifications() {
  myTeams = null;
  void loadTeams();
  if (started) return;
  started = true;
  live.on('ticket:created', onCreated);
  live.on('ticket:notify', onNotice);
  // Back on the tab: re-read the permission (it may have been changed in the browser's settings).
  document.addEventListener('visibilitychange', () => {
    if (typeof Notification !== 'undefined') permission.value = Notification.permission;
  });
}

// Signed out: forget what was unread.
effect(() => {
  if (!me.value) {
    unread.value = [];
    myTeams = null;
  }
});
