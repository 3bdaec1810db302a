// A broken provider for the tests: a loopback proxy in front of a real sandbox that injects
// exactly one realistic bug, so there is no second fake backend to keep in step with the spec.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkCallbackSignature, SIGNATURE_HEADER, signCallback } from '@payouts/callbacks';

export const BUGS = {
  /** Decimal amounts serialised as strings (Django REST framework's DecimalField default). */
  'wrong-type': 'amount is sent as a string',
  /** A serializer that forgot a field in its `fields` list. */
  'missing-field': 'is_imported is left out of every payout',
  /** A CharField without null=True: an unset utr comes out as "" instead of null. */
  'nullable-made-non-null': 'utr is "" instead of null until the payout is processed',
  /** An unhandled exception on a body that fails validation. */
  'server-error-on-bad-input': 'createPayout answers 500 instead of 400 for an invalid body',
  /** The framework's default error page instead of the JSON error model. */
  'text-plain-error': 'every 400 answer is text/plain',
  /** page_size is clamped silently instead of rejected. */
  'bad-input-accepted': 'listPayouts answers 200 to a page_size out of bounds',
  /** Authentication middleware left out: a request without a token is served anyway. */
  'auth-ignored': 'a request with no token is served as if it had a valid one',
  /** mark_processed does not check the payout's status. */
  'wrong-transition-accepted': 'processPayout marks a payout processed from any status',
  /** A float-backed parser: an amount past 2^53-1 is rounded, 1e400 becomes something storable. */
  'huge-number-accepted': 'createPayout takes an amount past 2^53-1, or 1e400, instead of refusing it',
  /** Query integers parsed with Number(): 0x10 reads as 16. */
  'hex-query-accepted': 'listPayouts reads page=0x10 as page 16',
  /** A timestamp in milliseconds "fixed" by dividing it, instead of refused. */
  'milliseconds-accepted': 'processPayout takes processed_at in milliseconds',
  /** Idempotency-Key read nowhere: a repeated request acts again. */
  'replay-ignored': 'a repeat with the same Idempotency-Key acts twice',
  /** A lookup that falls back to "the latest payout" when the id matches none. */
  'unknown-id-answered': 'retryFailedPayout answers an unknown id with some other payout',
  /** Timestamps written with Date.now(): milliseconds where the contract says seconds. */
  'milliseconds-in-answers': 'created_at is in milliseconds in every payout',
  /** The callback route left outside the signature middleware. */
  'signature-ignored': 'receivePayoutCallback acts on a callback whatever its signature',
  /** The HMAC checked, its timestamp not: a captured callback can be replayed any time later. */
  'stale-signature-accepted': 'receivePayoutCallback takes a correctly signed callback from long ago',
  /** The reversal handler does not check that the payout was paid. */
  'reversal-of-unpaid-accepted': 'receivePayoutCallback reverses a payout that was never processed',
  /** The reversal recorded, the answer built from the row read before it. */
  'reversal-answered-stale': 'receivePayoutCallback answers a reversal with the payout still processed',
} as const;

export type Bug = keyof typeof BUGS;

export interface BugProxy {
  url: string;
  stop(): Promise<void>;
}

type Payout = Record<string, unknown> & { id: string; status: string };

const isPayout = (value: unknown): value is Payout =>
  value !== null && typeof value === 'object' && typeof (value as Payout).id === 'string' && typeof (value as Payout).status === 'string';

