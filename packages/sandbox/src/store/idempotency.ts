// What makes two requests with one Idempotency-Key the same request, and what is kept of the
// first one's answer so that a repeat gets it again.
import { hash } from 'node:crypto';

/** How long a key is kept: at least the 24 hours the spec promises. */
export const KEY_TTL_SECONDS = 24 * 60 * 60;

/** An operation's answer as a handler makes it, and as a repeat gets it back. */
export interface RecordedAnswer {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A state-changing request made with an Idempotency-Key. */
export interface KeyedRequest {
  key: string;
  operationId: string;
  params: unknown;
  body: unknown;
}

/** The request a key stands for: the operation, its path parameters and its body (in any key order). */
export function keyedRequestHash({ operationId, params, body }: KeyedRequest): string {
  return `${operationId}:${requestHash({ params, body })}`;
}

/** A hash of a JSON value; the same value in another key order hashes the same. */
export function requestHash(value: unknown): string {
  return hash('sha256', canonicalJson(value) ?? '');
}

/** An array index as a key: objects list these first, in numeric order, and JSON.stringify too. */
const INDEX_KEY = /^(?:0|[1-9]\d*)$/;
const isIndexKey = (key: string) => INDEX_KEY.test(key) && Number(key) < 2 ** 32 - 1;

/**
 * JSON.stringify of the value with every object's keys sorted, written in one pass: the same text
 * as stringifying a sorted copy (what keys were hashed as before, so keys recorded then still
 * match), without building the copy, which cost a keyed write about 10 us.
 */
function canonicalJson(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let items = '';
    for (let i = 0; i < value.length; i++) items += `${i === 0 ? '' : ','}${canonicalJson(value[i]) ?? 'null'}`;
    return `[${items}]`;
  }
  const keys = Object.keys(value);
  // Index keys stay first, as listed; only the others are sorted.
  let indexes = 0;
  while (indexes < keys.length && isIndexKey(keys[indexes]!)) indexes++;
  const sorted = indexes === 0 ? keys.sort() : [...keys.slice(0, indexes), ...keys.slice(indexes).sort()];
  let members = '';
  for (const key of sorted) {
    const member = canonicalJson((value as Record<string, unknown>)[key]);
    if (member !== undefined) members += `${members === '' ? '' : ','}${JSON.stringify(key)}:${member}`;
  }
  return `{${members}}`;
}
