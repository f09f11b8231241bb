import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { TicketSummary } from '../api/types';

/** The customer's other tickets (the 20 most recent but this one); null while loading. */
export function useOtherTickets(customerId: string, ticketId: string): TicketSummary[] | null {
  const [others, setOthers] = useState<TicketSummary[] | null>(null);
  useEffect(() => {
    api.tickets({ customer: customerId, limit: 20 }).then(
      (p) => setOthers(p.data.filter((t) => t.id !== ticketId)),
      () => setOthers([]),
    );
  }, [customerId, ticketId]);
  return others;
}
