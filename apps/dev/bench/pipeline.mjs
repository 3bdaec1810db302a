#!/usr/bin/env node
// The dev loop's figures, on a throwaway copy of the workspace, printed as a table:
//   clean build (turbo --force), no-op build (full cache hit), and a spec save to (a) new types on
//   disk, (b) docs rebuilt, (c) the mock serving the change, (d) the callers' packages (client and
//   react dist/) written from the warm programs, each the median of several saves.
// Baseline, measured in the same run: the spec build alone (lint + bundle + checks), the least
// any save can cost. Usage: pnpm --filter @payouts/dev bench [--saves 5]
import { execFileSync, spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scriptArgs } from '@payouts/process';
import { copyWorkspace } from '@payouts/testing';
import { findWorkspaceRoot } from '../dist/workspace.js';

const { values } = parseArgs({ args: scriptArgs(), options: { saves: { type: 'string', default: '5' } } });
const SAVES = Number(values.saves);
const root = findWorkspaceRoot(fileURLToPath(new URL('.', import.meta.url)));
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', REDOCLY_TELEMETRY: 'off' };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${Math.round(x)} ms`;

function timed(command, args, cwd) {
  const started = performance.now();
  execFileSync(command, args, { cwd, env, stdio: 'ignore' });
  return performance.now() - started;
}

async function until(check, what, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${what}; pnpm dev said:\n${output}`);
}

let output = '';
const workspace = await copyWorkspace(root);
const dir = workspace.dir;
const turbo = join(dir, 'node_modules/.bin/turbo');
let dev;
try {
  const clean = timed(turbo, ['run', 'build', '--force', '--output-logs=none'], dir);
  const noop = median([0, 1, 2].map(() => timed(turbo, ['run', 'build', '--output-logs=none'], dir)));
  const noopPnpm = median([0, 1, 2].map(() => timed('pnpm', ['build'], dir)));
  const specOnly = median([0, 1, 2].map(() => timed(process.execPath, ['spec/src/build.mjs'], dir)));

  dev = spawn(process.execPath, ['apps/dev/dist/cli.js', '--mock-port', '0', '--docs-port', '0', '--sandbox-port', '0'], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  dev.stdout.on('data', (chunk) => (output += chunk));
  await until(() => output.includes('watching spec/'), 'pnpm dev to start', 120_000);
  // The loop as it runs all day: TypeScript loaded and the clients' programs built.
  await until(() => output.includes("the clients' build is warm"), 'the clients build to warm up', 120_000);
  const mockUrl = /mock\s+(http:\/\/\S+)/.exec(output)[1];

  const specFile = join(dir, 'spec/openapi/components/parameters/PageSize.yaml');
  const typesFile = join(dir, 'packages/types/dist/openapi.d.ts');
  const docsFile = join(dir, 'packages/docs/dist/index.html');
  const original = await readFile(specFile, 'utf8');
  const timings = { types: [], docs: [], mock: [], all: [], callers: [], done: [] };
  for (let save = 1; save <= SAVES; save++) {
    // A real edit that reaches every artifact: the page-size bound, visible in types' JSDoc, the docs and the mock.
    const maximum = 100 + save;
    const marker = `Payouts per page, 1 to ${maximum}.`;
    const [typesBefore, docsBefore] = await Promise.all([stat(typesFile), stat(docsFile)]);
    const savedAt = performance.now();
    await writeFile(specFile, original.replace('maximum: 100', `maximum: ${maximum}`).replace('Payouts per page, 1 to 100.', marker));
    const changed = (file, before) => async () =>
      (await stat(file)).mtimeMs > before.mtimeMs && (await readFile(file, 'utf8')).includes(marker);
    const mockServes = async () => {
      const answer = await fetch(`${mockUrl}/v1/lms/payouts/?page_size=${maximum}`, { headers: { authorization: 'Bearer bench' } }).catch(
        () => undefined,
      );
      return answer?.status === 200;
    };
    const thisSave = () => (output.split('rebuilding…').length - 1 === save ? output.split('rebuilding…').at(-1) : '');
    // Each event watched from the save on, side by side, so none waits for another to be seen.
    const [types, docs, mock, callers] = await Promise.all([
      until(changed(typesFile, typesBefore), 'types'),
      until(changed(docsFile, docsBefore), 'docs'),
      until(mockServes, 'mock'),
      until(() => /client and react rebuilt against the new types/.test(thisSave()), "the callers' packages"),
    ]);
    timings.types.push(types - savedAt);
    timings.docs.push(docs - savedAt);
    timings.mock.push(mock - savedAt);
    timings.all.push(Math.max(types, docs, mock) - savedAt);
    timings.callers.push(callers - savedAt);
    const done = await until(() => /clients and docs rebuilt in/.test(thisSave()), 'the whole save');
    timings.done.push(done - savedAt);
    // The next save starts on a settled loop, as one a person makes after looking at this one: the
    // mock reloaded and the diff against the last release said (a redocly process of its own).
    await until(() => /mock reloaded/.test(thisSave()), 'the mock reload to settle');
    await until(() => /this save vs v|could not compare with v/.test(thisSave()), 'the diff against the last release');
  }

  // Goals as ratios to the spec build alone (#14), or in milliseconds for the no-op builds.
  const rows = [
    ['clean build (turbo --force)', clean, undefined],
    ['no-op build (turbo, full cache hit)', noop, { ms: 500 }],
    ['no-op `pnpm build`', noopPnpm, { ms: 500 }],
    ['spec build alone (baseline)', specOnly, undefined],
    ['save -> (a) new types on disk', median(timings.types), { ratio: 0.5 }],
    ['save -> (b) docs rebuilt', median(timings.docs), undefined],
    ['save -> (c) mock serving the change', median(timings.mock), undefined],
    ['save -> everything updated (a, b, c)', median(timings.all), { ratio: 1.0 }],
    ['save -> (d) client and react dist/ written', median(timings.callers), { ratio: 1.0 }],
    ['save -> all of it, reported done', median(timings.done), undefined],
  ];
  console.log(`\npnpm dev pipeline on ${process.env.CI ? 'CI' : 'this machine'} (median of ${SAVES} saves)\n`);
  console.log('| step | time | x spec build alone | goal |');
  console.log('|---|---|---|---|');
  for (const [name, value, goal] of rows) {
    const ratio = value / specOnly;
    const verdict =
      goal === undefined
        ? ''
        : goal.ms !== undefined
          ? `< ${ms(goal.ms)} ${value < goal.ms ? 'met' : 'MISSED'}`
          : `<= ${goal.ratio.toFixed(1)}x ${ratio <= goal.ratio ? 'met' : 'MISSED'}`;
    console.log(`| ${name} | ${ms(value)} | ${ratio.toFixed(2)}x | ${verdict} |`);
  }
} finally {
  dev?.kill('SIGINT');
  await new Promise((resolve) => (dev && dev.exitCode === null ? dev.once('exit', resolve) : resolve()));
  await workspace.remove();
}
