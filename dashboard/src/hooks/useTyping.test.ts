import { act, renderHook } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvents } from '../api/types';
import { live as realLive } from '../live';
import { me } from '../state';
import type { FakeLive } from '../test/fakeLive';
import { message, newMessageEvent, TICKET, user } from '../test/fixtures';
import {
  TYPING_DEFAULT_MS,
  TYPING_IDLE_MS,
  TYPING_THROTTLE_MS,
  typingSentence,
  useTypingSignal,
  useTypists,
  withIndicator,
  withoutAuthor,
  withoutExpired,
  type Typists,
} from './useTyping';

vi.mock('../live', async () => ({ live: (await import('../test/fakeLive')).fakeLive() }));
const live = realLive as unknown as FakeLive;

const NOW = Date.parse('2026-01-01T10:00:00Z');
const indicator = (over: Partial<ServerEvents['typing:indicator']>): ServerEvents['typing:indicator'] =>
  ({ ticketId: TICKET, userId: 'u2', name: 'Ben', typing: true, ...over }) as ServerEvents['typing:indicator'];

describe('typingSentence', () => {
  it.each([
    [[], ''],
    [['Ana'], 'Ana is typing…'],
    [['Ana', 'Ben'], 'Ana and Ben are typing…'],
    [['Ana', 'Ben', 'Cy'], 'Ana, Ben and Cy are typing…'],
  ])('%j → %j', (names, text) => {
    expect(typingSentence(names)).toBe(text);
  });
});

describe('withIndicator', () => {
  it('adds a typist until the expiry the event gives', () => {
    const m = withIndicator(new Map(), indicator({ expiresAt: '2026-01-01T10:00:06Z' }), NOW);
    expect(m.get('u2')).toEqual({ name: 'Ben', until: NOW + 6000 });
  });

  it('defaults the expiry when the event gives none', () => {
    expect(withIndicator(new Map(), indicator({}), NOW).get('u2')!.until).toBe(NOW + TYPING_DEFAULT_MS);
  });

  it('defaults the expiry when the event gives an unreadable one', () => {
    expect(withIndicator(new Map(), indicator({ expiresAt: 'soon' }), NOW).get('u2')!.until).toBe(NOW + TYPING_DEFAULT_MS);
  });

  it('removes a typist who stopped', () => {
    const cur: Typists = new Map([['u2', { name: 'Ben', until: NOW + 1 }]]);
    expect(withIndicator(cur, indicator({ typing: false }), NOW).size).toBe(0);
  });

  it('does not change the map it was given', () => {
    const cur: Typists = new Map();
    withIndicator(cur, indicator({}), NOW);
    expect(cur.size).toBe(0);
  });
});

describe('withoutAuthor / withoutExpired', () => {
  const cur: Typists = new Map([
    ['u2', { name: 'Ben', until: NOW + 1000 }],
    ['u3', { name: 'Cy', until: NOW - 1 }],
  ]);

  it("drops a typist whose message arrived", () => {
    expect([...withoutAuthor(cur, 'u2').keys()]).toEqual(['u3']);
  });

  it('returns the same map when the author was not typing (no re-render)', () => {
    expect(withoutAuthor(cur, 'u9')).toBe(cur);
  });

  it('drops typists whose indicator expired', () => {
    expect([...withoutExpired(cur, NOW).keys()]).toEqual(['u2']);
  });

  it('returns the same map when none expired (no re-render)', () => {
    expect(withoutExpired(cur, NOW - 10)).toBe(cur);
  });
});

describe('useTypists', () => {
  beforeEach(() => {
    live.reset();
    me.value = user('u1', 'Ana');
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => vi.useRealTimers());

  it('lists who else is typing on this ticket', () => {
    const { result } = renderHook(() => useTypists(TICKET));
    act(() => live.emit('typing:indicator', indicator({})));
    act(() => live.emit('typing:indicator', indicator({ userId: 'u3', name: 'Cy' })));
    expect(result.current).toEqual(['Ben', 'Cy']);
  });

  it("ignores this agent's own typing (their other tabs)", () => {
    const { result } = renderHook(() => useTypists(TICKET));
    act(() => live.emit('typing:indicator', indicator({ userId: 'u1', name: 'Ana' })));
    expect(result.current).toEqual([]);
  });

  it("ignores typing on another ticket", () => {
    const { result } = renderHook(() => useTypists(TICKET));
    act(() => live.emit('typing:indicator', indicator({ ticketId: 'OTHER' })));
    expect(result.current).toEqual([]);
  });

  it("ends a typist's indicator when their message arrives", () => {
    const { result } = renderHook(() => useTypists(TICKET));
    act(() => live.emit('typing:indicator', indicator({})));
    act(() => live.emit('message:new', newMessageEvent(message('01', { authorId: 'u2' }))));
    expect(result.current).toEqual([]);
  });

  it('lets an indicator expire on its own', () => {
    const { result } = renderHook(() => useTypists(TICKET));
    act(() => live.emit('typing:indicator', indicator({ expiresAt: new Date(NOW + 2500).toISOString() })));
    act(() => {
      vi.advanceTimersByTime(2000);
    });
    expect(result.current).toEqual(['Ben']);
    act(() => {
      vi.advanceTimersByTime(1000);
    });
    expect(result.current).toEqual([]);
  });
});

describe('useTypingSignal', () => {
  beforeEach(() => {
    live.reset();
    vi.useFakeTimers({ now: NOW });
  });
  afterEach(() => vi.useRealTimers());
  const actions = () => live.sent.map((s) => s.action);

  it('sends typing:start on the first keystroke', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    expect(live.sent).toEqual([{ action: 'typing:start', ticketId: TICKET }]);
  });

  it('sends at most one typing:start per throttle interval', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    vi.advanceTimersByTime(TYPING_THROTTLE_MS - 1);
    result.current.typed('He');
    expect(actions()).toEqual(['typing:start']);
    vi.advanceTimersByTime(1);
    result.current.typed('Hel');
    expect(actions()).toEqual(['typing:start', 'typing:start']);
  });

  it('sends typing:stop after a pause', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(actions()).toEqual(['typing:start']);
    vi.advanceTimersByTime(1);
    expect(actions()).toEqual(['typing:start', 'typing:stop']);
  });

  it('each keystroke pushes the pause back', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1000);
    result.current.typed('Hi');
    vi.advanceTimersByTime(TYPING_IDLE_MS - 1);
    expect(actions()).toEqual(['typing:start', 'typing:start']);
    vi.advanceTimersByTime(1);
    expect(actions()).toEqual(['typing:start', 'typing:start', 'typing:stop']);
  });

  it('emptying the box stops typing at once', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    result.current.typed('   ');
    expect(actions()).toEqual(['typing:start', 'typing:stop']);
  });

  it('sends no typing:stop when no typing was announced', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.stop();
    result.current.typed('');
    expect(actions()).toEqual([]);
  });

  it('stop sends typing:stop once, and the next keystroke starts again', () => {
    const { result } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    result.current.stop();
    result.current.stop();
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    result.current.typed('Hi');
    expect(actions()).toEqual(['typing:start', 'typing:stop', 'typing:start']);
  });

  it('leaving the ticket ends its typing', () => {
    const { result, unmount } = renderHook(() => useTypingSignal(TICKET));
    result.current.typed('H');
    // Preact 11 runs unmount cleanups with the effects: act flushes them.
    act(() => unmount());
    expect(actions()).toEqual(['typing:start', 'typing:stop']);
    vi.advanceTimersByTime(TYPING_IDLE_MS);
    expect(actions()).toEqual(['typing:start', 'typing:stop']);
  });
});
