import { act, renderHook, waitFor } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { api } from '../api/client';
import { deferred, message, summary, ticket, TICKET } from '../test/fixtures';
import { MessageSet, mergeSummary, useTicketThread } from './useTicketThread';

vi.mock('../api/client', async (orig) => ({
  ...(await orig<typeof import('../api/client')>()),
  api: { ticket: vi.fn(), messages: vi.fn() },
}));
vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }));

const mocked = vi.mocked(api);
const page = (ids: string[], nextCursor: string | null = null) => ({ data: ids.map((id) => message(id)), nextCursor });
const ids = (list: { id: string }[]) => list.map((m) => m.id);

describe('MessageSet', () => {
  it('lists messages oldest first whatever order they came in', () => {
    const s = new MessageSet(TICKET);
    s.add([message('03'), message('01'), message('02')]);
    expect(ids(s.sorted())).toEqual(['01', '02', '03']);
  });

  it('adds a message only once and says whether anything was new', () => {
    const s = new MessageSet(TICKET);
    expect(s.add([message('01')])).toBe(true);
    expect(s.add([message('01', { content: 'again' })])).toBe(false);
    expect(s.sorted()[0].content).toBe('message 01');
  });

  it("ignores another ticket's messages", () => {
    const s = new MessageSet(TICKET);
    expect(s.add([message('01', { ticketId: 'OTHER' })])).toBe(false);
    s.put([message('02', { ticketId: 'OTHER' })]);
    expect(s.sorted()).toEqual([]);
  });

  it('takes a message without a ticket id as its own', () => {
    const s = new MessageSet(TICKET);
    expect(s.add([message('01', { ticketId: undefined })])).toBe(true);
  });

  it('put replaces a held message (a changed delivery state)', () => {
    const s = new MessageSet(TICKET);
    s.add([message('01')]);
    s.put([message('01', { content: 'changed' })]);
    expect(s.sorted().map((m) => m.content)).toEqual(['changed']);
  });

  it('lastId is the newest id held, empty when none', () => {
    const s = new MessageSet(TICKET);
    expect(s.lastId()).toBe('');
    s.add([message('01B'), message('01C'), message('01A')]);
    expect(s.lastId()).toBe('01C');
  });
});

describe('mergeSummary', () => {
  const names = new Map([['u2', 'Ben Agent']]);

  it('keeps nothing to merge into while no ticket is loaded', () => {
    expect(mergeSummary(null, summary(), names)).toBeNull();
  });

  it("takes the summary's fields and keeps the rest", () => {
    const old = ticket({ snoozedUntil: '2026-02-01T09:00:00Z' });
    const next = mergeSummary(old, summary({ status: 'PENDING', priority: 'HIGH' }), names)!;
    expect(next.status).toBe('PENDING');
    expect(next.priority).toBe('HIGH');
    expect(next.snoozedUntil).toBe('2026-02-01T09:00:00Z');
  });

  it('keeps the customer when the summary carries none', () => {
    const old = ticket();
    expect(mergeSummary(old, summary({ customer: undefined }), names)!.customer).toEqual(old.customer);
  });

  it('keeps the assignee when it did not change and the summary does not name it', () => {
    const old = ticket({ assigneeId: 'u1', assignee: { id: 'u1', name: 'Ana Agent' } });
    const next = mergeSummary(old, summary({ assigneeId: 'u1', assignee: undefined }), names)!;
    expect(next.assignee).toEqual({ id: 'u1', name: 'Ana Agent' });
  });

  it('names a new assignee from the users known', () => {
    const old = ticket({ assigneeId: 'u1', assignee: { id: 'u1', name: 'Ana Agent' } });
    const next = mergeSummary(old, summary({ assigneeId: 'u2', assignee: undefined }), names)!;
    expect(next.assignee).toEqual({ id: 'u2', name: 'Ben Agent' });
  });

  it('calls an unknown new assignee "Someone"', () => {
    const next = mergeSummary(ticket(), summary({ assigneeId: 'u9', assignee: undefined }), names)!;
    expect(next.assignee).toEqual({ id: 'u9', name: 'Someone' });
  });

  it('clears the assignee when the ticket was unassigned', () => {
    const old = ticket({ assigneeId: 'u1', assignee: { id: 'u1', name: 'Ana Agent' } });
    expect(mergeSummary(old, summary({ assigneeId: null, assignee: undefined }), names)!.assignee).toBeNull();
  });

  it("uses the summary's assignee when it carries one", () => {
    const next = mergeSummary(ticket(), summary({ assigneeId: 'u3', assignee: { id: 'u3', name: 'Cy' } }), names)!;
    expect(next.assignee).toEqual({ id: 'u3', name: 'Cy' });
  });
});

