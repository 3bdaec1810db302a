// The HTTP side: a Fastify route per operation of the bundled spec, bearer-token auth (signed
// callbacks for the provider's operation), request validation and (by default) response validation from the spec, and the spec's Error bodies for
// every refusal.
import { randomUUID } from 'node:crypto';
import { checkCallbackSignature, SIGNATURE_HEADER } from '@payouts/callbacks';
import type { Operation, SpecModel } from '@payouts/model';
import { httpUrl, isLoopback, listenError } from '@payouts/process';
import { loadSpec } from '@payouts/spec';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { openDb } from './db.js';
import { handlers } from './handlers.js';
import { Problem } from './problem.js';
import { seedBanks, seedDemo } from './seed.js';
import type { RecordedAnswer } from './store/idempotency.js';
import { PayoutStore } from './store/payout-store.js';
import { prerenderedJson } from './store/render-cache.js';
import type { ErrorBody, Input, OperationId } from './types.js';
import { jsonBodyOf, type ResponseProblem, Validation } from './validation.js';

export const DEFAULT_TOKEN = 'sandbox-dev-token';
export const DEFAULT_CALLBACK_SECRET = 'sandbox-dev-callback-secret';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The CLI flag that sets `port`, named in the error when it is taken. Default `--port`. */
  portFlag?: string;
  host?: string;
  /** SQLite file; in memory when absent. */
  db?: string;
  /** Accepted bearer tokens; [DEFAULT_TOKEN] when absent or empty. */
  tokens?: string[];
  /**
   * Secrets a Payout Callback may be signed with (X-Payout-Signature); several while one is
   * rotated. [DEFAULT_CALLBACK_SECRET] when absent or empty.
   */
  callbackSecrets?: string[];
  /** Demo payouts in every status, into an empty database. */
  seedDemo?: boolean;
  /**
   * Check every answer against the spec before sending it; an answer that breaks the spec becomes
   * a 500 naming the problem. On by default.
   */
  validateResponses?: boolean;
  /** The bundled spec by default. */
  specPath?: string;
  /** Where the sandbox reports answers that broke the spec and internal errors; console.error by default. */
  log?: (line: string) => void;
  /** Also log one line per request (method, path, status, time). */
  logRequests?: boolean;
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4030 (no trailing slash; the spec's paths follow it). */
  url: string;
  port: number;
  tokens: string[];
  callbackSecrets: string[];
  /** How many demo payouts --seed-demo made (0 when the database already held payouts). */
  demoPayouts: number;
  stop(): Promise<void>;
}

interface RouteConfig {
  operation?: Operation;
}

type ResponseCheck = (status: number, contentType: string, body: unknown, headers: string[]) => ResponseProblem[];

const JSON_TYPE = 'application/json; charset=utf-8';
/** The spec's security schemes, each as the sandbox checks it. */
const BEARER_SCHEME = 'bearerAuth';
const SIGNATURE_SCHEME = 'callbackSignature';
const IDEMPOTENCY_KEY = 'Idempotency-Key';
const REQUEST_TIMEOUT_MS = 30_000;

/** How long stop() lets requests in flight finish before it cuts their connections. */
const STOP_GRACE_MS = 3000;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const tokens = options.tokens?.length ? [...options.tokens] : [DEFAULT_TOKEN];
  const callbackSecrets = options.callbackSecrets?.length ? [...options.callbackSecrets] : [DEFAULT_CALLBACK_SECRET];
  if (!isLoopback(host) && tokens.includes(DEFAULT_TOKEN)) {
    throw new Error(
      `refusing to listen on ${host} with the well-known development token "${DEFAULT_TOKEN}": anyone who reaches it could move payouts. Give tokens of your own (--token).`,
    );
  }
  if (!isLoopback(host) && callbackSecrets.includes(DEFAULT_CALLBACK_SECRET)) {
    throw new Error(
      `refusing to listen on ${host} with the well-known development callback secret "${DEFAULT_CALLBACK_SECRET}": anyone who reaches it could settle payouts. Give a secret of your own (--callback-secret or PAYOUTS_CALLBACK_SECRET).`,
    );
  }
  if (callbackSecrets.some((secret) => secret.length === 0)) throw new Error('a callback secret may not be empty');
  const spec = loadSpec(options.specPath);
  const store = new PayoutStore(openDb(options.db));
  let app: FastifyInstance | undefined;
  try {
    seedBanks(store, spec);
    const demoPayouts = options.seedDemo ? await seedDemo(store) : 0;
    app = buildApp(store, spec, new Validation(spec), { ...options, tokens, callbackSecrets });
    await app.listen({ port: options.port ?? 0, host });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    const server = app;
    let stopped: Promise<void> | undefined;
    return {
      url: httpUrl(host, address.port),
      port: address.port,
      tokens,
      callbackSecrets,
      demoPayouts,
      stop: () =>
        (stopped ??= (async () => {
          // Requests in flight get their answers; a client that never finishes its request (or
          // never reads its answer) is cut off after the grace, so stop() always returns.
          const cutOff = setTimeout(() => server.server.closeAllConnections(), STOP_GRACE_MS);
          await server.close();
          clearTimeout(cutOff);
          store.close();
        })()),
    };
  } catch (error) {
    await app?.close();
    store.close();
    throw listenError(error, { port: options.port ?? 0, host, flag: options.portFlag });
  }
}

