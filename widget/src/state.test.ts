import { describe, expect, test } from 'vitest';
import { dataState, transition, type Phase, type PhaseEvent } from './state';

const phases: Phase[] = ['closed', 'opening', 'open', 'offline', 'refused'];

describe('transition', () => {
  // [from, event, to]
  const table: [Phase, PhaseEvent, Phase][] = [
    ['closed', 'connect', 'opening'],
    ['offline', 'connect', 'opening'],
    ['refused', 'connect', 'opening'],
    ['opening', 'connect', 'opening'],
    ['open', 'connect', 'open'],
    ['opening', 'caughtUp', 'open'],
    ['offline', 'caughtUp', 'offline'],
    ['closed', 'caughtUp', 'closed'],
    ['refused', 'caughtUp', 'refused'],
    ['open', 'caughtUp', 'open'],
    ['opening', 'lost', 'offline'],
    ['open', 'lost', 'offline'],
    ['closed', 'lost', 'closed'],
    ['refused', 'lost', 'refused'],
    ['offline', 'lost', 'offline'],
  ];
  test.each(table)('%s --%s--> %s', (from, event, to) => {
    expect(transition(from, event)).toBe(to);
  });

  test('drop always closes', () => {
    for (const p of phases) expect(transition(p, 'drop')).toBe('closed');
  });

  test('a refused session is refused from any phase', () => {
    for (const p of phases) expect(transition(p, 'refused')).toBe('refused');
  });

  test('a socket lost and reconnected goes live again only after catching up', () => {
    let p: Phase = 'open';
    p = transition(p, 'lost');
    p = transition(p, 'connect');
    expect(p).toBe('opening');
    p = transition(p, 'caughtUp');
    expect(p).toBe('open');
  });
});

describe('dataState', () => {
  test.each([
    ['closed', 'idle'],
    ['refused', 'idle'],
    ['opening', 'connecting'],
    ['offline', 'connecting'],
    ['open', 'live'],
  ] as const)('%s shows as %s', (phase, shown) => {
    expect(dataState(phase)).toBe(shown);
  });
});
