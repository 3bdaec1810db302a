// The HTTP side: a Fastify route per operation of the bundled spec, bearer-token auth (signed
// callbacks for the provider's operation) that says which tenant is calling, request validation and
// (by default) response validation from the spec, and the spec's Error bodies for every refusal.
// The admin API (admin.ts) is mounted beside it when an admin token is given.
import { randomUUID } from 'node:crypto';
import { SIGNATURE_HEADER } from '@payouts/callbacks';
import { jsonBodyOf, type Operation, type SpecModel } from '@payouts/model';
import { httpUrl, isLoopback, isLoopbackHostHeader, listenError } from '@payouts/process';
import { loadSpec } from '@payouts/spec';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { mountAdmin } from './admin.js';
import { type Edge, edgeServerOptions, guardEdge } from './edge.js';
import { handlers } from './handlers.js';
import { Refusal } from './refusal.js';
import { seedBanks, seedDemo } from './seed.js';
import type { RecordedAnswer } from './store/idempotency.js';
import { openDatabase } from './store/open-database.js';
import { PayoutStore, type Payouts, TenantGoneError } from './store/payout-store.js';
import { prerenderedJson } from './store/render-cache.js';
import { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN, type TenantConfig, Tenants } from './tenants.js';
import type { ErrorBody, Input, OperationId } from './types.js';
import { answerProblems, checkRequest } from './validation.js';

export { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN } from './tenants.js';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The CLI flag that sets `port`, named in the error when it is taken. Default `--port`. */
  portFlag?: string;
  host?: string;
  /** A SQLite file, or a PostgreSQL URL (postgres://...) several sandboxes may share; in memory when absent. */
  db?: string;
  /**
   * Bearer tokens of the sandbox's own tenant; [DEFAULT_TOKEN] when absent or empty, unless
   * tenants or an admin token are given (then none).
   */
  tokens?: string[];
  /**
   * Secrets the own tenant's Payout Callbacks may be signed with (X-Payout-Signature); several
   * while one is rotated. [DEFAULT_CALLBACK_SECRET] when absent or empty, unless tenants or an
   * admin token are given (then none).
   */
  callbackSecrets?: string[];
  /** Tenants (a --tenants file), each with its own tokens, callback secret and payouts. */
  tenants?: TenantConfig[];
  /** Turns the admin API on (/_sandbox/tenants/), behind this bearer token. */
  adminToken?: string;
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
  /**
   * Origins whose pages may call the sandbox from a browser (CORS, preflight included), e.g. the
   * docs page's. None by default.
   */
  corsOrigins?: string[];
}

export interface Sandbox {
  /** e.g. http://127.0.0.1:4030 (no trailing slash; the spec's paths follow it). */
  url: string;
  port: number;
  /** The own tenant's tokens and callback secrets. */
  tokens: string[];
  callbackSecrets: string[];
  /** What the data is kept in: a file, a URL without its password, or in memory. */
  database: string;
  /** How many demo payouts --seed-demo made (0 when the database already held payouts). */
  demoPayouts: number;
  stop(): Promise<void>;
}

interface RouteConfig {
  operation?: Operation;
}

const JSON_TYPE = 'application/json; charset=utf-8';
/** The spec's security schemes, each as the sandbox checks it. */
const BEARER_SCHEME = 'bearerAuth';
const SIGNATURE_SCHEME = 'callbackSignature';
const IDEMPOTENCY_KEY = 'Idempotency-Key';

