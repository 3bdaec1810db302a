// What makes two requests with one Idempotency-Key the same request, and what is kept of the
// first one's answer so that a repeat gets it again.
import { createHash } from 'node:crypto';

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
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}
