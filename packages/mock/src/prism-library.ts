// Prism as a library, in this process: the mock's one Prism backend. The same engine as the CLI
// (prism-http's mock behind prism-http-server, configured as `prism mock` configures it; the
// in-process test holds its answers to the CLI's), without a process to start: a reload is a new
// server on a new port in a tenth of a second, which is what pnpm dev's loop needs. The CLI in a
// child process (prism.ts) serves `pnpm verify proxy` (`prism proxy`) only.
import { createRequire } from 'node:module';
import type { PrismProcess } from './prism.js';

const require = createRequire(import.meta.url);

interface PrismServer {
  listen(port: number, host: string): Promise<string>;
  close(): Promise<void>;
}

interface PrismLibrary {
  getHttpOperationsFromSpec(spec: string): Promise<unknown[]>;
  createServer(operations: unknown[], options: Record<string, unknown>): PrismServer;
  createLogger(name: string, options: Record<string, unknown>): unknown;
}

let library: PrismLibrary | undefined;

/** Loaded on first use: a second and a half of modules, once per process. */
function prism(): PrismLibrary {
  library ??= {
    getHttpOperationsFromSpec: require('@stoplight/prism-http').getHttpOperationsFromSpec,
    createServer: require('@stoplight/prism-http-server').createServer,
    createLogger: require('@stoplight/prism-core').createLogger,
  };
  return library;
}

export async function startPrismInProcess(options: { spec: string; dynamic: boolean; seed?: string | number }): Promise<PrismProcess> {
  const { getHttpOperationsFromSpec, createServer, createLogger } = prism();
  const operations = await getHttpOperationsFromSpec(options.spec);
  if (operations.length === 0) throw new Error(`no operations in ${options.spec}`);
  // As the mock runs `prism mock` (CORS off: the mock's own server answers it for the origins it was
  // given); silent, as the child process runs.
  const server = createServer(operations, {
    cors: false,
    config: {
      validateRequest: true,
      validateResponse: true,
      checkSecurity: true,
      // Strict mode is the mock's own (its relay checks every answer), as in the child process.
      errors: false,
      upstreamProxy: undefined,
      mock: { dynamic: options.dynamic, ignoreExamples: false, seed: options.seed ?? null },
      isProxy: false,
    },
    components: { logger: createLogger('mock', { level: 'silent' }) },
  });
  const url = await server.listen(0, '127.0.0.1');
  return { url, port: Number(new URL(url).port), stop: () => server.close() };
}
