#!/usr/bin/env node
// @ts-check
// How long the docs build takes and how big the page is, against plain
// `redocly build-docs --inlineBundle` on the same bundled spec in the same run (the baseline: no
// code samples, no template, no self-containment check): as turbo runs it (`node
// dist-server/build.js`, a new process per page) and as pnpm dev runs it (buildDocs in a process
// that has rendered before). Medians over a few rounds. Then the page in Chromium: how long until
// Create Payout shows (and its Try it button), for the baseline page, ours without the Try-it
// panel (the page as it was before it, built in this run) and ours.
//
// Usage: pnpm --filter @payouts/docs bench [-- --rounds 5]   (after a build)
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { runNode, runRedocly, scriptArgs } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import { launchChromium } from '@payouts/testing';
import { buildDocs } from '../dist-server/build.js';
import { CONFIG_ELEMENT_ID, SPEC_ELEMENT_ID } from '../dist-server/try-it/shared.js';

// pnpm passes the `--` of `pnpm bench -- --rounds 5` through.
const { values } = parseArgs({
  args: scriptArgs(),
  options: { rounds: { type: 'string', default: '5' } },
});
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

/** @param {string} title @param {string[][]} rows */
function printTable(title, rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  console.log(`\n${title}`);
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
}

/**
 * For each page file, the milliseconds from navigation until Create Payout's heading is on screen
 * (and, on a page with the panel, its Try it button), loaded ROUNDS times, the pages alternating.
 * @param {string[]} files
 */
async function timesToShow(files) {
  const server = createServer(async (request, response) => {
    const file = files[Number((request.url ?? '/').slice(1).split(/[?#]/)[0])];
    if (!file) return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(await readFile(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await launchChromium();
  try {
    /** @type {number[][]} */ const times = files.map(() => []);
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [index] of files.entries()) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        const started = performance.now();
        await page.goto(`http://127.0.0.1:${port}/${index}#/payouts/createpayout`);
        await page
          .locator('h2')
          .filter({ hasText: /^\s*Create Payout\s*$/ })
          .first()
          .waitFor();
        if (await page.locator('#payouts-try-it-open').count()) await page.getByRole('button', { name: 'Try it: Create Payout' }).waitFor();
        times[index].push(performance.now() - started);
        await page.close();
      }
    }
    return times;
  } finally {
    await browser.close();
    server.close();
  }
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
  printTable(`docs build, ${ROUNDS} rounds each, Node ${process.version}`, rows);

  // The page before the Try-it panel: ours with the panel's two insertions cut out (the config
  // and the policy script after the template's policy tag, the rest before </body>).
  const beforePage = join(workDir, 'before.html');
  const html = await readFile(join(coldDir, 'index.html'), 'utf8');
  const headStart = html.indexOf(`<script type="application/json" id="${CONFIG_ELEMENT_ID}">`);
  const headEnd = html.indexOf('</script>', html.indexOf('<script>', headStart)) + '</script>'.length;
  const tailStart = html.indexOf(`<script type="application/json" id="${SPEC_ELEMENT_ID}">`);
  if (headStart < 0 || tailStart < 0) throw new Error('the built page has no Try-it panel to cut out');
  await writeFile(beforePage, html.slice(0, headStart) + html.slice(headEnd, tailStart) + html.slice(html.lastIndexOf('</body>')));
  const pages = [
    ['redocly build-docs --inlineBundle (baseline)', baselinePage],
    ['ours without the Try-it panel (before)', beforePage],
    ['ours (docs#build)', join(coldDir, 'index.html')],
  ];
  const shown = await timesToShow(pages.map(([, file]) => file));
  const base = median(shown[0]);
  const renderRows = [
    ['', 'page', 'Create Payout shown (median)', 'x baseline'],
    ...pages.map(([name], index) => [name, '', `${Math.round(median(shown[index]))} ms`, (median(shown[index]) / base).toFixed(2)]),
  ];
  for (const [index, [, file]] of pages.entries()) renderRows[index + 1][1] = mb((await stat(file)).size);
  printTable(`the page in headless Chromium, ${ROUNDS} loads each, from navigation to the operation on screen`, renderRows);
} finally {
  await rm(workDir, { recursive: true, force: true });
}
