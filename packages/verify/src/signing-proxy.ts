// Respect runs the Arazzo workflows, but cannot compute the provider's HMAC signature of a body it
// builds at run time. So its requests go through this loopback proxy, which signs the requests to
// the signed operation (Payout Callback) with the callback secret, over the bytes it forwards.
//
// It holds the provider's secret, so it serves Respect and nobody else: every request must carry
// the run's capability (X-Verify-Capability, 32 random bytes given to Respect through its input,
// never printed, and never forwarded), name the proxy's own address as Host, and it stops with the
// run. Anything else is refused and nothing is forwarded.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signCallback } from '@payouts/callbacks';
import type { SpecModel } from '@payouts/model';
import { answerClientErrors, hostGuard, httpUrl, refuseMisdirected, SERVER_LIMITS } from '@payouts/process';
import { signatureHeaderOf } from './http.js';

/** The header each request to the proxy carries the run's capability in. */
export const CAPABILITY_HEADER = 'x-verify-capability';

export interface SigningProxy {
  url: string;
  /** What the runner sends in X-Verify-Capability; a secret of the run. */
  capability: string;
  stop(): Promise<void>;
}

/** Hop-by-hop headers, the ones fetch computes itself, and the capability, which is the proxy's alone. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding', CAPABILITY_HEADER]);
/** Requests bodies the proxy reads at most: a callback is a few hundred bytes. */
const MAX_BODY = 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error(`a body over ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function refuse(response: ServerResponse, status: number, detail: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
  response.end(JSON.stringify({ detail }));
}

/**
 * Starts the proxy in front of `target`. With a `secret` it signs the signed operation's requests;
 * without one it only forwards (the workflows that send callbacks are skipped then).
 */
export async function startSigningProxy(spec: SpecModel, target: string, secret: string | undefined): Promise<SigningProxy> {
  const capability = randomBytes(32).toString('base64url');
  const expected = Buffer.from(capability);
  const holdsCapability = (header: string | string[] | undefined) => {
    const given = Buffer.from(typeof header === 'string' ? header : '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  const server = createServer(SERVER_LIMITS, (request, response) => {
    if (!isOwnHost(request.headers.host)) return refuseMisdirected(request, response);
    if (!holdsCapability(request.headers[CAPABILITY_HEADER]))
      return refuse(response, 403, "verify's signing proxy serves only the run that started it (X-Verify-Capability).");
    void (async () => {
      const url = new URL(request.url ?? '/', `${target}/`);
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !NOT_FORWARDED.has(name)) headers.set(name, [value].flat().join(', '));
      }
      const body = await readBody(request);
      const method = request.method ?? 'GET';
      const header = signatureHeaderOf(spec.route(method, url.pathname) ?? { credentialHeaders: [] });
      if (secret && header && !headers.has(header)) headers.set(header, signCallback(body, secret));
      const answer = await fetch(new URL(`${url.pathname}${url.search}`, target), {
        method,
        headers,
        body: body.length > 0 ? new Uint8Array(body) : undefined,
        redirect: 'manual',
      });
      const answered = Buffer.from(await answer.arrayBuffer());
      // fetch has already decoded the body, so its content-encoding no longer applies.
      response.writeHead(
        answer.status,
        Object.fromEntries([...answer.headers].filter(([name]) => !NOT_FORWARDED.has(name) && name !== 'content-encoding')),
      );
      response.end(answered);
    })().catch((error: Error) => {
      if (response.headersSent) return void response.destroy();
      refuse(response, 502, `verify's signing proxy could not forward to ${target}: ${error.message}`);
    });
  });
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  isOwnHost = hostGuard('127.0.0.1', port);
  return {
    url: httpUrl('127.0.0.1', port),
    capability,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
