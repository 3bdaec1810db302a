// The sandbox: its options, the credentials it refuses, the store it opens, and the HTTP pipeline
// (pipeline/: edge, route, auth, input check, handler with idempotency, output check, errors) it
// listens with. The admin API (admin.ts) is mounted beside it when an admin token is given.
import { randomUUID } from 'node:crypto';
import type { SpecModel } from '@payouts/model';
import { httpUrl, isLoopback, listenError } from '@payouts/process';
import { loadSpec } from '@payouts/spec';
import Fastify, { type FastifyInstance } from 'fastify';
import { mountAdmin } from './admin.js';
import { type BankKind, DEFAULT_BANK_DELAY_SECONDS, SimulatedBank } from './bank.js';
import { type Edge, edgeServerOptions, guardEdge } from './edge.js';
import { answerer } from './pipeline/answer.js';
import { authenticate } from './pipeline/auth.js';
import { readBodies } from './pipeline/body.js';
import { answerErrors } from './pipeline/errors.js';
import { checkInput } from './pipeline/input.js';
import { serveOperations } from './pipeline/operations.js';
import { carryState } from './pipeline/state.js';
import { seedBanks, seedDemo } from './seed.js';
import { openDatabase } from './store/open-database.js';
import { PayoutStore } from './store/payout-store.js';
import { DEFAULT_CALLBACK_SECRET, DEFAULT_TOKEN, type TenantConfig, Tenants } from './tenants.js';

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
  /**
   * The bank of every tenant without one of its own: 'simulated' settles each exported payout by
   * itself after `bankDelaySeconds` (bank.ts); 'none' (the default) leaves that to a provider.
   */
  bank?: BankKind;
  bankDelaySeconds?: number;
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
    await tenants.hearChanges();
    if (options.tenants?.length) await tenants.configure(options.tenants);
    let demoPayouts = options.seedDemo ? await seedDemo(store, spec) : 0;
    for (const tenant of options.tenants ?? [])
      if (tenant.seed_demo) demoPayouts += await seedDemo(store, spec, (await tenants.idOf(tenant.name))!);
    let edge: Edge;
    let bank: SimulatedBank;
    ({ app, edge, bank } = buildApp(store, tenants, spec, options));
    await app.listen({ port: options.port ?? 0, host });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
    edge.listening(host, address.port);
    bank.listening(address.port);
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
          bank.stop();
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

/**
 * The HTTP side, in Prism's order: the edge (Host, CORS, limits), the route, auth (a bearer token,
 * or the provider's signature over the body), the input check, the handler with idempotency, the
 * output check, and the errors no operation answers.
 */
function buildApp(
  store: PayoutStore,
  tenants: Tenants,
  spec: SpecModel,
  options: SandboxOptions,
): { app: FastifyInstance; edge: Edge; bank: SimulatedBank } {
  // On stop, requests in flight get their answers; idle keep-alive connections are closed at once.
  const app = Fastify({
    logger: false,
    forceCloseConnections: 'idle',
    bodyLimit: 1024 * 1024,
    genReqId: () => randomUUID(),
    ...edgeServerOptions(),
  });
  const log = options.log ?? ((line: string) => console.error(line));
  const answers = answerer(spec, options.validateResponses ?? true, log);
  const edge = guardEdge(app, options.corsOrigins);
  carryState(app);
  readBodies(app);
  authenticate(app, tenants, answers);
  checkInput(app, spec, answers);
  if (options.logRequests) {
    app.addHook('onResponse', async (request, reply) => {
      log(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
    });
  }
  serveOperations(app, spec, store, answers);
  const bankOptions = { kind: options.bank ?? 'none', delaySeconds: options.bankDelaySeconds ?? DEFAULT_BANK_DELAY_SECONDS };
  const bank = new SimulatedBank(app, tenants, spec.operation('receivePayoutCallback').path, bankOptions, log);
  bank.listen(store);
  mountAdmin(app, { tenants, store, bank }, options.adminToken);
  answerErrors(app, spec, answers, log);
  return { app, edge, bank };
}
