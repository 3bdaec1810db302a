#!/usr/bin/env node
// @ts-check
// How long the docs build takes and how big the page is, against plain
// `redocly build-docs --inlineBundle` on the same bundled spec in the same run (the baseline: no
// code samples, no template, no self-containment check): as turbo runs it (`node
// dist-server/build.js`, a new process per page) and as pnpm dev runs it (buildDocs in a process
// that has rendered before). Medians over a few rounds.
//
// Usage: pnpm --filter @payouts/docs bench [-- --rounds 5]   (after a build)
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { runNode, runRedocly } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { buildDocs } from '../dist-server/build.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) throw new Error(`--rounds must be a positive integer, got "${values.rounds}"`);

const specFile = bundlePath('yaml');
const BUILD_SCRIPT = fileURLToPath(new URL('../dist-server/build.js', import.meta.url));

/** @param {string} output */
async function plainBuildDocs(output) {
  const { ok, output: report } = await runRedocly(['build-docs', specFile, '--inlineBundle', '--output', output]);
  if (!ok) throw new Error(`redocly build-docs failed:\n${report}`);
}

/** @param {string} outDir */
async function coldBuild(outDir) {
  const { ok, output } = await runNode([BUILD_SCRIPT, specFile, outDir]);
  if (!ok) throw new Error(`node dist-server/build.js failed:\n${output}`);
}

/** @param {() => Promise<unknown>} run */
async function timed(run) {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** @param {number[]} numbers */
function median(numbers) {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** @param {string} file */
async function sizes(file) {
  return { bytes: (await stat(file)).size, gzipped: gzipSync(await readFile(file)).length };
}

const workDir = await mkdtemp(join(tmpdir(), 'payouts-docs-bench-'));
try {
  const baselinePage = join(workDir, 'redoc-static.html');
  const coldDir = join(workDir, 'cold');
  const oursDir = join(workDir, 'ours');
  await buildDocs({ specFile, outDir: oursDir }); // this process has rendered before, as pnpm dev's has
  /** @type {number[]} */ const baselineTimes = [];
  /** @type {number[]} */ const coldTimes = [];
  /** @type {number[]} */ const oursTimes = [];
  // Alternate, so a slow moment of this noisy machine hits all alike.
  for (let round = 0; round < ROUNDS; round += 1) {
    baselineTimes.push(await timed(() => plainBuildDocs(baselinePage)));
    coldTimes.push(await timed(() => coldBuild(coldDir)));
    oursTimes.push(await timed(() => buildDocs({ specFile, outDir: oursDir })));
  }
  const baseline = { ms: median(baselineTimes), ...(await sizes(baselinePage)) };
  const cold = { ms: median(coldTimes), ...(await sizes(join(coldDir, 'index.html'))) };
  const ours = { ms: median(oursTimes), ...(await sizes(join(oursDir, 'index.html'))) };

  const mb = (/** @type {number} */ bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`;
  const rows = [
    ['', 'build (median)', 'page', 'page gzipped'],
    ['redocly build-docs --inlineBundle (baseline)', `${Math.round(baseline.ms)} ms`, mb(baseline.bytes), mb(baseline.gzipped)],
    ['docs#build: node dist-server/build.js (samples, checks)', `${Math.round(cold.ms)} ms`, mb(cold.bytes), mb(cold.gzipped)],
    ['buildDocs() in a warm process (pnpm dev)', `${Math.round(ours.ms)} ms`, mb(ours.bytes), mb(ours.gzipped)],
    [
      'ratio docs#build / baseline',
      (cold.ms / baseline.ms).toFixed(2),
      (cold.bytes / baseline.bytes).toFixed(3),
      (cold.gzipped / baseline.gzipped).toFixed(3),
    ],
    ['ratio warm / baseline', (ours.ms / baseline.ms).toFixed(2), '', ''],
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`docs build, ${ROUNDS} rounds each, Node ${process.version}`);
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
} finally {
  await rm(workDir, { recursive: true, force: true });
}
