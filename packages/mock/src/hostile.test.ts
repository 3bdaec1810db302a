// What took `pnpm dev` down through its mock (issue #27): each hostile request gets an answer in the
// spec's error shape and the mock keeps serving; CORS goes to the origins given and no other.
import { connect } from 'node:net';
import { corsPreflights, FOREIGN_ORIGIN, fuzzRequests, hostileRequests, httpRequest, rawRequest } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Mock, startMock } from './index.js';

const AUTH = { Authorization: 'Bearer any' };
const DOCS_ORIGIN = 'http://127.0.0.1:4020';

describe('the mock under hostile requests', () => {
  let mock: Mock;
  beforeAll(async () => {
    mock = await startMock({ corsOrigins: [DOCS_ORIGIN] });
  });
  afterAll(() => mock?.stop());

  const stillServes = async () => {
    const answer = await fetch(`${mock.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer any' } });
    expect(answer.status).toBe(200);
  };

  for (const hostile of hostileRequests('/v1/lms/payouts/')) {
    it(`${hostile.name}: answers in the error shape, and goes on serving`, async () => {
      hostile.expect(await rawRequest(mock.url, hostile.text(mock.url, AUTH)));
      await stillServes();
    });
  }

  it('grants CORS to the origins given, preflight included, and to no other', async () => {
    const { allowed, refused } = await corsPreflights(`${mock.url}/v1/lms/payouts/`, DOCS_ORIGIN, 'authorization, content-type');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DOCS_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();

    const list = (origin: string) => fetch(`${mock.url}/v1/lms/payouts/`, { headers: { origin, authorization: 'Bearer any' } });
    expect((await list(DOCS_ORIGIN)).headers.get('access-control-allow-origin')).toBe(DOCS_ORIGIN);
    const foreign = await list(FOREIGN_ORIGIN);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('answers its own address and localhost as Host', async () => {
    const port = new URL(mock.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`]) {
      const text = httpRequest({ url: mock.url, method: 'GET', path: '/v1/lms/payouts/' }, AUTH).replace(/Host: .*/, `Host: ${host}`);
      expect((await rawRequest(mock.url, text)).status).toBe(200);
    }
  });
});

describe('a client that trickles', () => {
  it('its body or its headers, is cut off within 30 s, and the mock goes on serving', async () => {
    const mock = await startMock();
    try {
      const { port, host } = new URL(mock.url);
      const trickle = (head: string, drop: string) => {
        const socket = connect({ host: '127.0.0.1', port: Number(port) });
        socket.on('error', () => undefined);
        socket.resume(); // read the answer, so the socket sees the mock's end
        const started = Date.now();
        const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
        socket.write(head);
        const drip = setInterval(() => socket.writable && socket.write(drop), 500);
        return closed.finally(() => clearInterval(drip));
      };
      const [body, headers] = await Promise.all([
        trickle(
          `POST /v1/lms/payouts/ HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer any\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
          ' ',
        ),
        trickle(`GET /v1/lms/payouts/ HTTP/1.1\r\nHost: ${host}\r\n`, 'X-A: b\r\n'),
      ]);
      // The 30 s request limit, checked every second, plus the slack a loaded CI machine needs.
      expect(body).toBeLessThan(40_000);
      expect(headers).toBeLessThan(40_000);
      expect((await fetch(`${mock.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer any' } })).status).toBe(200);
    } finally {
      await mock.stop();
    }
  }, 60_000);
});

describe('the mock, fuzzed', () => {
  it('answers any method, target, query, header value and body below 500, and keeps serving', async () => {
    const mock = await startMock();
    try {
      const paths = mock.operations.map((op) => op.path.replace('{id}', '0b6f7c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b'));
      await fuzzRequests({ url: mock.url, paths, headers: AUTH, runs: 200 });
      expect((await fetch(`${mock.url}/v1/lms/payouts/`, { headers: { authorization: 'Bearer any' } })).status).toBe(200);
    } finally {
      await mock.stop();
    }
  }, 120_000);
});
