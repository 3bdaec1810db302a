// Respect runs the Arazzo workflows, but cannot compute the provider's HMAC signature of a body it
// builds at run time. So its requests go through this loopback proxy, which signs each unsigned
// request to a signed operation (Payout Callback) with the callback secret, over the bytes it
// forwards, and passes everything else on untouched.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signCallback } from '@payouts/callbacks';
import type { SpecModel } from '@payouts/model';
import { httpUrl } from '@payouts/process';
import { signatureHeaderOf } from './http.js';

export interface SigningProxy {
  url: string;
  stop(): Promise<void>;
}

/** Hop-by-hop headers, and the ones fetch computes itself. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startSigningProxy(spec: SpecModel, target: string, secret: string): Promise<SigningProxy> {
  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', `${target}/`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name)) headers.set(name, [value].flat().join(', '));
      }
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      const header = signatureHeaderOf(spec.route(method, url.pathname) ?? { credentialHeaders: [] });
      if (header && !headers.has(header)) headers.set(header, signCallback(body, secret));
      const answer = await fetch(new URL(`${url.pathname}${url.search}`, target), {
        method,
        headers,
        body: body.length > 0 ? new Uint8Array(body) : undefined,
      });
      const answered = Buffer.from(await answer.arrayBuffer());
      // fetch has already decoded the body, so its content-encoding no longer applies.
      response.writeHead(
        answer.status,
        Object.fromEntries([...answer.headers].filter(([name]) => !NOT_FORWARDED.has(name) && name !== 'content-encoding')),
      );
      response.end(answered);
    })().catch((error: Error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`verify's signing proxy could not reach ${target}: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: httpUrl('127.0.0.1', port),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
