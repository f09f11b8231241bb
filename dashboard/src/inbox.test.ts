import { describe, expect, it } from 'vitest';
import { byActivity, hrefFor, matches, mergeRow, readFilters, toQuery, typedNumber, type Filters } from './inbox';
import { summary } from './test/fixtures';

const none: Filters = { view: 'open', status: '', priority: '', channel: '', team: '', q: '', sort: '' };

describe('readFilters / hrefFor', () => {
  it('defaults to the open view with no filters', () => {
    expect(readFilters('')).toEqual(none);
  });

  it('reads every filter', () => {
    expect(readFilters('?view=mine&status=PENDING&priority=HIGH&channel=CHAT&team=t1&q=ana&sort=due')).toEqual({
      view: 'mine',
      status: 'PENDING',
      priority: 'HIGH',
      channel: 'CHAT',
      team: 't1',
      q: 'ana',
      sort: 'due',
    });
  });

  it('writes the default view as the bare inbox', () => {
    expect(hrefFor(none)).toBe('/');
  });

  it('writes only the filters set', () => {
    expect(hrefFor({ ...none, view: 'all', priority: 'HIGH' })).toBe('/?view=all&priority=HIGH');
  });

  it('escapes the search text', () => {
    expect(hrefFor({ ...none, q: 'a&b c' })).toBe('/?q=a%26b+c');
  });

  it.each([
    { ...none },
    { ...none, view: 'mine', status: 'OPEN' },
    { ...none, view: 'unassigned', team: 't1', q: 'Ana Lee' },
    { ...none, view: 'all', priority: 'URGENT', channel: 'EMAIL' },
  ])('round-trips %j', (f) => {
    expect(readFilters(hrefFor(f).slice(1))).toEqual(f);
  });
});

describe('toQuery', () => {
  it.each<[Partial<Filters>, object]>([
    [{}, { status: 'OPEN' }],
    [{ view: 'mine' }, { assignee: 'me' }],
    [{ view: 'unassigned' }, { assignee: 'unassigned' }],
    [{ view: 'all' }, {}],
    [{ view: 'open', status: 'PENDING' }, { status: 'PENDING' }],
    [{ view: 'mine', priority: 'HIGH', channel: 'CHAT', team: 't1' }, { assignee: 'me', priority: 'HIGH', channel: 'CHAT', team: 't1' }],
  ])('%j → %j', (f, q) => {
    expect(toQuery({ ...none, ...f })).toEqual(q);
  });
});

describe('matches', () => {
  it.each([
    ['mine: mine', { assignee: 'me' as const }, { assigneeId: 'u1' }, true],
    ["mine: a colleague's", { assignee: 'me' as const }, { assigneeId: 'u2' }, false],
    ['unassigned: unassigned', { assignee: 'unassigned' as const }, { assigneeId: null }, true],
    ['unassigned: assigned', { assignee: 'unassigned' as const }, { assigneeId: 'u2' }, false],
    ['status: same', { status: 'OPEN' }, { status: 'OPEN' as const }, true],
    ['status: other', { status: 'OPEN' }, { status: 'CLOSED' as const }, false],
    ['priority: other', { priority: 'HIGH' }, { priority: 'LOW' as const }, false],
    ['channel: other', { channel: 'CHAT' }, { channel: 'EMAIL' as const }, false],
    ['team: same', { team: 't1' }, { teamId: 't1' }, true],
    ['team: none', { team: 't1' }, { teamId: null }, false],
    ['no filter', {}, {}, true],
  ])('%s', (_name, q, t, fits) => {
    expect(matches(summary(t), q, 'u1')).toBe(fits);
  });
});

describe('mergeRow', () => {
  const names = new Map([['u2', 'Ben']]);

  it("takes a new ticket's row as the event carries it", () => {
    const t = summary({ assignee: { id: 'u3', name: 'Cy' }, assigneeId: 'u3' });
    expect(mergeRow(undefined, t, names)).toEqual(t);
  });

  it("keeps the row's customer when the event has none (an older backend)", () => {
    const old = summary();
    expect(mergeRow(old, summary({ customer: undefined, status: 'PENDING' }), names).customer).toEqual(old.customer);
  });

  it("keeps the row's assignee when unchanged and unnamed", () => {
    const old = summary({ assigneeId: 'u3', assignee: { id: 'u3', name: 'Cy' } });
    expect(mergeRow(old, summary({ assigneeId: 'u3', assignee: undefined }), names).assignee).toEqual({ id: 'u3', name: 'Cy' });
  });

  it('names a new assignee from the users known, or "Someone"', () => {
    expect(mergeRow(summary(), summary({ assigneeId: 'u2', assignee: undefined }), names).assignee).toEqual({ id: 'u2', name: 'Ben' });
    expect(mergeRow(summary(), summary({ assigneeId: 'u9', assignee: undefined }), names).assignee).toEqual({ id: 'u9', name: 'Someone' });
  });

  it('clears the assignee of an unassigned ticket', () => {
    const old = summary({ assigneeId: 'u3', assignee: { id: 'u3', name: 'Cy' } });
    expect(mergeRow(old, summary({ assigneeId: null, assignee: undefined }), names).assignee).toBeNull();
  });
});

describe('typedNumber', () => {
  it.each([
    ['ACME-0042', 'ACME', 'ACME-0042'],
    ['acme-42', 'ACME', 'acme-42'],
    ['#ACME-42', 'ACME', '#ACME-42'],
    ['#42', 'ACME', 'ACME-42'],
    ['#42', undefined, null],
    ['42', 'ACME', null],
    ['refund', 'ACME', null],
    ['ACME-', 'ACME', null],
    ['TOOLONGPREFIX-1', 'ACME', null],
    ['ACME-1234567890123', 'ACME', null],
  ])('%j (prefix %j) → %j', (text, prefix, number) => {
    expect(typedNumber(text, prefix)).toBe(number);
  });
});

describe('byActivity', () => {
  it('sorts the most recent activity first', () => {
    const a = summary({ id: 'a', lastActivityAt: '2026-01-01T10:00:00Z' });
    const b = summary({ id: 'b', lastActivityAt: '2026-01-02T10:00:00Z' });
    expect([a, b].sort(byActivity).map((t) => t.id)).toEqual(['b', 'a']);
  });
});

describe('sorting by SLA due', () => {
  it('asks the API for the due order', () => {
    expect(toQuery({ ...none, sort: 'due' }).sort).toBe('due');
    expect(toQuery(none).sort).toBeUndefined();
  });

  it('keeps only tickets with something due in the due-next list', () => {
    const q = toQuery({ ...none, sort: 'due' });
    expect(matches(summary({ sla: {} }), q, 'u1')).toBe(false);
    expect(matches(summary({ sla: { firstResponseDueAt: '2026-01-02T00:00:00Z' } }), q, 'u1')).toBe(true);
  });
});
