// The inbox: views (mine, unassigned, all open, all), filters, search (customers, subject
// prefix, ticket number), cursor pagination, and live updates in place. The rules are in
// inbox.ts, the list's loading in hooks/useInboxTickets.ts, the parts in components/inbox/.

import { useState } from 'preact/hooks';
import { location, navigate } from '../router';
import { ErrorText, Notice, useTitle } from '../components/ui';
import { InboxFilters, ViewLinks } from '../components/inbox/InboxFilters';
import { TicketTable } from '../components/inbox/TicketTable';
import { useInboxTickets } from '../hooks/useInboxTickets';
import { useTeams } from '../hooks/useTeams';
import { hrefFor, readFilters, VIEWS, type Filters } from '../inbox';
import { NewTicket } from './NewTicket';

export function Inbox() {
  const f = readFilters(location.value.search);
  const teams = useTeams();
  const { tickets, cursor, busy, error, searchInfo, loadMore } = useInboxTickets(f);
  const [showNew, setShowNew] = useState(false);
  const welcome = new URLSearchParams(location.value.search).get('welcome') === '1';
  const reset = new URLSearchParams(location.value.search).get('reset') === '1';
  useTitle('Inbox');

  const set = (patch: Partial<Filters>) => navigate(hrefFor({ ...f, ...patch }));
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
      <ViewLinks f={f} />
      <InboxFilters f={f} teams={teams} set={set} />
      <ErrorText error={error} />
      {searchInfo && <Notice>{searchInfo}</Notice>}
      <TicketTable
        tickets={tickets}
        busy={busy}
        caption={f.q ? `Search results for ${f.q}` : `${currentView?.label ?? 'Tickets'}`}
      />
      {!busy && tickets.length === 0 && !error && <p class="empty">No tickets here.</p>}
      {busy && <p role="status">Loading tickets…</p>}
      {cursor && !busy && (
        <button type="button" class="more" onClick={loadMore}>
          Load more
        </button>
      )}
    </>
  );
}
