// Retries, timeouts, tokens and idempotency keys against a real loopback server that fails on purpose.
import { checkCallbackSignature, signCallback } from '@payouts/callbacks';
import { afterEach, describe, expect, test } from 'vitest';
import {
  createPayoutsClient,
  PayoutsApiError,
  type PayoutsClient,
  type PayoutsClientOptions,
  PayoutsRequestError,
  unwrap,
} from './index.js';
import { type ScriptedServer, type Step, startScriptedServer } from './test-support/scripted-server.js';
import { requestExample } from './test-support/spec-examples.js';

const EMPTY_PAGE = { count: 0, current_page: 1, page_size: 15, results: [] };
const NEW_PAYOUT = requestExample('createPayout');
const CALLBACK = requestExample('receivePayoutCallback');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function clientFor(script: Step[], options: Partial<PayoutsClientOptions> = {}) {
  server = await startScriptedServer(script);
  return createPayoutsClient({ baseUrl: server.url, token: 'jwt-1', retry: { baseDelayMs: 10 }, ...options });
}
const gaps = (received: { at: number }[]) => received.slice(1).map((r, i) => r.at - received[i]!.at);
const ok = (body: unknown = EMPTY_PAGE): Step => ({ status: 200, body });

describe('signed callbacks', () => {
  test('the callback is signed over the bytes sent, and every retry sends the same bytes and signature', async () => {
    const client = await clientFor([{ status: 503 }, ok(CALLBACK)]);
    await client.receivePayoutCallback(CALLBACK, {
      sign: (raw) => signCallback(raw, 'provider-secret'),
      headers: new Headers({ 'X-Trace': '1' }),
    });
    const [first, again] = server!.received;
    expect(first!.headers['x-trace']).toBe('1');
    expect(checkCallbackSignature(first!.headers['x-payout-signature'], first!.body, 'provider-secret')).toMatchObject({ ok: true });
    expect(JSON.parse(first!.body)).toEqual(CALLBACK);
    expect([again!.body, again!.headers['x-payout-signature']]).toEqual([first!.body, first!.headers['x-payout-signature']]);
    expect(first!.headers.authorization).toBeUndefined(); // a caller's token is no credential for the provider's call
  });

  test('a provider needs no bearer token to send one', async () => {
    server = await startScriptedServer([ok(CALLBACK)]);
    const provider = createPayoutsClient({ baseUrl: server.url });
    await provider.receivePayoutCallback(CALLBACK, { sign: (raw) => signCallback(raw, 'provider-secret') });
    await expect(provider.listPayouts()).rejects.toThrow('listPayouts (GET /v1/lms/payouts/) was not sent: no bearer token.');
  });

  test('without `sign` the callback goes unsigned, and the 401 says why', async () => {
    const client = await clientFor([
      { status: 401, body: { detail: 'X-Payout-Signature is missing: the provider signs every callback.' } },
    ]);
    await expect(client.receivePayoutCallback(CALLBACK)).rejects.toThrow(
      'receivePayoutCallback answered 401 Unauthorized: X-Payout-Signature is missing',
    );
    expect(server!.received[0]!.headers['x-payout-signature']).toBeUndefined();
  });
});

