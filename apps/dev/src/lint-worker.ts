// Redocly's lint on a thread of its own, warm (its config loaded once): the lint runs beside the
// bundle and the types on pnpm dev's main thread, so a save costs the longer of the two, not both.
import { parentPort } from 'node:worker_threads';
import { type Config, lint, loadConfig } from '@redocly/openapi-core';
import { describeProblem } from './problems.js';

export interface LintRequest {
  id: number;
  specDir: string;
}

export type LintAnswer = { id: number; errors: string[] } | { id: number; failure: string };

let config: Promise<Config> | undefined;

parentPort?.on('message', async ({ id, specDir }: LintRequest) => {
  try {
    config ??= loadConfig({ configPath: `${specDir}/redocly.yaml` });
    const problems = await lint({ ref: `${specDir}/openapi/openapi.yaml`, config: await config });
    const errors = problems.filter((problem) => problem.severity === 'error').map((problem) => describeProblem(problem, specDir));
    parentPort?.postMessage({ id, errors } satisfies LintAnswer);
  } catch (error) {
    parentPort?.postMessage({ id, failure: error instanceof Error ? error.message : String(error) } satisfies LintAnswer);
  }
});
