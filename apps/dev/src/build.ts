import { join } from 'node:path';
import { run } from '@payouts/process';

export interface BuildResult {
  ok: boolean;
  /** What turbo printed: with errors-only logs, the failing tasks' output (file and line included). */
  output: string;
  ms: number;
}

/** `turbo run build` over the workspace: unchanged packages are cache hits, so it costs only what changed. */
export async function turboBuild(root: string): Promise<BuildResult> {
  const started = performance.now();
  const args = ['run', 'build', '--output-logs=errors-only', '--ui=stream'];
  try {
    const { ok, output } = await run(join(root, 'node_modules', '.bin', 'turbo'), args, {
      cwd: root,
      env: { TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off', FORCE_COLOR: '0' },
    });
    return { ok, output: output.trim(), ms: performance.now() - started };
  } catch (error) {
    return { ok: false, output: error instanceof Error ? error.message : String(error), ms: performance.now() - started };
  }
}