/** How long stop() lets requests in flight finish before it cuts their connections. */
const STOP_GRACE_MS = 3000;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const shared = Boolean(options.tenants?.length || options.adminToken);
  const tokens = options.tokens?.length ? [...options.tokens] : shared ? [] : [DEFAULT_TOKEN];
  const callbackSecrets = options.callbackSecrets?.length ? [...options.callbackSecrets] : shared ? [] : [DEFAULT_CALLBACK_SECRET];
  checkCredentials(host, tokens, callbackSecrets, options);
  const spec = loadSpec(options.specPath);
  const store = new PayoutStore(await openDatabase(options.db));
  let app: FastifyInstance | undefined;
  try {
    await seedBanks(store, spec);
    const tenants = new Tenants(store.database, { tokens, callbackSecrets }, shared);
    if (options.tenants?.length) await tenants.configure(options.tenants);
    let demoPayouts = options.seedDemo ? await seedDemo(store, spec) : 0;
    for (const tenant of options.tenants ?? [])
      if (tenant.seed_demo) demoPayouts += await seedDemo(store, spec, (await tenants.idOf(tenant.name))!);
    let edge: Edge;
    ({ app, edge } = buildApp(store, tenants, spec, options));
    await app.listen({ port: options.port ?? 0, host });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    edge.listening(host, address.port);
    const server = app;
    let stopped: Promise<void> | undefined;
    return {
      url: httpUrl(host, address.port),
      port: address.port,
      tokens,
      callbackSecrets,
      database: store.database.name,
      demoPayouts,
      stop: () =>
        (stopped ??= (async () => {
          // Requests in flight get their answers; a client that never finishes its request (or
          // never reads its answer) is cut off after the grace, so stop() always returns.
          const cutOff = setTimeout(() => server.server.closeAllConnections(), STOP_GRACE_MS);
          await server.close();
          clearTimeout(cutOff);
          await store.close();
        })()),
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw listenError(error, { port: options.port ?? 0, host, flag: options.portFlag });
  }
}

/** Refuses credentials that would let the wrong caller in. */
function checkCredentials(host: string, tokens: string[], callbackSecrets: string[], options: SandboxOptions): void {
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
  if (options.adminToken !== undefined && !/^\S{16,}$/.test(options.adminToken))
    throw new Error('the admin token must be at least 16 characters with no spaces: it can make and drop every tenant');
  for (const tenant of options.tenants ?? []) {
    const clash = tenant.tokens.find((token) => tokens.includes(token) || token === options.adminToken);
    if (clash !== undefined)
      throw new Error(
        `tenant "${tenant.name}" has a token that is also ${clash === options.adminToken ? 'the admin token' : 'a --token of the sandbox'}`,
      );
  }
  if (options.adminToken !== undefined && tokens.includes(options.adminToken)) throw new Error('the admin token may not also be a --token');
}

