// Throughput and p99 latency of List Payouts and Process Payout on the sandbox, against the Prism
// mock of the same spec and a plain Node http server answering the same JSON, all measured in this
// run on loopback with autocannon. Every server is a child process, so none shares the load
// generator's thread.
//   pnpm --filter @payouts/sandbox bench [-- --seconds 3 --rounds 3 --connections 10 --writes 10000]
import autocannon from 'autocannon';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { AUTH, DEBIT_BANK, cpuSeconds, freePort, newPayoutBody, request, startProcess, startSandboxProcess, table } from './support.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    writes: { type: 'string', default: '10000' },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
// Process Payout requests per round on an in-memory sandbox (one per initiated payout); a file
// database syncs each commit to disk, so it gets a fifth of them to keep the run short.
const WRITES = Number(values.writes);
const LIST_PATH = '/v1/lms/payouts/';
const PROCESS_BODY = JSON.stringify({ utr: '123123123123123', processed_at: 1693161000, debit_bank_id: DEBIT_BANK });
const EXAMPLE_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const EMPTY_LOAN = '00000000-0000-4000-8000-000000000000';
const PRISM = 'Prism mock (-v silent)';
const require = createRequire(import.meta.url);

/**
 * One autocannon run against `server`, stopped after at most twice the planned time; also what the
 * server's processes spent in CPU per request, which the load generator sharing this machine's two
 * cores does not skew.
 */
async function load(server, options) {
  const cpuBefore = cpuSeconds(server.child.pid);
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const run = autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options, headers: { ...AUTH, 'content-type': 'application/json', ...options.headers } });
  run.on('response', () => (lastAnswer = process.hrtime.bigint()));
  const guard = setTimeout(() => run.stop(), Math.max(SECONDS, 30) * 2000);
  const result = await run;
  clearTimeout(guard);
  // autocannon's own figures count whole seconds (a run of a fixed number of requests ends on the
  // next tick of its clock); the time to the last answer is exact.
  const seconds = Number(lastAnswer - started) / 1e9;
  const cpuMicros = ((cpuSeconds(server.child.pid) - cpuBefore) * 1e6) / result.requests.total;
  return { rps: result.requests.total / seconds, p99: result.latency.p99, cpuMicros, non2xx: result.non2xx, errors: result.errors + result.timeouts, total: result.requests.total };
}

function prismBinary() {
  const manifest = require.resolve('@stoplight/prism-cli/package.json');
  const bin = require(manifest).bin;
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin.prism);
}