describe('retries', () => {
  test.each([429, 502, 503, 504])('a GET answered %i is tried again until it succeeds', async (status) => {
    const client = await clientFor([{ status, body: { detail: 'busy' } }, { status, body: { detail: 'busy' } }, ok()]);
    await expect(client.listPayouts()).resolves.toEqual(EMPTY_PAGE);
    expect(server!.received).toHaveLength(3);
  });

  test('a change is retried with its Idempotency-Key; gives up after `attempts` and answers the last error', async () => {
    const client = await clientFor([{ status: 503, body: { detail: 'down for maintenance' } }], { retry: { attempts: 4, baseDelayMs: 5 } });
    const error = await client.retryFailedPayout('bb572e48-1d50-4a53-b5ae-37b23855f84f').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayoutsApiError);
    expect(error).toMatchObject({ status: 503, operationId: 'retryFailedPayout', body: { detail: 'down for maintenance' } });
    expect((error as Error).message).toBe('retryFailedPayout answered 503 Service Unavailable: down for maintenance');
    expect(server!.received.map((r) => `${r.method} ${r.url}`)).toEqual(
      Array(4).fill('PUT /v1/lms/payouts/bb572e48-1d50-4a53-b5ae-37b23855f84f/retry/'),
    );
    const keys = server!.received.map((r) => r.headers['idempotency-key']);
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys).size).toBe(1);
  });

  test('errors that retrying cannot fix are answered at once', async () => {
    const client = await clientFor([{ status: 400, body: { page_size: ['Ensure this value is less than or equal to 100.'] } }, ok()]);
    const result = await client.GET('/v1/lms/payouts/', { params: { query: { page_size: 500 } } });
    expect(result.response.status).toBe(400);
    expect(() => unwrap(result)).toThrow(
      'listPayouts answered 400 Bad Request: page_size: Ensure this value is less than or equal to 100.',
    );
    expect(server!.received).toHaveLength(1);
  });

  test('backoff doubles from baseDelayMs', async () => {
    const client = await clientFor([{ status: 503 }, { status: 503 }, { status: 503 }, ok()], {
      retry: { attempts: 4, baseDelayMs: 60, maxDelayMs: 1000 },
    });
    await client.listPayouts();
    // Retry n waits at least half of baseDelayMs * 2^(n-1) (the jitter is on the upper half; its
    // exact bounds are checked in retry.test.ts). Timers never fire early, but late on a busy machine.
    const [first, second, third] = gaps(server!.received);
    expect(first).toBeGreaterThanOrEqual(30 - 1);
    expect(second).toBeGreaterThanOrEqual(60 - 1);
    expect(third).toBeGreaterThanOrEqual(120 - 1);
  });

  test('maxDelayMs caps the backoff', async () => {
    // Uncapped, these retries would wait 5 to 10 s and 10 to 20 s.
    const client = await clientFor([{ status: 502 }, { status: 502 }, ok()], {
      retry: { attempts: 3, baseDelayMs: 10_000, maxDelayMs: 40 },
    });
    await client.listPayouts();
    for (const gap of gaps(server!.received)) expect(gap).toBeLessThan(2000);
  });

  test('Retry-After in seconds is honoured', async () => {
    const client = await clientFor([{ status: 429, headers: { 'Retry-After': '1' } }, ok()]);
    await client.listPayouts();
    expect(gaps(server!.received)[0]).toBeGreaterThanOrEqual(1000 - 1);
  });

  test('Retry-After as an HTTP-date is honoured', async () => {
    // HTTP-dates have whole seconds: ask for the second after next, so the wait is 1 to 2 s.
    const retryAt = new Date((Math.floor(Date.now() / 1000) + 2) * 1000);
    const client = await clientFor([{ status: 503, headers: { 'Retry-After': retryAt.toUTCString() } }, ok()]);
    await client.listPayouts();
    const [second] = server!.received.slice(1);
    expect(performance.timeOrigin + second!.at).toBeGreaterThanOrEqual(retryAt.getTime() - 5);
  });

  test('a Retry-After longer than maxDelayMs ends the retries with that answer', async () => {
    const client = await clientFor([{ status: 429, headers: { 'Retry-After': '120' }, body: { detail: 'Request was throttled.' } }, ok()]);
    const result = await client.GET('/v1/lms/payouts/');
    expect(result.response.status).toBe(429);
    expect(server!.received).toHaveLength(1);
  });

  test('retry: false makes a single attempt', async () => {
    const client = await clientFor([{ status: 503 }, ok()], { retry: false });
    expect((await client.GET('/v1/lms/payouts/')).response.status).toBe(503);
    expect(server!.received).toHaveLength(1);
  });

  test('a network error is retried, then reported with the operation and the attempts', async () => {
    const client = await clientFor(['drop']);
    const error = await client.listUnmatchedPayouts().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayoutsRequestError);
    expect(error).toMatchObject({ reason: 'network', operationId: 'listUnmatchedPayouts', attempts: 3 });
    expect((error as Error).message).toMatch(
      /^listUnmatchedPayouts \(GET \/v1\/lms\/payouts\/unmatched\/\) could not reach http:\/\/127\.0\.0\.1:\d+: fetch failed \(.+\); gave up after 3 attempts$/,
    );
    expect(server!.received).toHaveLength(3);
  });

  test('a network error then success answers the data', async () => {
    const client = await clientFor(['drop', ok()]);
    await expect(client.listPayouts()).resolves.toEqual(EMPTY_PAGE);
  });
});

