import { act, render, screen, waitFor, within } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../../api/client';
import { live as realLive } from '../../live';
import { me, ticketViewers } from '../../state';
import type { FakeLive } from '../../test/fakeLive';
import { summary, ticket, TICKET, user } from '../../test/fixtures';
import { CustomerPanel } from './CustomerPanel';
import { TypingIndicator } from './TypingIndicator';
import { Viewers } from './Viewers';

vi.mock('../../api/client', async (orig) => ({
  ...(await orig<typeof import('../../api/client')>()),
  api: { tickets: vi.fn(), me: vi.fn() },
}));
vi.mock('../../live', async () => ({ live: (await import('../../test/fakeLive')).fakeLive() }));
const live = realLive as unknown as FakeLive;
const mocked = vi.mocked(api);

beforeEach(() => {
  live.reset();
  me.value = user('u1', 'Ana');
});

describe('CustomerPanel', () => {
  beforeEach(() => {
    mocked.tickets.mockReset();
  });

  it('shows the customer, linked to their contact, and their other tickets', async () => {
    mocked.tickets.mockResolvedValue({
      data: [summary(), summary({ id: 'older', ticketNumber: 'ACME-0007', subject: 'Old order', status: 'CLOSED' })],
      nextCursor: null,
    });
    render(<CustomerPanel ticket={ticket()} />);
    const panel = screen.getByRole('region', { name: 'Customer' });
    expect(within(panel).getByRole('link', { name: 'Ana Customer' }).getAttribute('href')).toMatch(/^\/contacts\//);
    expect(within(panel).getByRole('link', { name: 'ana@example.com' }).getAttribute('href')).toBe('mailto:ana@example.com');
    const others = await screen.findByRole('list', { name: 'Other tickets of this customer' });
    // This ticket is not among the others.
    expect(within(others).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['ACME-0007 Old order Closed']);
  });

  it("says an anonymous visitor's address is not proven, and shows what they typed", async () => {
    mocked.tickets.mockResolvedValue({ data: [], nextCursor: null });
    const t = ticket({
      customer: { id: 'c', name: 'Visitor', email: 'v-1@visitors.wrrk.invalid', unverifiedEmail: 'typed@example.com' } as never,
    });
    render(<CustomerPanel ticket={t} />);
    expect(screen.getByText('None proven')).toBeTruthy();
    expect(screen.queryByRole('link', { name: /visitors\.wrrk\.invalid/ })).toBeNull();
    expect(screen.getByText(/typed@example.com/)).toBeTruthy();
    await screen.findByText('None.');
  });

  it('shows no other tickets when they fail to load', async () => {
    mocked.tickets.mockRejectedValue(new Error('offline'));
    render(<CustomerPanel ticket={ticket()} />);
    await screen.findByText('None.');
  });
});

describe('TypingIndicator', () => {
  it('announces who is typing, politely', () => {
    render(<TypingIndicator ticketId={TICKET} />);
    act(() => live.emit('typing:indicator', { ticketId: TICKET, userId: 'u2', name: 'Ben', typing: true } as never));
    const text = screen.getByText('Ben is typing…');
    expect(text.getAttribute('aria-live')).toBe('polite');
  });
});

describe('Viewers', () => {
  const snapshot = (names: [string, string][]) =>
    new Map([[TICKET, { at: 1, viewers: names.map(([userId, name]) => ({ userId, name })) as never }]]);

  it('lists the colleagues who have the ticket open, not me', async () => {
    ticketViewers.value = snapshot([
      ['u1', 'Ana'],
      ['u2', 'Ben'],
      ['u3', 'Cy'],
    ]);
    render(<Viewers ticketId={TICKET} />);
    await waitFor(() => expect(screen.getByRole('list', { name: 'Also viewing: Ben, Cy' })).toBeTruthy());
  });

  it('shows nothing when only I have it open', () => {
    ticketViewers.value = snapshot([['u1', 'Ana']]);
    const { container } = render(<Viewers ticketId={TICKET} />);
    expect(container.innerHTML).toBe('');
  });

  it('shows nothing while offline (the list would be stale)', () => {
    ticketViewers.value = snapshot([['u2', 'Ben']]);
    live.status.value = 'offline';
    const { container } = render(<Viewers ticketId={TICKET} />);
    expect(container.innerHTML).toBe('');
  });
});
