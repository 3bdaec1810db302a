// What probing the sandbox found (issue #27): every hostile request gets an answer in the spec's
// error shape and the sandbox keeps serving; text no store can keep is refused alike on both
// stores; CORS goes to the origins given; a trickling client is cut off.
import { connect } from 'node:net';
import { signCallback } from '@payouts/callbacks';
import { corsPreflights, FOREIGN_ORIGIN, fuzzRequests, hostileRequests, httpRequest, rawRequest } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newDb, STORES } from './test-support/stores.js';
import { CALLBACK_SECRET, initiatedPayout, newPayout, startTestSandbox, type TestSandbox, TOKEN } from './testing.js';
import type { Payout, PayoutPage } from './types.js';

const PAYOUTS = '/v1/lms/payouts/';
const CALLBACK = '/v1/lms/payouts/callback/';
const AUTH = { Authorization: `Bearer ${TOKEN}` };
const DOCS_ORIGIN = 'http://127.0.0.1:4020';

describe.each(STORES)('the sandbox (%s) under hostile requests', (kind) => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind), corsOrigins: [DOCS_ORIGIN] });
  });
  afterAll(() => sandbox?.dispose());

  const stillServes = async () => expect((await sandbox.call('GET', PAYOUTS)).status).toBe(200);

  for (const hostile of hostileRequests(PAYOUTS)) {
    it(`${hostile.name}: answers in the error shape, and goes on serving`, async () => {
      hostile.expect(await rawRequest(sandbox.url, hostile.text(sandbox.url, AUTH)));
      await stillServes();
    });
  }

  it('refuses NUL and lone surrogates anywhere in the text with a 400 naming the field, the same on both stores', async () => {
    const nulSearch = await sandbox.call('GET', `${PAYOUTS}?search=a%00b`);
    expect([nulSearch.status, nulSearch.body]).toEqual([400, { search: ['Null characters are not allowed.'] }]);
    const json = { 'content-type': 'application/json' };
    const surrogate = await sandbox.call('POST', PAYOUTS, {
      raw: JSON.stringify(newPayout()).replace('"neft"', '"\\ud800"'),
      headers: json,
    });
    expect(surrogate.status).toBe(400);
    expect(surrogate.body.method[0]).toMatch(/lone surrogate/);
    const payout = await initiatedPayout(sandbox);
    const raw = `{"payout_service_id":"${payout.payout_service_id}","status":"processed","utr":"UTR\\ud83d","processed_at":1700000000}`;
    const callback = await sandbox.call('POST', CALLBACK, { raw, headers: json });
    expect(callback.status).toBe(400);
    expect(callback.body.utr[0]).toMatch(/lone surrogate/);
    const nulRemark = await sandbox.call('POST', CALLBACK, {
      body: { payout_service_id: payout.payout_service_id, status: 'failed', failed_remark: 'closed\u0000' },
    });
    expect([nulRemark.status, nulRemark.body]).toEqual([400, { failed_remark: ['Null characters are not allowed.'] }]);
    expect((await sandbox.call<Payout>('GET', `${PAYOUTS}?search=${payout.ref_id}`)).body).toMatchObject({
      results: [{ status: 'initiated' }],
    });
  });

  it('answers an unsigned callback 401 whatever its content type, before reading its body', async () => {
    for (const [type, raw] of [
      ['text/plain', 'not json'],
      ['application/json; charset=utf-16', '{}'],
      ['application/json', '{"payout_service_id": '],
    ]) {
      const answer = await sandbox.call('POST', CALLBACK, { raw, callbackSecret: null, headers: { 'content-type': type! } });
      expect([type, answer.status]).toEqual([type, 401]);
    }
    // Signed, the same body is judged on its own merits.
    const signed = await sandbox.call('POST', CALLBACK, { raw: 'not json', headers: { 'content-type': 'text/plain' } });
    expect(signed.status).toBe(415);
  });

  it('grants CORS to the origins given, preflight included, and to no other', async () => {
    const { allowed, refused } = await corsPreflights(`${sandbox.url}${PAYOUTS}`, DOCS_ORIGIN, 'authorization, idempotency-key');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DOCS_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('idempotency-key');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const list = await sandbox.call<PayoutPage>('GET', PAYOUTS, { headers: { origin: DOCS_ORIGIN } });
    expect(list.headers.get('access-control-allow-origin')).toBe(DOCS_ORIGIN);
    expect(list.headers.get('access-control-allow-origin')).not.toBe('*');
    const foreign = await sandbox.call('GET', PAYOUTS, { headers: { origin: FOREIGN_ORIGIN } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a URL that is not percent-encoded right with a 400 in the error shape', async () => {
    const answer = await rawRequest(sandbox.url, httpRequest({ url: sandbox.url, method: 'GET', path: `${PAYOUTS}%zz/retry/` }, AUTH));
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toHaveProperty('detail');
  });
});

