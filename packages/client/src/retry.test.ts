import { describe, expect, test } from 'vitest';
import { backoffMs, mayRetry, retryAfterMs, retryPolicy } from './retry.js';

describe('retryAfterMs', () => {
  const now = Date.parse('Sun, 24 Nov 2024 10:00:00 GMT');
  test.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Sun, 24 Nov 2024 10:00:30 GMT', 30_000],
    ['Sun, 24 Nov 2024 09:59:00 GMT', 0],
  ])('reads %j as %i ms', (header, ms) => expect(retryAfterMs(header, now)).toBe(ms));

  test.each([null, '', 'soon', '-5', '1.5'])('ignores %j', (header) => expect(retryAfterMs(header, now)).toBeUndefined());
});

describe('backoffMs', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
  test('doubles per retry, between half and all of the doubled delay, and stops growing at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, policy, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([1, 2, 3, 4, 5].map((retry) => backoffMs(retry, policy, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});

describe('mayRetry', () => {
  test('retries reads, and changes only when they carry an Idempotency-Key', () => {
    expect(mayRetry('GET', false)).toBe(true);
    expect(mayRetry('PUT', false)).toBe(false);
    expect(mayRetry('POST', false)).toBe(false);
    expect(mayRetry('PUT', true)).toBe(true);
    expect(mayRetry('POST', true)).toBe(true);
  });
});
