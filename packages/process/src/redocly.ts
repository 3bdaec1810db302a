// Redocly, run the one way: telemetry off, update notices off, and its boxed Node 20
// end-of-life notice (printed on every run by 2.77) taken out of what it reports.
import { createRequire } from 'node:module';
import { type RunOptions, type RunResult, runNode } from './run.js';

const REDOCLY_CLI = createRequire(import.meta.url).resolve('@redocly/cli/bin/cli.js');
const REDOCLY_ENV = { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_NOTIFICATIONS: 'true' } as const;

const NODE20_NOTICE = /\s*╔[\s\S]*?╚═*╝\n?/g;

function withoutRedoclyNotice(text: string): string {
  return text.replace(NODE20_NOTICE, '\n').trim();
}

/** `redocly <args>`; `output` has the notice taken out. */
export async function runRedocly(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await runNode([REDOCLY_CLI, ...args], { ...options, env: { ...options.env, ...REDOCLY_ENV } });
  return {
    ...result,
    output: withoutRedoclyNotice(result.output),
    stdout: withoutRedoclyNotice(result.stdout),
    stderr: withoutRedoclyNotice(result.stderr),
  };
}