describe('a development sandbox', () => {
  it('refuses its well-known token to a request that names another Host (a DNS-rebound page)', async () => {
    const sandbox = await startTestSandbox({ tokens: [], callbackSecrets: [] });
    try {
      const request = httpRequest({ url: sandbox.url, method: 'GET', path: PAYOUTS }, { Authorization: 'Bearer sandbox-dev-token' });
      expect((await rawRequest(sandbox.url, request)).status).toBe(200);
      const rebound = await rawRequest(sandbox.url, request.replace(/Host: .*/, 'Host: rebind.attacker.example:4030'));
      expect(rebound.status).toBe(421);
      expect(rebound.body).not.toContain('results');
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('the sandbox, fuzzed', () => {
  it('answers any method, target, query, header value and body below 500, and keeps serving', async () => {
    const sandbox = await startTestSandbox();
    try {
      const payout = await initiatedPayout(sandbox);
      const paths = [PAYOUTS, `${PAYOUTS}unmatched/`, `${PAYOUTS}export/`, CALLBACK, `${PAYOUTS}${payout.id}/retry/`];
      paths.push(`${PAYOUTS}${payout.id}/mark_processed/`, '/_sandbox/tenants/');
      await fuzzRequests({ url: sandbox.url, paths, headers: AUTH, runs: 250 });
      // A signed callback with a body drawn the same way: the signature check does not crash on it either.
      const body = '{"constructor":{"__proto__":[]},"status":"processed"}';
      const headers = { 'content-type': 'application/json', 'X-Payout-Signature': signCallback(body, CALLBACK_SECRET) };
      expect((await sandbox.call('POST', CALLBACK, { raw: body, callbackSecret: null, headers })).status).toBe(400);
      expect((await sandbox.call('GET', PAYOUTS)).status).toBe(200);
    } finally {
      await sandbox.dispose();
    }
  }, 120_000);
});

describe('a trickling client', () => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
  });
  afterAll(() => sandbox?.dispose());

  /** Sends the head of a request with a large body, then a byte every half second; resolves with the time to the cut. */
  const trickle = (head: string) => {
    const { port } = new URL(sandbox.url);
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.resume(); // read the answer, so the socket sees the server's end
    socket.write(`${head.replace('HOST', `127.0.0.1:${port}`)}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n`);
    const drip = setInterval(() => socket.writable && socket.write(' '), 500);
    return closed.finally(() => clearInterval(drip));
  };

  it('is cut off within 30 s whether its request was refused at once or is being read, and the sandbox goes on serving', async () => {
    const [refused, read] = await Promise.all([
      trickle(`POST ${PAYOUTS} HTTP/1.1\r\nHost: HOST\r\n`),
      trickle(`POST ${PAYOUTS} HTTP/1.1\r\nHost: HOST\r\nAuthorization: Bearer ${TOKEN}\r\n`),
    ]);
    // Refused: closed at once. Read: the 30 s request limit, checked every second; the rest is the
    // slack a CI machine running every package's tests at once needs (31.2 s seen there).
    expect(refused).toBeLessThan(5_000);
    expect(read).toBeLessThan(40_000);
    expect((await sandbox.call('GET', PAYOUTS)).status).toBe(200);
  }, 60_000);
});
