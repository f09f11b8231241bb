import { expect, test } from 'vitest';
import { surveyOutcome } from './csat';

test.each([
  [200, 'thanks'],
  [409, 'thanks'],
  [410, 'expired'],
  [404, 'expired'],
  [0, 'failed'],
  [422, 'failed'],
  [500, 'failed'],
] as const)('an answer with status %i tells the visitor %s', (status, outcome) => {
  expect(surveyOutcome(status)).toBe(outcome);
});
