import { act, renderHook, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import type { TicketSummary } from '../api/types';
import { readFilters, type Filters } from '../inbox';
import { live as realLive } from '../live';
import { me, org } from '../state';
import type { FakeLive } from '../test/fakeLive';
import { deferred, message, newMessageEvent, summary, user } from '../test/fixtures';
import { useInboxTickets } from './useInboxTickets';

vi.mock('../api/client', async (orig) => ({
  ...(await orig<typeof import('../api/client')>()),
  // `me`: state.ts asks who we are after a reconnect.
  api: { tickets: vi.fn(), customers: vi.fn(), ticketByNumber: vi.fn(), ticket: vi.fn(), me: vi.fn() },
}));
vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }));
const live = realLive as unknown as FakeLive;
const mocked = vi.mocked(api);

const row = (id: string, at: string, over: Partial<TicketSummary> = {}) =>
  summary({ id, lastActivityAt: `2026-01-0${at}T10:00:00Z`, ...over });
const page = (data: TicketSummary[], nextCursor: string | null = null) => ({ data, nextCursor });
const ids = (list: TicketSummary[]) => list.map((t) => t.id);

function setup(search = '') {
  return renderHook((props: { f: Filters }) => useInboxTickets(props.f), { initialProps: { f: readFilters(search) } });
}

