// The raw HTTP helper reads answers as a server sends them, so the hostile tests judge real bytes.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRequest, rawRequest } from './index.js';

describe('rawRequest', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === '/chunked') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"detail":');
        response.end('"two chunks"}');
      } else if (request.url === '/silent') {
        // never answers
      } else {
        response.writeHead(404, { 'content-type': 'text/plain', 'content-length': '4' }).end('none');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads a sized answer, and a chunked one as its body', async () => {
    expect(await rawRequest(url, httpRequest({ url, method: 'GET', path: '/x' }))).toMatchObject({ status: 404, body: 'none' });
    const chunked = await rawRequest(url, httpRequest({ url, method: 'GET', path: '/chunked' }));
    expect([chunked.status, JSON.parse(chunked.body)]).toEqual([200, { detail: 'two chunks' }]);
  });

  it('says so when nothing arrives in time', async () => {
    await expect(rawRequest(url, httpRequest({ url, method: 'GET', path: '/silent' }), 300)).rejects.toThrow(/no answer within 300 ms/);
  });
});
