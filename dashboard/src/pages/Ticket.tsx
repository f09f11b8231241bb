// One ticket: the thread (oldest first, live, deduplicated by id), the reply box with
// its internal-note toggle and typing indicator, the ticket's controls and its customer.
// The page only lays them out: the parts are in components/ticket/, their state in hooks/.

import { Snooze } from '../components/Snooze';
import { ticketNumber } from '../api/types';
import { Link } from '../router';
import { ErrorText, useTitle } from '../components/ui';
import { CustomerPanel } from '../components/ticket/CustomerPanel';
import { MessageList } from '../components/ticket/MessageList';
import { ReplyBox } from '../components/ticket/ReplyBox';
import { TicketControls } from '../components/ticket/TicketControls';
import { TicketHeader } from '../components/ticket/TicketHeader';
import { TypingIndicator } from '../components/ticket/TypingIndicator';
import { Viewers } from '../components/ticket/Viewers';
import { useTicketLive } from '../hooks/useTicketLive';
import { useTicketThread } from '../hooks/useTicketThread';

export function TicketPage({ id }: { id: string }) {
  const thread = useTicketThread(id);
  useTicketLive(id, thread);
  const { ticket, setTicket, messages, error, loadingThread, put } = thread;
  useTitle(ticket ? `${ticketNumber(ticket)} ${ticket.subject}` : 'Ticket');

  if (error && !ticket)
    return (
      <>
        <h1 tabIndex={-1}>Ticket</h1>
        <ErrorText error={error} />
        <p>
          <Link href="/">Back to the inbox</Link>
        </p>
      </>
    );
  if (!ticket) return <p role="status">Loading ticket…</p>;

  return (
    <div class="ticket-page">
      <div class="thread-col">
        <TicketHeader ticket={ticket} />
        <Viewers ticketId={id} />
        <MessageList messages={messages} loading={loadingThread} />
        <TypingIndicator ticketId={id} />
        <ReplyBox ticketId={id} email={ticket.channel === 'EMAIL'} onSent={(m) => put([m])} />
      </div>
      <div class="side-col">
        <TicketControls ticket={ticket} onChange={setTicket} />
        <Snooze ticket={ticket} onChange={setTicket} />
        <CustomerPanel ticket={ticket} />
      </div>
    </div>
  );
}
