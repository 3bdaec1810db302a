// What every HTTP server of this repo does at its edge, before any route: limits on how long a
// request may take to arrive, an answer in the spec's error shape for a request Node cannot parse,
// the Host check that keeps a loopback server from answering a DNS-rebound page, and CORS for the
// origins given, and for no other.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { isLoopback } from './net.js';

/** The whole request (headers and body) must arrive within this; a trickling client is cut off. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** The headers must arrive within this. */
const HEADERS_TIMEOUT_MS = 15_000;

/**
 * `http.createServer` options: the timeouts above, checked every second (Node checks every 30 s by
 * default, so a trickling client would hold its connection up to a minute past the limit).
 */
export const SERVER_LIMITS: ServerOptions = {
  requestTimeout: REQUEST_TIMEOUT_MS,
  headersTimeout: HEADERS_TIMEOUT_MS,
  connectionsCheckingInterval: 1000,
};

const JSON_TYPE = 'application/json; charset=utf-8';

/** The status and `{"detail"}` body for a request Node's parser refused (Node's own answer is a bare 400). */
function clientErrorAnswer(error: NodeJS.ErrnoException): { status: number; detail: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, detail: 'The request headers are too large.' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, detail: `The request did not arrive within ${REQUEST_TIMEOUT_MS / 1000} s.` };
    default:
      return { status: 400, detail: `The request could not be read as HTTP/1.1 (${error.code ?? error.message}).` };
  }
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' };

/** Answers a request Node's parser refused (a malformed request line, headers too large, a timeout) in the spec's error shape. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) return void socket.destroy();
  const { status, detail } = clientErrorAnswer(error);
  const body = JSON.stringify({ detail });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** `answerClientError` for every request this server's parser refuses. */
export function answerClientErrors(server: Server): void {
  server.on('clientError', answerClientError);
}

/**
 * Which `Host` headers a server answers. On a loopback address, only its own address or
 * `localhost`, with its port: a page whose DNS name was rebound to 127.0.0.1 sends its own name and
 * is refused. A server listening on another address (a wildcard, a LAN address) is reached by names
 * it cannot know, and accepts any.
 */
export function hostGuard(listenHost: string, port: number): (hostHeader: string | undefined) => boolean {
  if (!isLoopback(listenHost)) return () => true;
  const own = listenHost.includes(':') ? `[${listenHost}]` : listenHost;
  const allowed = new Set([`${own}:${port}`, `localhost:${port}`].map((h) => h.toLowerCase()));
  return (hostHeader) => hostHeader !== undefined && allowed.has(hostHeader.toLowerCase());
}

/** Whether a `Host` header names this machine's loopback (127.0.0.0/8, [::1], localhost), whatever the port. */
export function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const name = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader)?.[1] ?? hostHeader.replace(/:\d+$/, '');
  return isLoopback(name.toLowerCase());
}

/** The 421 a server answers for a `Host` that is not its own, in the spec's error shape. */
export function misdirectedDetail(hostHeader: string | undefined): string {
  return `This server does not answer for Host ${hostHeader === undefined ? '(none)' : JSON.stringify(hostHeader)}: use its own address or localhost.`;
}

/** Sends the 421 for a foreign `Host` on a plain Node server. */
export function refuseMisdirected(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify({ detail: misdirectedDetail(request.headers.host) });
  response.writeHead(421, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' }).end(body);
}

/** The request headers a browser may send to the API: what its operations take. */
const ALLOWED_REQUEST_HEADERS = 'authorization, content-type, idempotency-key, x-payout-signature';
/** Answer headers a page may read besides the simple ones. */
const EXPOSED_HEADERS = 'content-disposition, x-request-id, www-authenticate, allow, sl-violations';

export interface CorsPolicy {
  /** The CORS headers for an actual request from this origin: none for an origin not given. */
  headersFor(origin: string | undefined): Record<string, string>;
  /**
   * The answer to a preflight (OPTIONS with Access-Control-Request-Method), or undefined when the
   * request is not one. A preflight from an origin not given is a 403 with no CORS headers.
   */
  preflight(request: {
    method?: string;
    headers: IncomingMessage['headers'];
  }): { status: number; headers: Record<string, string> } | undefined;
}

/**
 * CORS for exactly these origins (`--cors-origin`, repeatable): each is echoed back, never `*`, and
 * no other origin gets a CORS header, so a page elsewhere can neither read an answer nor send a
 * request that needs a preflight (a JSON body, a token).
 */
export function corsPolicy(origins: readonly string[] = []): CorsPolicy {
  const allowed = new Set(origins.map(normalOrigin));
  const isAllowed = (origin: string | undefined): origin is string => origin !== undefined && allowed.has(origin.toLowerCase());
  return {
    headersFor(origin): Record<string, string> {
      if (!isAllowed(origin)) return {};
      return { 'access-control-allow-origin': origin, vary: 'Origin', 'access-control-expose-headers': EXPOSED_HEADERS };
    },
    preflight(request): { status: number; headers: Record<string, string> } | undefined {
      const origin = request.headers.origin;
      if (request.method !== 'OPTIONS' || origin === undefined || request.headers['access-control-request-method'] === undefined)
        return undefined;
      if (!isAllowed(origin)) return { status: 403, headers: { vary: 'Origin' } };
      return {
        status: 204,
        headers: {
          'access-control-allow-origin': origin,
          'access-control-allow-methods': 'GET, POST, PUT',
          'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
          'access-control-max-age': '600',
          vary: 'Origin',
        },
      };
    },
  };
}

/** Checks a `--cors-origin` value: scheme, host and port only, as a browser sends `Origin`. */
export function normalOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new Error(`--cors-origin ${JSON.stringify(origin)} is not an origin: expected e.g. http://127.0.0.1:4020`);
  }
  if (!/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '').toLowerCase())
    throw new Error(`--cors-origin ${JSON.stringify(origin)} is not an origin: scheme, host and port only, e.g. http://127.0.0.1:4020`);
  return url.origin;
}
