// The servers pnpm dev starts once the first build is on disk: the docs page (live, its Try-it
// panel offering the other two), the mock (in this process, reloaded on each save) and the sandbox
// (with its demo tenant and the simulated bank); both answer CORS for the docs page's origin.
import { DOCS_PAGE, type DocsServer, serveDocs } from '@payouts/docs';
import { type Mock, startMock } from '@payouts/mock';
import { type Sandbox, startSandbox } from '@payouts/sandbox';
import type { ServerName } from './servers.js';

export interface ServeOptions {
  host: string;
  serve: readonly ServerName[];
  mockPort?: number;
  docsPort?: number;
  sandboxPort?: number;
}

export interface Servers {
  mock?: Mock;
  docs?: DocsServer;
  sandbox?: Sandbox;
  stop(): Promise<void>;
}

/** Starts those asked for side by side; if one fails, those started are stopped and the failure thrown. */
export async function startServers({ host, serve, mockPort, docsPort, sandboxPort }: ServeOptions): Promise<Servers> {
  const started: (() => Promise<void>)[] = [];
  const starting = <T>(server: Promise<T>, stop: (running: T) => Promise<void>) =>
    server.then((running) => {
      started.push(() => stop(running));
      return running;
    });
  const stop = async () => {
    await Promise.allSettled(started.map((stopOne) => stopOne()));
  };
  try {
    // The docs first: the mock and the sandbox answer CORS for its origin, so its Try-it panel can call them.
    const docs = serve.includes('docs')
      ? await starting(serveDocs({ port: docsPort, host, portFlag: '--docs-port', pageFile: DOCS_PAGE, live: true }), (d) => d.close())
      : undefined;
    const corsOrigins = docs ? [new URL(docs.url).origin] : [];
    const [mock, sandbox] = await Promise.all([
      serve.includes('mock')
        ? starting(startMock({ port: mockPort, host, portFlag: '--mock-port', corsOrigins }), (m) => m.stop())
        : undefined,
      serve.includes('sandbox')
        ? starting(
            startSandbox({ port: sandboxPort, host, portFlag: '--sandbox-port', seedDemo: true, bank: 'simulated', corsOrigins }),
            (s) => s.stop(),
          )
        : undefined,
    ]);
    docs?.offer([
      ...(mock ? [{ url: mock.url, description: 'the mock (pnpm dev)' }] : []),
      ...(sandbox ? [{ url: sandbox.url, description: 'the sandbox (pnpm dev)' }] : []),
    ]);
    return { mock, docs, sandbox, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
