// Serves the docs page on loopback. It answers the page file as it is on disk at each request, so
// a rebuild (by `pnpm build` or `pnpm dev`, which swap the file atomically) shows on the next
// reload, and a failed build leaves the last good page served. With `live`, an open page follows
// the rebuilds by itself: the server sends `reload` or `failed` on an event stream (`/events`),
// and a few lines of script, added to the page as it is served (the built file is untouched),
// reload it or show what failed, file and line, instead of the page.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerClientErrors, hostGuard, httpUrl, listen, refuseMisdirected, SERVER_LIMITS } from '@payouts/process';
import { DOCS_PAGE } from './build.js';
import { withServersOffered } from './try-it/page.js';
import type { OfferedServer } from './try-it/shared.js';

export interface ServeDocsOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The CLI flag that sets `port`, named in the error when it is taken. Default `--port`. */
  portFlag?: string;
  /** The page to answer. Default: the one `pnpm build` writes (`DOCS_PAGE`). */
  pageFile?: string;
  /** Open pages reload after each rebuild, and show a failed one's report (`notify`). */
  live?: boolean;
  /** Servers the page's Try-it panel offers besides the spec's (`pnpm dev`: its sandbox and mock); also `offer()`. */
  servers?: OfferedServer[];
}

export type DocsEvent = { kind: 'reload' } | { kind: 'failed'; report: string };

export interface DocsServer {
  url: string;
  /** Tells every open page (with `live`): reload, or show why the last save did not build. */
  notify(event: DocsEvent): void;
  /** Sets the servers the Try-it panel offers on pages answered from now on. */
  offer(servers: OfferedServer[]): void;
  close(): Promise<void>;
}

/** The script a live page runs: it reloads on `reload`, and shows the report of a failed build over the page. */
const LIVE_SCRIPT = `<script>
(() => {
  const events = new EventSource('/events');
  events.addEventListener('reload', () => location.reload());
  events.addEventListener('failed', (event) => {
    let box = document.getElementById('payouts-build-failed');
    if (!box) {
      box = document.createElement('pre');
      box.id = 'payouts-build-failed';
      box.style.cssText = 'position:fixed;inset:0;margin:0;z-index:99999;overflow:auto;padding:24px;background:#fff5f5;color:#8a1f1f;font:13px/1.5 monospace;white-space:pre-wrap';
      document.body.appendChild(box);
    }
    box.textContent = 'The last save did not build; this page is the last good one underneath.\\n\\n' + JSON.parse(event.data).report;
  });
})();
</script>`;

/** The page as a live server answers it: its event stream allowed by the page's policy, and the script added. */
function livePage(page: string): string {
  return page.replace(/<\/body>(?![\s\S]*<\/body>)/, `${LIVE_SCRIPT}</body>`);
}

function servedPage(file: Buffer, live: boolean, servers: readonly OfferedServer[]): string | Buffer {
  if (!live && servers.length === 0) return file;
  const page = withServersOffered(file.toString('utf8'), servers, live);
  return live ? livePage(page) : page;
}

/** Serves the docs page; resolves once it listens, with its URL. */
export async function serveDocs(options: ServeDocsOptions = {}): Promise<DocsServer> {
  const { port = 0, host = '127.0.0.1', pageFile = DOCS_PAGE, live = false } = options;
  let servers = options.servers ?? [];
  const listeners = new Set<ServerResponse>();
  // Set once the port is known: until then no request can arrive.
  let isOwnHost: (host: string | undefined) => boolean = () => false;
  const server = createServer(SERVER_LIMITS, (request: IncomingMessage, response: ServerResponse) => {
    // A page whose name was rebound to loopback must not read the docs, nor the build reports on /events.
    if (!isOwnHost(request.headers.host)) return refuseMisdirected(request, response);
    const path = (request.url ?? '/').split('?')[0]!;
    if (!path.startsWith('/')) {
      response.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify({ detail: `The request target ${JSON.stringify(request.url)} is not a path.` }));
      return;
    }
    if (live && path === '/events' && request.method === 'GET') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      response.write(': connected\n\n');
      listeners.add(response);
      request.on('close', () => listeners.delete(response));
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end(`${request.method} is not allowed: the docs are read-only.\n`);
      return;
    }
    if (path !== '/' && path !== '/index.html') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`Not found: ${path}. The docs page is at /.\n`);
      return;
    }
    readFile(pageFile).then(
      (page) => {
        // no-store: a reload after a rebuild must show the new page.
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        response.end(request.method === 'HEAD' ? undefined : servedPage(page, live, servers));
      },
      (error: unknown) => {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        response.writeHead(missing ? 503 : 500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(
          missing
            ? `The docs page is not built yet (${pageFile}): run pnpm build.\n`
            : `Cannot read the docs page ${pageFile}: ${String(error)}\n`,
        );
      },
    );
  });
  answerClientErrors(server);
  const address = await listen(server, { port, host, flag: options.portFlag });
  isOwnHost = hostGuard(host, address.port);
  return {
    url: `${httpUrl(host, address.port)}/`,
    notify(event) {
      const data = JSON.stringify(event.kind === 'failed' ? { report: event.report } : {});
      for (const listener of listeners) listener.write(`event: ${event.kind}\ndata: ${data}\n\n`);
    },
    offer(offered) {
      servers = [...offered];
    },
    async close() {
      for (const listener of listeners) listener.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
