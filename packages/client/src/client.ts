import createClient, { type Client, type HeadersOptions, type Middleware } from 'openapi-fetch';
import { PayoutsApiError, PayoutsRequestError, type RequestFailure, recordFailure, unwrap } from './errors.js';
import { OPERATIONS } from './generated/operations.js';
import { PendingRequest } from './pending-request.js';
import { backoffMs, mayRetry, RETRY_STATUSES, type RetryOptions, retryAfterMs, retryPolicy, sleep } from './retry.js';
import type { OperationId, paths, QueryParams, RequestBody, ResponseData } from './types.js';

export interface PayoutsClientOptions {
  /** Where the API is: an absolute http(s) URL such as `https://preprod.api.crego.io`, or a path on this origin (`/api`). */
  baseUrl: string;
  /** The bearer token (JWT) sent with every request. */
  token?: string;
  /** Called before each attempt for the bearer token to send, for JWTs that rotate. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /**
   * Sends the requests; default the global `fetch`. Called as the global fetch is, `fetch(url, init)`,
   * with `init.method`, `init.headers` (a `Headers`), `init.body` and `init.signal`, which it must
   * honour for timeouts to abort; a `Request` comes only from a middleware of yours that returned one.
   */
  fetch?: (input: string | Request, init?: RequestInit) => Promise<Response>;
  /** Limits for retrying transient failures, or `false` for a single attempt. */
  retry?: RetryOptions | false;
  /** Each attempt is aborted after this many milliseconds. Default 30 000; `Infinity` for no limit. */
  timeoutMs?: number;
  /** Headers sent with every request. */
  headers?: HeadersOptions;
}

/** Per-call options of the operation shortcuts. */
export interface CallOptions {
  signal?: AbortSignal;
  headers?: HeadersOptions;
}

/**
 * Options of the calls that change state. Each sends an `Idempotency-Key`, the same on every
 * attempt, so a retry after a lost answer gets the first answer and changes nothing; a new key per
 * call unless you give one (give your own to stay safe across restarts of your process too).
 */
export interface ChangeOptions extends CallOptions {
  idempotencyKey?: string;
}

/** Options of Payout Callback, the payout provider's call. */
export interface CallbackOptions extends ChangeOptions {
  /**
   * Makes the X-Payout-Signature for the body exactly as it is sent, e.g.
   * `(raw) => signCallback(raw, secret)` with `@payouts/callbacks`. Without it the callback goes
   * unsigned, and the API answers 401.
   */
  sign?: (rawBody: string) => string | Promise<string>;
}

/**
 * openapi-fetch's typed `GET`/`POST`/`PUT` over the spec's paths, plus one shortcut per operation
 * that returns the data or throws a `PayoutsApiError`.
 */
export interface PayoutsClient extends Client<paths> {
  listPayouts(query?: QueryParams<'listPayouts'>, options?: CallOptions): Promise<ResponseData<'listPayouts'>>;
  createPayout(body: RequestBody<'createPayout'>, options?: ChangeOptions): Promise<ResponseData<'createPayout'>>;
  processPayout(id: string, body: RequestBody<'processPayout'>, options?: ChangeOptions): Promise<ResponseData<'processPayout'>>;
  retryFailedPayout(id: string, options?: ChangeOptions): Promise<ResponseData<'retryFailedPayout'>>;
  /** Sends a callback as the payout provider does (for testing callback handling): pass `sign`. */
  receivePayoutCallback(
    body: RequestBody<'receivePayoutCallback'>,
    options?: CallbackOptions,
  ): Promise<ResponseData<'receivePayoutCallback'>>;
  listUnmatchedPayouts(query?: QueryParams<'listUnmatchedPayouts'>, options?: CallOptions): Promise<ResponseData<'listUnmatchedPayouts'>>;
  /** The bank upload file, as CSV text. A retry with the same key gets the same file, byte for byte. */
  exportPayoutsForBank(body: RequestBody<'exportPayoutsForBank'>, options?: ChangeOptions): Promise<ResponseData<'exportPayoutsForBank'>>;
}