describe('Create Payout and idempotency', () => {
  test('is retried with one Idempotency-Key, the same on every attempt, through 503s and network errors', async () => {
    const client = await clientFor([{ status: 503 }, 'drop', { status: 201, body: { id: 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a' } }]);
    await expect(client.createPayout(NEW_PAYOUT)).resolves.toEqual({ id: 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a' });
    const keys = server!.received.map((r) => r.headers['idempotency-key']);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(UUID);
    expect(new Set(keys).size).toBe(1);
    expect(server!.received.map((r) => JSON.parse(r.body))).toEqual(Array(3).fill(NEW_PAYOUT));
  });

  test('each logical call gets its own key, on the raw POST too', async () => {
    const client = await clientFor([{ status: 201, body: {} }]);
    await client.createPayout(NEW_PAYOUT);
    await client.POST('/v1/lms/payouts/', { body: NEW_PAYOUT });
    const [first, second] = server!.received.map((r) => r.headers['idempotency-key']);
    expect(second).toMatch(UUID);
    expect(second).not.toBe(first);
  });

  test("the caller's own key is sent instead, and kept across retries", async () => {
    const client = await clientFor([{ status: 502 }, { status: 201, body: {} }]);
    await client.createPayout(NEW_PAYOUT, { idempotencyKey: 'order-4711' });
    await client.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, params: { header: { 'Idempotency-Key': 'order-4712' } } });
    expect(server!.received.map((r) => r.headers['idempotency-key'])).toEqual(['order-4711', 'order-4711', 'order-4712']);
  });

  const ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
  // The bank file is CSV, as the spec documents: a JSON answer to it would be an error (client.security.test.ts).
  const bankFile: Step = { status: 200, headers: { 'content-type': 'text/csv; charset=utf-8' }, body: 'payout_id,reference\r\n' };
  const changes: [string, (client: PayoutsClient) => Promise<unknown>, Step][] = [
    ['processPayout', (client) => client.processPayout(ID, requestExample('processPayout')), ok()],
    ['retryFailedPayout', (client) => client.retryFailedPayout(ID), ok()],
    ['receivePayoutCallback', (client) => client.receivePayoutCallback(CALLBACK), ok()],
    ['exportPayoutsForBank', (client) => client.exportPayoutsForBank(requestExample('exportPayoutsForBank')), bankFile],
  ];
  test.each(changes)(
    '%s, like every change, is retried with one Idempotency-Key through 503s and dropped connections',
    async (_, call, success) => {
      const client = await clientFor([{ status: 503 }, 'drop', success]);
      await call(client);
      const keys = server!.received.map((r) => r.headers['idempotency-key']);
      expect(keys).toHaveLength(3);
      expect(keys[0]).toMatch(UUID);
      expect(new Set(keys).size).toBe(1);
    },
  );

  test('a change given its own key sends it on every attempt', async () => {
    const client = await clientFor([{ status: 502 }, bankFile]);
    await client.exportPayoutsForBank(requestExample('exportPayoutsForBank'), { idempotencyKey: 'bank-file-2026-11-29' });
    expect(server!.received.map((r) => r.headers['idempotency-key'])).toEqual(['bank-file-2026-11-29', 'bank-file-2026-11-29']);
  });
});

describe('timeouts', () => {
  test('an attempt with no answer is aborted and the error says which operation and how long', async () => {
    const client = await clientFor(['hang'], { timeoutMs: 100, retry: false });
    const started = performance.now();
    const error = await client.listPayouts().catch((e: unknown) => e);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100 - 1);
    expect(error).toBeInstanceOf(PayoutsRequestError);
    expect(error).toMatchObject({ reason: 'timeout', operationId: 'listPayouts', attempts: 1 });
    expect((error as Error).message).toBe('listPayouts (GET /v1/lms/payouts/) timed out: no complete answer within 100 ms');
  });

  test('a body that stops arriving times out too', async () => {
    const client = await clientFor(['hang-body'], { timeoutMs: 100, retry: false });
    await expect(client.listPayouts()).rejects.toMatchObject({ reason: 'timeout', operationId: 'listPayouts' });
  });

  test('a timed-out GET is tried again, each attempt with its own time limit', async () => {
    // A limit the prompt second answer meets even on a busy machine.
    const client = await clientFor(['hang', ok()], { timeoutMs: 1000 });
    await expect(client.listPayouts()).resolves.toEqual(EMPTY_PAGE);
    expect(server!.received).toHaveLength(2);
  });

  test("the caller's abort signal cancels at once, with the caller's reason, and is not retried", async () => {
    const client = await clientFor(['hang']);
    const controller = new AbortController();
    // Abort once the server holds the request, however long a busy machine takes to send it.
    const abortOnceReceived = setInterval(() => server!.received.length > 0 && controller.abort(new Error('user left the page')), 5);
    try {
      await expect(client.listPayouts({}, { signal: controller.signal })).rejects.toThrow('user left the page');
    } finally {
      clearInterval(abortOnceReceived);
    }
    expect(server!.received).toHaveLength(1);
  });

  test('an abort during the wait between attempts stops the retries', async () => {
    const client = await clientFor([{ status: 503 }, ok()], { retry: { baseDelayMs: 5000 } });
    const controller = new AbortController();
    const call = client.listPayouts({}, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled')), 100);
    await expect(call).rejects.toThrow('cancelled');
    expect(server!.received).toHaveLength(1);
  });
});

describe('bearer tokens', () => {
  test('a static token is sent on every request', async () => {
    const client = await clientFor([ok()], { headers: { 'X-Request-Source': 'lender-portal' } });
    await client.listPayouts();
    expect(server!.received[0]!.headers).toMatchObject({ authorization: 'Bearer jwt-1', 'x-request-source': 'lender-portal' });
  });

  test('getToken is asked before every attempt, so rotated tokens are used at once, retries included', async () => {
    let issued = 0;
    const client = await clientFor([ok(), { status: 503 }, ok()], { token: undefined, getToken: async () => `jwt-${++issued}` });
    await client.listPayouts();
    await client.listPayouts();
    expect(server!.received.map((r) => r.headers.authorization)).toEqual(['Bearer jwt-1', 'Bearer jwt-2', 'Bearer jwt-3']);
  });

  test('with no token the request fails before it is sent, saying what to do', async () => {
    const client = await clientFor([ok()], { token: undefined });
    const error = await client.createPayout(NEW_PAYOUT).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayoutsRequestError);
    expect(error).toMatchObject({ reason: 'missing-token', operationId: 'createPayout', attempts: 0 });
    expect((error as Error).message).toBe(
      'createPayout (POST /v1/lms/payouts/) was not sent: no bearer token. Pass `token` or `getToken` to createPayoutsClient.',
    );
    expect(server!.received).toHaveLength(0);
  });

  test.each([
    ['returns nothing', async () => undefined, 'getToken() returned undefined instead of a token.'],
    ['returns an empty string', async () => '', 'getToken() returned an empty string instead of a token.'],
    ['fails', async () => Promise.reject(new Error('refresh token expired')), 'getToken() failed: refresh token expired'],
  ])('when getToken %s, nothing is sent and the error says so', async (_, getToken, why) => {
    const client = await clientFor([ok()], { token: undefined, getToken });
    await expect(client.listPayouts()).rejects.toThrow(`listPayouts (GET /v1/lms/payouts/) was not sent: ${why}`);
    expect(server!.received).toHaveLength(0);
  });
});

describe('options', () => {
  test.each([
    [{ baseUrl: 'preprod.api.crego.io' }, 'baseUrl must be an absolute http(s) URL'],
    [{ baseUrl: 'https://api.test', token: 'a', getToken: () => 'b' }, 'pass either `token` or `getToken`, not both'],
    [{ baseUrl: 'https://api.test', token: '' }, 'token must be a non-empty string'],
    [{ baseUrl: 'https://api.test', retry: { attempts: 0 } }, 'retry.attempts must be a whole number of at least 1 (got 0)'],
    [{ baseUrl: 'https://api.test', retry: { baseDelayMs: -1 } }, 'retry.baseDelayMs must be a number of milliseconds, 0 or more (got -1)'],
    [{ baseUrl: 'https://api.test', timeoutMs: 0 }, 'timeoutMs must be a number of milliseconds from 1 to 2147483647, or Infinity (got 0)'],
  ])('%j is refused: %s', (options, message) => {
    expect(() => createPayoutsClient(options as PayoutsClientOptions)).toThrow(`createPayoutsClient: ${message}`);
  });

  test('an empty payout id or idempotency key is refused before anything is sent', async () => {
    const client = await clientFor([ok()]);
    await expect(client.retryFailedPayout(' ')).rejects.toThrow(
      'retryFailedPayout: id (a path parameter) must be a non-empty string (got " ")',
    );
    await expect(client.createPayout(NEW_PAYOUT, { idempotencyKey: '' })).rejects.toThrow(
      'createPayout: the idempotencyKey must be a non-empty string (got "")',
    );
    expect(server!.received).toHaveLength(0);
  });

  test('a path that is not an operation of the API is refused before anything is sent', async () => {
    const client = await clientFor([ok()]);
    // @ts-expect-error the typed surface only takes the spec's paths
    await expect(client.GET('/v1/lms/payouts')).rejects.toThrow('GET /v1/lms/payouts is not an operation of the Payouts API');
    expect(server!.received).toHaveLength(0);
  });
});

describe('fetch and middleware', () => {
  test('a supplied fetch is called as the global fetch is: the URL, then method, headers, body and signal', async () => {
    const calls: { input: unknown; init: RequestInit | undefined }[] = [];
    const client = await clientFor([{ status: 201, body: {} }], {
      fetch: (input, init) => {
        calls.push({ input, init });
        return fetch(input, init);
      },
    });
    await client.createPayout(NEW_PAYOUT, { idempotencyKey: 'key-1' });
    expect(calls).toHaveLength(1);
    const [{ input, init }] = calls as [(typeof calls)[number]];
    expect(input).toBe(`${server!.url}/v1/lms/payouts/`);
    expect(init?.method).toBe('POST');
    expect(init?.headers).toBeInstanceOf(Headers);
    expect(Object.fromEntries(init?.headers as Headers)).toMatchObject({
      authorization: 'Bearer jwt-1',
      'idempotency-key': 'key-1',
      'content-type': 'application/json',
    });
    expect(JSON.parse(init?.body as string)).toEqual(NEW_PAYOUT);
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    expect(JSON.parse(server!.received[0]!.body)).toEqual(NEW_PAYOUT);
  });

  test('a middleware sees the method, URL and headers, and may return a real Request built from it', async () => {
    const client = await clientFor([{ status: 201, body: {} }]);
    const seen: string[] = [];
    client.use({
      onRequest: ({ request }) => {
        seen.push(`${request.method} ${request.url} ${request.headers.get('Authorization')}`);
        const replaced = new Request(request.url, request);
        replaced.headers.set('X-Trace', 'trace-1');
        return replaced;
      },
    });
    await client.createPayout(NEW_PAYOUT);
    expect(seen).toEqual([`POST ${server!.url}/v1/lms/payouts/ Bearer jwt-1`]);
    const [received] = server!.received;
    expect(received?.headers).toMatchObject({ 'x-trace': 'trace-1', authorization: 'Bearer jwt-1' });
    expect(JSON.parse(received!.body)).toEqual(NEW_PAYOUT);
  });

  test('a Request a middleware built from the one it got still times out', async () => {
    const client = await clientFor(['hang'], { timeoutMs: 100, retry: false });
    client.use({ onRequest: ({ request }) => new Request(request.url, request) });
    await expect(client.listPayouts()).rejects.toMatchObject({
      name: 'PayoutsRequestError',
      reason: 'timeout',
      operationId: 'listPayouts',
    });
  });
});
