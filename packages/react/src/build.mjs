#!/usr/bin/env node
// @ts-check
// Builds the React hooks: compiles against @payouts/client's built declarations with
// @payouts/compile's compileProject, as the client does (one engine for `pnpm build`, which runs
// this file, and `pnpm dev`, which calls buildReact() with the same Programs on every save).
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProject } from '@payouts/compile';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {{ programs?: import('@payouts/compile').Programs, packageDir?: string, reportDir?: string }} [options]
 * @returns {Promise<import('@payouts/compile').CompileResult>}
 */
export async function buildReact({ programs, packageDir = PACKAGE_DIR, reportDir = packageDir } = {}) {
  return compileProject(join(packageDir, 'tsconfig.build.json'), { programs, reportDir });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { ok, errors } = await buildReact();
  if (!ok) {
    console.error(`${errors.join('\n')}\nbuild: the React hooks do not compile against the current client (the errors above)`);
    process.exitCode = 1;
  }
}
