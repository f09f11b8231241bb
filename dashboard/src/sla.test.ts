import { describe, expect, it } from 'vitest';
import type { TicketSummary } from './api/types';
import { byDue, nextDue, pausedLeft, span } from './sla';

const row = (id: string, sla: TicketSummary['sla'], lastActivityAt = '2026-01-01T00:00:00Z') =>
  ({ id, sla, lastActivityAt }) as TicketSummary;

describe('nextDue', () => {
  it('is nothing without due times', () => {
    expect(nextDue(undefined)).toBeNull();
    expect(nextDue({})).toBeNull();
  });
  it('picks the soonest pending due time and names it', () => {
    expect(
      nextDue({ firstResponseDueAt: '2026-01-02T10:00:00Z', resolutionDueAt: '2026-01-02T09:00:00Z' }),
    ).toEqual({ at: '2026-01-02T09:00:00Z', label: 'Resolution' });
  });
});

describe('pausedLeft', () => {
  it('is the time left of a stopped resolution clock, else nothing', () => {
    expect(pausedLeft(undefined)).toBeNull();
    expect(pausedLeft({ resolutionDueAt: '2026-01-02T10:00:00Z' })).toBeNull();
    expect(pausedLeft({ resolutionPausedAt: '2026-01-02T09:00:00Z', resolutionLeftSecs: 5400 })).toBe(5_400_000);
  });
});

describe('byDue', () => {
  it('puts the soonest due first and tickets with nothing due last, newest first', () => {
    const list = [
      row('none-old', {}, '2026-01-01T00:00:00Z'),
      row('late', { nextResponseDueAt: '2026-01-03T00:00:00Z' }),
      row('none-new', {}, '2026-01-05T00:00:00Z'),
      row('soon', { firstResponseDueAt: '2026-01-02T00:00:00Z' }),
    ];
    expect(list.sort(byDue).map((t) => t.id)).toEqual(['soon', 'late', 'none-new', 'none-old']);
  });
});

describe('span', () => {
  it.each([
    [45_000, '45 s'],
    [-45_000, '45 s'],
    [5 * 60_000, '5 min'],
    [65 * 60_000, '1 h 5 min'],
    [2 * 3_600_000, '2 h'],
    [(3 * 24 + 2) * 3_600_000, '3 d 2 h'],
    [2 * 24 * 3_600_000, '2 d'],
  ])('%d ms reads %s', (ms, text) => {
    expect(span(ms)).toBe(text);
  });
});
