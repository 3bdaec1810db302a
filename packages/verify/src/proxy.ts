// Passive mode: Prism's validating proxy (`prism proxy <spec> <target> --errors`) in front of a
// provider. Every answer is checked against the spec; one that breaks it reaches the client as a
// 500 application/problem+json whose `validation` list (and `sl-violations` header) names each
// field, so a provider's own end-to-end suite fails on it. Requests are not validated: an e2e
// suite's deliberate bad input must reach the provider, whose answer is what is judged.
//
// Prism listens on a loopback port of its own; what callers reach is a small front server with the
// edge every server here has (its own Host only, the time limits, the error shape of what Node
// cannot parse), which Prism's server lacks.
import { Agent, createServer, request as forward } from 'node:http';
import { startPrism } from '@payouts/mock';
import { answerClientErrors, hostGuard, listen, httpUrl as listenUrl, refuseMisdirected, SERVER_LIMITS } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { httpUrl } from './http.js';

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
  const front = createServer(SERVER_LIMITS, (request, response) => {
    if (!isOwnHost(request.headers.host)) return refuseMisdirected(request, response);
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
