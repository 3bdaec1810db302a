// Serves the docs page on loopback and rebuilds it when the spec sources change: the spec build
// first (lint, bundle, checks), then the page. A failed build is reported and the last good page
// stays served, so a half-typed edit never takes the docs down.
//
// Usage: node dist-server/serve.js [--port 4020] [--host 127.0.0.1]   (what `pnpm docs` runs)
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { watchFiles } from '@payouts/watch';
import { DEFAULT_OUT_DIR, SPEC_PACKAGE_DIR, buildDocs, bundledSpecOf, runNode } from './build.js';

export const DEFAULT_PORT = 4020;
export const DEFAULT_HOST = '127.0.0.1';

export interface ServeDocsOptions {
  port?: number;
  host?: string;
  /** Spec package directory (redocly.yaml, openapi/): watched and built. Default: @payouts/spec. */
  specDir?: string;
  /** Where the page is built. Default: this package's dist/. */
  outDir?: string;
  /** Rebuild when the spec sources change. Default: true. */
  watch?: boolean;
  /** Where build reports go. Default: stderr. */
  log?: (message: string) => void;
}

export interface DocsServer {
  url: string;
  close(): Promise<void>;
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolvePromise, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${port} is already in use (pass --port <n>, or --port 0 for any free port)`
          : error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND'
            ? `${host} is not an address of this machine`
            : error.message;
      reject(new Error(`cannot serve the docs on ${host}:${port}: ${reason}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolvePromise(server.address() as AddressInfo);
    });
  });
}

/** Serves the docs page; resolves once it answers, with its URL and a close() that stops everything it started. */
export async function serveDocs(options: ServeDocsOptions = {}): Promise<DocsServer> {
  const {
    port = DEFAULT_PORT,
    host = DEFAULT_HOST,
    specDir = SPEC_PACKAGE_DIR,
    outDir = DEFAULT_OUT_DIR,
    watch: watching = true,
    log = (message: string) => console.error(message),
  } = options;
  const pageFile = join(outDir, 'index.html');

  /** Spec build, then page build. Resolves to a report; throws nothing, so a bad edit only logs. */
  async function rebuild(): Promise<{ ok: boolean; report: string }> {
    // The spec package's own build (lint, bundle, checks), on this spec directory.
    const spec = await runNode([join(SPEC_PACKAGE_DIR, 'scripts', 'build.mjs'), specDir]);
    if (!spec.ok) return { ok: false, report: `spec build failed:\n${spec.output}` };
    try {
      const built = await buildDocs({ specFile: bundledSpecOf(specDir), outDir });
      const size = (built.bytes / 1024 / 1024).toFixed(2);
      return { ok: true, report: `docs rebuilt: ${pageFile} (${size} MB) in ${Math.round(built.milliseconds)} ms` };
    } catch (error) {
      return { ok: false, report: `docs build failed:\n${error instanceof Error ? error.message : String(error)}` };
    }
  }

  if (!existsSync(pageFile)) {
    const first = await rebuild();
    if (!first.ok) throw new Error(`cannot serve the docs: no page yet and the first build failed.\n${first.report}`);
    log(first.report);
  }

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
        response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`Cannot read the docs page ${pageFile}: ${String(error)}\n`);
      },
    );
  });
  const address = await listen(server, port, host);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  // A bad edit only logs: the last good page stays served.
  const watcher = watching
    ? watchFiles(join(specDir, 'openapi'), specDir, () => false, () =>
        rebuild().then(
          ({ report }) => log(report),
          (error: unknown) => log(`rebuild could not run: ${error instanceof Error ? error.message : String(error)}`),
        ),
      )
    : undefined;

  return {
    url: `http://${urlHost}:${address.port}/`,
    async close() {
      await watcher?.close(); // a spec build child must not outlive the server
      server.closeAllConnections();
      await new Promise<void>((resolvePromise) => server.close(() => resolvePromise()));
    },
  };
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${text}"`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: DEFAULT_HOST },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`Usage: pnpm docs [--port ${DEFAULT_PORT}] [--host ${DEFAULT_HOST}]
Serves the Payouts API docs and rebuilds them when spec/openapi/** changes. --port 0 picks a free port.`);
    return;
  }
  const docs = await serveDocs({ port: parsePort(values.port), host: values.host });
  console.log(`Payouts API docs: ${docs.url}`);
  console.error(`watching ${relative(process.cwd(), join(SPEC_PACKAGE_DIR, 'openapi')) || '.'} for changes; Ctrl+C to stop`);
  const stop = () => void docs.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  });
}
