import { connect } from 'node:net';
import fc from 'fast-check';

export interface RawAnswer {
  /** 0 when the server closed the connection without an answer. */
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends `text` as it is to the server at `url` (scheme, host and port) and reads the first answer:
 * what `fetch` cannot send (a malformed request line, a header Node would refuse to write).
 * Rejects when nothing arrives within `timeoutMs`.
 */
export function rawRequest(url: string, text: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(text).slice(0, 120))}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      resolve(parseAnswer(Buffer.concat(chunks).toString('utf8')));
    };
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // One complete answer is enough: a server keeping the connection open is not a hang.
      const parsed = parseAnswer(Buffer.concat(chunks).toString('utf8'));
      const length = Number(parsed.headers['content-length']);
      if (parsed.status > 0 && Number.isFinite(length) && Buffer.byteLength(parsed.body) >= length) {
        socket.destroy();
        finish();
      }
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', () => finish());
    socket.write(text);
  });
}

function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rest = end === -1 ? '' : text.slice(end + 4);
  return { status, headers, body: headers['transfer-encoding'] === 'chunked' ? unchunked(rest) : rest };
}

/** The body of a chunked answer, as far as it arrived. */
function unchunked(text: string): string {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return body;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** A whole HTTP/1.1 request, `Connection: close`, with the body's length computed. */
export function httpRequest(
  target: { url: string; method: string; path: string },
  headers: Record<string, string> = {},
  body?: string,
): string {
  const { host } = new URL(target.url);
  const lines = [`${target.method} ${target.path} HTTP/1.1`, `Host: ${host}`, 'Connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
}

/** Field names that are properties of every JavaScript object: a server keying a plain object by them breaks. */
export const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', '__proto__', 'valueOf', 'isPrototypeOf'] as const;

export interface HostileRequest {
  name: string;
  /** The raw request for a server at `url`, authenticated with `headers` where it needs to be. */
  text(url: string, headers: Record<string, string>): string;
  /** What the server must answer: checked by the suite, after which the server must still answer. */
  expect: (answer: RawAnswer) => void;
}

const isErrorBody = (answer: RawAnswer) => {
  const body = JSON.parse(answer.body) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`not an error object: ${answer.body}`);
  return body as Record<string, unknown>;
};

function expectStatus(answer: RawAnswer, status: number): void {
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.body.slice(0, 300)}`);
  isErrorBody(answer);
}

/**
 * The requests that took a server down or got a wrong answer on main (issue #27), for a JSON
 * operation at `path` that takes a body: unknown fields named like Object.prototype's properties,
 * a malformed request line, a foreign Host, headers over the limit.
 */
export function hostileRequests(path: string): HostileRequest[] {
  const unknownFields: HostileRequest[] = PROTOTYPE_NAMES.map((name) => ({
    name: `a body whose only field is "${name}"`,
    text: (url, headers) => httpRequest({ url, method: 'POST', path }, { ...headers, 'Content-Type': 'application/json' }, `{"${name}":1}`),
    expect: (answer) => {
      if (answer.status !== 400 && answer.status !== 422) throw new Error(`expected 400 or 422, got ${answer.status}: ${answer.body}`);
      const body = isErrorBody(answer);
      if (!Object.hasOwn(body, name)) throw new Error(`the error body does not name the unknown field ${name}: ${answer.body}`);
    },
  }));
  return [
    ...unknownFields,
    {
      name: 'a request line whose target is not a path (GET http://[/x)',
      text: (url) => `GET http://[/x HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: close\r\n\r\n`,
      expect: (answer) => expectStatus(answer, 400),
    },
    {
      name: 'a Host that is not the server (DNS rebinding)',
      text: (url, headers) =>
        httpRequest({ url, method: 'GET', path }, headers).replace(`Host: ${new URL(url).host}`, 'Host: rebind.attacker.example'),
      expect: (answer) => expectStatus(answer, 421),
    },
    {
      name: 'headers over the limit',
      text: (url, headers) => httpRequest({ url, method: 'GET', path }, { ...headers, 'X-Padding': 'a'.repeat(20_000) }),
      expect: (answer) => expectStatus(answer, 431),
    },
  ];
}

/** Values fast-check draws for a header: anything a client can put on the wire, CR and LF aside. */
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 });
const queryString = fc
  .array(fc.tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 24 })), { maxLength: 5 })
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
const jsonKey = fc.oneof(fc.constantFrom(...PROTOTYPE_NAMES), fc.string({ maxLength: 12 }));
const body = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.dictionary(jsonKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 80 }),
);
/** Bytes after the method, in place of a well-formed target: the request line itself, mangled. */
const requestTarget = (paths: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...paths), queryString).map(([p, q]) => (q ? `${p}?${q}` : p)) },
    { weight: 1, arbitrary: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }) },
  );

export interface FuzzOptions {
  /** Where the server answers. */
  url: string;
  /** The paths to aim at (the operations'), with path parameters filled in. */
  paths: string[];
  /** Headers every request carries (a token). */
  headers?: Record<string, string>;
  /** Runs, each one request. Default 150. */
  runs?: number;
  seed?: number;
}

/**
 * A bounded property: for any method, target, query, header value and body, the server answers
 * (within the timeout) with a status below 500. Throws fast-check's report of the smallest failing
 * request otherwise.
 */
export async function fuzzRequests(options: FuzzOptions): Promise<{ statuses: Map<number, number> }> {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
      requestTarget(options.paths),
      headerValue,
      fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/json; charset=latin1', ''),
      body,
      async (method, target, value, contentType, payload) => {
        const headers: Record<string, string> = { ...options.headers, 'X-Fuzz': value, 'Idempotency-Key': value || 'k' };
        if (contentType) headers['Content-Type'] = contentType;
        const answer = await rawRequest(options.url, httpRequest({ url: options.url, method, path: target }, headers, payload));
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        if (answer.status === 0 || answer.status >= 500)
          throw new Error(`${method} ${target} answered ${answer.status || 'nothing'}: ${answer.body.slice(0, 300)}`);
      },
    ),
    { numRuns: options.runs ?? 150, seed: options.seed, endOnFailure: true },
  );
  return { statuses };
}
/** An origin no server here is given: its pages must get no CORS grant. */
export const FOREIGN_ORIGIN = 'http://evil.example';

/**
 * A browser's preflight of a POST to `url` from the allowed origin and from a foreign one, asking
 * for `requestHeaders` (comma-separated): what a server's CORS test looks at.
 */
export async function corsPreflights(
  url: string,
  allowedOrigin: string,
  requestHeaders: string,
): Promise<{ allowed: Response; refused: Response }> {
  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
    });
  const [allowed, refused] = await Promise.all([preflight(allowedOrigin), preflight(FOREIGN_ORIGIN)]);
  return { allowed, refused };
}

export { launchChromium } from './chromium.js';
export { copyWorkspace } from './workspace-copy.js';
