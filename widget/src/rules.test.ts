import { describe, expect, test } from 'vitest';
import { backoff, badgeText, emailWanted, nextRetry, plausibleEmail, randomId, sendDelay, sendFailure, transient, typingDue } from './rules';

describe('backoff', () => {
  test('doubles from 0.5 s and stops at 30 s', () => {
    expect([0, 1, 2, 3, 6, 7, 8].map((r) => backoff(r, 1 - Number.EPSILON))).toEqual(
      [500, 1000, 2000, 4000, 30000, 30000, 30000].map((ms) => ms * (1 - Number.EPSILON / 2)),
    );
  });
  test('jitter keeps it between half and all of the step', () => {
    expect(backoff(2, 0)).toBe(1000);
    expect(backoff(2, 0.5)).toBe(1500);
  });
  test('the retry count is capped', () => {
    expect(nextRetry(0)).toBe(1);
    expect(nextRetry(8)).toBe(8);
  });
});

test.each([
  [0, '0'],
  [9, '9'],
  [10, '9+'],
])('badge for %i unread reads %s', (n, text) => expect(badgeText(n)).toBe(text));

describe('sending', () => {
  test.each([
    [0, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [429, false],
  ])('status %i is transient: %s', (status, yes) => expect(transient(status)).toBe(yes));

  test('retries wait 300 ms doubling', () => {
    expect([0, 1, 2, 3].map(sendDelay)).toEqual([300, 600, 1200, 2400]);
  });

  test.each([
    [429, 12, { kind: 'slow', seconds: 12 }],
    [429, 0, { kind: 'slow', seconds: 30 }],
    [403, 0, { kind: 'refused' }],
    [401, 0, { kind: 'session' }],
    [0, 0, { kind: 'failed' }],
    [500, 0, { kind: 'failed' }],
  ])('status %i (Retry-After %i) tells %o', (status, after, why) => {
    expect(sendFailure(status, after)).toEqual(why);
  });
});

test.each([
  ['ada@example.com', true],
  ['ada@example', false],
  ['ada example.com', false],
  ['', false],
])('%s is a plausible email: %s', (s, yes) => expect(plausibleEmail(s)).toBe(yes));

test.each([
  [false, true, undefined, true],
  [true, true, undefined, false],
  [false, false, undefined, false],
  [false, true, 'ada@example.com', false],
])('session %s, askEmail %s, user email %s: asks %s', (session, ask, email, yes) => {
  expect(emailWanted(session, ask, email)).toBe(yes);
});

test('client ids are 32 hex digits', () => {
  expect(randomId(new Uint8Array([0, 1, 255, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBe('0001ff10' + '0'.repeat(24));
});

test('typing goes out at most every 3 s', () => {
  expect(typingDue(10_000, 0)).toBe(true);
  expect(typingDue(10_000, 7_500)).toBe(false);
  expect(typingDue(10_001, 7_000)).toBe(true);
});
