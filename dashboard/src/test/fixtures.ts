// Wire objects for unit tests, complete enough for the code under test; each test states
// the fields it is about.

import type { Message, ServerEvents, Ticket, TicketSummary, User } from '../api/types';

export const ORG = '01JORG0000000000000000000A';
export const TICKET = '01JTICKET00000000000000000';

export function message(id: string, over: Partial<Message> = {}): Message {
  return {
    id,
    orgId: ORG,
    ticketId: TICKET,
    authorType: 'CUSTOMER',
    authorName: 'Ana Customer',
    channel: 'EMAIL',
    content: `message ${id}`,
    createdAt: '2026-01-01T10:00:00Z',
    internal: false,
    ...over,
  } as Message;
}

export function summary(over: Partial<TicketSummary> = {}): TicketSummary {
  return {
    id: TICKET,
    number: 42,
    ticketNumber: 'ACME-0042',
    subject: 'Where is my parcel?',
    status: 'OPEN',
    priority: 'MEDIUM',
    channel: 'EMAIL',
    customerId: '01JCUST0000000000000000000',
    customer: { id: '01JCUST0000000000000000000', name: 'Ana Customer', email: 'ana@example.com' },
    assigneeId: null,
    assignee: null,
    teamId: null,
    tags: [],
    createdAt: '2026-01-01T10:00:00Z',
    lastActivityAt: '2026-01-01T10:00:00Z',
    ...over,
  } as TicketSummary;
}

export function ticket(over: Partial<Ticket> = {}): Ticket {
  return { ...summary(), orgId: ORG, ...over } as Ticket;
}

export function user(id: string, name: string, over: Partial<User> = {}): User {
  return { id, name, email: `${id}@example.com`, role: 'AGENT', active: true, orgId: ORG, ...over } as User;
}

export function newMessageEvent(m: Message, t?: TicketSummary): ServerEvents['message:new'] {
  return { ...m, ...(t ? { ticket: t } : {}) } as ServerEvents['message:new'];
}

/** A promise settled from outside, to hold an API answer until the test lets it go. */
export function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
