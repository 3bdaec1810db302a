// Throughput of List Payouts and Process Payout on each store, in one run on this machine: the
// sandbox on a SQLite file, on PostgreSQL with one sandbox process, and with two sandbox processes
// behind one PostgreSQL database (the load split between them), against the mock as callers use
// it. Ratios to SQLite and to the mock. PostgreSQL is a throwaway cluster (postgres-cluster.ts);
// every server is a child process on loopback.
//   pnpm --filter @payouts/sandbox bench:stores [-- --seconds 3 --rounds 3 --connections 10 --writes 3000]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPostgresCluster } from '../dist/postgres-cluster.js';
import {
  benchOptions,
  initiatedIds,
  LIST_PATH,
  load,
  median,
  PROCESS_BODY,
  processLoad,
  startMockProcess,
  startSandboxProcess,
  TOKEN,
  table,
} from './support.mjs';

const {
  seconds: SECONDS,
  connections: CONNECTIONS,
  rounds: ROUNDS,
  writes: WRITES,
} = benchOptions({
  seconds: 3,
  connections: 10,
  rounds: 3,
  writes: 3000,
});
const EXAMPLE_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';

const SQLITE = 'sandbox, SQLite file';
const PG_ONE = 'sandbox, PostgreSQL, 1 process';
const PG_TWO = 'sandbox, PostgreSQL, 2 processes';
const MOCK = 'mock (proxy + Prism)';

/** Runs `options` against every process of a target at once, the connections shared between them. */
async function loadAll(target, options) {
  const n = target.processes.length;
  const parts = await Promise.all(
    target.processes.map((server, i) =>
      load(server, {
        connections: Math.max(1, Math.round(CONNECTIONS / n)),
        ...options(server, i, n),
      }),
    ),
  );
  return combined(parts);
}

/** Runs on several processes at once as one: throughput and requests summed, the slowest p99. */
function combined(parts) {
  const total = parts.reduce((sum, p) => sum + p.total, 0);
  return {
    rps: parts.reduce((sum, p) => sum + p.rps, 0),
    p99: Math.max(...parts.map((p) => p.p99)),
    cpuMicros: parts.reduce((sum, p) => sum + p.cpuMicros * p.total, 0) / total,
    total,
    non2xx: parts.reduce((sum, p) => sum + p.non2xx, 0),
    errors: parts.reduce((sum, p) => sum + p.errors, 0),
  };
}

const folder = await mkdtemp(join(tmpdir(), 'payouts-sandbox-stores-'));
const cluster = await startPostgresCluster();
const targets = [];
const runs = { list: new Map(), process: new Map() };
const record = (kind, name, result) => runs[kind].set(name, [...(runs[kind].get(name) ?? []), result]);

