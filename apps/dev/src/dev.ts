import { join, sep } from 'node:path';
import { diffSpecs, lastRelease, summaryLine } from '@payouts/diff';
import { DOCS_PAGE, type DocsServer, serveDocs } from '@payouts/docs';
import { type Mock, startMock } from '@payouts/mock';
import { type Sandbox, startSandbox } from '@payouts/sandbox';
import { releasePath } from '@payouts/spec';
import { type FileWatcher, watchFiles, watchPath } from '@payouts/watch';
import { type TurboBuild, turboBuild } from './build.js';

export const SERVERS = ['docs', 'mock', 'sandbox'] as const;
export type ServerName = (typeof SERVERS)[number];

export interface DevOptions {
  /** The workspace root (holds pnpm-workspace.yaml and spec/). */
  root: string;
  host?: string;
  /** What to serve; all three by default. The rebuild on save is the same whatever is served. */
  serve?: readonly ServerName[];
  /** 0 (the default) picks a free port; the chosen ones are in the result's urls. */
  mockPort?: number;
  docsPort?: number;
  sandboxPort?: number;
  /** Where progress goes, one line (or one report) at a time. Default: stdout. */
  log?: (line: string) => void;
}

export interface DevSession {
  urls: Partial<Record<ServerName, string>>;
  /** Bearer tokens the sandbox accepts (the mock accepts any), when it is served. */
  sandboxTokens: string[];
  /** Secrets the sandbox checks Payout Callback signatures with, when it is served. */
  sandboxCallbackSecrets: string[];
  /** Stops the watcher, any build under way and every server; nothing is left running. */
  stop(): Promise<void>;
}

// What a spec save must refresh: the clients (type-checked against the new types) and the docs.
// The spec and the types come with them through turbo's task graph; the sandbox and the verifier
// follow the spec at their next build, not on every keystroke.
const ON_SAVE = ['@payouts/client', '@payouts/react', '@payouts/docs'];
// What builds write inside the spec package: never a reason to rebuild.
const BUILD_OUTPUTS = new Set(['dist', 'node_modules', '.turbo']);

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const clock = () => new Date().toTimeString().slice(0, 8);

/**
 * Builds everything, serves the docs, the mock and the sandbox (or those asked for), and rebuilds
 * on every spec save. A failing save is reported and the last good build keeps being served; the
 * next good save recovers without a restart.
 */
export async function startDev(options: DevOptions): Promise<DevSession> {
  const { root, host = '127.0.0.1', serve = SERVERS, log = console.log } = options;
  let build: TurboBuild | undefined;
  const runBuild = async (packages?: string[]) => {
    build = turboBuild(root, packages);
    const result = await build.result;
    build = undefined;
    return result;
  };

  log('building everything…');
  const first = await runBuild();
  if (!first.ok) throw new Error(`the first build failed, so there is nothing to serve yet:\n${first.output}`);
  log(`✓ built in ${seconds(first.ms)}`);

  const started: { stop(): Promise<void> }[] = [];
  const starting = <T>(server: Promise<T>, stop: (running: T) => Promise<void>) =>
    server.then((running) => {
      started.push({ stop: () => stop(running) });
      return running;
    });
  let mock: Mock | undefined;
  let docs: DocsServer | undefined;
  let sandbox: Sandbox | undefined;
  try {
    [mock, docs, sandbox] = await Promise.all([
      serve.includes('mock') ? starting(startMock({ port: options.mockPort, host, portFlag: '--mock-port' }), (m) => m.stop()) : undefined,
      serve.includes('docs')
        ? starting(serveDocs({ port: options.docsPort, host, portFlag: '--docs-port', pageFile: DOCS_PAGE }), (d) => d.close())
        : undefined,
      serve.includes('sandbox')
        ? starting(startSandbox({ port: options.sandboxPort, host, portFlag: '--sandbox-port', seedDemo: true }), (s) => s.stop())
        : undefined,
    ]);
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.stop()));
    throw error;
  }

  // The mock reads the bundled spec when it starts: each new bundle (swapped in whole by the spec
  // build, never half-written) gets a new mock on the same port, as soon as it lands, without
  // waiting for the clients' type-check.
  let reloading: Promise<void> | undefined;
  const reloadMock = async (running: Mock) => {
    try {
      await running.stop();
      mock = await startMock({ port: running.port, host, portFlag: '--mock-port' });
      log(`[${clock()}] ✓ mock reloaded with the new spec`);
    } catch (error) {
      log(`[${clock()}] ✗ the mock did not restart: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const bundleWatcher: FileWatcher | undefined = mock
    ? watchPath(join(root, 'spec', 'dist', 'openapi.yaml'), root, () => {
        reloading = mock ? reloadMock(mock) : Promise.resolve();
        return reloading;
      })
    : undefined;

  // After each good save, what it means for the teams that call the API: the diff against the last
  // release, in one line. It runs beside the next save's build, never in its way.
  let diffing: Promise<void> | undefined;
  const sayWhatChanged = () => {
    const last = lastRelease();
    if (!last) return;
    const previous = diffing;
    diffing = (async () => {
      await previous;
      try {
        const result = await diffSpecs({ baseFile: releasePath(last), headFile: join(root, 'spec', 'dist', 'openapi.json') });
        log(`[${clock()}] ${summaryLine(result, `this save vs v${last}`)}`);
      } catch (error) {
        log(`[${clock()}] ✗ could not compare with v${last}: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  };

  const sourceWatcher: FileWatcher = watchFiles(
    join(root, 'spec'),
    root,
    (file) => BUILD_OUTPUTS.has(file.split(sep)[0] ?? ''),
    async (changed) => {
      log(`[${clock()}] ${changed.join(', ')} changed: rebuilding…`);
      const result = await runBuild(ON_SAVE);
      if (result.ok) {
        log(`[${clock()}] ✓ spec, types, clients and docs rebuilt in ${seconds(result.ms)}`);
        sayWhatChanged();
      } else log(`[${clock()}] ✗ build failed after ${seconds(result.ms)}; still serving the last good build\n${result.output}`);
    },
  );

  let stopping: Promise<void> | undefined;
  return {
    urls: { docs: docs?.url, mock: mock?.url, sandbox: sandbox?.url },
    sandboxTokens: sandbox?.tokens ?? [],
    sandboxCallbackSecrets: sandbox?.callbackSecrets ?? [],
    stop() {
      stopping ??= (async () => {
        build?.cancel();
        await Promise.all([sourceWatcher.close(), bundleWatcher?.close()]);
        await reloading; // a mock starting now must not outlive the session
        await diffing;
        await Promise.allSettled([mock?.stop(), docs?.close(), sandbox?.stop()]);
      })();
      return stopping;
    },
  };
}
