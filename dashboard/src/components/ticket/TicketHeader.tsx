import { ticketNumber, type Ticket } from '../../api/types';
import { titleCase, when } from '../../format';
import { Link } from '../../router';
import { SlaBadge } from '../SlaBadge';

/** The way back, the ticket's number and subject, and its status, priority and channel. */
export function TicketHeader({ ticket }: { ticket: Ticket }) {
  return (
    <>
      <p class="crumbs">
        <Link href="/">Inbox</Link> / {ticketNumber(ticket)}
      </p>
      <h1 tabIndex={-1}>
        <span class="num">{ticketNumber(ticket)}</span> {ticket.subject}
      </h1>
      <p class="meta">
        <span class={`pill status-${ticket.status.toLowerCase()}`}>{titleCase(ticket.status)}</span>{' '}
        <span class={`pill prio-${ticket.priority.toLowerCase()}`}>{titleCase(ticket.priority)}</span>{' '}
        <SlaBadge sla={ticket.sla} />{' '}
        <span class="muted">
          {titleCase(ticket.channel)} · opened {when(ticket.createdAt)}
        </span>
      </p>
    </>
  );
}
