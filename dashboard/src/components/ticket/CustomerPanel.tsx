import { ticketNumber, type Ticket } from '../../api/types';
import { titleCase } from '../../format';
import { useOtherTickets } from '../../hooks/useOtherTickets';
import { Link } from '../../router';

/** The ticket's customer and their other tickets. */
export function CustomerPanel({ ticket }: { ticket: Ticket }) {
  const others = useOtherTickets(ticket.customerId, ticket.id);
  const c = ticket.customer;
  return (
    <section class="panel" aria-labelledby="customer-heading">
      <h2 id="customer-heading">Customer</h2>
      {c ? (
        <dl class="facts">
          <dt>Name</dt>
          <dd>
            <Link href={`/contacts/${ticket.customerId}`}>{c.name}</Link>
          </dd>
          <dt>Email</dt>
          <dd>
            {c.email.endsWith('@visitors.wrrk.invalid') ? (
              <span class="muted">None proven</span>
            ) : (
              <a href={`mailto:${c.email}`}>{c.email}</a>
            )}
          </dd>
          {c.unverifiedEmail && (
            <>
              <dt>Unverified email</dt>
              <dd>
                {c.unverifiedEmail} <span class="muted">(typed in the chat, not proven: replies are not mailed)</span>
              </dd>
            </>
          )}
        </dl>
      ) : (
        <p class="muted">Unknown customer.</p>
      )}
      <h3>Other tickets</h3>
      {others === null ? (
        <p class="muted">Loading…</p>
      ) : others.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <ul class="other-tickets" aria-label="Other tickets of this customer">
          {others.map((t) => (
            <li key={t.id}>
              <Link href={`/tickets/${t.id}`}>
                {ticketNumber(t)} {t.subject}
              </Link>{' '}
              <span class="muted">{titleCase(t.status)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
