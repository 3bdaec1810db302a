// What probing the client found (issue #27): a state-changing call always carries a usable key or
// is not retried; a redirect is never followed; an answer the spec does not document is an error.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import { createPayoutsClient, PayoutsApiError, type PayoutsClientOptions } from './index.js';
import { type ScriptedServer, type Step, startScriptedServer } from './test-support/scripted-server.js';
import { requestExample, responseExample } from './test-support/spec-examples.js';

const NEW_PAYOUT = requestExample('createPayout');
const PAYOUT = responseExample('createPayout', '201');

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function clientFor(script: Step[], options: Partial<PayoutsClientOptions> = {}) {
  server = await startScriptedServer(script);
  return createPayoutsClient({ baseUrl: server.url, token: 'jwt-1', retry: { baseDelayMs: 10 }, ...options });
}

describe('an Idempotency-Key that is no key', () => {
  const noKeys: [string, (client: ReturnType<typeof createPayoutsClient>) => Promise<unknown>][] = [
    [
      'params.header with an undefined key',
      (c) => c.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, params: { header: { 'Idempotency-Key': undefined } } }),
    ],
    [
      'params.header with an empty key',
      (c) => c.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, params: { header: { 'Idempotency-Key': '' } } }),
    ],
    [
      'headers with a null key',
      (c) => c.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, headers: { 'Idempotency-Key': null } as unknown as Record<string, string> }),
    ],
    [
      'a Headers object with an empty key',
      (c) => c.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, headers: new Headers({ 'Idempotency-Key': '' }) }),
    ],
  ];
  for (const [name, send] of noKeys) {
    test(`${name}: the call gets a key of its own, and the retry after a lost answer sends the same one`, async () => {
      const client = await clientFor(['drop', { status: 201, body: PAYOUT }]);
      await send(client);
      const [first, retry] = server!.received;
      const key = first!.headers['idempotency-key'];
      expect(key).toMatch(/^[0-9a-f-]{36}$/);
      expect(retry!.headers['idempotency-key']).toBe(key);
      expect(server!.received).toHaveLength(2);
    });
  }

  test('a key given is sent as it is, once', async () => {
    const client = await clientFor([{ status: 201, body: PAYOUT }]);
    await client.POST('/v1/lms/payouts/', { body: NEW_PAYOUT, params: { header: { 'Idempotency-Key': 'mine-1' } } });
    expect(server!.received[0]!.headers['idempotency-key']).toBe('mine-1');
  });
});

describe('redirects', () => {
  test('a 307 from Create is not followed, to another origin or this one, and is an error naming it', async () => {
    const elsewhere = createServer((_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":"not-a-payout"}'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}/v1/lms/payouts/`;
    try {
      for (const location of [other, '/v1/lms/payouts/']) {
        const client = await clientFor([{ status: 307, headers: { location } }]);
        const error = await client.createPayout(NEW_PAYOUT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PayoutsApiError);
        expect((error as Error).message).toBe(
          `createPayout answered 307 Temporary Redirect: a redirect to ${location}, not followed: the spec documents none, and a request re-sent elsewhere could act twice`,
        );
        expect(server!.received).toHaveLength(1);
        await server!.stop();
        server = undefined;
      }
    } finally {
      elsewhere.close();
    }
  });

  test('a redirect on a read is not followed either', async () => {
    const client = await clientFor([{ status: 302, headers: { location: 'http://127.0.0.1:9/elsewhere' } }]);
    await expect(client.listPayouts()).rejects.toThrow(
      'listPayouts answered 302 Found: a redirect to http://127.0.0.1:9/elsewhere, not followed',
    );
  });
});

describe('answers the spec does not document', () => {
  test('an Export answered 200 text/html is an error, not a bank file', async () => {
    const client = await clientFor([{ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>login</html>' }]);
    const error = await client.exportPayoutsForBank({ debit_bank_id: 'f808a4b5-d281-4988-8261-8c7ac0a8abbc' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayoutsApiError);
    expect((error as PayoutsApiError).message).toBe(
      'exportPayoutsForBank answered 200 OK: the answer is text/html, and the spec documents text/csv for 200',
    );
    expect((error as PayoutsApiError).body).toBe('<html>login</html>');
  });

  test('a success status the operation does not document is an error', async () => {
    const client = await clientFor([{ status: 202, body: PAYOUT }]);
    await expect(client.createPayout(NEW_PAYOUT)).rejects.toThrow(
      'createPayout answered 202 Accepted: the spec documents no 202 answer for createPayout',
    );
  });

  test('a documented answer is data', async () => {
    const client = await clientFor([{ status: 201, headers: { 'content-type': 'application/json; charset=utf-8' }, body: PAYOUT }]);
    expect(await client.createPayout(NEW_PAYOUT)).toEqual(PAYOUT);
  });
});
