// The inbox's list for the filters in the URL: a page, the next pages on request, a search,
// or a jump to a typed ticket number; kept current from the socket.

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, describe, type TicketQuery } from '../api/client';
import type { TicketSummary } from '../api/types';
import { byDue } from '../sla';
import { byActivity, hrefFor, matches, mergeRow, toQuery, typedNumber, type Filters } from '../inbox';
import { live } from '../live';
import { navigate } from '../router';
import { me, org, userNames } from '../state';

const PAGE = 25;

/** How many of the view's most recent tickets a subject search looks through. */
const SUBJECT_WINDOW = 100;

/**
 * Tickets of the current view whose customer matches (the customers search, then each
 * one's tickets) or whose subject starts with the text (among the view's most recent
 * SUBJECT_WINDOW: subjects have no index, and reading a whole view per keystroke is not
 * worth it).
 */
async function searchTickets(text: string, q: TicketQuery): Promise<{ tickets: TicketSummary[]; info: string }> {
  const [customers, recent] = await Promise.all([
    api.customers({ search: text, limit: 20 }).then((p) => p.data),
    api.tickets({ ...q, limit: SUBJECT_WINDOW }),
  ]);
  const pages = await Promise.all(customers.map((c) => api.tickets({ ...q, customer: c.id, limit: 50 })));
  const byCustomer = pages.flatMap((p) => p.data);
  const needle = text.toLocaleLowerCase();
  const bySubject = recent.data.filter((t) => t.subject.toLocaleLowerCase().startsWith(needle));
  const all = new Map<string, TicketSummary>();
  for (const t of [...byCustomer, ...bySubject]) all.set(t.id, t);
  const tickets = [...all.values()].sort(byActivity);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const info =
    `${plural(tickets.length, 'ticket')}: ${plural(byCustomer.length, 'ticket')} of ` +
    `${plural(customers.length, 'matching customer')}, ${bySubject.length} with a subject starting “${text}”.`;
  return { tickets, info };
}

export function useInboxTickets(f: Filters) {
  const key = hrefFor(f);
  const [tickets, setTickets] = useState<TicketSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // Which filters the rows on screen belong to: busy from the first render of new filters.
  const [shownKey, setShownKey] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [searchInfo, setSearchInfo] = useState<string | null>(null);
  // What the stable callbacks below read: this render's filters, cursor and rows.
  const latest = useRef({ f, cursor, tickets });
  latest.current = { f, cursor, tickets };

  // Only the latest load may touch the list: filters change faster than answers arrive.
  const loadSeq = useRef(0);
  const load = useCallback(async (more = false) => {
    const { f, cursor } = latest.current;
    const query = toQuery(f);
    const key = hrefFor(f);
    const mine = ++loadSeq.current;
    const stale = () => mine !== loadSeq.current;
    setLoading(true);
    setError(null);
    try {
      const number = f.q ? typedNumber(f.q, org.value?.ticketPrefix) : null;
      if (number) {
        // A ticket number jumps to that ticket (Back returns to the view, not here).
        const t = await api.ticketByNumber(number);
        if (stale()) return;
        if (t) {
          navigate(`/tickets/${t.id}`, { replace: true });
          return;
        }
        setTickets([]);
        setCursor(null);
        setSearchInfo(`No ticket is numbered ${number.replace(/^#/, '').toUpperCase()}.`);
      } else if (f.q) {
        const r = await searchTickets(f.q, query);
        if (stale()) return;
        setTickets(r.tickets);
        setCursor(null);
        setSearchInfo(r.info);
      } else {
        const p = await api.tickets({ ...query, limit: PAGE, cursor: more ? cursor : null });
        if (stale()) return;
        setTickets((old) => {
          if (!more) return p.data;
          const seen = new Set(old.map((t) => t.id));
          return [...old, ...p.data.filter((t) => !seen.has(t.id))];
        });
        setCursor(p.nextCursor ?? null);
        setSearchInfo(null);
      }
    } catch (e) {
      if (!stale()) setError(describe(e));
    } finally {
      if (!stale()) {
        setShownKey(key);
        setLoading(false);
      }
    }
  }, []);

  useEffect(() => {
    setTickets([]);
    setCursor(null);
    void load();
  }, [key, load]);

  // Live: new and changed tickets update the open list in place. Events carry the row.
  useEffect(() => {
    const upsert = async (t: TicketSummary) => {
      const { f, tickets: list } = latest.current;
      const old = list.find((x) => x.id === t.id);
      const fits = matches(t, toQuery(f), me.value?.id) && !f.q;
      if (!old && !fits) return;
      if (old && !fits && !f.q) {
        // It left this view (assigned, closed...): take the row out.
        setTickets((cur) => cur.filter((x) => x.id !== t.id));
        return;
      }
      let view = mergeRow(old, t, userNames.value);
      if (!view.customer) {
        // Only an older backend's event lacks the customer.
        try {
          view = await api.ticket(t.id);
        } catch {
          /* show what the event carried */
        }
      }
      setTickets((cur) => {
        const rest = cur.filter((x) => x.id !== t.id);
        return [...rest, view].sort(f.sort === 'due' ? byDue : byActivity);
      });
    };
    const offs = [
      live.on('ticket:created', (t) => void upsert(t)),
      live.on('ticket:updated', (t) => void upsert(t)),
      // A followed ticket's change comes with its message, not as ticket:updated.
      live.on('message:new', (m) => void (m.ticket && upsert(m.ticket))),
      live.onReconnect(() => void load()),
    ];
    return () => offs.forEach((o) => o());
  }, [key, load]);

  return { tickets, cursor, busy: loading || shownKey !== key, error, searchInfo, loadMore: () => void load(true) };
}
