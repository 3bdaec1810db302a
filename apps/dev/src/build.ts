import { join } from 'node:path';
import { run } from '@payouts/process';

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
 * `turbo run build` over the given packages (and, through the task graph, what they depend on,
 * unless `only`: then their dependencies' outputs are taken as they are on disk): unchanged
 * packages are cache hits, so a save costs only what it really invalidates.
 */
export function turboBuild(root: string, packages: string[] = [], { only = false } = {}): TurboBuild {
  const started = performance.now();
  const args = ['run', 'build', '--output-logs=errors-only', '--ui=stream', ...packages.map((name) => `--filter=${name}`)];
  if (only) args.push('--only');
  const controller = new AbortController();
  const result = run(join(root, 'node_modules', '.bin', 'turbo'), args, {
    cwd: root,
    env: { TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off', FORCE_COLOR: '0' },
    signal: controller.signal,
  }).then(
    ({ ok, output }) => ({ ok, output: output.trim(), ms: performance.now() - started }),
    (error: Error) => ({ ok: false, output: error.message, ms: performance.now() - started }),
  );
  return { result, cancel: () => controller.abort() };
}