interface OperationInfo {
  readonly operationId: OperationId;
  readonly parseAs: 'json' | 'text' | 'blob';
  readonly idempotencyKey: boolean;
  /** Whether the operation takes the bearer token (Payout Callback is signed instead). */
  readonly bearer: boolean;
  /** The documented statuses (`200`, `4XX`, `default`), each with its media types. */
  readonly responses: { readonly [status: string]: readonly string[] | undefined };
}
const OPERATION_TABLE: { readonly [method: string]: { readonly [path: string]: OperationInfo } | undefined } = OPERATIONS;

type Init = {
  params?: { header?: Record<string, unknown>; [location: string]: unknown };
  headers?: HeadersOptions;
  signal?: AbortSignal | null;
  parseAs?: string;
  [option: string]: unknown;
};
type Result = { data?: unknown; error?: unknown; response: Response };
type SendRequest = (method: string, path: string, init: Init) => Promise<Result>;

const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMER_MS = 2 ** 31 - 1;
const HTTP_METHODS = ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE'] as const;

/** Errors thrown by `fetch` itself: the server could not be reached. */
const fetchFailures = new WeakSet<object>();

export function createPayoutsClient(options: PayoutsClientOptions): PayoutsClient {
  const { baseUrl, token, getToken, fetch: baseFetch, headers, timeoutMs } = validated(options);
  const policy = retryPolicy(options.retry);

  const raw = createClient<paths>({
    baseUrl,
    headers,
    Request: PendingRequest as unknown as typeof Request,
    // No redirect is followed: the spec documents none, and a change re-sent to wherever a 3xx
    // points (another origin included) could pay twice. answerCheck() turns one into an error.
    fetch: (request: PendingRequest | Request) =>
      request instanceof Request
        ? baseFetch(new Request(request, { redirect: 'manual' }))
        : baseFetch(request.url, { ...request.init, redirect: 'manual' }),
  });
  raw.use(bearerAuth(token, getToken));
  raw.use(answerCheck());
  const send = raw.request as unknown as SendRequest;

  async function call(method: string, path: string, init: Init = {}): Promise<Result> {
    const operation = OPERATION_TABLE[method]?.[path];
    if (operation === undefined) throw new TypeError(`${method} ${path} is not an operation of the Payouts API`);
    let request = init;
    if (operation.parseAs !== 'json' && init.parseAs === undefined) request = { ...request, parseAs: operation.parseAs };
    // A key that is absent, undefined, null or empty is no key: the call gets one of its own, or it could not be retried safely.
    if (operation.idempotencyKey && idempotencyKeyOf(request) === undefined) request = withIdempotencyKey(withoutIdempotencyKey(request));
    const attempts = mayRetry(method, idempotencyKeyOf(request) !== undefined) ? policy.attempts : 1;
    const userSignal = init.signal ?? undefined;

    for (let attempt = 1; ; attempt++) {
      const timeout = timeoutMs === Infinity ? undefined : new AbortController();
      const timer = timeout && setTimeout(abortAsTimedOut, timeoutMs, timeout);
      let wait: number | undefined;
      try {
        const attemptSignal = timeout && (userSignal ? AbortSignal.any([userSignal, timeout.signal]) : timeout.signal);
        const result = await send(method, path, attemptSignal ? { ...request, signal: attemptSignal } : request);
        const { response } = result;
        if (response.ok) return result;
        recordFailure(response, operation.operationId);
        if (attempt >= attempts || !RETRY_STATUSES.has(response.status)) return result;
        wait = waitBeforeRetry(response, attempt);
        if (wait === undefined) return result;
      } catch (error) {
        const failure = failureOf(error, timeout, userSignal);
        if (failure === undefined) throw error;
        if (attempt >= attempts) throw requestError(failure, operation.operationId, `${method} ${path}`, attempt, error);
        wait = backoffMs(attempt, policy);
      } finally {
        clearTimeout(timer);
      }
      await sleep(wait, userSignal);
    }
  }

  function waitBeforeRetry(response: Response, attempt: number): number | undefined {
    const asked = retryAfterMs(response.headers.get('Retry-After'));
    if (asked === undefined) return backoffMs(attempt, policy);
    return asked <= policy.maxDelayMs ? asked : undefined;
  }

  function requestError(failure: RequestFailure, operationId: OperationId, route: string, attempts: number, cause: unknown) {
    const tries = attempts > 1 ? `; gave up after ${attempts} attempts` : '';
    const message =
      failure === 'timeout'
        ? `${operationId} (${route}) timed out: no complete answer within ${timeoutMs} ms${tries}`
        : `${operationId} (${route}) could not reach ${baseUrl || 'the server'}: ${causeOf(cause)}${tries}`;
    return new PayoutsRequestError(failure, operationId, message, { attempts, cause });
  }

  const methods = Object.fromEntries([
    ...HTTP_METHODS.map((method) => [method, (path: string, init?: Init) => call(method, path, init)]),
    ['request', (method: string, path: string, init?: Init) => call(method.toUpperCase(), path, init)],
    ['use', raw.use],
    ['eject', raw.eject],
  ]) as unknown as Client<paths>;

  const shortcuts: Omit<PayoutsClient, keyof Client<paths>> = {
    listPayouts: async (query, options) => unwrap(await methods.GET('/v1/lms/payouts/', { ...options, params: { query } })),
    createPayout: async (body, { idempotencyKey, ...options } = {}) =>
      unwrap(await methods.POST('/v1/lms/payouts/', { ...options, body, params: { header: keyHeader(idempotencyKey, 'createPayout') } })),
    processPayout: async (id, body, { idempotencyKey, ...options } = {}) =>
      unwrap(
        await methods.PUT('/v1/lms/payouts/{id}/mark_processed/', {
          ...options,
          body,
          params: { path: { id: nonEmpty(id, 'the payout id', 'processPayout') }, header: keyHeader(idempotencyKey, 'processPayout') },
        }),
      ),
    retryFailedPayout: async (id, { idempotencyKey, ...options } = {}) =>
      unwrap(
        await methods.PUT('/v1/lms/payouts/{id}/retry/', {
          ...options,
          params: {
            path: { id: nonEmpty(id, 'the payout id', 'retryFailedPayout') },
            header: keyHeader(idempotencyKey, 'retryFailedPayout'),
          },
        }),
      ),
    receivePayoutCallback: async (body, { idempotencyKey, sign, ...options } = {}) => {
      // The signature covers the bytes sent, so the body is serialised once, here, and sent as signed.
      const raw = JSON.stringify(body);
      const headers = sign ? withHeader(options.headers, 'X-Payout-Signature', await sign(raw)) : options.headers;
      return unwrap(
        await methods.POST('/v1/lms/payouts/callback/', {
          ...options,
          headers,
          body,
          bodySerializer: () => raw,
          params: { header: keyHeader(idempotencyKey, 'receivePayoutCallback') },
        }),
      );
    },
    listUnmatchedPayouts: async (query, options) =>
      unwrap(await methods.GET('/v1/lms/payouts/unmatched/', { ...options, params: { query } })),
    // The operation table makes openapi-fetch read this answer as text (the spec answers text/csv).
    exportPayoutsForBank: async (body, { idempotencyKey, ...options } = {}) =>
      unwrap(
        await methods.PUT('/v1/lms/payouts/export/', {
          ...options,
          body,
          params: { header: keyHeader(idempotencyKey, 'exportPayoutsForBank') },
        }),
      ),
  };
  return Object.assign(methods, shortcuts);
}

