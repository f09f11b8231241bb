// Typing, both ways: who else is typing on a ticket (from the socket, each until their
// indicator expires or their message arrives), and this tab's own typing:start/stop.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ServerEvents } from '../api/types';
import { live } from '../live';
import { me } from '../state';

/** At most one typing:start per this interval while typing goes on. */
export const TYPING_THROTTLE_MS = 3000;
/** A pause this long ends typing (typing:stop). */
export const TYPING_IDLE_MS = 5000;
/** How long an indicator lasts when the event gives no (readable) expiry. */
export const TYPING_DEFAULT_MS = 8000;

export type Typists = Map<string, { name: string; until: number }>;

/** The typists after a typing:indicator event. */
export function withIndicator(cur: Typists, d: ServerEvents['typing:indicator'], now: number): Typists {
  const m = new Map(cur);
  if (d.typing) {
    const until = d.expiresAt ? Date.parse(d.expiresAt) : now + TYPING_DEFAULT_MS;
    m.set(d.userId, { name: d.name, until: Number.isNaN(until) ? now + TYPING_DEFAULT_MS : until });
  } else m.delete(d.userId);
  return m;
}

/** The typists once `userId`'s message has arrived (the same map if they were not typing). */
export function withoutAuthor(cur: Typists, userId: string): Typists {
  if (!cur.has(userId)) return cur;
  const m = new Map(cur);
  m.delete(userId);
  return m;
}

/** The typists still typing at `now` (the same map if none expired). */
export function withoutExpired(cur: Typists, now: number): Typists {
  const m = new Map([...cur].filter(([, v]) => v.until > now));
  return m.size === cur.size ? cur : m;
}

/** "Ana is typing…", "Ana, Ben and Cy are typing…", or '' for nobody. */
export function typingSentence(names: string[]): string {
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} are typing…`;
}

/** Names of the others typing on the ticket now (this agent's other tabs excluded). */
export function useTypists(ticketId: string): string[] {
  const [typists, setTypists] = useState<Typists>(new Map());
  useEffect(() => {
    const off1 = live.on('typing:indicator', (d) => {
      if (d.ticketId !== ticketId || d.userId === me.value?.id) return;
      setTypists((cur) => withIndicator(cur, d, Date.now()));
    });
    const off2 = live.on('message:new', (msg) => {
      if (msg.ticketId !== ticketId || !msg.authorId) return;
      const author = msg.authorId;
      setTypists((cur) => withoutAuthor(cur, author));
    });
    return () => {
      off1();
      off2();
    };
  }, [ticketId]);
  const anyTyping = typists.size > 0;
  useEffect(() => {
    if (!anyTyping) return;
    const t = setInterval(() => setTypists((cur) => withoutExpired(cur, Date.now())), 1000);
    return () => clearInterval(t);
  }, [anyTyping]);
  return [...typists.values()].map((v) => v.name);
}

/** This tab's typing on a ticket: `typed` after each change of the reply, `stop` when it is
 * sent or left. Leaving the ticket (or the page) ends the typing. */
export function useTypingSignal(ticketId: string): { typed: (value: string) => void; stop: () => void } {
  const lastStart = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const stop = useCallback(() => {
    clearTimeout(idle.current);
    if (lastStart.current) {
      live.send('typing:stop', ticketId);
      lastStart.current = 0;
    }
  }, [ticketId]);
  useEffect(() => stop, [stop]);
  const typed = useCallback(
    (value: string) => {
      if (!value.trim()) {
        stop();
        return;
      }
      const now = Date.now();
      if (now - lastStart.current >= TYPING_THROTTLE_MS) {
        live.send('typing:start', ticketId);
        lastStart.current = now;
      }
      clearTimeout(idle.current);
      idle.current = setTimeout(stop, TYPING_IDLE_MS);
    },
    [ticketId, stop],
  );
  return { typed, stop };
}