describe('useInboxTickets', () => {
  beforeEach(() => {
    live.reset();
    for (const f of Object.values(mocked)) f.mockReset();
    mocked.me.mockReturnValue(new Promise(() => undefined));
    me.value = user('u1', 'Ana');
    org.value = { ticketPrefix: 'ACME' } as never;
  });

  it("loads the view's first page", async () => {
    mocked.tickets.mockResolvedValue(page([row('a', '2'), row('b', '1')], 'c1'));
    const { result } = setup('?view=mine&priority=HIGH');
    expect(result.current.busy).toBe(true);
    await waitFor(() => expect(result.current.busy).toBe(false));
    expect(mocked.tickets).toHaveBeenCalledWith({ assignee: 'me', priority: 'HIGH', limit: 25, cursor: null });
    expect(ids(result.current.tickets)).toEqual(['a', 'b']);
    expect(result.current.cursor).toBe('c1');
  });

  it('loads more from the cursor, without a row twice', async () => {
    mocked.tickets.mockResolvedValueOnce(page([row('a', '3'), row('b', '2')], 'c1'));
    mocked.tickets.mockResolvedValueOnce(page([row('b', '2'), row('c', '1')]));
    const { result } = setup();
    await waitFor(() => expect(result.current.busy).toBe(false));
    act(() => result.current.loadMore());
    await waitFor(() => expect(ids(result.current.tickets)).toEqual(['a', 'b', 'c']));
    expect(mocked.tickets).toHaveBeenLastCalledWith(expect.objectContaining({ cursor: 'c1' }));
    expect(result.current.cursor).toBeNull();
  });

  it("shows the latest filters' answer, whatever order the answers come in", async () => {
    const slow = deferred<ReturnType<typeof page>>();
    mocked.tickets.mockReturnValueOnce(slow.promise).mockResolvedValueOnce(page([row('mine', '1')]));
    const { result, rerender } = setup('?view=all');
    rerender({ f: readFilters('?view=mine') });
    await waitFor(() => expect(ids(result.current.tickets)).toEqual(['mine']));
    await act(async () => slow.resolve(page([row('all', '1')])));
    expect(ids(result.current.tickets)).toEqual(['mine']);
    expect(result.current.busy).toBe(false);
  });

  it('is busy from the first render of new filters', async () => {
    mocked.tickets.mockResolvedValue(page([]));
    const { result, rerender } = setup();
    await waitFor(() => expect(result.current.busy).toBe(false));
    rerender({ f: readFilters('?view=all') });
    expect(result.current.busy).toBe(true);
  });

  it('shows why the list failed to load', async () => {
    mocked.tickets.mockRejectedValue(new Error('The service is unavailable.'));
    const { result } = setup();
    await waitFor(() => expect(result.current.busy).toBe(false));
    expect(result.current.error).toBe('The service is unavailable.');
  });

  it("searches customers' tickets and subjects, and says what it found", async () => {
    mocked.customers.mockResolvedValue({ data: [{ id: 'c1' }], nextCursor: null } as never);
    mocked.tickets.mockImplementation(async (q) =>
      q?.customer === 'c1' ? page([row('byCustomer', '1')]) : page([row('bySubject', '2', { subject: 'Refund please' }), row('other', '3', { subject: 'Hello' })]),
    );
    const { result } = setup('?q=refund');
    await waitFor(() => expect(result.current.busy).toBe(false));
    expect(ids(result.current.tickets)).toEqual(['bySubject', 'byCustomer']);
    expect(result.current.searchInfo).toBe(
      '2 tickets: 1 ticket of 1 matching customer, 1 with a subject starting “refund”.',
    );
    expect(result.current.cursor).toBeNull();
  });

  it('jumps to a typed ticket number', async () => {
    mocked.ticketByNumber.mockResolvedValue(summary({ id: 'T42' }) as never);
    setup('?q=%2342');
    await waitFor(() => expect(window.location.pathname).toBe('/tickets/T42'));
    expect(mocked.ticketByNumber).toHaveBeenCalledWith('ACME-42');
  });

  it('says so when no ticket has the typed number', async () => {
    mocked.ticketByNumber.mockResolvedValue(null as never);
    const { result } = setup('?q=acme-7');
    await waitFor(() => expect(result.current.busy).toBe(false));
    expect(result.current.searchInfo).toBe('No ticket is numbered ACME-7.');
    expect(result.current.tickets).toEqual([]);
  });

  describe('live', () => {
    async function loaded(rows: TicketSummary[], search = '') {
      mocked.tickets.mockResolvedValue(page(rows));
      const hook = setup(search);
      await waitFor(() => expect(hook.result.current.busy).toBe(false));
      return hook;
    }

    it('adds a new ticket that belongs in the view, most recent first', async () => {
      const { result } = await loaded([row('a', '2'), row('b', '1')]);
      act(() => live.emit('ticket:created', row('new', '3')));
      await waitFor(() => expect(ids(result.current.tickets)).toEqual(['new', 'a', 'b']));
    });

    it('ignores a new ticket that does not belong in the view', async () => {
      const { result } = await loaded([row('a', '2')], '?view=mine');
      act(() => live.emit('ticket:created', row('new', '3', { assigneeId: 'u2' })));
      await act(async () => undefined);
      expect(ids(result.current.tickets)).toEqual(['a']);
    });

    it('moves a changed ticket to its place', async () => {
      const { result } = await loaded([row('a', '2'), row('b', '1')]);
      act(() => live.emit('ticket:updated', row('b', '3')));
      await waitFor(() => expect(ids(result.current.tickets)).toEqual(['b', 'a']));
    });

    it('takes out a ticket that left the view (closed)', async () => {
      const { result } = await loaded([row('a', '2'), row('b', '1')]);
      act(() => live.emit('ticket:updated', row('a', '2', { status: 'CLOSED' })));
      await waitFor(() => expect(ids(result.current.tickets)).toEqual(['b']));
    });

    it("takes a followed ticket's change from its message", async () => {
      const { result } = await loaded([row('a', '2'), row('b', '1')]);
      act(() => live.emit('message:new', newMessageEvent(message('m1', { ticketId: 'b' }), row('b', '3'))));
      await waitFor(() => expect(ids(result.current.tickets)).toEqual(['b', 'a']));
    });

    it('fetches the row when an event lacks the customer (an older backend)', async () => {
      mocked.ticket.mockResolvedValue(row('new', '3', { subject: 'fetched' }) as never);
      const { result } = await loaded([]);
      act(() => live.emit('ticket:created', row('new', '3', { customer: undefined })));
      await waitFor(() => expect(result.current.tickets.map((t) => t.subject)).toEqual(['fetched']));
    });

    it('leaves search results as they are', async () => {
      mocked.customers.mockResolvedValue({ data: [], nextCursor: null } as never);
      const { result } = await loaded([row('a', '2', { subject: 'ana' })], '?q=ana');
      act(() => live.emit('ticket:created', row('new', '3', { subject: 'ana again' })));
      await act(async () => undefined);
      expect(ids(result.current.tickets)).toEqual(['a']);
    });

    it('reloads after the socket reconnects (events were missed)', async () => {
      const { result } = await loaded([row('a', '1')]);
      mocked.tickets.mockResolvedValue(page([row('missed', '2'), row('a', '1')]));
      act(() => live.reconnect());
      await waitFor(() => expect(ids(result.current.tickets)).toEqual(['missed', 'a']));
    });

    it('hears nothing once the inbox is left', async () => {
      const before = live.listeners('ticket:created');
      const { unmount } = await loaded([]);
      expect(live.listeners('ticket:created')).toBe(before + 1);
      act(() => unmount());
      expect(live.listeners('ticket:created')).toBe(before);
    });
  });
});
