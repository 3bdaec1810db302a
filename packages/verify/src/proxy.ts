// Passive mode: Prism's validating proxy (`prism proxy <spec> <target> --errors`) in front of a
// provider. Every answer is checked against the spec; one that breaks it reaches the client as a
// 500 application/problem+json whose `validation` list (and `sl-violations` header) names each
// field, so a provider's own end-to-end suite fails on it. Requests are not validated: an e2e
// suite's deliberate bad input must reach the provider, whose answer is what is judged.
//
// Prism listens on a loopback port of its own; what callers reach is a small front server with the
// edge every server here has (its own Host only, the time limits, the error shape of what Node
// cannot parse), which Prism's server lacks.
//
// A request without the credential its operation requires (no bearer token, an unsigned
// callback) goes past Prism, which would refuse it with a 401 of its own, straight to the
// provider: what the provider does with it is what is judged. Its 401 passes through when it is
// the documented one; anything else it answers is a violation named as such.
import { Agent, createServer, request as forward, type IncomingMessage, type ServerResponse } from 'node:http';
import { startPrism } from '@payouts/mock';
import { answerBodyOf, type Operation, type SpecModel } from '@payouts/model';
import { answerClientErrors, hostGuard, listen, httpUrl as listenUrl, refuseMisdirected, SERVER_LIMITS } from '@payouts/process';
import { bundlePath, loadSpec } from '@payouts/spec';
import { httpUrl } from './http.js';

/** What the proxy reports for an answer that breaks the spec, in Prism's own shape. */
interface Violation {
  location: string[];
  severity: 'Error';
  code: string;
  message: string;
}

/** Headers a forwarded request must not carry over: they describe the hop, not the request. */
const HOP_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

function lacksCredential(request: IncomingMessage, operation: Operation): boolean {
  return operation.secured && !operation.credentialHeaders.some((name) => request.headers[name.toLowerCase()] !== undefined);
}

/** What is wrong with the provider's answer to a request that carried no credential. */
function unauthenticatedViolations(model: SpecModel, operation: Operation, status: number, contentType: string, text: string): Violation[] {
  const [credential] = operation.credentialHeaders;
  const missing = credential === 'Authorization' ? 'a bearer token' : `${credential}`;
  if (status !== 401) {
    return [
      {
        location: ['response', 'status'],
        severity: 'Error',
        code: 'served-without-credentials',
        message: `${operation.operationId} was sent without ${missing} and the provider answered ${status}: it must refuse such a request with 401`,
      },
    ];
  }
  return model.checkResponse(operation, { status, contentType, body: answerBodyOf(contentType, text) }).diagnostics.map((diagnostic) => ({
    location: ['response', diagnostic.location, ...diagnostic.pointer.split('/').filter(Boolean)],
    severity: 'Error',
    code: diagnostic.rule?.keyword ?? 'contract',
    message: `${diagnostic.field || diagnostic.location}: ${diagnostic.message}`,
  }));
}

function answerViolations(response: ServerResponse, violations: Violation[]): void {
  const problem = {
    type: 'https://stoplight.io/prism/errors#VIOLATIONS',
    title: 'Request/Response not valid',
    status: 500,
    detail: 'The response is not valid: see validation.',
    validation: violations,
  };
  response.writeHead(500, { 'content-type': 'application/problem+json', 'sl-violations': JSON.stringify(violations) });
  response.end(JSON.stringify(problem));
}

/** Sends a request without credentials to the provider itself, and answers what it answered, or the violation. */
async function judgeUnauthenticated(
  model: SpecModel,
  operation: Operation,
  target: string,
  request: IncomingMessage,
  response: ServerResponse,
  onLog?: (line: string) => void,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const headers = Object.entries(request.headers).flatMap(([name, value]) =>
    HOP_HEADERS.has(name) || value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value] as [string, string]],
  );
  let answer: Response;
  try {
    answer = await fetch(`${target}${request.url ?? '/'}`, {
      method: request.method,
      headers,
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      redirect: 'manual',
    });
  } catch (error) {
    response.writeHead(502, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ detail: `The provider is not answering: ${error instanceof Error ? error.message : String(error)}` }));
    return;
  }
  const text = await answer.text();
  const contentType = answer.headers.get('content-type') ?? '';
  const violations = unauthenticatedViolations(model, operation, answer.status, contentType, text);
  if (violations.length > 0) {
    for (const violation of violations) onLog?.(`[VIOLATION] ${violation.location.join('.')}: ${violation.message}`);
    return answerViolations(response, violations);
  }
  const passed = [...answer.headers].filter(([name]) => !HOP_HEADERS.has(name) && name !== 'content-encoding');
  response.writeHead(answer.status, Object.fromEntries(passed));
  response.end(text);
}

export interface ValidatingProxy {
  url: string;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  target: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where Prism's log lines go (each violation is logged there too); default: dropped. */
  onLog?: (line: string) => void;
}

export async function startValidatingProxy(options: ProxyOptions): Promise<ValidatingProxy> {
  const target = httpUrl(options.target, '--target');
  const host = options.host ?? '127.0.0.1';
  const agent = new Agent({ keepAlive: true });
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  let prismPort = 0;
  const model = loadSpec();
  const front = createServer(SERVER_LIMITS, (request, response) => {
    if (!isOwnHost(request.headers.host)) return refuseMisdirected(request, response);
    const operation = model.route(request.method ?? 'GET', new URL(request.url ?? '/', 'http://proxy').pathname);
    if (operation && lacksCredential(request, operation)) {
      judgeUnauthenticated(model, operation, target, request, response, options.onLog).catch((error: unknown) => {
        if (response.headersSent) return void response.destroy();
        response.writeHead(502, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ detail: `Could not judge the provider's answer: ${String(error)}` }));
      });
      return;
    }
    const upstream = forward(
      { host: '127.0.0.1', port: prismPort, method: request.method, path: request.url, headers: request.headers, agent },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', (error) => {
      if (response.headersSent) return void response.destroy();
      response
        .writeHead(502, { 'content-type': 'application/json' })
        .end(JSON.stringify({ detail: `Prism is not answering: ${error.message}` }));
    });
    response.on('close', () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  });
  answerClientErrors(front);
  // The caller's port first: a port in use fails at once, before Prism takes a second to start.
  const { port } = await listen(front, { port: options.port ?? 0, host, flag: '--port' });
  isOwnHost = hostGuard(host, port);
  const close = () => {
    front.closeAllConnections();
    agent.destroy();
    return new Promise<void>((resolve) => front.close(() => resolve()));
  };
  try {
    // The mock's launcher: Prism in its own process group, gone with its parent even on a kill -9.
    const prism = await startPrism({
      spec: bundlePath('json'),
      proxyTo: target,
      host: '127.0.0.1',
      port: 0,
      errors: true,
      validateRequests: false,
      dynamic: false,
      logLevel: 'info',
      // Prism's own "listening on" names its private port: callers use the front server's.
      onLog: options.onLog && ((line: string) => /listening on/i.test(line) || options.onLog!(line)),
    });
    prismPort = prism.port;
    return { url: listenUrl(host, port), stop: async () => void (await Promise.all([close(), prism.stop()])) };
  } catch (error) {
    await close();
    throw error;
  }
}
