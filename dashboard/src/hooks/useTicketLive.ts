// A ticket's room on the socket while the ticket is shown: new and changed messages, the
// ticket's changes, and a catch-up over HTTP each time the room is (re)joined.

import { useEffect } from 'preact/hooks';
import { live } from '../live';
import { forgetViewers } from '../state';
import type { TicketThread } from './useTicketThread';

export function useTicketLive(id: string, thread: Pick<TicketThread, 'add' | 'put' | 'applySummary' | 'catchUp'>) {
  const { add, put, applySummary, catchUp } = thread;
  useEffect(() => {
    const offs = [
      live.subscribe(id),
      // From the acknowledgement on, events are guaranteed: fetch what came before it.
      live.on('ticket:subscribed', (d) => {
        if (d.ticketId === id) void catchUp();
      }),
      live.on('message:new', (m) => {
        if (m.ticketId !== id) return;
        // One event per message: it carries the ticket as it is after it (a reopen).
        const { ticket: summary, ...message } = m;
        add([message]);
        if (summary) applySummary(summary);
      }),
      live.on('message:updated', (m) => {
        if (m.ticketId === id) put([m]);
      }),
      live.on('ticket:updated', (t) => {
        if (t.id === id) applySummary(t);
      }),
    ];
    return () => {
      offs.forEach((o) => o());
      forgetViewers(id);
    };
  }, [id, add, put, applySummary, catchUp]);
}
