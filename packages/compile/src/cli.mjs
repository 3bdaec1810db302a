#!/usr/bin/env node
// @ts-check
// payouts-typecheck [folder...]: type-checks each folder's tsconfig.json (every project of the
// pnpm workspace around the current folder when none is given) as `tsc -p tsconfig.json --noEmit`
// would, all in this one process, so the declarations they share are parsed once. Exit 1 on errors.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { typecheckProjects, workspaceProjects } from './index.mjs';

const started = performance.now();
const named = process.argv.slice(2).map((folder) => resolve(folder));
const missing = named.filter((folder) => !existsSync(join(folder, 'tsconfig.json')));
if (missing.length) {
  console.error(`payouts-typecheck: no tsconfig.json in ${missing.join(', ')}`);
  process.exit(2);
}
const { root, projects } = named.length ? { root: process.cwd(), projects: named } : workspaceProjects(process.cwd());
const failed = typecheckProjects(projects, { reportDir: root });
const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failed.length) {
  const count = failed.reduce((sum, { errors }) => sum + errors.length, 0);
  console.error(failed.flatMap(({ errors }) => errors).join('\n'));
  console.error(`typecheck: ${count} error${count === 1 ? '' : 's'} in ${failed.map(({ project }) => project).join(', ')} (${seconds} s)`);
  process.exitCode = 1;
} else {
  console.log(`typecheck: ${projects.length} project${projects.length === 1 ? '' : 's'}, no errors (${seconds} s)`);
}