function buildApp(
  store: PayoutStore,
  spec: SpecModel,
  validation: Validation,
  options: SandboxOptions & { tokens: string[]; callbackSecrets: string[] },
): FastifyInstance {
  // On stop, requests in flight get their answers; idle keep-alive connections are closed at once.
  const app = Fastify({
    logger: false,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    // A request (headers and body) must arrive within this; a client trickling bytes is cut off.
    requestTimeout: REQUEST_TIMEOUT_MS,
    genReqId: () => randomUUID(),
  });
  const tokens = new Set(options.tokens);
  const validateResponses = options.validateResponses ?? true;
  const responseChecks = new Map<string, ResponseCheck>();
  const log = options.log ?? ((line: string) => console.error(line));

  const send = (
    reply: FastifyReply,
    op: Operation | undefined,
    status: number,
    body: unknown,
    contentType = JSON_TYPE,
    headers: Record<string, string> = {},
  ) => {
    const check = op && validateResponses ? responseChecks.get(op.operationId) : undefined;
    const problems =
      check?.(
        status,
        contentType,
        body,
        Object.keys(headers).map((h) => h.toLowerCase()),
      ) ?? [];
    if (problems.length > 0) {
      const where = problems.map((p) => `${p.at || 'body'} ${p.message}`).join('; ');
      log(`sandbox: ${op!.operationId} ${status} broke the spec: ${where}`);
      body = { detail: `The sandbox's ${status} answer to ${op!.operationId} broke the spec: ${where}` };
      status = 500;
      contentType = JSON_TYPE;
      headers = {};
    }
    return reply
      .code(status)
      .headers(headers)
      .type(contentType)
      .send(typeof body === 'string' ? body : (prerenderedJson(body as object) ?? JSON.stringify(body)));
  };
  const refuse = (reply: FastifyReply, op: Operation | undefined, status: number, body: ErrorBody, headers?: Record<string, string>) =>
    send(reply, op, status, body, JSON_TYPE, headers);

  for (const op of spec.operations) {
    const unknown = op.securitySchemes.filter((name) => name !== BEARER_SCHEME && name !== SIGNATURE_SCHEME);
    if (unknown.length > 0)
      throw new Error(`${op.operationId} uses security schemes the sandbox does not implement: ${unknown.join(', ')}`);
  }

  // Bodies are JSON, parsed here so that an empty body is no body (a retry sent with a JSON
  // content type) and a malformed one is the spec's 400, not Fastify's own error shape. The bytes
  // are kept for the callback signature, and a parse error waits until the signature is checked:
  // an unsigned request learns nothing about its body.
  const received = new WeakMap<FastifyRequest, { bytes: Buffer; parseError?: Problem }>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes, done) => {
    const entry: { bytes: Buffer; parseError?: Problem } = { bytes: bytes as Buffer };
    received.set(request, entry);
    const text = entry.bytes.toString('utf8');
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      entry.parseError = Problem.request(`JSON parse error - ${(error as Error).message}`);
      done(null, undefined);
    }
  });
  app.addContentTypeParser('*', (request, _payload, done) => {
    done(Problem.request(`Unsupported media type "${request.headers['content-type']}" in request; send application/json.`), undefined);
  });

  app.addHook('onRequest', (request, reply, done) => {
    const op = (request.routeOptions.config as RouteConfig).operation;
    if (!op?.securitySchemes.includes(BEARER_SCHEME)) return done();
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      const detail = header ? 'Invalid Authorization header: expected "Bearer <token>".' : 'Authentication credentials were not provided.';
      return refuse(reply, op, 401, { detail }, { 'WWW-Authenticate': 'Bearer realm="api"' });
    }
    if (!tokens.has(match[1]!))
      return refuse(reply, op, 401, { detail: 'Invalid bearer token.' }, { 'WWW-Authenticate': 'Bearer realm="api"' });
    done();
  });

  if (options.logRequests) {
    app.addHook('onResponse', (request, reply, done) => {
      log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
      done();
    });
  }

  const known = new Set(Object.keys(handlers));
  for (const op of spec.operations) {
    if (!known.delete(op.operationId)) throw new Error(`the spec has an operation the sandbox does not implement: ${op.operationId}`);
    const handler = handlers[op.operationId as OperationId] as unknown as (input: Input<OperationId>, store: PayoutStore) => RecordedAnswer;
    const takesKey = op.parameters.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY);
    const check = validation.request(op);
    const signed = op.securitySchemes.includes(SIGNATURE_SCHEME);
    responseChecks.set(op.operationId, validation.response(op));
    const config: RouteConfig = { operation: op };
    app.route({
      method: op.method as 'GET',
      url: op.path.replace(/\{([^}]+)\}/g, ':$1'),
      config,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = received.get(request);
        if (signed) {
          const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
          const signature = checkCallbackSignature(header, body?.bytes ?? '', options.callbackSecrets);
          if (!signature.ok) return refuse(reply, op, 401, { detail: signature.reason });
        }
        if (body?.parseError) return refuse(reply, op, 400, body.parseError.body);
        const checked = check({
          params: request.params as Record<string, unknown>,
          query: request.query as Record<string, unknown>,
          headers: request.headers,
          // No body at all reads as an empty object, so each required field is named.
          body: jsonBodyOf(op) && request.body === undefined ? {} : request.body,
        });
        if (!checked.ok) return refuse(reply, op, 400, checked.errors);
        const input = checked.request as Input<OperationId>;
        const run = () => handler(input, store);
        const key = takesKey ? (input.headers as Record<string, string | undefined>)[IDEMPOTENCY_KEY] : undefined;
        const answer =
          op.method === 'GET'
            ? await store.read(run)
            : await store.answer(
                run,
                key === undefined ? undefined : { key, operationId: op.operationId, params: input.params, body: input.body },
              );
        const contentType =
          answer.contentType && answer.contentType !== 'application/json' ? `${answer.contentType}; charset=utf-8` : JSON_TYPE;
        return send(reply, op, Number(answer.status), answer.body, contentType, answer.headers as Record<string, string> | undefined);
      },
    });
  }
  if (known.size > 0) throw new Error(`the sandbox implements operations the spec no longer has: ${[...known].join(', ')}`);

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = spec.methodsAt(path);
    if (allowed.length > 0) {
      return refuse(reply, undefined, 405, { detail: `Method "${request.method}" not allowed.` }, { Allow: allowed.join(', ') });
    }
    refuse(reply, undefined, 404, { detail: `Not found: no operation has the path ${path} (paths end in /).` });
  });

  app.setErrorHandler((caught, request, reply) => {
    const error = caught as Error & { statusCode?: number };
    const op = (request.routeOptions.config as RouteConfig | undefined)?.operation;
    if (error instanceof Problem) return refuse(reply, op, error.status, error.body);
    const status = error.statusCode ?? 500;
    // Fastify's own refusals (a body over the size limit, a malformed request) are bad input too.
    if (status >= 400 && status < 500) return refuse(reply, op, 400, { non_field_errors: [error.message] });
    // The cause goes to the log, under the request id the caller is given; never to the caller.
    log(`sandbox: request ${request.id}: ${request.method} ${request.url}: ${error.stack ?? error.message}`);
    refuse(
      reply,
      undefined,
      500,
      { detail: `Internal error. The sandbox's log has the cause under request id ${request.id}.` },
      { 'X-Request-Id': request.id },
    );
  });

  return app;
}
