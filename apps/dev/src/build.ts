import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export interface BuildResult {
  ok: boolean;
  /** What turbo printed: with errors-only logs, the failing tasks' output (file and line included). */
  output: string;
  ms: number;
}

export interface TurboBuild {
  result: Promise<BuildResult>;
  /** Stops the build and every task it started. */
  cancel(): void;
}

/**
 * `turbo run build` over the given packages (and, through the task graph, what they depend on):
 * unchanged packages are cache hits, so a save costs only what it really invalidates.
 */
export function turboBuild(root: string, packages: string[] = []): TurboBuild {
  const started = performance.now();
  const args = ['run', 'build', '--output-logs=errors-only', '--ui=stream', ...packages.map((name) => `--filter=${name}`)];
  const child: ChildProcess = spawn(join(root, 'node_modules', '.bin', 'turbo'), args, {
    cwd: root,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so cancel() reaches the tasks turbo started too.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const result = new Promise<BuildResult>((resolve) => {
    child.on('error', (error) => resolve({ ok: false, output: `cannot run turbo: ${error.message}`, ms: performance.now() - started }));
    child.on('close', (code) => resolve({ ok: code === 0, output: output.trim(), ms: performance.now() - started }));
  });
  return {
    result,
    cancel() {
      if (child.pid && child.exitCode === null) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
    },
  };
}
