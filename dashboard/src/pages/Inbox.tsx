// The inbox: views (mine, unassigned, all open, all), filters, search (customers, subject
// prefix, ticket number), cursor pagination, and live updates in place.

import { useEffect, useRef, useState } from 'preact/hooks';
import { api, describe, type TicketQuery } from '../api/client';
import { CHANNELS, PRIORITIES, STATUSES, ticketNumber, type Team, type TicketSummary } from '../api/types';
import { live } from '../live';
import { Link, location, navigate } from '../router';
import { me, org, userNames } from '../state';
import { ErrorText, Notice, useTitle } from '../components/ui';
import { titleCase, when } from '../format';
import { NewTicket } from './NewTicket';
import { byDue, nextDue, SlaBadge, SlaSortSelect } from '../components/SlaBadge';

const VIEWS = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'open', label: 'All open' },
  { id: 'all', label: 'All tickets' },
] as const;

const PAGE = 25;

interface Filters {
  view: string;
  status: string;
  priority: string;
  channel: string;
  team: string;
  q: string;
  sort: string;
}

function readFilters(search: string): Filters {
  const p = new URLSearchParams(search);
  return {
    view: p.get('view') ?? 'open',
    status: p.get('status') ?? '',
    priority: p.get('priority') ?? '',
    channel: p.get('channel') ?? '',
    team: p.get('team') ?? '',
    q: p.get('q') ?? '',
    sort: p.get('sort') ?? '',
  };
}

function toQuery(f: Filters): TicketQuery {
  const q: TicketQuery = {};
  if (f.view === 'mine') q.assignee = 'me';
  if (f.view === 'unassigned') q.assignee = 'unassigned';
  if (f.view === 'open') q.status = 'OPEN';
  if (f.status) q.status = f.status;
  if (f.priority) q.priority = f.priority;
  if (f.channel) q.channel = f.channel;
  if (f.team) q.team = f.team;
  if (f.sort) q.sort = f.sort;
  return q;
}

/** Whether a ticket belongs in the list the filters describe (for live events). */
function matches(t: TicketSummary, q: TicketQuery, meId: string | undefined): boolean {
  if (q.assignee === 'me' && t.assigneeId !== meId) return false;
  if (q.assignee === 'unassigned' && t.assigneeId) return false;
  if (q.status && t.status !== q.status) return false;
  if (q.priority && t.priority !== q.priority) return false;
  if (q.channel && t.channel !== q.channel) return false;
  if (q.team && t.teamId !== q.team) return false;
  if (q.sort === 'due' && !nextDue(t.sla)) return false;
  return true;
}

function hrefFor(f: Filters): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v && !(k === 'view' && v === 'open')) p.set(k, v);
  const s = p.toString();
  return s ? `/?${s}` : '/';
}

const byActivity = (a: TicketSummary, b: TicketSummary) => b.lastActivityAt.localeCompare(a.lastActivityAt);

/** The row for an event's ticket (events carry the customer and assignee; an older
 * backend's bare ticket keeps the row's). */
function merge(old: TicketSummary | undefined, t: TicketSummary): TicketSummary {
  const next = { ...old, ...t };
  if (t.customer === undefined && old) next.customer = old.customer;
  if (t.assignee === undefined) {
    next.assignee =
      old && old.assigneeId === t.assigneeId
        ? old.assignee
        : t.assigneeId
          ? { id: t.assigneeId, name: userNames.value.get(t.assigneeId) ?? 'Someone' }
          : null;
  }
  return next;
}