async function startPrism() {
  const port = await freePort();
  const specYaml = require.resolve('@payouts/spec/openapi.yaml');
  const prism = await startProcess(prismBinary(), ['mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'silent', specYaml], /()/);
  const url = `http://127.0.0.1:${port}`;
  // Prism prints nothing with -v silent: wait until it answers.
  for (let i = 0; i < 150; i++) {
    try {
      if ((await request(`${url}${LIST_PATH}`, 'GET')).status === 200) return { ...prism, url };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await prism.stop();
  throw new Error(`Prism did not answer on ${url}:\n${prism.output()}`);
}

/** Creates payouts and exports them all; answers their ids, each of which can be processed once. */
async function initiatedIds(server, count) {
  const { url } = server;
  const created = await load(server, {
    url: `${url}${LIST_PATH}`,
    method: 'POST',
    amount: count,
    requests: [{ setupRequest: (req) => ({ ...req, body: JSON.stringify(newPayoutBody()) }) }],
  });
  const file = await request(`${url}/v1/lms/payouts/export/`, 'PUT', { debit_bank_id: DEBIT_BANK });
  const ids = file.text.trim().split('\r\n').slice(1).map((line) => line.split(',')[0]);
  if (ids.length !== count) throw new Error(`expected ${count} exported payouts, got ${ids.length}`);
  return { ids, created };
}

function processLoad(server, ids) {
  let next = 0;
  return load(server, {
    url: `${server.url}/v1/lms/payouts/${ids[0]}/mark_processed/`,
    method: 'PUT',
    body: PROCESS_BODY,
    amount: ids.length,
    requests: [{ setupRequest: (req) => ({ ...req, path: `/v1/lms/payouts/${ids[next++]}/mark_processed/` }) }],
  });
}

const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/** The median of the rounds' figures; non-2xx and errors are summed (they should all be 0). */
function summary(name, runs) {
  return {
    name,
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    cpuMicros: median(runs.map((r) => r.cpuMicros)),
    total: runs.reduce((sum, r) => sum + r.total, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

const folder = await mkdtemp(join(tmpdir(), 'payouts-sandbox-bench-'));
const servers = [];
const runs = { list: new Map(), process: new Map(), create: new Map() };
const record = (kind, name, result) => runs[kind].set(name, [...(runs[kind].get(name) ?? []), result]);

try {
  const sandboxes = [
    { name: 'sandbox, validation on, memory', args: [], writes: WRITES },
    { name: 'sandbox, validation off, memory', args: ['--no-validate-responses'], writes: WRITES },
    { name: 'sandbox, validation on, file (FULL sync)', args: ['--db', join(folder, 'bench.db')], writes: Math.ceil(WRITES / 5) },
  ];
  for (const sandbox of sandboxes) servers.push({ ...sandbox, kind: 'sandbox', ...(await startSandboxProcess(sandbox.args)) });
  const prism = { name: PRISM, kind: 'fixed', ...(await startPrism()) };
  servers.push(prism);

  // The plain server answers what the sandbox answers: a page of 15 processed payouts, one payout.
  const first = servers[0];
  const { ids } = await initiatedIds(first, 15);
  for (const id of ids) await request(`${first.url}/v1/lms/payouts/${id}/mark_processed/`, 'PUT', JSON.parse(PROCESS_BODY));
  const listJson = (await request(`${first.url}${LIST_PATH}`, 'GET')).text;
  await writeFile(join(folder, 'list.json'), listJson);
  await writeFile(join(folder, 'payout.json'), JSON.stringify(JSON.parse(listJson).results[0]));
  const plain = await startProcess(process.execPath, [new URL('./plain-server.mjs', import.meta.url).pathname, join(folder, 'list.json'), join(folder, 'payout.json')], /listening on (\d+)/);
  servers.push({ name: 'plain Node http, same JSON', kind: 'fixed', ...plain, url: `http://127.0.0.1:${plain.found}` });

  // Rounds, each server in turn, so a burst of noise on this shared machine hits all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of servers) {
      if (server.kind === 'sandbox') {
        const { ids: initiated, created } = await initiatedIds(server, server.writes);
        record('create', server.name, created);
        record('process', server.name, await processLoad(server, initiated));
      } else {
        record('process', server.name, await load(server, { url: `${server.url}/v1/lms/payouts/${EXAMPLE_ID}/mark_processed/`, method: 'PUT', body: PROCESS_BODY }));
      }
      // The sandbox's first page: 15 payouts with their debit and credit banks.
      record('list', server.name, await load(server, { url: `${server.url}${LIST_PATH}` }));
      if (server === servers[0]) {
        // The same answer as Prism's: an empty page (a loan with no payouts), the query still run.
        record('list', `${server.name}, empty page`, await load(server, { url: `${server.url}${LIST_PATH}?loan=${EMPTY_LOAN}` }));
      }
    }
  }
} finally {
  for (const server of servers) await server.stop();
  await rm(folder, { recursive: true, force: true });
}

const results = Object.fromEntries(Object.entries(runs).map(([kind, byName]) => [kind, [...byName].map(([name, r]) => summary(name, r))]));
const report = (title, rows) => {
  const prism = rows.find((r) => r.name.startsWith('Prism'));
  const plain = rows.find((r) => r.name.startsWith('plain'));
  const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  console.log(`\n${title}`);
  console.log(
    table(
      ['server', 'req/s', 'p99 ms', 'CPU us/req', 'req/s per core', 'requests', 'non-2xx', 'errors', 'vs Prism', 'vs Prism per core', 'vs plain Node'],
      rows.map((r) => [
        r.name,
        Math.round(r.rps),
        r.p99,
        Math.round(r.cpuMicros),
        Math.round(1e6 / r.cpuMicros),
        r.total,
        r.non2xx,
        r.errors,
        ratio(r.rps, prism?.rps),
        ratio(prism?.cpuMicros, r.cpuMicros),
        ratio(r.rps, plain?.rps),
      ]),
    ),
  );
};

console.log(`autocannon, ${CONNECTIONS} connections, loopback, median of ${ROUNDS} rounds; fixed-time runs last ${SECONDS} s`);
report(`List Payouts (GET ${LIST_PATH}: the sandbox answers a page of 15 payouts, or an empty one; Prism its schema example, an empty page)`, results.list);
report(`Process Payout (PUT .../{id}/mark_processed/; each sandbox request moves another initiated payout: ${WRITES} a round in memory, ${Math.ceil(WRITES / 5)} on a file)`, results.process);
report('Create Payout on the sandbox (POST; the payouts that Process Payout then moved)', results.create);
const find = (kind, name) => results[kind].find((r) => r.name === name);
const on = find('list', 'sandbox, validation on, memory');
const off = find('list', 'sandbox, validation off, memory');
console.log(
  `\nresponse validation on List Payouts: ${Math.round(on.rps)} req/s with it, ${Math.round(off.rps)} without; ` +
    `${Math.round(on.cpuMicros)} vs ${Math.round(off.cpuMicros)} us of server CPU a request`,
);
const goal = (kind, name) => {
  const mine = find(kind, name);
  const prism = find(kind, PRISM);
  return `${(mine.rps / prism.rps).toFixed(2)}x measured, ${(prism.cpuMicros / mine.cpuMicros).toFixed(2)}x per core`;
};
console.log(
  `goal >= 5x Prism with validation on: List Payouts ${goal('list', 'sandbox, validation on, memory')} (15 payouts), ` +
    `${goal('list', 'sandbox, validation on, memory, empty page')} (empty page, as Prism's); ` +
    `Process Payout ${goal('process', 'sandbox, validation on, memory')} in memory, ${goal('process', 'sandbox, validation on, file (FULL sync)')} on a file`,
);
