export interface RetryOptions {
  /** Tries in all, the first included; 1 turns retrying off. Default 3. */
  attempts?: number;
  /** Wait before the first retry; it doubles for each further retry, with jitter. Default 200 ms. */
  baseDelayMs?: number;
  /** Longest wait between two attempts. A `Retry-After` asking for longer ends the retries. Default 10 s. */
  maxDelayMs?: number;
}

export type RetryPolicy = Required<RetryOptions>;

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

/**
 * Whether a call may be sent again after a failure: a read may; a change only with an
 * Idempotency-Key, which makes the repeat answer the first answer instead of acting twice (a lost
 * answer to Export Payout for Bank, retried without one, would leave nobody with the bank file).
 */
export function mayRetry(method: string, carriesIdempotencyKey: boolean): boolean {
  return method === 'GET' || method === 'HEAD' || carriesIdempotencyKey;
}

/** Statuses that say "try again later" rather than "this request is wrong". */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return { ...DEFAULT_RETRY, attempts: 1 };
  const policy = { ...DEFAULT_RETRY, ...options };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new TypeError(`createPayoutsClient: retry.attempts must be a whole number of at least 1 (got ${String(policy.attempts)})`);
  }
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new TypeError(`createPayoutsClient: retry.${key} must be a number of milliseconds, 0 or more (got ${String(policy[key])})`);
    }
  }
  return policy;
}

/**
 * Exponential backoff with "equal jitter": half the doubling delay is kept, so waits always grow,
 * and the other half is random, so clients that failed together do not retry together.
 */
export function backoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return ceiling / 2 + (random() * ceiling) / 2;
}

/** A `Retry-After` header in milliseconds from now: delay-seconds or an HTTP-date; undefined if absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Every HTTP-date form starts with the day's name; Date.parse alone would take "-5" for a year.
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
