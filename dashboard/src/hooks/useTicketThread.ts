// One ticket and its thread: the ticket, then every message page by page (oldest first,
// deduplicated by id). `useTicketLive` keeps both current from the socket.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { all, api, describe } from '../api/client';
import type { Message, Ticket, TicketSummary } from '../api/types';
import { userNames } from '../state';

/** One ticket's messages by id; oldest first when listed (ids are ULIDs). */
export class MessageSet {
  private byId = new Map<string, Message>();
  constructor(readonly ticketId: string) {}

  /** Messages of another ticket are ignored; one without a ticket id is taken as this one's. */
  private mine(m: Message): boolean {
    return !m.ticketId || m.ticketId === this.ticketId;
  }

  /** Adds the messages not held yet (never twice); whether any was new. */
  add(list: Message[]): boolean {
    let changed = false;
    for (const m of list) {
      if (!this.mine(m) || this.byId.has(m.id)) continue;
      this.byId.set(m.id, m);
      changed = true;
    }
    return changed;
  }

  /** Sets messages by id, replacing what was there (a changed message, a POST's answer). */
  put(list: Message[]) {
    for (const m of list) if (this.mine(m)) this.byId.set(m.id, m);
  }

  /** The newest id held, '' when none: where a catch-up starts (`?after=`). */
  lastId(): string {
    let last = '';
    for (const k of this.byId.keys()) if (k > last) last = k;
    return last;
  }

  sorted(): Message[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
}

/** The ticket shown, with a list summary's fields taken in (the rest stays as loaded). A
 * summary without the assignee's name keeps the old one if the assignee is unchanged, else
 * names them from the users known. */
export function mergeSummary(old: Ticket | null, t: TicketSummary, names: Map<string, string>): Ticket | null {
  if (!old) return old;
  const next = { ...old, ...t, customer: t.customer ?? old.customer };
  if (t.assignee === undefined) {
    if (t.assigneeId !== old.assigneeId)
      next.assignee = t.assigneeId ? { id: t.assigneeId, name: names.get(t.assigneeId) ?? 'Someone' } : null;
    else next.assignee = old.assignee;
  }
  return next;
}

export interface TicketThread {
  ticket: Ticket | null;
  setTicket: (t: Ticket) => void;
  messages: Message[];
  /** Why the ticket or its thread could not be loaded. */
  error: string | null;
  loadingThread: boolean;
  /** Adds messages never seen (by id); `render: false` defers showing them. */
  add: (list: Message[], render?: boolean) => void;
  /** Sets messages by id, replacing what was there. */
  put: (list: Message[]) => void;
  /** Takes a summary (from an event) into the ticket shown. */
  applySummary: (t: TicketSummary) => void;
  /** Fetches what came after the newest message held, and the ticket again. */
  catchUp: () => Promise<void>;
}

export function useTicketThread(id: string): TicketThread {
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loadingThread, setLoadingThread] = useState(true);
  const held = useRef(new MessageSet(id));
  const loaded = useRef<Promise<void> | null>(null);

  const show = useCallback(() => setMessages(held.current.sorted()), []);
  const add = useCallback(
    (list: Message[], render = true) => {
      if (held.current.add(list) && render) show();
    },
    [show],
  );
  const put = useCallback(
    (list: Message[]) => {
      held.current.put(list);
      show();
    },
    [show],
  );
  const applySummary = useCallback(
    (t: TicketSummary) => setTicket((old) => mergeSummary(old, t, userNames.value)),
    [],
  );
  const catchUp = useCallback(async () => {
    await loaded.current;
    const after = held.current.lastId();
    try {
      const fresh = await all((cursor) => api.messages(id, { after: after || undefined, limit: 100, cursor }));
      add(fresh);
      setTicket(await api.ticket(id));
    } catch {
      /* the next event or reconnect tries again */
    }
  }, [id, add]);

  useEffect(() => {
    held.current = new MessageSet(id);
    loaded.current = (async () => {
      try {
        // The ticket (and so the reply box) shows as soon as it arrives; the thread fills
        // in page by page, oldest first.
        // The first page renders at once, the rest together when all have arrived (one
        // render of a long thread instead of one per page).
        const ticketLoaded = api.ticket(id).then(setTicket);
        // Awaited below; if the thread fails first, its error is the one reported.
        ticketLoaded.catch(() => undefined);
        let cursor: string | null = null;
        let first = true;
        do {
          const p = await api.messages(id, { limit: 100, cursor });
          add(p.data, first);
          first = false;
          cursor = p.nextCursor ?? null;
        } while (cursor);
        show();
        await ticketLoaded;
      } catch (e) {
        setError(describe(e));
      } finally {
        setLoadingThread(false);
      }
    })();
  }, [id, add, show]);

  return { ticket, setTicket, messages, error, loadingThread, add, put, applySummary, catchUp };
}
