import { Agent, createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Operation, SpecModel } from '@payouts/model';
import {
  answerClientErrors,
  type CorsPolicy,
  corsPolicy,
  hostGuard,
  httpUrl,
  listen,
  refuseMisdirected,
  SERVER_LIMITS,
} from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { type PrismProcess, startPrism } from './prism.js';
import { startPrismInProcess } from './prism-library.js';
import { prepareSpec, type ServedSpec } from './spec.js';
import {
  type ContractViolation,
  errorBodyFor,
  isMalformedJsonAnswer,
  malformedBodyViolation,
  parseViolationHeader,
  routeViolation,
  ViolationLog,
} from './violations.js';

export interface MockOptions {
  /** Port to listen on; 0 (the default) picks a free one: read it back from `port`. */
  port?: number;
  /** The CLI flag that sets `port`, named in the error when it is taken. Default `--port`. */
  portFlag?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Generate bodies from the schemas instead of answering the spec's examples. */
  dynamic?: boolean;
  /** With `dynamic`, the same seed generates the same bodies. */
  seed?: string | number;
  /**
   * Strict mode: an answer of the mock that breaks the spec becomes a 500 naming the violation
   * (Prism's `--errors`), and `stop()` rejects while violations nobody checked remain.
   */
  errors?: boolean;
  /** OpenAPI document to serve; default `@payouts/spec`'s bundled `dist/openapi.json`. */
  spec?: string;
  /** Called for each violation as the mock sees it (the CLI prints them). */
  onViolation?: (violation: ContractViolation) => void;
  /** How many violations `violations()` keeps (the first ones); later ones are only counted. Default 1000. */
  keepViolations?: number;
  /**
   * Run Prism as a library in this process instead of its CLI in a child process: a reload takes
   * a tenth of a second instead of one or two (pnpm dev uses it). Off by default, so a test
   * process does not carry Prism's modules.
   */
  inProcess?: boolean;
  /**
   * Origins whose pages may call the mock from a browser (CORS, preflight included), e.g. the docs
   * page's. None by default: a page elsewhere gets no CORS header, so it can read nothing and
   * send nothing that needs a preflight.
   */
  corsOrigins?: string[];
}

export interface Mock {
  /** e.g. `http://127.0.0.1:4010`; operation paths go after it. */
  url: string;
  port: number;
  /** The operations the mock serves, from the spec. */
  operations: readonly Operation[];
  /** Contract violations seen since the start or the last `clearViolations()`/`expectNoViolations()`. */
  violations(): ContractViolation[];
  clearViolations(): void;
  /** Throws a `ContractViolationError` listing what the mock saw (and forgets it), else does nothing. */
  expectNoViolations(): void;
  /**
   * Serves the spec file again (after a save): a new Prism starts behind the same port, and only
   * then takes the requests; the old one finishes those it has, and stops. A request during the
   * reload gets the old answer or the new one, never a refused connection.
   */
  reload(): Promise<void>;
  /** Stops the mock: no process and no open port is left once it resolves. */
  stop(): Promise<void>;
}

/** One Prism with the spec it serves, and the requests it is answering. */
interface Generation {
  prism: PrismProcess;
  spec: ServedSpec;
  inFlight: number;
}

// Hop-by-hop headers describe one connection; each side of the recording proxy has its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * Starts Prism on the spec behind a small loopback proxy that reads every answer's
 * `sl-violations` header, records the violations and names the invalid fields in 400 bodies.
 * Resolves once the mock answers.
 */
export async function startMock(options: MockOptions = {}): Promise<Mock> {
  const { port = 0, host = '127.0.0.1', dynamic = false, seed, errors = false, onViolation } = options;
  const specFile = options.spec ?? bundlePath('json');
  const seen = new ViolationLog(options.keepViolations ?? 1000);
  const record = (violations: ContractViolation[]) => {
    seen.add(violations);
    if (onViolation) violations.forEach(onViolation);
  };
  const agent = new Agent({ keepAlive: true });
  const cors = corsPolicy(options.corsOrigins);
  let current: Generation | undefined;
  // Set once the port is known: until then no request can arrive.
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  const server = createServer(SERVER_LIMITS, (req, res) => {
    if (!isOwnHost(req.headers.host)) return refuseMisdirected(req, res);
    const serving = current;
    if (!serving) return sendJson(res, 503, { detail: 'the mock is still starting' });
    serving.inFlight += 1;
    res.on('close', () => {
      serving.inFlight -= 1;
    });
    try {
      relay(req, res, { prismPort: serving.prism.port, agent, model: serving.spec.model, record, cors });
    } catch (error) {
      answerInternalError(res, error);
    }
  });
  answerClientErrors(server);
  // Silent: Prism's log costs it half its throughput, and the proxy sees the violations anyway.
  const startGeneration = async (): Promise<Generation> => {
    const spec = await prepareSpec(specFile);
    try {
      const prism = options.inProcess
        ? await startPrismInProcess({ spec: spec.path, dynamic, seed, errors })
        : await startPrism({ spec: spec.path, host: '127.0.0.1', port: 0, dynamic, seed, errors, logLevel: 'silent' });
      return { prism, spec, inFlight: 0 };
    } catch (error) {
      await spec.dispose();
      throw error;
    }
  };
  const retire = async (generation: Generation) => {
    const deadline = Date.now() + 5000;
    while (generation.inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await generation.prism.stop();
    // Only now: Prism watches the file it serves and restarts when it changes, so the copy must outlive Prism.
    await generation.spec.dispose();
  };
  const closeServer = () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    agent.destroy();
    return closed;
  };

  // The caller's port first: a port in use fails at once, before Prism takes a second to start.
  let boundPort: number;
  try {
    ({ port: boundPort } = await listen(server, { port, host, flag: options.portFlag }));
    isOwnHost = hostGuard(host, boundPort);
    current = await startGeneration();
  } catch (error) {
    if (server.listening) await closeServer();
    throw error;
  }

  let stopping: Promise<void> | undefined;
  let reloading: Promise<void> = Promise.resolve();
  const mock: Mock = {
    url: httpUrl(host, boundPort),
    port: boundPort,
    operations: current.spec.model.operations,
    violations: () => seen.list(),
    clearViolations: () => seen.clear(),
    expectNoViolations() {
      const found = seen.error();
      seen.clear();
      if (found) throw found;
    },
    reload() {
      // One reload at a time, in the order asked: the last one serves the file as it is now.
      reloading = reloading
        .catch(() => undefined)
        .then(async () => {
          if (stopping) return;
          const next = await startGeneration();
          const previous = current!;
          current = next;
          mock.operations = next.spec.model.operations;
          await retire(previous);
        });
      return reloading;
    },
    stop() {
      stopping ??= (async () => {
        await reloading.catch(() => undefined);
        await Promise.all([closeServer(), retire(current!)]);
        const unchecked = seen.error();
        if (errors && unchecked) throw unchecked;
      })();
      return stopping;
    },
  };
  return mock;
}

