import { Agent, createServer, request as forward, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { answerBodyOf, type Diagnostic, errorBodyOf, jsonBodyOf, type Operation, pathParamsOf, type SpecModel } from '@payouts/model';
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
import { ContractRecorder, type RecordOptions } from './contract-recorder.js';
import { type Generation, Rotation, startPrismGeneration } from './generation.js';
import { type ContractViolation, routeViolation, ViolationLog, violationOf } from './violations.js';

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
   * Origins whose pages may call the mock from a browser (CORS, preflight included), e.g. the docs
   * page's. None by default: a page elsewhere gets no CORS header, so it can read nothing and
   * send nothing that needs a preflight.
   */
  corsOrigins?: string[];
  /**
   * Records what the caller's requests relied on as a consumer contract (a Pact v4 file) for
   * `pnpm contracts verify` and `pnpm can-i-deploy`: `{ consumer: 'loan-service', file }`. See
   * `@payouts/contracts`' `ContractRecorder` for what a recording keeps.
   */
  contract?: RecordOptions;
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

// Hop-by-hop headers describe one connection; each side of the recording proxy has its own.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/**
 * Starts Prism on the spec behind a small loopback proxy that checks every request and every
 * answer with @payouts/model's contract checker, records the violations, and answers an invalid
 * request with the documented 400 naming its fields. Resolves once the mock answers.
 */
export async function startMock(options: MockOptions = {}): Promise<Mock> {
  const { port = 0, host = '127.0.0.1', dynamic = false, seed, errors = false, onViolation } = options;
  const specFile = options.spec ?? bundlePath('json');
  const seen = new ViolationLog(options.keepViolations ?? 1000);
  const record = (violations: ContractViolation[]) => seen.add(violations, onViolation);
  const agent = new Agent({ keepAlive: true });
  const cors = corsPolicy(options.corsOrigins);
  let rotation: Rotation | undefined;
  // Set once the port is known: until then no request can arrive.
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  const recorder = options.contract ? new ContractRecorder(options.contract) : undefined;
  const server = relayServer(
    () => rotation?.current,
    { agent, record, cors, strict: errors, recorder },
    (host) => isOwnHost(host),
  );
  const startGeneration = () => startPrismGeneration(specFile, { dynamic, seed });
  const closeServer = () => closeRelay(server, agent);

  // The caller's port first: a port in use fails at once, before Prism takes a second to start.
  let boundPort: number;
  try {
    ({ port: boundPort } = await listen(server, { port, host, flag: options.portFlag }));
    isOwnHost = hostGuard(host, boundPort);
    rotation = new Rotation(await startGeneration(), startGeneration);
  } catch (error) {
    if (server.listening) await closeServer();
    throw error;
  }
  const serving = rotation;
  let stopping: Promise<void> | undefined;
  return {
    url: httpUrl(host, boundPort),
    port: boundPort,
    get operations() {
      return serving.current.spec.model.operations;
    },
    violations: () => seen.list(),
    clearViolations: () => seen.clear(),
    expectNoViolations() {
      const found = seen.error();
      seen.clear();
      if (found) throw found;
    },
    reload: () => serving.reload(),
    stop() {
      stopping ??= (async () => {
        await Promise.all([closeServer(), serving.stop()]);
        const unchecked = seen.error();
        if (errors && unchecked) throw unchecked;
      })();
      return stopping;
    },
  };
}

/** Closes the relay and every connection it holds, to callers and to Prism. */
function closeRelay(server: Server, agent: Agent): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  agent.destroy();
  return closed;
}

/** The mock's own server: each request to the Prism serving now, counted so that a reload waits for it. */
function relayServer(
  serving: () => Generation | undefined,
  context: Omit<RelayContext, 'prismPort' | 'model'>,
  isOwnHost: (host: string | undefined) => boolean,
): Server {
  const server = createServer(SERVER_LIMITS, (req, res) => {
    if (!isOwnHost(req.headers.host)) return refuseMisdirected(req, res);
    const generation = serving();
    if (!generation) return sendJson(res, 503, { detail: 'the mock is still starting' });
    generation.inFlight += 1;
    res.on('close', () => {
      generation.inFlight -= 1;
    });
    try {
      relay(req, res, { ...context, prismPort: generation.prism.port, model: generation.spec.model });
    } catch (error) {
      answerInternalError(res, error);
    }
  });
  answerClientErrors(server);
  return server;
}

interface RelayContext {
  prismPort: number;
  agent: Agent;
  model: SpecModel;
  record(violations: ContractViolation[]): void;
  cors: CorsPolicy;
  /** Strict mode: an answer of the mock's that breaks the spec becomes a 500 naming the problem. */
  strict: boolean;
  recorder: ContractRecorder | undefined;
}

/** Bodies a caller sends the mock: the API's own limit. */
const MAX_BODY = 1024 * 1024;

