// A real HTTP server on loopback that answers from a script, one step per request, and records
// what it received: for tests of retries, timeouts and headers that need a server failing on purpose.
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Step =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  /** Never answers. */
  | 'hang'
  /** Sends the status line and headers of a JSON answer, then never sends the body. */
  | 'hang-body'
  /** Closes the connection without answering: the client sees a network error. */
  | 'drop';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

export interface ScriptedServer {
  url: string;
  received: Received[];
  stop(): Promise<void>;
}

/** The last step repeats once the script runs out. */
export async function startScriptedServer(script: Step[]): Promise<ScriptedServer> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, at: performance.now() });
      const step = script[Math.min(received.length, script.length) - 1] ?? 'drop';
      if (step === 'hang') return;
      if (step === 'drop') return void req.socket.destroy();
      if (step === 'hang-body') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"count":');
      const text = step.body === undefined ? '' : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
      res.writeHead(step.status, { 'content-type': 'application/json', ...step.headers }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
