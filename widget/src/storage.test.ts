import { describe, expect, test } from 'vitest';
import { asOutbox, asStored, Store } from './storage';

/** An in-memory localStorage; `blocked` makes every call throw (as Safari's may). */
function memory(blocked = false) {
  const m = new Map<string, string>();
  const guard = () => {
    if (blocked) throw new Error('SecurityError');
  };
  return {
    m,
    backend: {
      getItem: (k: string) => (guard(), m.get(k) ?? null),
      setItem: (k: string, v: string) => (guard(), void m.set(k, v)),
      removeItem: (k: string) => (guard(), void m.delete(k)),
    },
  };
}

describe('Store', () => {
  test('keeps the session under wrrk:<key> and forgets it', () => {
    const { m, backend } = memory();
    const s = new Store('wk_1', () => backend);
    expect(s.load()).toBeNull();
    s.save({ token: 't', ticketId: 'T' });
    expect(JSON.parse(m.get('wrrk:wk_1') ?? '')).toEqual({ token: 't', ticketId: 'T' });
    expect(s.load()).toEqual({ token: 't', ticketId: 'T' });
    s.save(null);
    expect(m.has('wrrk:wk_1')).toBe(false);
  });

  test('an empty outbox is removed, not stored', () => {
    const { m, backend } = memory();
    const s = new Store('k', () => backend);
    s.setOutbox([{ clientId: 'c', content: 'hi', ticketId: 'T' }]);
    expect(s.outbox()).toHaveLength(1);
    s.setOutbox([]);
    expect(m.has('wrrk:k:out')).toBe(false);
  });

  test('keeps a survey not yet answered under wrrk:<key>:survey, and drops it', () => {
    const { m, backend } = memory();
    const s = new Store('k', () => backend);
    expect(s.survey()).toBeNull();
    s.setSurvey({ surveyId: 'S', ticketId: 'T' });
    expect(new Store('k', () => backend).survey()).toEqual({ surveyId: 'S', ticketId: 'T' });
    s.setSurvey(null);
    expect(m.has('wrrk:k:survey')).toBe(false);
    m.set('wrrk:k:survey', '{"surveyId":1}');
    expect(s.survey()).toBeNull();
  });

  test('garbage and blocked storage read as nothing', () => {
    const { m, backend } = memory();
    m.set('wrrk:k', '{not json');
    m.set('wrrk:k:out', '{"a":1}');
    const s = new Store('k', () => backend);
    expect(s.load()).toBeNull();
    expect(s.outbox()).toEqual([]);
    const blocked = new Store('k', () => memory(true).backend);
    expect(blocked.load()).toBeNull();
    expect(() => blocked.save({ token: 't', ticketId: 'T' })).not.toThrow();
  });
});

test.each([
  [null, null],
  [{}, null],
  [{ token: '' }, null],
  [{ token: 5 }, null],
  [{ token: 't', ticketId: 'T' }, { token: 't', ticketId: 'T' }],
])('asStored(%o)', (v, want) => expect(asStored(v)).toEqual(want));

test('asOutbox accepts lists only', () => {
  expect(asOutbox(null)).toEqual([]);
  expect(asOutbox({})).toEqual([]);
  expect(asOutbox([{ clientId: 'c' }])).toHaveLength(1);
});