try {
  const pgOne = await cluster.createDatabase('bench_one');
  const pgTwo = await cluster.createDatabase('bench_two');
  // Callers as a shared sandbox has them: a tenant's token, whose tenant each request must know.
  const tenantsFile = join(folder, 'tenants.json');
  await writeFile(tenantsFile, JSON.stringify({ tenants: [{ name: 'bench', tokens: [TOKEN], callback_secret: 'bench-callback-secret' }] }));
  const sandbox = (db) => startSandboxProcess(['--db', db, '--tenants', tenantsFile]);
  targets.push({ name: SQLITE, processes: [await sandbox(join(folder, 'bench.db'))] });
  targets.push({ name: PG_ONE, processes: [await sandbox(pgOne)] });
  targets.push({ name: PG_TWO, processes: await Promise.all([sandbox(pgTwo), sandbox(pgTwo)]) });
  targets.push({ name: MOCK, fixed: true, processes: [await startMockProcess()] });

  // Every sandbox holds the same data: 15 processed payouts on its first page.
  for (const target of targets.filter((t) => !t.fixed)) {
    const [first] = target.processes;
    const { ids } = await initiatedIds(first, 15, (server, options) => load(server, { connections: CONNECTIONS, ...options }));
    await processLoad(first, ids, (server, options) => load(server, { connections: CONNECTIONS, ...options }));
  }
  // A warm-up second of each, not recorded.
  for (const target of targets) await loadAll(target, (server) => ({ url: `${server.url}${LIST_PATH}`, duration: 1 }));

  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      record('list', target.name, await loadAll(target, (server) => ({ url: `${server.url}${LIST_PATH}`, duration: SECONDS })));
      if (target.fixed) {
        const url = (server) => `${server.url}/v1/lms/payouts/${EXAMPLE_ID}/mark_processed/`;
        record(
          'process',
          target.name,
          await loadAll(target, (server) => ({ url: url(server), method: 'PUT', body: PROCESS_BODY, duration: SECONDS })),
        );
        continue;
      }
      // Payouts to move, made through the first process; each process then moves its share.
      const { ids } = await initiatedIds(target.processes[0], WRITES, (server, options) =>
        load(server, { connections: CONNECTIONS, ...options }),
      );
      const shares = target.processes.map((_, i) => ids.filter((__, j) => j % target.processes.length === i));
      const results = await Promise.all(
        target.processes.map((server, i) =>
          processLoad(server, shares[i], (s, options) =>
            load(s, { connections: Math.max(1, Math.round(CONNECTIONS / target.processes.length)), ...options }),
          ),
        ),
      );
      record('process', target.name, combined(results));
    }
  }
} finally {
  for (const target of targets) for (const server of target.processes) await server.stop();
  await cluster.dispose();
  await rm(folder, { recursive: true, force: true });
}

const summary = (name, list) => ({
  name,
  rps: median(list.map((r) => r.rps)),
  p99: median(list.map((r) => r.p99)),
  cpuMicros: median(list.map((r) => r.cpuMicros)),
  total: list.reduce((sum, r) => sum + r.total, 0),
  non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
  errors: list.reduce((sum, r) => sum + r.errors, 0),
});
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');

console.log(
  `autocannon, ${CONNECTIONS} connections in all (split between the processes of a target), loopback, median of ${ROUNDS} rounds; ` +
    `List ${SECONDS} s; Process Payout moves ${WRITES} initiated payouts a round. Sandbox CPU excludes PostgreSQL's own.`,
);
for (const [kind, title] of [
  ['list', `List Payouts (GET ${LIST_PATH}; the sandboxes' first page holds 15 payouts, the mock's example 2)`],
  ['process', 'Process Payout (PUT .../{id}/mark_processed/; each sandbox request moves another payout, durably)'],
]) {
  const rows = [...runs[kind]].map(([name, list]) => summary(name, list));
  const sqlite = rows.find((r) => r.name === SQLITE);
  const mock = rows.find((r) => r.name === MOCK);
  console.log(`\n${title}`);
  console.log(
    table(
      ['target', 'req/s', 'p99 ms', 'sandbox CPU us/req', 'requests', 'non-2xx', 'errors', 'x SQLite', 'x mock'],
      rows.map((r) => [
        r.name,
        Math.round(r.rps),
        r.p99,
        Math.round(r.cpuMicros),
        r.total,
        r.non2xx,
        r.errors,
        ratio(r.rps, sqlite.rps),
        ratio(r.rps, mock.rps),
      ]),
    ),
  );
}

const rpsOf = (kind, name) => median(runs[kind].get(name).map((r) => r.rps));
const goal = (kind, name, least) => {
  const r = rpsOf(kind, name) / rpsOf(kind, SQLITE);
  return `${r.toFixed(2)}x ${r >= least ? 'met' : 'NOT met'}`;
};
console.log(
  `\ngoals, req/s against the SQLite file in this run:\n` +
    `  PostgreSQL, 1 process >= 0.5x: List ${goal('list', PG_ONE, 0.5)}, Process Payout ${goal('process', PG_ONE, 0.5)}\n` +
    `  PostgreSQL, 2 processes >= 0.8x: List ${goal('list', PG_TWO, 0.8)}, Process Payout ${goal('process', PG_TWO, 0.8)}`,
);
