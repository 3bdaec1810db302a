// @ts-check
// Redocly's lint on a thread of its own, its config loaded once: the lint runs beside the bundle
// and the checks on the builder's thread, so a build costs the longer of the two, not both.
import { parentPort } from 'node:worker_threads';
import { lint, loadConfig } from '@redocly/openapi-core';
import { describeProblem } from './problems.mjs';

/** @type {Promise<import('@redocly/openapi-core').Config> | undefined} */
let config;

parentPort?.on('message', async (/** @type {{ id: number, specDir: string }} */ { id, specDir }) => {
  try {
    config ??= loadConfig({ configPath: `${specDir}/redocly.yaml` });
    const problems = await lint({ ref: `${specDir}/openapi/openapi.yaml`, config: await config });
    const errors = problems.filter((problem) => problem.severity === 'error').map((problem) => describeProblem(problem, specDir));
    parentPort?.postMessage({ id, errors });
  } catch (error) {
    parentPort?.postMessage({ id, failure: error instanceof Error ? error.message : String(error) });
  }
});
