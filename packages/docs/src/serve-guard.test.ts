// The docs server at its edge (issue #27): a page whose DNS name was rebound to loopback reads
// neither the page nor the build reports on /events; what Node cannot parse gets an answer; a
// client that trickles its headers is cut off.
import { connect } from 'node:net';
import { hostileRequests, httpRequest, rawRequest } from '@payouts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DocsServer, serveDocs } from './serve.js';

describe('serveDocs at its edge', () => {
  let docs: DocsServer;
  let origin: string;
  beforeAll(async () => {
    docs = await serveDocs({ live: true });
    origin = new URL(docs.url).origin;
  });
  afterAll(() => docs?.close());

  it('refuses a Host that is not its own with 421, on the page and on the event stream', async () => {
    for (const path of ['/', '/events']) {
      const text = httpRequest({ url: origin, method: 'GET', path }).replace(/Host: .*/, 'Host: rebind.attacker.example');
      const answer = await rawRequest(origin, text);
      expect([path, answer.status]).toEqual([path, 421]);
      expect(answer.body).not.toContain('event:');
    }
    const own = await rawRequest(origin, httpRequest({ url: origin, method: 'HEAD', path: '/' }));
    expect(own.status).not.toBe(421);
  });

  for (const hostile of hostileRequests('/').filter((h) => !h.name.startsWith('a body'))) {
    it(`${hostile.name}: answered, and the server goes on`, async () => {
      hostile.expect(await rawRequest(origin, hostile.text(origin, {})));
      expect((await fetch(docs.url, { method: 'HEAD' })).status).not.toBe(421);
    });
  }

  it('cuts off a client that trickles its headers within 30 s', async () => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(origin).port) });
    socket.on('error', () => undefined);
    socket.resume();
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.write(`GET / HTTP/1.1\r\nHost: ${new URL(origin).host}\r\n`);
    const drip = setInterval(() => socket.writable && socket.write('X-A: b\r\n'), 500);
    const elapsed = await closed.finally(() => clearInterval(drip));
    expect(elapsed).toBeLessThan(30_000);
  }, 45_000);
});