/**
 * One request: checked against the contract by @payouts/model's checker (what Prism would say is
 * not used: the sandbox and the mock judge alike). A request that breaks it gets the documented
 * 400, its body naming each field as the sandbox names it, and never reaches Prism; a valid one is
 * answered by Prism, and that answer is checked too.
 */
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
  void (async () => {
    const bytes = await readBytes(req);
    if (bytes === undefined) return sendJson(res, 413, { detail: `The request body is over ${MAX_BODY} bytes.` }, cors);
    const operation = context.model.route(method, path);
    const diagnostics = operation ? requestDiagnostics(context.model, operation, req, path, bytes) : [];
    const refusals = diagnostics.filter((d) => !(d.location === 'header' && operation!.credentialHeaders.includes(d.field)));
    if (operation && refusals.length > 0) {
      const status = operation.responses.some((r) => r.status === '400') ? 400 : 422;
      context.record(diagnostics.map((d) => violationOf(d, { method, path, status })));
      return sendJson(
        res,
        status,
        refusals.some((d) => d.rule) ? errorBodyOf(refusals) : { non_field_errors: refusals.map((d) => d.message) },
        cors,
      );
    }
    const answer = await ask(context, req, method, bytes);
    const line = { method, path, status: answer.status };
    const violations = diagnostics.map((d) => violationOf(d, line));
    if (!operation) violations.push(routeViolation(line, context.model.methodsAt(path).length > 0));
    const answered = operation ? answerDiagnostics(context.model, operation, answer) : [];
    if (answered.length > 0 && context.strict) {
      const where = answered.map((d) => `${d.field || d.location} ${d.message}`).join('; ');
      context.record([...violations, ...answered.map((d) => violationOf(d, { ...line, status: 500 }))]);
      return sendJson(
        res,
        500,
        { detail: `The mock's ${answer.status} answer to ${operation!.operationId} broke the spec: ${where}` },
        cors,
      );
    }
    context.record([...violations, ...answered.map((d) => violationOf(d, line))]);
    if (context.recorder && operation && answered.length === 0) recordExchange(context.recorder, operation, req, path, bytes, answer);
    res
      .writeHead(answer.status, { ...withoutHopByHop(answer.headers), ...cors, 'content-length': String(answer.body.length) })
      .end(answer.body);
  })().catch((error: unknown) => answerInternalError(res, error));
}

/** The request's path, query, headers and body as the checker reads them; a body that is not JSON is named as such. */
function requestDiagnostics(model: SpecModel, operation: Operation, req: IncomingMessage, path: string, bytes: Buffer): Diagnostic[] {
  let body: unknown;
  const json = /^application\/json\b/i.test(req.headers['content-type'] ?? '');
  if (bytes.length > 0 && json) {
    try {
      body = JSON.parse(bytes.toString('utf8'));
    } catch {
      return [
        {
          operationId: operation.operationId,
          side: 'request',
          location: 'body',
          field: '',
          pointer: '',
          message: 'the body is not valid JSON',
        },
      ];
    }
  } else if (bytes.length > 0 || !jsonBodyOf(operation)) {
    body = undefined; // another media type: Prism answers the documented 415; a GET's body is ignored
  } else {
    body = {}; // no body at all: each required field is named
  }
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URL(req.url!, 'http://mock').searchParams) {
    const before = query[name];
    query[name] = before === undefined ? value : [before, value].flat();
  }
  const params = pathParamsOf(operation.path, path);
  const checked = model.checkRequest(operation, { params, query, headers: req.headers, body });
  return json || bytes.length === 0 ? checked.diagnostics : checked.diagnostics.filter((d) => d.location !== 'body');
}

/** A request the mock took and an answer that kept the spec, into the caller's contract. */
function recordExchange(
  recorder: ContractRecorder,
  operation: Operation,
  req: IncomingMessage,
  path: string,
  bytes: Buffer,
  answer: PrismAnswer,
): void {
  const contentType = String(answer.headers['content-type'] ?? '');
  recorder.record({
    operation,
    method: operation.method,
    path,
    search: new URL(req.url!, 'http://mock').search.slice(1),
    headers: req.headers,
    body: bytes.length > 0 ? parsedJson(bytes) : undefined,
    status: answer.status,
    contentType,
    answer: answer.body.length > 0 ? parsedJson(answer.body) : undefined,
  });
}

function parsedJson(bytes: Buffer): unknown {
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function answerDiagnostics(model: SpecModel, operation: Operation, answer: PrismAnswer): Diagnostic[] {
  const contentType = String(answer.headers['content-type'] ?? '');
  const body = answerBodyOf(contentType, answer.body.toString('utf8'));
  return model.checkResponse(operation, { status: answer.status, contentType, headers: Object.keys(answer.headers), body }).diagnostics;
}

interface PrismAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Sends the request to Prism as it came, and reads its whole answer. */
function ask(context: RelayContext, req: IncomingMessage, method: string, bytes: Buffer): Promise<PrismAnswer> {
  return new Promise((resolve, reject) => {
    const upstream = forward(
      {
        host: '127.0.0.1',
        port: context.prismPort,
        method,
        path: req.url,
        headers: { ...withoutHopByHop(req.headers), 'content-length': String(bytes.length) },
        agent: context.agent,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
        answer.on('error', reject);
      },
    );
    upstream.on('error', (error) => reject(new Error(`the mock's Prism is not answering: ${error.message}`)));
    upstream.end(bytes);
  });
}

/** The whole body, or undefined when it is over MAX_BODY. */
async function readBytes(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
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

function sendJson(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res
    .writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    .end(text);
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