describe('useTicketThread', () => {
  beforeEach(() => {
    mocked.ticket.mockResolvedValue(ticket());
  });

  it('loads the ticket and every page of the thread, oldest first', async () => {
    mocked.messages.mockImplementation(async (_id, q) =>
      q?.cursor === 'p2' ? page(['04', '03']) : page(['02', '01'], 'p2'),
    );
    const { result } = renderHook(() => useTicketThread(TICKET));
    expect(result.current.loadingThread).toBe(true);
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    expect(result.current.ticket?.id).toBe(TICKET);
    expect(ids(result.current.messages)).toEqual(['01', '02', '03', '04']);
    expect(mocked.messages).toHaveBeenCalledTimes(2);
    expect(result.current.error).toBeNull();
  });

  it('shows the first page before the rest has arrived', async () => {
    const second = deferred<ReturnType<typeof page>>();
    mocked.messages.mockImplementation((_id, q) =>
      q?.cursor === 'p2' ? second.promise : Promise.resolve(page(['01', '02'], 'p2')),
    );
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(ids(result.current.messages)).toEqual(['01', '02']));
    expect(result.current.loadingThread).toBe(true);
    await act(async () => second.resolve(page(['03'])));
    await waitFor(() => expect(ids(result.current.messages)).toEqual(['01', '02', '03']));
  });

  it('reports a ticket that fails to load as an error sentence', async () => {
    mocked.messages.mockResolvedValue(page(['01']));
    mocked.ticket.mockRejectedValue(new Error('The ticket was not found.'));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    expect(result.current.error).toBe('The ticket was not found.');
    expect(result.current.ticket).toBeNull();
  });

  it('reports a thread that fails to load, with the ticket failing too', async () => {
    mocked.messages.mockRejectedValue(new Error('The ticket was not found.'));
    mocked.ticket.mockRejectedValue(new Error('The ticket was not found.'));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    expect(result.current.error).toBe('The ticket was not found.');
    expect(result.current.ticket).toBeNull();
  });

  it('add shows only new messages; put replaces', async () => {
    mocked.messages.mockResolvedValue(page(['01']));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    act(() => result.current.add([message('01', { content: 'dup' }), message('02')]));
    expect(result.current.messages.map((m) => m.content)).toEqual(['message 01', 'message 02']);
    act(() => result.current.put([message('01', { content: 'edited' })]));
    expect(result.current.messages.map((m) => m.content)).toEqual(['edited', 'message 02']);
  });

  it('catchUp fetches after the newest message held and reloads the ticket', async () => {
    mocked.messages.mockResolvedValue(page(['01', '02']));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    mocked.messages.mockResolvedValue(page(['03']));
    mocked.ticket.mockResolvedValue(ticket({ status: 'PENDING' }));
    await act(() => result.current.catchUp());
    expect(mocked.messages).toHaveBeenLastCalledWith(TICKET, expect.objectContaining({ after: '02' }));
    expect(ids(result.current.messages)).toEqual(['01', '02', '03']);
    expect(result.current.ticket?.status).toBe('PENDING');
  });

  it('catchUp waits for the first load, so it asks after what that load found', async () => {
    const first = deferred<ReturnType<typeof page>>();
    mocked.messages.mockReturnValueOnce(first.promise).mockResolvedValue(page([]));
    const { result } = renderHook(() => useTicketThread(TICKET));
    let caught: Promise<void> = Promise.resolve();
    act(() => {
      caught = result.current.catchUp();
    });
    await act(async () => first.resolve(page(['05'])));
    await act(() => caught);
    expect(mocked.messages).toHaveBeenLastCalledWith(TICKET, expect.objectContaining({ after: '05' }));
  });

  it('a failed catch-up changes nothing (the next event tries again)', async () => {
    mocked.messages.mockResolvedValue(page(['01']));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    mocked.messages.mockRejectedValue(new Error('offline'));
    await act(() => result.current.catchUp());
    expect(ids(result.current.messages)).toEqual(['01']);
    expect(result.current.error).toBeNull();
  });

  it('applySummary takes an event summary into the loaded ticket', async () => {
    mocked.messages.mockResolvedValue(page([]));
    const { result } = renderHook(() => useTicketThread(TICKET));
    await waitFor(() => expect(result.current.ticket).not.toBeNull());
    act(() => result.current.applySummary(summary({ status: 'CLOSED' })));
    expect(result.current.ticket?.status).toBe('CLOSED');
  });

  it('keeps its callbacks stable across renders (effects depending on them run once)', async () => {
    mocked.messages.mockResolvedValue(page(['01']));
    const { result } = renderHook(() => useTicketThread(TICKET));
    const before = result.current;
    await waitFor(() => expect(result.current.loadingThread).toBe(false));
    expect(result.current.add).toBe(before.add);
    expect(result.current.put).toBe(before.put);
    expect(result.current.applySummary).toBe(before.applySummary);
    expect(result.current.catchUp).toBe(before.catchUp);
  });
});