function bearerAuth(token: string | undefined, getToken: PayoutsClientOptions['getToken']): Middleware {
  const onError: Middleware['onError'] = ({ error }) => {
    if (typeof error === 'object' && error !== null) fetchFailures.add(error);
  };
  const takesToken = (method: string, schemaPath: string) => OPERATION_TABLE[method]?.[schemaPath]?.bearer !== false;
  if (token !== undefined) {
    return {
      onRequest: ({ request, schemaPath }) => {
        if (takesToken(request.method, schemaPath)) request.headers.set('Authorization', `Bearer ${token}`);
      },
      onError,
    };
  }
  return {
    async onRequest({ request, schemaPath }) {
      if (!takesToken(request.method, schemaPath)) return;
      const operationId = OPERATION_TABLE[request.method]?.[schemaPath]?.operationId;
      const notSent = (why: string, cause?: unknown) =>
        new PayoutsRequestError(
          'missing-token',
          operationId as OperationId,
          `${operationId} (${request.method} ${schemaPath}) was not sent: ${why}`,
          { cause },
        );
      if (getToken === undefined) throw notSent('no bearer token. Pass `token` or `getToken` to createPayoutsClient.');
      let current: unknown;
      try {
        current = await getToken();
      } catch (cause) {
        throw notSent(`getToken() failed: ${causeOf(cause)}`, cause);
      }
      if (typeof current !== 'string' || current === '') {
        throw notSent(`getToken() returned ${current === '' ? 'an empty string' : String(current)} instead of a token.`);
      }
      request.headers.set('Authorization', `Bearer ${current}`);
    },
    onError,
  };
}