interface RelayContext {
  prismPort: number;
  agent: Agent;
  model: SpecModel;
  record(violations: ContractViolation[]): void;
  cors: CorsPolicy;
}

function relay(req: IncomingMessage, res: ServerResponse, context: RelayContext): void {
  const method = req.method ?? 'GET';
  const path = pathOf(req.url);
  if (path === undefined) return void sendJson(res, 400, { detail: `The request target ${JSON.stringify(req.url)} is not a path.` });
  const preflight = context.cors.preflight(req);
  if (preflight) {
    res.writeHead(preflight.status, preflight.headers).end();
    return;
  }
  const cors = context.cors.headersFor(req.headers.origin);
  const operation = context.model.route(method, path);
  const headers = withoutHopByHop(req.headers);
  const upstream = forward(
    { host: '127.0.0.1', port: context.prismPort, method, path: req.url, headers, agent: context.agent },
    (answer) => void answerWith(answer).catch((error: unknown) => answerInternalError(res, error)),
  );
  const answerWith = async (answer: IncomingMessage) => {
    const status = answer.statusCode ?? 502;
    const line = { method, path, status };
    const header = answer.headers['sl-violations'];
    const violations = parseViolationHeader(Array.isArray(header) ? header.join(',') : header, operation, line);
    if (!operation) violations.push(routeViolation(line, context.model.methodsAt(path).length > 0));
    const answerHeaders = { ...withoutHopByHop(answer.headers), ...cors };

    // Only an invalid request's 400/422 is read here; every other answer streams through untouched.
    const invalidRequestAnswer = (status === 400 || status === 422) && /json/.test(answer.headers['content-type'] ?? '');
    if (!invalidRequestAnswer || (header === undefined && !operation)) {
      context.record(violations);
      res.writeHead(status, answerHeaders);
      answer.pipe(res);
      return;
    }
    let body: string;
    try {
      body = await readText(answer);
    } catch {
      return void res.destroy();
    }
    // A body that is not JSON fails in Prism's HTTP layer, before validation: no sl-violations.
    if (header === undefined && isMalformedJsonAnswer(body)) violations.push(malformedBodyViolation(operation, line));
    const requestViolations = violations.filter((violation) => violation.side === 'request');
    if (requestViolations.length > 0) body = JSON.stringify(errorBodyFor(requestViolations));
    context.record(violations);
    answerHeaders['content-length'] = String(Buffer.byteLength(body));
    res.writeHead(status, answerHeaders).end(body);
  };
  upstream.on('error', (error) => {
    if (res.headersSent || res.destroyed) return void res.destroy();
    res
      .writeHead(502, { 'content-type': 'application/json' })
      .end(JSON.stringify({ detail: `the mock's Prism process is not answering: ${error.message}` }));
  });
  // A caller that hangs up mid-request must not leave Prism waiting for the rest of it.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

async function readText(stream: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of stream.setEncoding('utf8')) text += chunk;
  return text;
}

/** The path of a request target, or undefined for one that is not a path (`http://[/x`, `*`). */
function pathOf(target: string | undefined): string | undefined {
  if (!target?.startsWith('/')) return undefined;
  try {
    return new URL(target, 'http://mock').pathname;
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** A fault of the mock's own: the caller gets a 500 in the error shape and the mock goes on serving. */
function answerInternalError(res: ServerResponse, error: unknown): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  sendJson(res, 500, { detail: `The mock failed to answer this request: ${error instanceof Error ? error.message : String(error)}` });
}

// Prism's own CORS answers are off (the mock answers CORS for the origins it was given), and a
// header Prism sends anyway must not widen what the mock grants.
function withoutHopByHop<T extends Record<string, string | string[] | undefined>>(headers: T): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith('access-control-')) kept[name] = value;
  }
  return kept;
}
