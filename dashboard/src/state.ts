// App-wide state as signals: who is signed in, their organization, who is online.

import { computed, signal } from '@preact/signals';
import { api, getToken, setToken } from './api/client';
import type { Me, Organization, Presence, User, Viewer } from './api/types';
import { allows, type Permission } from './perms';
import { live } from './live';

export const me = signal<User | null>(null);
/** Why the session could not be loaded at start (not a 401). */
export const bootError = signal<string | null>(null);
export const org = signal<Organization | null>(null);
export const role = computed(() => me.value?.role);
export const can = (p: Permission) => allows(role.value, p);

/** Online users of the organization, by user id. */
export const presence = signal<Map<string, Presence>>(new Map());
/** Display names of the organization's users (for assignees and presence). */
export const userNames = signal<Map<string, string>>(new Map());
/** Avatar URLs of the users read so far (for who is viewing a ticket). */
export const userAvatars = signal<Map<string, string>>(new Map());

export function rememberUsers(users: User[]) {
  const m = new Map(userNames.value);
  const a = new Map(userAvatars.value);
  for (const u of users) {
    m.set(u.id, u.name);
    if (u.avatarUrl) a.set(u.id, u.avatarUrl);
    else a.delete(u.id);
  }
  userNames.value = m;
  userAvatars.value = a;
}

export function setSession(s: Me) {
  me.value = s.user;
  org.value = s.organization;
  rememberUsers([s.user]);
}

/** A token was issued (sign in, sign up, invitation): load who we are and go live. */
export async function signedIn(token: string) {
  setToken(token);
  const s = await api.me();
  setSession(s);
  startLive();
}

export function startLive() {
  live.start();
}

/** Updates heard while a presence list is on its way: they are newer than that list. */
const heardDuringRefresh = new Set<Presence[]>();

function applyPresence(m: Map<string, Presence>, p: Presence) {
  if (p.status === 'online') m.set(p.userId, p);
  else m.delete(p.userId);
}

export async function refreshPresence() {
  const heard: Presence[] = [];
  heardDuringRefresh.add(heard);
  try {
    const p = await api.presence({ limit: 100 });
    const m = new Map<string, Presence>();
    for (const x of p.data) m.set(x.userId, x);
    // The list is a snapshot from before the answer arrived; what was heard meanwhile wins.
    for (const x of heard) applyPresence(m, x);
    presence.value = m;
  } catch {
    /* the sidebar stays as it was */
  } finally {
    heardDuringRefresh.delete(heard);
  }
}

live.on('presence:update', (p) => {
  for (const heard of heardDuringRefresh) heard.push(p);
  const m = new Map(presence.value);
  applyPresence(m, p);
  presence.value = m;
  if (p.name) {
    const n = new Map(userNames.value);
    n.set(p.userId, p.name);
    userNames.value = n;
  }
});
// Our own connection counts too: read the list once the socket is open.
live.onOpen(() => void refreshPresence());
// The server closes a user's sockets when their role changes: after a reconnect, re-read
// who we are so the controls on offer follow the new role.
live.onReconnect(() => {
  api.me().then(setSession, () => undefined);
});

/**
 * Who has each followed ticket open: the latest snapshot (by `at`) from the subscription's
 * acknowledgement or `ticket:viewers`. Kept here, heard from the start, because the ack can
 * arrive before the ticket view has loaded enough to show it.
 */
export const ticketViewers = signal<Map<string, { at: number; viewers: Viewer[] }>>(new Map());

function takeViewers(d: { ticketId: string; viewers?: Viewer[] | null; at?: string | null }) {
  // A late frame for a ticket no view follows any more would only go stale.
  if (!d.viewers || !d.at || !live.follows(d.ticketId)) return;
  const at = Date.parse(d.at);
  const cur = ticketViewers.value.get(d.ticketId);
  // Frames from different server calls may cross: the newest snapshot wins.
  if (cur && cur.at > at) return;
  const m = new Map(ticketViewers.value);
  m.set(d.ticketId, { at, viewers: d.viewers });
  ticketViewers.value = m;
}
live.on('ticket:subscribed', takeViewers);
live.on('ticket:viewers', takeViewers);

/** Drops a ticket's viewers once it is no longer followed (they would go stale). */
export function forgetViewers(ticketId: string) {
  if (!ticketViewers.value.has(ticketId)) return;
  const m = new Map(ticketViewers.value);
  m.delete(ticketId);
  ticketViewers.value = m;
}

/** Forget the session locally (every tab hears the storage event). */
export function clearSession() {
  setToken(null);
  live.stop();
  me.value = null;
  org.value = null;
  presence.value = new Map();
  ticketViewers.value = new Map();
}

export const hasToken = () => !!getToken();
