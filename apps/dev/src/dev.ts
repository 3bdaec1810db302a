import { join } from 'node:path';
import { diffSpecs, lastRelease, summaryLine } from '@payouts/diff';
import { buildDocs, DOCS_PAGE, type DocsServer, serveDocs } from '@payouts/docs';
import { type Mock, startMock } from '@payouts/mock';
import { type Sandbox, startSandbox } from '@payouts/sandbox';
import { releasePath } from '@payouts/spec';
import { type FileWatcher, watchFiles } from '@payouts/watch';
import { type TurboBuild, turboBuild } from './build.js';
import { SERVERS, type ServerName } from './servers.js';
import { ClientsTypeCheck } from './type-check.js';
import { WarmPipeline } from './warm.js';

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

// What a spec save must refresh: the spec and the types (warm, in this process), the docs page and
// the mock, and the clients, type-checked against the new types by turbo (only their own tasks: the
// spec and the types are already on disk, and are inputs of the clients' builds, so a new spec is a
// cache miss). The sandbox and the verifier follow the spec at their next build, not on every keystroke.
const CLIENTS = ['@payouts/client', '@payouts/react'];

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
  const runBuild = async (packages?: string[], only = false) => {
    build = turboBuild(root, packages, { only });
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
      serve.includes('mock')
        ? starting(startMock({ port: options.mockPort, host, portFlag: '--mock-port', inProcess: true }), (m) => m.stop())
        : undefined,
      serve.includes('docs')
        ? starting(serveDocs({ port: options.docsPort, host, portFlag: '--docs-port', pageFile: DOCS_PAGE, live: true }), (d) => d.close())
        : undefined,
      serve.includes('sandbox')
        ? starting(startSandbox({ port: options.sandboxPort, host, portFlag: '--sandbox-port', seedDemo: true }), (s) => s.stop())
        : undefined,
    ]);
  } catch (error) {
    await Promise.allSettled(started.map((server) => server.stop()));
    throw error;
  }

  // Each new bundle is served by a new Prism (in this process) behind the same port once the types
  // are written (the types first: the reload shares this process's one thread); requests meanwhile
  // get the old answers.
  let reloading: Promise<void> | undefined;
  const reloadMock = async (running: Mock) => {
    try {
      await running.reload();
      log(`[${clock()}] ✓ mock reloaded with the new spec`);
    } catch (error) {
      log(`[${clock()}] ✗ the mock did not reload: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  // After each good save, what it means for the teams that call the API: the diff against the last
  // release, in one line. It runs beside the next save's build, never in its way.
  let diffing: Promise<void> | undefined;
  const stopDiffing = new AbortController();
  const sayWhatChanged = () => {
    const last = lastRelease();
    if (!last) return;
    const previous = diffing;
    diffing = (async () => {
      await previous;
      try {
        // The rules only: the example consumers' type-check would take this process's thread from the next save.
        const result = await diffSpecs({
          baseFile: releasePath(last),
          headFile: join(root, 'spec', 'dist', 'openapi.json'),
          consumers: false,
          signal: stopDiffing.signal,
        });
        log(`[${clock()}] ${summaryLine(result, `this save vs v${last}`)}`);
      } catch (error) {
        if (stopDiffing.signal.aborted) return; // the session is stopping
        log(`[${clock()}] ✗ could not compare with v${last}: ${error instanceof Error ? error.message : String(error)}`);
      }
    })();
  };

  const warm = new WarmPipeline(join(root, 'spec'), join(root, 'packages', 'types', 'dist', 'openapi.d.ts'));
  // Warmed now, so the first save finds TypeScript loaded and the programs built.
  const clientsCheck = new ClientsTypeCheck(root);
  const warmingUp = clientsCheck
    .check()
    .then((first) =>
      log(
        `[${clock()}] ${first.ok ? '✓' : '✗'} the clients' type-check is warm (${seconds(first.ms)})${first.ok ? '' : `:\n${first.report}`}`,
      ),
    );
  const rebuild = async (saved: number): Promise<{ ok: boolean; report: string }> => {
    const spec = await warm.build();
    if (!spec.ok) return spec;
    log(`[${clock()}] ✓ spec and types rebuilt in ${seconds(spec.ms)}`);
    // Then side by side (measured: starting the docs page before the types only slows the types on
    // two cores): the mock (in this process), the docs page, and the clients: type-checked warm
    // against the new types first, then built by turbo (their files, as \`pnpm build\` writes them).
    if (mock) reloading = reloadMock(mock);
    const [, page, compiled] = await Promise.all([
      reloading,
      buildDocs().then(
        () => {
          docs?.notify({ kind: 'reload' }); // an open page shows the new one
          return { ok: true, report: '' };
        },
        (error: Error) => ({ ok: false, report: `the docs page did not build: ${error.message}` }),
      ),
      (async () => {
        await warmingUp;
        const checked = await clientsCheck.check();
        if (!checked.ok) return { ok: false, report: `the clients do not type-check against the new types:\n${checked.report}` };
        log(`[${clock()}] ✓ clients type-checked against the new types ${seconds(performance.now() - saved)} after the save`);
        // One after the other: react compiles against the client's fresh declarations.
        for (const client of CLIENTS) {
          const result = await runBuild([client], true);
          if (!result.ok) return { ok: false, report: result.output };
        }
        return { ok: true, report: '' };
      })(),
    ]);
    return { ok: page.ok && compiled.ok, report: [page.report, compiled.ok ? '' : compiled.report].filter(Boolean).join('\n') };
  };

  // The sources and the lint config: not all of spec/, whose dist/ and node_modules/ (pnpm's
  // symlinks) would only burden the watch.
  const sourceWatcher: FileWatcher = watchFiles(
    join(root, 'spec', 'openapi'),
    root,
    () => false,
    async (changed) => {
      const started = performance.now();
      log(`[${clock()}] ${changed.join(', ')} changed: rebuilding…`);
      const result = await rebuild(started);
      const took = seconds(performance.now() - started);
      if (result.ok) {
        log(`[${clock()}] ✓ spec, types, clients and docs rebuilt in ${took}`);
        sayWhatChanged();
      } else {
        log(`[${clock()}] ✗ build failed after ${took}; still serving the last good build\n${result.report}`);
        docs?.notify({ kind: 'failed', report: result.report });
      }
    },
    [join(root, 'spec', 'redocly.yaml')],
  );

  let stopping: Promise<void> | undefined;
  return {
    urls: { docs: docs?.url, mock: mock?.url, sandbox: sandbox?.url },
    sandboxTokens: sandbox?.tokens ?? [],
    sandboxCallbackSecrets: sandbox?.callbackSecrets ?? [],
    stop() {
      stopping ??= (async () => {
        build?.cancel();
        await sourceWatcher.close();
        await warm.close();
        await clientsCheck.close();
        await reloading; // a mock starting now must not outlive the session
        stopDiffing.abort(); // its Redocly process ends with the session
        await diffing;
        await Promise.allSettled([mock?.stop(), docs?.close(), sandbox?.stop()]);
      })();
      return stopping;
    },
  };
}