function buildApp(store: PayoutStore, tenants: Tenants, spec: SpecModel, options: SandboxOptions): { app: FastifyInstance; edge: Edge } {
  // On stop, requests in flight get their answers; idle keep-alive connections are closed at once.
  const app = Fastify({
    logger: false,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    genReqId: () => randomUUID(),
    ...edgeServerOptions(),
  });
  const edge = guardEdge(app, options.corsOrigins);
  /** The tenant each authenticated request acts as. */
  const tenantOf = new WeakMap<FastifyRequest, string>();
  const validateResponses = options.validateResponses ?? true;
  const log = options.log ?? ((line: string) => console.error(line));

  const send = (
    reply: FastifyReply,
    op: Operation | undefined,
    status: number,
    body: unknown,
    contentType = JSON_TYPE,
    headers: Record<string, string> = {},
  ) => {
    const problems =
      op && validateResponses
        ? answerProblems(
            spec,
            op,
            status,
            contentType,
            body,
            Object.keys(headers).map((h) => h.toLowerCase()),
          )
        : [];
    if (problems.length > 0) {
      const where = problems.join('; ');
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
  const received = new WeakMap<FastifyRequest, { bytes: Buffer; parseError?: Refusal }>();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, bytes, done) => {
    const entry: { bytes: Buffer; parseError?: Refusal } = { bytes: bytes as Buffer };
    received.set(request, entry);
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
      entry.parseError = Refusal.unsupportedMediaType(
        `Unsupported charset "${charset}" in Content-Type "${request.headers['content-type']}"; send UTF-8.`,
      );
      return done(null, undefined);
    }
    const text = entry.bytes.toString('utf8');
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      entry.parseError = Refusal.request(`JSON parse error - ${(error as Error).message}`);
      done(null, undefined);
    }
  });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (request, bytes, done) => {
    const type = request.headers['content-type'];
    const parseError = Refusal.unsupportedMediaType(`Unsupported media type "${type}" in request; send application/json.`);
    received.set(request, { bytes: bytes as Buffer, parseError });
    done(null, undefined);
  });

  app.addHook('onRequest', async (request, reply) => {
    const op = (request.routeOptions.config as RouteConfig | undefined)?.operation;
    if (!op?.securitySchemes.includes(BEARER_SCHEME)) return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      const detail = header ? 'Invalid Authorization header: expected "Bearer <token>".' : 'Authentication credentials were not provided.';
      return refuse(reply, op, 401, { detail }, { 'WWW-Authenticate': 'Bearer realm="api"' });
    }
    const tenant = await tenants.ofToken(match[1]!);
    // Belt and braces: start-up refuses the development token off loopback, and a loopback
    // sandbox answers no foreign Host; the token is never good for a request that named another.
    if (tenant !== undefined && match[1] === DEFAULT_TOKEN && !isLoopbackHostHeader(request.headers.host))
      return refuse(
        reply,
        op,
        401,
        { detail: 'The development token is accepted only on loopback.' },
        { 'WWW-Authenticate': 'Bearer realm="api"' },
      );
    if (tenant === undefined)
      return refuse(reply, op, 401, { detail: 'Invalid bearer token.' }, { 'WWW-Authenticate': 'Bearer realm="api"' });
    tenantOf.set(request, tenant);
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
    const handler = handlers[op.operationId as OperationId] as unknown as (
      input: Input<OperationId>,
      payouts: Payouts,
    ) => Promise<RecordedAnswer>;
    const takesKey = op.parameters.some((p) => p.in === 'header' && p.name === IDEMPOTENCY_KEY);
    const signed = op.securitySchemes.includes(SIGNATURE_SCHEME);
    const config: RouteConfig = { operation: op };
    app.route({
      method: op.method as 'GET',
      url: op.path.replace(/\{([^}]+)\}/g, ':$1'),
      config,
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const body = received.get(request);
        let tenant = tenantOf.get(request);
        if (signed) {
          const signer = await tenants.ofCallback(
            request.headers[SIGNATURE_HEADER.toLowerCase()],
            body?.bytes ?? new Uint8Array(),
            isLoopbackHostHeader(request.headers.host),
          );
          if (!signer.ok) return refuse(reply, op, 401, { detail: signer.reason });
          tenant = signer.tenant;
        }
        if (tenant === undefined) throw new Error(`${op.operationId} has no security scheme that says which tenant calls it`);
        // A GET's body is ignored, as Django ignores it; an operation that takes one must get JSON.
        if (body?.parseError && jsonBodyOf(op)) return refuse(reply, op, body.parseError.status, body.parseError.body);
        const checked = checkRequest(spec, op, {
          params: request.params as Record<string, unknown>,
          query: request.query as Record<string, unknown>,
          headers: request.headers,
          // No body at all reads as an empty object, so each required field is named.
          body: jsonBodyOf(op) && request.body === undefined ? {} : request.body,
        });
        if (!checked.ok) return refuse(reply, op, 400, checked.errors);
        const input = checked.request as Input<OperationId>;
        const run = (payouts: Payouts) => handler(input, payouts);
        const key = takesKey ? (input.headers as Record<string, string | undefined>)[IDEMPOTENCY_KEY] : undefined;
        let answer: RecordedAnswer;
        try {
          answer =
            op.method === 'GET'
              ? await store.read(tenant, run)
              : await store.answer(
                  tenant,
                  run,
                  key === undefined ? undefined : { key, operationId: op.operationId, params: input.params, body: input.body },
                );
        } catch (error) {
          if (!(error instanceof TenantGoneError)) throw error;
          return refuse(reply, op, 401, { detail: error.message }, signed ? {} : { 'WWW-Authenticate': 'Bearer realm="api"' });
        }
        const contentType =
          answer.contentType && answer.contentType !== 'application/json' ? `${answer.contentType}; charset=utf-8` : JSON_TYPE;
        return send(reply, op, Number(answer.status), answer.body, contentType, answer.headers as Record<string, string> | undefined);
      },
    });
  }
  if (known.size > 0) throw new Error(`the sandbox implements operations the spec no longer has: ${[...known].join(', ')}`);

  if (options.adminToken) {
    mountAdmin(app, tenants, options.adminToken, (request) => {
      const entry = received.get(request);
      return { body: request.body, parseError: entry?.parseError };
    });
  }

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
    if (error instanceof Refusal) return refuse(reply, op, error.status, error.body);
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

  return { app, edge };
}

/** The `charset` parameter of a Content-Type, unquoted; undefined when it has none. */
function charsetOf(contentType: string | undefined): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
}
