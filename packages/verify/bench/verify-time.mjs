#!/usr/bin/env node
// How long a full verification of a local provider (the sandbox) takes, against two baselines
// measured in the same run: the same number of plain sequential requests (the checks' traffic
// with no Respect, no validation, no report), and one start of the Redocly CLI (the fixed cost
// of each of the two Respect processes that run side by side).
//
// Usage: pnpm --filter @payouts/verify bench [-- --runs 5]
import { parseArgs } from 'node:util';
import { runRedocly } from '@payouts/process';
import { startSandbox } from '@payouts/sandbox';
import { verifyProvider } from '../dist/index.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const TOKEN = 'bench-token';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timed(fn) {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

async function plainLoop(url, count) {
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/v1/lms/payouts/?page_size=15`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await response.arrayBuffer();
  }
}

const sandbox = await startSandbox({ port: 0, tokens: [TOKEN] });
try {
  await verifyProvider({ baseUrl: sandbox.url, token: TOKEN }); // warm-up: disk cache, JIT
  const full = [];
  const oneOperation = [];
  const cliStart = [];
  const loop = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const run = await timed(() => verifyProvider({ baseUrl: sandbox.url, token: TOKEN }));
    full.push(run.ms);
    last = run.result;
    // retryFailedPayout is in every lifecycle workflow: Respect's start-up and the whole lifecycle
    oneOperation.push((await timed(() => verifyProvider({ baseUrl: sandbox.url, token: TOKEN, only: 'retryFailedPayout' }))).ms);
    cliStart.push((await timed(() => runRedocly(['--version']))).ms);
    loop.push((await timed(() => plainLoop(sandbox.url, last.requests))).ms);
  }
  const fullMs = median(full);
  const loopMs = median(loop);
  console.log(`full verification of the sandbox (median of ${runs}):`);
  console.log(`  ${(fullMs / 1000).toFixed(2)} s, ${last.checks.length} checks, ${last.requests} requests, ${last.failed} failed`);
  console.log(`  --only retryFailedPayout: ${(median(oneOperation) / 1000).toFixed(2)} s`);
  console.log(`baseline 1, ${last.requests} plain sequential GETs to the same sandbox: ${(loopMs / 1000).toFixed(3)} s`);
  console.log(`baseline 2, one start of the Redocly CLI (redocly --version): ${(median(cliStart) / 1000).toFixed(2)} s`);
  console.log(`ratio full / baseline 1: ${(fullMs / loopMs).toFixed(1)}x; full / baseline 2: ${(fullMs / median(cliStart)).toFixed(1)}x`);
} finally {
  await sandbox.stop();
}
