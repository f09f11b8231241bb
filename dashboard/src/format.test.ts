import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bytes, titleCase, when } from './format';

describe('bytes', () => {
  it.each([
    [undefined, ''],
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.0 KB'],
    [184_320, '180.0 KB'],
    [1024 * 1024, '1.0 MB'],
    [15 * 1024 * 1024 + 512 * 1024, '15.5 MB'],
  ])('%j → %j', (n, text) => {
    expect(bytes(n)).toBe(text);
  });
});

describe('titleCase', () => {
  it.each([
    ['OPEN', 'Open'],
    ['AUTO_REPLY', 'Auto_reply'],
    ['', ''],
  ])('%j → %j', (s, text) => {
    expect(titleCase(s)).toBe(text);
  });
});

describe('when', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date(2026, 0, 15, 14, 30) });
  });
  afterEach(() => vi.useRealTimers());

  it('is empty for nothing or an unreadable date', () => {
    expect(when(null)).toBe('');
    expect(when(undefined)).toBe('');
    expect(when('not a date')).toBe('');
  });

  it('shows only the time for today', () => {
    const today = new Date(2026, 0, 15, 9, 5);
    expect(when(today.toISOString())).toBe(today.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
  });

  it('shows the date too for another day', () => {
    const before = new Date(2026, 0, 14, 9, 5);
    expect(when(before.toISOString())).toBe(
      before.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
    );
  });
});
