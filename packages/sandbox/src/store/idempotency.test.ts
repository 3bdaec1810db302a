// What makes two keyed requests the same request: the hash of their operation, path parameters
// and body, whatever the order of their keys, and the same hash as earlier versions kept.
import { describe, expect, it } from 'vitest';
import { keyedRequestHash, requestHash } from './idempotency.js';

const BODY = {
  utr: 'UTR 1 "é"',
  processed_at: 1693161000.5,
  notes: [{ b: null, a: true }, 2, 'x'],
  by_index: { 10: 'ten', 2: 'two', b: 'b', a: 'a' },
  empty: {},
  none: [],
};
const PARAMS = { id: 'bb572e48-1d50-4a53-b5ae-37b23855f84f' };

describe('requestHash', () => {
  it('hashes a value as earlier versions did, so a key kept by them still matches its request', () => {
    // sha256 of JSON.stringify of a copy with every object's keys sorted (versions up to 2026-12-07).
    expect(requestHash({ params: PARAMS, body: BODY })).toBe('4a2f6ecff9279cd13a5a540f6fdd3bbc66fa4e459705303d6406a7c1059e4fb3');
  });

  it('hashes the same value in another key order the same, and another value otherwise', () => {
    const reordered = {
      none: [],
      empty: {},
      by_index: { a: 'a', 2: 'two', b: 'b', 10: 'ten' },
      notes: [{ a: true, b: null }, 2, 'x'],
      processed_at: 1693161000.5,
      utr: 'UTR 1 "é"',
    };
    expect(requestHash({ body: reordered, params: PARAMS })).toBe(requestHash({ params: PARAMS, body: BODY }));
    // An array keeps its order; a missing value is not a null one.
    expect(requestHash({ params: PARAMS, body: { ...BODY, notes: [2, { b: null, a: true }, 'x'] } })).not.toBe(
      requestHash({ params: PARAMS, body: BODY }),
    );
    expect(requestHash({ a: undefined })).toBe(requestHash({}));
    expect(requestHash({ a: null })).not.toBe(requestHash({}));
  });

  it('names the operation in a keyed request hash', () => {
    const keyed = { key: 'k', params: PARAMS, body: BODY };
    expect(keyedRequestHash({ ...keyed, operationId: 'processPayout' })).toBe(
      `processPayout:${requestHash({ params: PARAMS, body: BODY })}`,
    );
    expect(keyedRequestHash({ ...keyed, operationId: 'retryPayout' })).not.toBe(
      keyedRequestHash({ ...keyed, operationId: 'processPayout' }),
    );
  });
});
