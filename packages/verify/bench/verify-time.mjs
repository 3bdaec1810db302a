#!/usr/bin/env node
// How long a full verification of a local provider (the sandbox) takes, against two baselines
// measured in the same run: the same number of plain sequential requests (the checks' traffic
// with no Respect, no validation, no report), and one start of the Redocly CLI (the fixed cost
// of the Respect process that runs both Arazzo files).
//
// Usage: pnpm --filter @payouts/verify bench [-- --runs 5]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runRedocly, scriptArgs } from '@payouts/process';
import { startSandbox } from '@payouts/sandbox';
import { verifyProvider } from '../dist/index.js';

const { values } = parseArgs({ args: scriptArgs(), options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const TOKEN = 'bench-token';
// With the callback secret, the run signs callbacks and takes every workflow, as CI's does.
const CALLBACK_SECRET = 'bench-callback-secret';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** CPU seconds of this process (the sandbox and verify's own work) and of its finished children (Respect), from /proc. */
function cpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime: fields 14-17 of proc(5), in clock ticks (100 a second on Linux).
  return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
}

async function timed(fn) {
  const started = performance.now();
  const cpuBefore = cpuSeconds();
  const result = await fn();
  return { ms: performance.now() - started, cpu: cpuSeconds() - cpuBefore, result };
}

async function plainLoop(url, count) {
  for (let i = 0; i < count; i++) {
    const response = await fetch(`${url}/v1/lms/payouts/?page_size=15`, { headers: { authorization: `Bearer ${TOKEN}` } });
    await response.arrayBuffer();
  }
}

const sandbox = await startSandbox({ port: 0, tokens: [TOKEN], callbackSecrets: [CALLBACK_SECRET] });
try {
  await verifyProvider({ baseUrl: sandbox.url, token: TOKEN, callbackSecret: CALLBACK_SECRET }); // warm-up: disk cache, JIT
  const full = [];
  const fullCpu = [];
  const oneOperation = [];
  const cliStart = [];
  const loop = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const run = await timed(() => verifyProvider({ baseUrl: sandbox.url, token: TOKEN, callbackSecret: CALLBACK_SECRET }));
    full.push(run.ms);
    fullCpu.push(run.cpu);
    last = run.result;
    // retryFailedPayout is in every lifecycle workflow: Respect's start-up and the whole lifecycle
    oneOperation.push(
      (
        await timed(() =>
          verifyProvider({ baseUrl: sandbox.url, token: TOKEN, callbackSecret: CALLBACK_SECRET, only: 'retryFailedPayout' }),
        )
      ).ms,
    );
    cliStart.push((await timed(() => runRedocly(['--version']))).ms);
    loop.push((await timed(() => plainLoop(sandbox.url, last.requests))).ms);
  }
  const fullMs = median(full);
  const loopMs = median(loop);
  console.log(`full verification of the sandbox (median of ${runs}):`);
  console.log(
    `  ${(fullMs / 1000).toFixed(2)} s (${median(fullCpu).toFixed(2)} s of CPU), ${last.checks.length} checks, ${last.requests} requests, ${last.failed} failed`,
  );
  console.log(`  --only retryFailedPayout: ${(median(oneOperation) / 1000).toFixed(2)} s`);
  console.log(`baseline 1, ${last.requests} plain sequential GETs to the same sandbox: ${(loopMs / 1000).toFixed(3)} s`);
  console.log(`baseline 2, one start of the Redocly CLI (redocly --version): ${(median(cliStart) / 1000).toFixed(2)} s`);
  console.log(`ratio full / baseline 1: ${(fullMs / loopMs).toFixed(1)}x; full / baseline 2: ${(fullMs / median(cliStart)).toFixed(1)}x`);
} finally {
  await sandbox.stop();
}