/**
 * Answers the spec does not document are errors, not data: a redirect (not followed, see above),
 * or a success whose status or media type the operation does not document (an HTML page answered
 * 200 by a proxy is not a bank file). Error statuses go on to `unwrap()` as they are.
 */
function answerCheck(): Middleware {
  return {
    async onResponse({ request, response, schemaPath }) {
      const operation = OPERATION_TABLE[request.method]?.[schemaPath];
      if (operation === undefined) return undefined;
      const redirected = response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
      let why: string | undefined;
      if (redirected) {
        const location = response.headers.get('location');
        why = `a redirect${location ? ` to ${location}` : ''}, not followed: the spec documents none, and a request re-sent elsewhere could act twice`;
      } else if (response.ok) {
        why = undocumented(operation, response);
      }
      if (why === undefined) return undefined;
      const body = await response
        .clone()
        .text()
        .catch(() => '');
      throw new PayoutsApiError(operation.operationId, response, body, why);
    },
  };
}

/** What the spec does not document about a success answer, or undefined when it documents it. */
function undocumented(operation: OperationInfo, response: Response): string | undefined {
  const status = String(response.status);
  const types = operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
  if (types === undefined) return `the spec documents no ${status} answer for ${operation.operationId}`;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (types.length === 0 || types.includes(type) || (type === '' && response.headers.get('content-length') === '0')) return undefined;
  return `the answer is ${type || 'of no media type'}, and the spec documents ${types.join(' or ')} for ${status}`;
}

function failureOf(error: unknown, timeout: AbortController | undefined, userSignal: AbortSignal | undefined): RequestFailure | undefined {
  if (userSignal?.aborted) return undefined; // the caller cancelled: their abort error, as it is
  if (timeout?.signal.aborted) return 'timeout';
  return typeof error === 'object' && error !== null && fetchFailures.has(error) ? 'network' : undefined;
}

function abortAsTimedOut(timeout: AbortController): void {
  timeout.abort(new DOMException('The attempt timed out', 'TimeoutError'));
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  const detail = cause instanceof Error ? ` (${cause.message})` : '';
  return `${error instanceof Error ? error.message : String(error)}${detail}`;
}

/** The Idempotency-Key header a caller gave, checked; none lets the client make one. */
function keyHeader(idempotencyKey: string | undefined, operationId: OperationId): { 'Idempotency-Key'?: string } {
  return idempotencyKey === undefined ? {} : { 'Idempotency-Key': nonEmpty(idempotencyKey, 'the idempotencyKey', operationId) };
}

