#!/usr/bin/env node
// payouts-pack-lint [attw options]: lints the package in the current folder as it is published.
// Packs it once with pnpm, runs publint (strict) and Are the Types Wrong (with the options given,
// e.g. `--profile esm-only`) on that tarball, and exits 1 when either finds a problem.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkTypes, packAndLint } from './index.mjs';

const destination = await mkdtemp(join(tmpdir(), 'payouts-pack-lint-'));
try {
  const { tarball, problems } = await packAndLint(process.cwd(), destination);
  let ok = problems.length === 0;
  if (problems.length) console.error(`publint found problems in the packed tarball:\n  ${problems.join('\n  ')}`);
  if (tarball) {
    const types = await checkTypes(tarball, process.argv.slice(2));
    if (types.ok) console.log(types.report.trim());
    else console.error(types.report);
    ok &&= types.ok;
  }
  process.exitCode = ok ? 0 : 1;
} finally {
  await rm(destination, { recursive: true, force: true });
}
