import { buildDocs, type DocsServer } from '@payouts/docs';
import type { Mock } from '@payouts/mock';
import { SOURCES } from '@payouts/spec';
import { watchFiles } from '@payouts/watch';
import { turboBuild } from './build.js';
import { ClientsBuild } from './clients-build.js';
import { ReleaseDiff } from './release-diff.js';
import { SERVERS, type ServerName } from './servers.js';
import { startServers } from './serving.js';
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

interface Outcome {
  ok: boolean;
  report: string;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const clock = () => new Date().toTimeString().slice(0, 8);

/**
 * Builds everything, serves the docs, the mock and the sandbox (or those asked for), and rebuilds
 * on every spec save. A failing save is reported and the last good build keeps being served; the
 * next good save recovers without a restart.
 */
export async function startDev(options: DevOptions): Promise<DevSession> {
  const { root, host = '127.0.0.1', serve = SERVERS, log = console.log } = options;
  const say = (line: string) => log(`[${clock()}] ${line}`);
  log('building everything…');
  const built = await turboBuild(root);
  if (!built.ok) throw new Error(`the first build failed, so there is nothing to serve yet:\n${built.output}`);
  log(`✓ built in ${seconds(built.ms)}`);

  const servers = await startServers({ ...options, host, serve });
  const loop = new SaveLoop(root, servers, say);
  const watcher = watchFiles(
    SOURCES.dir,
    root,
    () => false,
    (changed) => loop.onSave(changed),
    [SOURCES.lintConfig],
  );

  let stopping: Promise<void> | undefined;
  return {
    urls: { docs: servers.docs?.url, mock: servers.mock?.url, sandbox: servers.sandbox?.url },
    sandboxTokens: servers.sandbox?.tokens ?? [],
    sandboxCallbackSecrets: servers.sandbox?.callbackSecrets ?? [],
    stop() {
      stopping ??= (async () => {
        await watcher.close();
        await loop.close();
        await servers.stop();
      })();
      return stopping;
    },
  };
}

/**
 * What a spec save refreshes, all warm in this process and its threads: the spec and the types;
 * then side by side the docs page, the mock (reloaded in place) and the callers' packages (client
 * and React hooks, built from warm programs with their own build functions); then the diff against
 * the last release. The sandbox and the verifier follow the spec at their next build.
 */
class SaveLoop {
  private readonly warm = new WarmPipeline();
  private readonly clients: ClientsBuild;
  private readonly releaseDiff: ReleaseDiff;
  /** Warmed at start, so the first save finds TypeScript loaded and the programs built. */
  private readonly warmingUp: Promise<void>;
  private reloading: Promise<void> | undefined;

  constructor(
    root: string,
    private readonly servers: { mock?: Mock; docs?: DocsServer },
    private readonly say: (line: string) => void,
  ) {
    this.clients = new ClientsBuild({ reportDir: root });
    this.releaseDiff = new ReleaseDiff(say);
    this.warmingUp = this.clients.build().then((first) => {
      const mark = first.ok ? '✓' : '✗';
      say(`${mark} the clients' build is warm (${seconds(first.ms)})${first.ok ? '' : `:\n${first.report}`}`);
    });
  }

  async onSave(changed: string[]): Promise<void> {
    const started = performance.now();
    this.say(`${changed.join(', ')} changed: rebuilding…`);
    const result = await this.rebuild(started);
    const took = seconds(performance.now() - started);
    if (result.ok) {
      this.say(`✓ spec, types, clients and docs rebuilt in ${took}`);
      this.releaseDiff.sayWhatChanged();
    } else {
      this.say(`✗ build failed after ${took}; still serving the last good build\n${result.report}`);
      this.servers.docs?.notify({ kind: 'failed', report: result.report });
    }
  }

  async close(): Promise<void> {
    await this.warm.close();
    await this.clients.close();
    await this.reloading; // a mock starting now must not outlive the session
    await this.releaseDiff.stop();
  }

  private async rebuild(saved: number): Promise<Outcome> {
    const spec = await this.warm.build();
    if (!spec.ok) return spec;
    this.say(`✓ spec and types rebuilt in ${seconds(spec.ms)}`);
    // Then side by side (measured: starting the docs page before the types only slows the types on two cores).
    const { mock } = this.servers;
    if (mock) this.reloading = this.reloadMock(mock);
    const [, page, clients] = await Promise.all([this.reloading, this.docsPage(), this.callersPackages(saved)]);
    return { ok: page.ok && clients.ok, report: [page.report, clients.report].filter(Boolean).join('\n') };
  }

  /** Each new bundle is served by a new Prism behind the same port; requests meanwhile get the old answers. */
  private async reloadMock(mock: Mock): Promise<void> {
    try {
      await mock.reload();
      this.say('✓ mock reloaded with the new spec');
    } catch (error) {
      this.say(`✗ the mock did not reload: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private async docsPage(): Promise<Outcome> {
    try {
      await buildDocs();
      this.servers.docs?.notify({ kind: 'reload' }); // an open page shows the new one
      return { ok: true, report: '' };
    } catch (error) {
      return { ok: false, report: `the docs page did not build: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  private async callersPackages(saved: number): Promise<Outcome> {
    await this.warmingUp;
    const built = await this.clients.build();
    if (!built.ok) return { ok: false, report: `the clients do not compile against the new types:\n${built.report}` };
    this.say(`✓ client and react rebuilt against the new types ${seconds(performance.now() - saved)} after the save`);
    return { ok: true, report: '' };
  }
}
