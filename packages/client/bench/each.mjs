#!/usr/bin/env node
// each() over 10,000 payouts against a hand-written page loop, in the same run, against the real
// sandbox (SQLite): both read every payout of one account 100 at a time, the loop by page numbers
// (what a caller writes by hand, and wrong while the list changes), each() by creation time from a
// window fixed at the start. Prints the median of the rounds and the ratio; goal: at most 1.1x.
//
//   pnpm build && node bench/each.mjs [--payouts 10000] [--rounds 5]
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { scriptArgs } from '@payouts/process';
import { newPayout, startTestSandbox, TOKEN } from '@payouts/sandbox/testing';
import { createPayoutsClient } from '../dist/index.js';

const { values } = parseArgs({
  args: scriptArgs(),
  options: { payouts: { type: 'string', default: '10000' }, rounds: { type: 'string', default: '5' } },
});
const PAYOUTS = Number(values.payouts);
const ROUNDS = Number(values.rounds);

const sandbox = await startTestSandbox();
try {
  const client = createPayoutsClient({ baseUrl: sandbox.url, token: TOKEN });
  const account = randomUUID();
  const started = performance.now();
  for (let i = 0; i < PAYOUTS; i += 16) {
    await Promise.all(Array.from({ length: Math.min(16, PAYOUTS - i) }, () => client.createPayout(newPayout({ account }))));
  }
  console.log(`${PAYOUTS} payouts created in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const contenders = {
    'page loop': async () => {
      const ids = [];
      for (let page = 1; ; page++) {
        const { results } = await client.listPayouts({ account, page, page_size: 100 });
        ids.push(...results.map((p) => p.id));
        if (results.length < 100) return ids;
      }
    },
    'each()': async () => {
      const ids = [];
      for await (const payout of client.each('listPayouts', { account })) ids.push(payout.id);
      return ids;
    },
  };
  const times = { 'page loop': [], 'each()': [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(contenders)) {
      const t = performance.now();
      const ids = await run();
      times[name].push(performance.now() - t);
      if (new Set(ids).size !== PAYOUTS) throw new Error(`${name} met ${new Set(ids).size} payouts, not ${PAYOUTS}`);
    }
  }
  const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  for (const [name, list] of Object.entries(times))
    console.log(`  ${name.padEnd(10)} ${median(list).toFixed(0).padStart(6)} ms (median of ${ROUNDS})`);
  console.log(`  each() / page loop: ${(median(times['each()']) / median(times['page loop'])).toFixed(2)}x (goal: at most 1.1x)`);
} finally {
  await sandbox.dispose();
}