/** A ticket number as people type it: `ACME-0042`, `acme-42`, `#ACME-42`, or `#42`. */
function typedNumber(text: string, prefix: string | undefined): string | null {
  if (/^#?[A-Za-z0-9]{1,10}-\d{1,12}$/.test(text)) return text;
  const bare = /^#(\d{1,12})$/.exec(text);
  return bare && prefix ? `${prefix}-${bare[1]}` : null;
}

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

export function Inbox() {
  const f = readFilters(location.value.search);
  const query = toQuery(f);
  const key = hrefFor(f);
  const [tickets, setTickets] = useState<TicketSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // Which filters the rows on screen belong to: busy from the first render of new filters.
  const [shownKey, setShownKey] = useState<string | null>(null);
  const busy = loading || shownKey !== key;
  const [error, setError] = useState<string | null>(null);
  const [searchInfo, setSearchInfo] = useState<string | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [showNew, setShowNew] = useState(false);
  const listRef = useRef<TicketSummary[]>([]);
  listRef.current = tickets;
  const welcome = new URLSearchParams(location.value.search).get('welcome') === '1';
  const reset = new URLSearchParams(location.value.search).get('reset') === '1';
  useTitle('Inbox');

  useEffect(() => {
    api.teams({ limit: 100 }).then((p) => setTeams(p.data), () => undefined);
  }, []);

  // Only the latest load may touch the list: filters change faster than answers arrive.
  const loadSeq = useRef(0);
  const load = async (more = false) => {
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
  };

  useEffect(() => {
    setTickets([]);
    setCursor(null);
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  // Live: new and changed tickets update the open list in place. Events carry the row.
  useEffect(() => {
    const upsert = async (t: TicketSummary) => {
      const list = listRef.current;
      const old = list.find((x) => x.id === t.id);
      const fits = matches(t, query, me.value?.id) && !f.q;
      if (!old && !fits) return;
      if (old && !fits && !f.q) {
        // It left this view (assigned, closed...): take the row out.
        setTickets((cur) => cur.filter((x) => x.id !== t.id));
        return;
      }
      let view = merge(old, t);
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
        return [...rest, view].sort(query.sort === 'due' ? byDue : byActivity);
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
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  const set = (patch: Partial<Filters>) => navigate(hrefFor({ ...f, ...patch }));
  const onSearch = (e: Event) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget as HTMLFormElement).get('q') ?? '').trim();
    set({ q });
  };
  const currentView = VIEWS.find((v) => v.id === f.view);

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Inbox</h1>
        <button type="button" onClick={() => setShowNew(!showNew)} aria-expanded={showNew}>
          New ticket
        </button>
      </div>
      {welcome && <Notice>Welcome to wrrk. Check your email for a link to verify your address.</Notice>}
      {reset && <Notice>Your password has been changed, and you are signed in.</Notice>}
      {showNew && (
        <NewTicket
          onCreated={(t) => {
            setShowNew(false);
            navigate(`/tickets/${t.id}`);
          }}
        />
      )}
      <nav aria-label="Views" class="views">
        {VIEWS.map((v) => (
          <Link
            key={v.id}
            href={hrefFor({ view: v.id, status: '', priority: '', channel: '', team: '', q: '', sort: f.sort })}
            aria-current={f.view === v.id ? 'page' : undefined}
          >
            {v.label}
          </Link>
        ))}
      </nav>
      <div class="filters">
        <form role="search" onSubmit={onSearch} class="search">
          <label class="field inline">
            <span class="label">Search tickets</span>
            <input
              name="q"
              type="search"
              defaultValue={f.q}
              placeholder={`Customer, subject, ${org.value?.ticketPrefix ?? 'ACME'}-0042`}
              aria-describedby="search-hint"
              key={f.q}
            />
          </label>
          <span id="search-hint" class="sr-only">
            Matches customers by name or email, subjects by their beginning in this view, or a ticket number.
          </span>
          <button type="submit">Search</button>
          {f.q && (
            <button type="button" onClick={() => set({ q: '' })}>
              Clear search
            </button>
          )}
        </form>
        <label class="field inline">
          <span class="label">Status</span>
          <select value={f.status || (f.view === 'open' ? 'OPEN' : '')} onChange={(e) => set({ status: e.currentTarget.value, view: f.view === 'open' ? 'all' : f.view })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option value={s}>{titleCase(s)}</option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span class="label">Priority</span>
          <select value={f.priority} onChange={(e) => set({ priority: e.currentTarget.value })}>
            <option value="">Any priority</option>
            {PRIORITIES.map((s) => (
              <option value={s}>{titleCase(s)}</option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span class="label">Channel</span>
          <select value={f.channel} onChange={(e) => set({ channel: e.currentTarget.value })}>
            <option value="">Any channel</option>
            {CHANNELS.map((s) => (
              <option value={s}>{titleCase(s)}</option>
            ))}
          </select>
        </label>
        <label class="field inline">
          <span class="label">Team</span>
          <select value={f.team} onChange={(e) => set({ team: e.currentTarget.value })}>
            <option value="">Any team</option>
            {teams.map((t) => (
              <option value={t.id}>{t.name}</option>
            ))}
          </select>
        </label>
        <SlaSortSelect value={f.sort} onChange={(sort) => set({ sort })} />
      </div>
      <ErrorText error={error} />
      {searchInfo && <Notice>{searchInfo}</Notice>}
      <table class="tickets" aria-busy={busy}>
        <caption class="sr-only">{f.q ? `Search results for ${f.q}` : `${currentView?.label ?? 'Tickets'}`}</caption>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Subject</th>
            <th scope="col">Customer</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Assignee</th>
            <th scope="col">Last activity</th>
            <th scope="col">SLA</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((t) => (
            <tr key={t.id}>
              <td class="num">{ticketNumber(t)}</td>
              <td>
                <Link href={`/tickets/${t.id}`}>{t.subject}</Link>
              </td>
              <td>{t.customer?.name ?? ''}</td>
              <td>
                <span class={`pill status-${t.status.toLowerCase()}`}>{titleCase(t.status)}</span>
              </td>
              <td>
                <span class={`pill prio-${t.priority.toLowerCase()}`}>{titleCase(t.priority)}</span>
              </td>
              <td>{t.assignee?.name ?? (t.assigneeId ? userNames.value.get(t.assigneeId) ?? '' : 'Unassigned')}</td>
              <td>
                <time dateTime={t.lastActivityAt}>{when(t.lastActivityAt)}</time>
              </td>
              <td>
                <SlaBadge sla={t.sla} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!busy && tickets.length === 0 && !error && <p class="empty">No tickets here.</p>}
      {busy && <p role="status">Loading tickets…</p>}
      {cursor && !busy && (
        <button type="button" class="more" onClick={() => void load(true)}>
          Load more
        </button>
      )}
    </>
  );
}
