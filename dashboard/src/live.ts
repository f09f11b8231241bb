// One WebSocket per tab: `{wsUrl}/?token=...` (browsers cannot set headers on a
// WebSocket). Reconnects with exponential backoff and jitter, re-subscribes every open
// room, and tells listeners so they can catch up over HTTP. A `ticket:subscribed`
// acknowledgement is the moment from which events are guaranteed, so views catch up
// (`?after=`) on it: that closes the gap between their first fetch and the subscription.

import { signal } from '@preact/signals';
import { api, getConfig, getToken } from './api/client';
import type { ClientAction, ServerEventName, ServerEvents, ServerFrame } from './api/types';

export type LiveStatus = 'idle' | 'connecting' | 'online' | 'offline';

type Handler<E extends ServerEventName> = (data: ServerEvents[E]) => void;

const MAX_DELAY_MS = 15_000;
const BASE_DELAY_MS = 500;

class Live {
  readonly status = signal<LiveStatus>('idle');
  private ws: WebSocket | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;
  private everOpened = false;
  private rooms = new Map<string, number>();
  private handlers = new Map<string, Set<(d: unknown) => void>>();
  private reconnectHandlers = new Set<() => void>();
  private openHandlers = new Set<() => void>();

  constructor() {
    window.addEventListener('online', () => this.retryNow());
  }

  start() {
    if (!this.stopped) return;
    this.stopped = false;
    this.everOpened = false;
    this.attempt = 0;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    const ws = this.ws;
    this.ws = null;
    ws?.close();
    this.status.value = 'idle';
  }

  /** Reconnect at once (the browser is back online). */
  retryNow() {
    if (this.stopped || this.ws) return;
    clearTimeout(this.timer);
    this.attempt = 0;
    this.open();
  }

  private open() {
    const token = getToken();
    if (!token) {
      this.stop();
      return;
    }
    if (!this.everOpened) this.status.value = 'connecting';
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${getConfig().wsUrl}/?token=${encodeURIComponent(token)}`);
    } catch {
      this.status.value = 'offline';
      this.schedule();
      return;
    }
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      if (this.ws !== ws) return;
      opened = true;
      this.attempt = 0;
      this.status.value = 'online';
      for (const id of this.rooms.keys()) this.send('ticket:subscribe', id);
      const again = this.everOpened;
      this.everOpened = true;
      for (const f of this.openHandlers) f();
      if (again) for (const f of this.reconnectHandlers) f();
    };
    ws.onmessage = (e) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return;
      }
      const set = this.handlers.get(frame.event);
      if (set) for (const f of [...set]) f(frame.data);
      // A notice replaces the `ticket:updated` this connection would have heard: lists
      // and ticket views take its summary as one.
      if (frame.event === 'ticket:notify') {
        const upd = this.handlers.get('ticket:updated');
        const ticket = (frame.data as ServerEvents['ticket:notify']).ticket;
        if (upd) for (const f of [...upd]) f(ticket);
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.stopped) return;
      this.status.value = 'offline';
      // Refused before it opened: maybe the session ended. /me answers 401 then, and
      // the client's 401 handler sends the agent to sign in.
      if (!opened) api.me().catch(() => undefined);
      this.schedule();
    };
  }

  private schedule() {
    clearTimeout(this.timer);
    const base = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** this.attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.attempt++;
    this.timer = setTimeout(() => this.open(), delay);
  }

  send(action: ClientAction, ticketId: string) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(JSON.stringify({ action, ticketId }));
    }
  }

  /** Follow a ticket's room while the returned function is not called. */
  subscribe(ticketId: string): () => void {
    const n = this.rooms.get(ticketId) ?? 0;
    this.rooms.set(ticketId, n + 1);
    if (n === 0) this.send('ticket:subscribe', ticketId);
    return () => {
      const left = (this.rooms.get(ticketId) ?? 1) - 1;
      if (left > 0) {
        this.rooms.set(ticketId, left);
      } else {
        this.rooms.delete(ticketId);
        this.send('ticket:unsubscribe', ticketId);
      }
    };
  }

  /** Whether some view follows this ticket's room right now. */
  follows(ticketId: string): boolean {
    return this.rooms.has(ticketId);
  }

  on<E extends ServerEventName>(event: E, fn: Handler<E>): () => void {
    let set = this.handlers.get(event);
    if (!set) this.handlers.set(event, (set = new Set()));
    const f = fn as (d: unknown) => void;
    set.add(f);
    return () => set!.delete(f);
  }

  /** Called whenever the socket opens (first time and after reconnects). */
  onOpen(fn: () => void): () => void {
    this.openHandlers.add(fn);
    return () => this.openHandlers.delete(fn);
  }

  /** Called after every reconnect (not the first connection). */
  onReconnect(fn: () => void): () => void {
    this.reconnectHandlers.add(fn);
    return () => this.reconnectHandlers.delete(fn);
  }
}

export const live = new Live();
