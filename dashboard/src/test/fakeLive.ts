// A stand-in for the socket (`live`), for unit tests: handlers are kept per event and
// `emit` calls them as a frame would; what the app sends is recorded.
// Use: vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }))

import { signal } from '@preact/signals';
import { vi } from 'vitest';
import type { ClientAction, ServerEventName, ServerEvents } from '../api/types';
import type { LiveStatus } from '../live';

export function fakeLive() {
  const handlers = new Map<string, Set<(d: unknown) => void>>();
  const reconnects = new Set<() => void>();
  const opens = new Set<() => void>();
  const rooms = new Map<string, number>();
  return {
    status: signal<LiveStatus>('online'),
    sent: [] as { action: ClientAction; ticketId: string }[],
    rooms,
    send(action: ClientAction, ticketId: string) {
      this.sent.push({ action, ticketId });
    },
    subscribe: vi.fn((ticketId: string) => {
      rooms.set(ticketId, (rooms.get(ticketId) ?? 0) + 1);
      return () => {
        const left = (rooms.get(ticketId) ?? 1) - 1;
        if (left > 0) rooms.set(ticketId, left);
        else rooms.delete(ticketId);
      };
    }),
    on<E extends ServerEventName>(event: E, fn: (d: ServerEvents[E]) => void) {
      let set = handlers.get(event);
      if (!set) handlers.set(event, (set = new Set()));
      const f = fn as (d: unknown) => void;
      set.add(f);
      return () => void set.delete(f);
    },
    onOpen(fn: () => void) {
      opens.add(fn);
      return () => void opens.delete(fn);
    },
    follows(ticketId: string): boolean {
      return rooms.has(ticketId);
    },
    onReconnect(fn: () => void) {
      reconnects.add(fn);
      return () => void reconnects.delete(fn);
    },
    /** Delivers an event to every handler, as a frame from the server would. */
    emit<E extends ServerEventName>(event: E, data: ServerEvents[E]) {
      for (const f of [...(handlers.get(event) ?? [])]) f(data);
    },
    reconnect() {
      for (const f of [...reconnects]) f();
    },
    /** How many handlers listen to an event (0 once every view has let go). */
    listeners(event: ServerEventName): number {
      return handlers.get(event)?.size ?? 0;
    },
    /** Forgets what the tests did; listeners registered at import (state.ts) stay. */
    reset() {
      rooms.clear();
      this.sent.length = 0;
      this.status.value = 'online';
    },
  };
}

export type FakeLive = ReturnType<typeof fakeLive>;
