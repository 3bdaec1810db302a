// Serves the docs page on loopback. It answers the page file as it is on disk at each request, so
// a rebuild (by `pnpm build` or `pnpm dev`, which swap the file atomically) shows on the next
// reload, and a failed build leaves the last good page served.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { httpUrl, listen } from '@payouts/process';
import { DOCS_PAGE } from './build.js';

export interface ServeDocsOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The CLI flag that sets `port`, named in the error when it is taken. Default `--port`. */
  portFlag?: string;
  /** The page to answer. Default: the one `pnpm build` writes (`DOCS_PAGE`). */
  pageFile?: string;
}

export interface DocsServer {
  url: string;
  close(): Promise<void>;
}

/** Serves the docs page; resolves once it listens, with its URL. */
export async function serveDocs(options: ServeDocsOptions = {}): Promise<DocsServer> {
  const { port = 0, host = '127.0.0.1', pageFile = DOCS_PAGE } = options;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
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
        response.end(request.method === 'HEAD' ? undefined : page);
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
  const address = await listen(server, { port, host, flag: options.portFlag });
  return {
    url: `${httpUrl(host, address.port)}/`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
