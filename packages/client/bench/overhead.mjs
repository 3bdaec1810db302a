#!/usr/bin/env node
// The client's cost per call against a plain fetch call, in one run, both on a stubbed fetch that
// answers a fixed List Payouts page (no network): what is measured is the work each side does
// around fetch. Prints the median time per call of each and the ratios; goal: at most 1.15x.
//
//   pnpm --filter @payouts/client build && node bench/overhead.mjs [--rounds 7] [--time 500]
//
// Two stubs, as there are two honest readings of "a stubbed fetch":
// - "fetch front half": does what fetch itself does before the network, `new Request(input, init)`,
//   so a plain call pays for building its Request as it would with the real fetch;
// - "bare": returns the Response at once, so a plain call builds no Request at all, while
//   openapi-fetch alone builds one for its middleware. The client builds none: it gives openapi-fetch
//   a light stand-in (src/pending-request.ts) and calls fetch(url, init).
// The client's default per-attempt timeout hands fetch an abort signal, and a Request that follows a
// signal costs several microseconds in Node 20, so "plain fetch + timeout" is the fair baseline for
// the default client and "plain fetch" the one for "@payouts/client, no timeout".
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { scriptArgs } from '@payouts/process';
import createClient from 'openapi-fetch';
import { Bench } from 'tinybench';
import { createPayoutsClient } from '../dist/index.js';

const { values } = parseArgs({
  args: scriptArgs(),
  options: { rounds: { type: 'string', default: '7' }, time: { type: 'string', default: '500' } },
});
const ROUNDS = Number(values.rounds);
const TIME_MS = Number(values.time);

const BASE_URL = 'https://preprod.api.crego.io';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiYmVuY2gifQ.c2lnbmF0dXJl';
const PAGE = JSON.stringify({
  count: 1,
  current_page: 1,
  page_size: 15,
  results: [{ id: 'c41d6e2a-8b3f-4d5e-9a7c-1f2e3d4c5b6a', status: 'pending', amount: 120000, utr: null }],
});
const answer = () => new Response(PAGE, { status: 200, headers: { 'Content-Type': 'application/json' } });

const stubs = {
  'fetch front half': async (input, init) => {
    new Request(input, init);
    return answer();
  },
  bare: async () => answer(),
};

function contenders(stub) {
  const openapiFetch = createClient({ baseUrl: BASE_URL, fetch: stub, headers: { Authorization: `Bearer ${TOKEN}` } });
  const client = createPayoutsClient({ baseUrl: BASE_URL, token: TOKEN, fetch: stub });
  const clientNoTimeout = createPayoutsClient({ baseUrl: BASE_URL, token: TOKEN, fetch: stub, timeoutMs: Infinity });
  return {
    'plain fetch': async () => {
      const response = await stub(`${BASE_URL}/v1/lms/payouts/?status=pending`, { headers: { Authorization: `Bearer ${TOKEN}` } });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      return response.json();
    },
    'plain fetch + timeout': async () => {
      const response = await stub(`${BASE_URL}/v1/lms/payouts/?status=pending`, {
        headers: { Authorization: `Bearer ${TOKEN}` },
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) throw new Error(`answered ${response.status}`);
      return response.json();
    },
    'openapi-fetch alone': async () => (await openapiFetch.GET('/v1/lms/payouts/', { params: { query: { status: 'pending' } } })).data,
    '@payouts/client': () => client.listPayouts({ status: 'pending' }),
    '@payouts/client, no timeout': () => clientNoTimeout.listPayouts({ status: 'pending' }),
  };
}

const median = (numbers) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

for (const [stubName, stub] of Object.entries(stubs)) {
  const tasks = contenders(stub);
  // Each check, before timing: every contender answers the page.
  for (const [name, task] of Object.entries(tasks)) {
    const page = await task();
    if (page?.count !== 1) throw new Error(`${name} did not answer the page`);
  }
  const perRound = Object.fromEntries(Object.keys(tasks).map((name) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const bench = new Bench({ time: TIME_MS, warmupTime: 200 });
    // A different order each round, so no contender always runs on a warmer (or hotter) machine.
    const names = Object.keys(tasks);
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      bench.add(name, tasks[name]);
    }
    await bench.run();
    for (const task of bench.tasks) perRound[task.name].push(task.result.latency.p50 * 1e6);
  }
  const ns = Object.fromEntries(Object.entries(perRound).map(([name, samples]) => [name, median(samples)]));
  const plain = ns['plain fetch'];
  console.log(`\nstub: ${stubName} (median of ${ROUNDS} rounds of ${TIME_MS} ms per contender)`);
  console.table(
    Object.fromEntries(
      Object.entries(ns).map(([name, value]) => [
        name,
        { 'ns/call': Math.round(value), 'vs plain fetch': `${(value / plain).toFixed(2)}x`, 'added ns/call': Math.round(value - plain) },
      ]),
    ),
  );
  console.log(`ratio @payouts/client / plain fetch: ${(ns['@payouts/client'] / plain).toFixed(2)}x (goal <= 1.15x)`);
  console.log(`ratio @payouts/client, no timeout / plain fetch: ${(ns['@payouts/client, no timeout'] / plain).toFixed(2)}x`);
  console.log(`ratio @payouts/client / plain fetch + timeout: ${(ns['@payouts/client'] / ns['plain fetch + timeout']).toFixed(2)}x`);
  console.log(`ratio @payouts/client / openapi-fetch alone: ${(ns['@payouts/client'] / ns['openapi-fetch alone']).toFixed(2)}x`);
}

// For scale: the same plain call over a real loopback HTTP round trip, to a node:http server
// answering the same page, which is the least any real call costs.
const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(PAGE));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const loopbackUrl = `http://127.0.0.1:${server.address().port}/v1/lms/payouts/?status=pending`;
const loopback = new Bench({ time: TIME_MS * 2, warmupTime: 200 });
loopback.add('plain fetch over loopback HTTP', async () =>
  (await fetch(loopbackUrl, { headers: { Authorization: `Bearer ${TOKEN}` } })).json(),
);
await loopback.run();
server.closeAllConnections();
server.close();
console.log(`\nfor scale: plain fetch over a loopback HTTP round trip: ${Math.round(loopback.tasks[0].result.latency.p50 * 1e6)} ns/call`);