function withHeader(headers: HeadersOptions | undefined, name: string, value: string): HeadersOptions {
  if (headers instanceof Headers || Array.isArray(headers)) {
    const copy = new Headers(headers as ConstructorParameters<typeof Headers>[0]);
    copy.set(name, value);
    return copy;
  }
  return { ...headers, [name]: value };
}

const isKeyHeader = (name: string | undefined) => name?.toLowerCase() === 'idempotency-key';
const usableKey = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** The Idempotency-Key a call carries: a non-empty string, in its parameters or its headers. */
function idempotencyKeyOf(init: Init): string | undefined {
  const { headers } = init;
  for (const [name, value] of Object.entries(init.params?.header ?? {})) if (isKeyHeader(name) && usableKey(value)) return value as string;
  if (headers instanceof Headers) return usableKey(headers.get('Idempotency-Key'));
  const entries = Array.isArray(headers) ? headers : Object.entries(headers ?? {});
  for (const [name, value] of entries) if (isKeyHeader(name) && usableKey(value)) return value as string;
  return undefined;
}

/** The call without any Idempotency-Key entry (an undefined, null or empty one), so the one added is the only one. */
function withoutIdempotencyKey(init: Init): Init {
  const header = Object.fromEntries(Object.entries(init.params?.header ?? {}).filter(([name]) => !isKeyHeader(name)));
  const { headers } = init;
  let kept: HeadersOptions | undefined = headers;
  if (headers instanceof Headers) {
    kept = new Headers(headers);
    kept.delete('Idempotency-Key');
  } else if (Array.isArray(headers)) {
    kept = headers.filter(([name]) => !isKeyHeader(name));
  } else if (headers) {
    kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !isKeyHeader(name))) as HeadersOptions;
  }
  return { ...init, headers: kept, params: { ...init.params, header } };
}

/** One key per logical call: every retry of the call sends the same one. */
function withIdempotencyKey(init: Init): Init {
  return { ...init, params: { ...init.params, header: { ...init.params?.header, 'Idempotency-Key': globalThis.crypto.randomUUID() } } };
}

function nonEmpty(value: string, what: string, operationId: OperationId): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new TypeError(`${operationId}: ${what} must be a non-empty string (got ${JSON.stringify(value)})`);
  return value;
}

function validated(options: PayoutsClientOptions) {
  if (typeof options !== 'object' || options === null)
    throw new TypeError('createPayoutsClient: pass an options object with at least `baseUrl`');
  const { baseUrl, token, getToken, headers, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  const fail = (message: string) => new TypeError(`createPayoutsClient: ${message}`);
  if (typeof baseUrl !== 'string' || !(/^https?:\/\/[^/]/i.test(baseUrl) ? URL.canParse(baseUrl) : baseUrl.startsWith('/'))) {
    throw fail(
      `baseUrl must be an absolute http(s) URL such as https://preprod.api.crego.io, or a path on this origin such as /api (got ${JSON.stringify(baseUrl)})`,
    );
  }
  if (token !== undefined && getToken !== undefined) throw fail('pass either `token` or `getToken`, not both');
  if (token !== undefined && (typeof token !== 'string' || token === '')) throw fail('token must be a non-empty string');
  if (getToken !== undefined && typeof getToken !== 'function') throw fail('getToken must be a function returning the token');
  const fetch = options.fetch ?? globalThis.fetch;
  if (typeof fetch !== 'function') throw fail('no fetch: this runtime has no global fetch, so pass `fetch`');
  if (!(timeoutMs === Infinity || (Number.isFinite(timeoutMs) && timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS))) {
    throw fail(`timeoutMs must be a number of milliseconds from 1 to ${MAX_TIMER_MS}, or Infinity (got ${String(timeoutMs)})`);
  }
  return { baseUrl, token, getToken, headers, fetch, timeoutMs };
}
