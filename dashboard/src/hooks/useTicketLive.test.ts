import { act, renderHook } from '@testing-library/preact';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { live as realLive } from '../live';
import { ticketViewers } from '../state';
import type { FakeLive } from '../test/fakeLive';
import { message, newMessageEvent, summary, TICKET } from '../test/fixtures';
import { useTicketLive } from './useTicketLive';

vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }));
const live = realLive as unknown as FakeLive;

function setup(id = TICKET) {
  const thread = { add: vi.fn(), put: vi.fn(), applySummary: vi.fn(), catchUp: vi.fn(async () => undefined) };
  const hook = renderHook(() => useTicketLive(id, thread));
  return { thread, ...hook };
}

describe('useTicketLive', () => {
  beforeEach(() => live.reset());

  it("follows the ticket's room while mounted, and lets go after", () => {
    const { unmount } = setup();
    expect(live.rooms.get(TICKET)).toBe(1);
    // Preact 11 runs unmount cleanups with the effects: act flushes them.
    act(() => unmount());
    expect(live.rooms.has(TICKET)).toBe(false);
  });

  it('adds a new message of this ticket', () => {
    const { thread } = setup();
    const m = message('01');
    live.emit('message:new', newMessageEvent(m));
    expect(thread.add).toHaveBeenCalledWith([m]);
    expect(thread.applySummary).not.toHaveBeenCalled();
  });

  it('takes the ticket summary a new message carries (a reopen), without it in the message', () => {
    const { thread } = setup();
    const m = message('01');
    const t = summary({ status: 'OPEN' });
    live.emit('message:new', newMessageEvent(m, t));
    expect(thread.add).toHaveBeenCalledWith([m]);
    expect(thread.add.mock.calls[0][0][0]).not.toHaveProperty('ticket');
    expect(thread.applySummary).toHaveBeenCalledWith(t);
  });

  it("ignores another ticket's events", () => {
    const { thread } = setup();
    live.emit('message:new', newMessageEvent(message('01', { ticketId: 'OTHER' })));
    live.emit('message:updated', message('01', { ticketId: 'OTHER' }));
    live.emit('ticket:updated', summary({ id: 'OTHER' }));
    live.emit('ticket:subscribed', { ticketId: 'OTHER' } as never);
    expect(thread.add).not.toHaveBeenCalled();
    expect(thread.put).not.toHaveBeenCalled();
    expect(thread.applySummary).not.toHaveBeenCalled();
    expect(thread.catchUp).not.toHaveBeenCalled();
  });

  it('replaces a changed message (its delivery state moved)', () => {
    const { thread } = setup();
    const m = message('01');
    live.emit('message:updated', m);
    expect(thread.put).toHaveBeenCalledWith([m]);
  });

  it("applies the ticket's changes", () => {
    const { thread } = setup();
    const t = summary({ priority: 'URGENT' });
    live.emit('ticket:updated', t);
    expect(thread.applySummary).toHaveBeenCalledWith(t);
  });

  it('catches up each time the room is (re)joined', () => {
    const { thread } = setup();
    live.emit('ticket:subscribed', { ticketId: TICKET } as never);
    live.emit('ticket:subscribed', { ticketId: TICKET } as never);
    expect(thread.catchUp).toHaveBeenCalledTimes(2);
  });

  it('hears nothing once unmounted', () => {
    const { thread, unmount } = setup();
    // Preact 11 runs unmount cleanups with the effects: act flushes them.
    act(() => unmount());
    live.emit('message:new', newMessageEvent(message('01')));
    live.emit('ticket:updated', summary());
    expect(thread.add).not.toHaveBeenCalled();
    expect(thread.applySummary).not.toHaveBeenCalled();
  });

  it("forgets the ticket's viewers when it is left (they would go stale)", () => {
    ticketViewers.value = new Map([[TICKET, { at: 1, viewers: [] }]]);
    const { unmount } = setup();
    // Preact 11 runs unmount cleanups with the effects: act flushes them.
    act(() => unmount());
    expect(ticketViewers.value.has(TICKET)).toBe(false);
  });
});
