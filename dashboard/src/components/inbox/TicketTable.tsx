import { ticketNumber, type TicketSummary } from '../../api/types';
import { titleCase, when } from '../../format';
import { Link } from '../../router';
import { userNames } from '../../state';
import { SlaBadge } from '../SlaBadge';

/** The list's rows; `caption` names it for screen readers. */
export function TicketTable({ tickets, busy, caption }: { tickets: TicketSummary[]; busy: boolean; caption: string }) {
  return (
    <table class="tickets" aria-busy={busy}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Ticket</th>
          <th scope="col">Subject</th>
          <th scope="col">Customer</th>
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          <th scope="col">Assignee</th>
          <th scope="col">SLA</th>
          <th scope="col">Last activity</th>
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
              <SlaBadge sla={t.sla} />
            </td>
            <td>
              <time dateTime={t.lastActivityAt}>{when(t.lastActivityAt)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