/** Applies `change` to every payout in a body: a payout itself, or a page of them. */
function eachPayout(body: unknown, change: (payout: Payout) => void): void {
  if (isPayout(body)) change(body);
  const results = (body as { results?: unknown } | null)?.results;
  if (Array.isArray(results)) results.filter(isPayout).forEach(change);
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const SIGNATURE = SIGNATURE_HEADER.toLowerCase();

/**
 * `validToken` and `callbackSecret` are the sandbox's: a bug that skips a check gives the sandbox
 * the credential the broken provider would not have asked for.
 */
export async function startBugProxy(target: string, bug: Bug, validToken: string, callbackSecret = ''): Promise<BugProxy> {
  // Every payout seen passing by, so a wrongly accepted transition can answer one.
  const seen = new Map<string, Payout>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', target);
    const headers = Object.fromEntries(
      Object.entries(request.headers).flatMap(([name, value]) =>
        typeof value === 'string' && name !== 'host' && name !== 'content-length' ? [[name, value]] : [],
      ),
    );
    if (bug === 'auth-ignored' && !headers.authorization) headers.authorization = `Bearer ${validToken}`;
    if (bug === 'replay-ignored') delete headers['idempotency-key'];
    if (bug === 'bad-input-accepted' && url.pathname === '/v1/lms/payouts/' && request.method === 'GET') {
      const size = Number(url.searchParams.get('page_size'));
      if (url.searchParams.has('page_size') && !(size >= 1 && size <= 100))
        url.searchParams.set('page_size', String(Math.min(100, Math.max(1, size || 1))));
    }
    if (bug === 'hex-query-accepted') {
      for (const [name, value] of [...url.searchParams])
        if (/^0x[0-9a-f]+$/i.test(value)) url.searchParams.set(name, String(Number(value)));
    }
    const requestBody = rewriteRequestBody(request.method ?? 'GET', url, await readBody(request));
    if (url.pathname === '/v1/lms/payouts/callback/') {
      const check = checkCallbackSignature(headers[SIGNATURE], requestBody, callbackSecret, { toleranceSeconds: Number.MAX_SAFE_INTEGER });
      const resign = bug === 'signature-ignored' || (bug === 'stale-signature-accepted' && check.ok);
      if (resign) headers[SIGNATURE] = signCallback(requestBody, callbackSecret);
    }
    const upstream = await fetch(url, {
      method: request.method,
      headers,
      body: requestBody.length ? new Uint8Array(requestBody) : undefined,
    });
    let answer: Answer = {
      status: upstream.status,
      headers: Object.fromEntries(
        [...upstream.headers].filter(([name]) => !['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(name)),
      ),
      body: await upstream.text(),
    };
    answer = inject(request.method ?? 'GET', url, requestBody, answer);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }

  /** The request body as the broken provider reads it. */
  function rewriteRequestBody(method: string, url: URL, body: Buffer): Buffer {
    const parsed = (() => {
      try {
        return JSON.parse(body.toString()) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    if (!parsed || typeof parsed !== 'object') return body;
    if (bug === 'huge-number-accepted' && method === 'POST' && url.pathname === '/v1/lms/payouts/') {
      if (typeof parsed.amount === 'number' && !Number.isSafeInteger(parsed.amount)) parsed.amount = 1000;
    } else if (bug === 'milliseconds-accepted' && method === 'PUT' && url.pathname.endsWith('/mark_processed/')) {
      if (typeof parsed.processed_at === 'number' && parsed.processed_at > 1e10)
        parsed.processed_at = Math.floor(parsed.processed_at / 1000);
    } else {
      return body;
    }
    return Buffer.from(JSON.stringify(parsed));
  }

  function inject(method: string, url: URL, requestBody: Buffer, answer: Answer): Answer {
    const json = (answer.headers['content-type'] ?? '').includes('json') && answer.body ? (JSON.parse(answer.body) as unknown) : undefined;
    if (json !== undefined) eachPayout(json, (payout) => seen.set(payout.id, structuredClone(payout)));
    const rewrite = (change: (payout: Payout) => void): Answer => {
      if (json === undefined) return answer;
      eachPayout(json, change);
      return { ...answer, body: JSON.stringify(json) };
    };
    switch (bug) {
      case 'wrong-type':
        return rewrite((payout) => (payout.amount = String(payout.amount)));
      case 'missing-field':
        return rewrite((payout) => delete payout.is_imported);
      case 'milliseconds-in-answers':
        return rewrite((payout) => (payout.created_at = Math.round(Number(payout.created_at) * 1000)));
      case 'unknown-id-answered': {
        const latest = [...seen.values()].at(-1);
        if (answer.status !== 404 || method !== 'PUT' || !url.pathname.endsWith('/retry/') || !latest) return answer;
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(latest) };
      }
      case 'nullable-made-non-null':
        return rewrite((payout) => (payout.utr ??= ''));
      case 'server-error-on-bad-input':
        if (method === 'POST' && url.pathname === '/v1/lms/payouts/' && answer.status === 400) {
          return { status: 500, headers: { 'content-type': 'application/json' }, body: '{"detail":"Internal Server Error"}' };
        }
        return answer;
      case 'text-plain-error':
        if (answer.status === 400)
          return {
            ...answer,
            headers: { ...answer.headers, 'content-type': 'text/plain; charset=utf-8' },
            body: `Bad Request: ${answer.body}`,
          };
        return answer;
      case 'wrong-transition-accepted': {
        const id = /^\/v1\/lms\/payouts\/([^/]+)\/mark_processed\/$/.exec(url.pathname)?.[1];
        const payout = id ? seen.get(id) : undefined;
        if (answer.status !== 409 || !payout) return answer;
        const body = JSON.parse(requestBody.toString() || '{}') as { utr?: string; processed_at?: number };
        const processed = { ...payout, status: 'processed', utr: body.utr ?? null, processed_at: body.processed_at ?? null };
        seen.set(processed.id, processed);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(processed) };
      }
      case 'reversal-of-unpaid-accepted':
      case 'reversal-answered-stale': {
        if (method !== 'POST' || url.pathname !== '/v1/lms/payouts/callback/') return answer;
        const callback = JSON.parse(requestBody.toString() || '{}') as { payout_service_id?: string; status?: string };
        const payout = [...seen.values()].find((p) => p.payout_service_id === callback.payout_service_id);
        if (callback.status !== 'reversed' || !payout) return answer;
        const unpaid = bug === 'reversal-of-unpaid-accepted' && answer.status === 409;
        const stale = bug === 'reversal-answered-stale' && answer.status === 200;
        if (!unpaid && !stale) return answer;
        const body = unpaid
          ? { ...payout, status: 'reversed', reversed_at: 1732532400, failed_remark: 'reversed' }
          : { ...(JSON.parse(answer.body) as Payout), status: 'processed', reversed_at: null, failed_remark: null };
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      }
      default:
        return answer;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      response.writeHead(502, { 'content-type': 'text/plain' });
      response.end(`bug proxy: ${error.message}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
