// Throughput and p99 latency of List Payouts and Process Payout on the sandbox, against the mock as
// its callers use it (@payouts/mock's startMock: Prism behind the recording proxy, answering the
// spec's named examples), raw Prism on the same spec, and a plain Node http server answering the
// sandbox's JSON, all measured in this run on loopback with autocannon. Every server is a child
// process, so none shares the load generator's thread. List is measured on pages of the same size
// as each baseline's answer too, so that some ratios compare equal work; the table says which.
//   pnpm --filter @payouts/sandbox bench [-- --seconds 3 --rounds 3 --connections 10 --writes 10000]

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  benchOptions,
  DEBIT_BANK,
  freePort,
  initiatedIds,
  LIST_PATH,
  load as loadOnce,
  median,
  newPayoutBody,
  PROCESS_BODY,
  processLoad as processLoadOnce,
  request,
  startMockProcess,
  startProcess,
  startSandboxProcess,
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
  // Process Payout requests per round on an in-memory sandbox (one per initiated payout); a file
  // database syncs each commit to disk, so it gets a fifth of them to keep the run short.
  writes: 10000,
});
const EXAMPLE_ID = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';
const EMPTY_LOAN = '00000000-0000-4000-8000-000000000000';
const MOCK = 'mock: startMock() (proxy + Prism)';
const PRISM = 'raw Prism (-v silent)';
const PLAIN = 'plain Node http';
const SANDBOX = 'sandbox, validation on, memory';
// The main sandbox again, each change with an Idempotency-Key as @payouts/client sends them.
const KEYED = `${SANDBOX}, Idempotency-Key`;
// The size of the mock's List answer (the spec's `firstPage` example), checked at start.
const MOCK_PAGE_SIZE = 2;
// Creates and Process Payouts a sandbox makes before the rounds, not recorded.
const WARM_UP_WRITES = 1000;
// What each List row answers, so rows answering the same are compared with each other.
const PAGE = { full: '15 payouts', mock: `${MOCK_PAGE_SIZE} payouts`, empty: 'empty page' };
const require = createRequire(import.meta.url);
const load = (server, options) => loadOnce(server, { connections: CONNECTIONS, duration: SECONDS, ...options });
const processLoad = (server, ids, options) => processLoadOnce(server, ids, load, options);

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

/** Process Payout on a server that answers a fixed payout: the same request every time. */
const fixedProcess = (server) => ({ url: `${server.url}/v1/lms/payouts/${EXAMPLE_ID}/mark_processed/`, method: 'PUT', body: PROCESS_BODY });

/** The median of the rounds' figures; non-2xx and errors are summed (they should all be 0). */
function summary(name, runs) {
  return {
    ...runs[0].row,
    name,
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    cpuMicros: median(runs.map((r) => r.cpuMicros)),
    bytes: median(runs.map((r) => r.bytes)),
    total: runs.reduce((sum, r) => sum + r.total, 0),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
  };
}

const folder = await mkdtemp(join(tmpdir(), 'payouts-sandbox-bench-'));
const servers = [];
const runs = { list: new Map(), process: new Map(), create: new Map() };
/** `row` says what the row answers (`page`) and so which baselines it is like-for-like with. */
const record = (kind, name, result, row = {}) => runs[kind].set(name, [...(runs[kind].get(name) ?? []), { ...result, row }]);

try {
  const sandboxes = [
    { name: SANDBOX, args: [], writes: WRITES },
    { name: 'sandbox, validation off, memory', args: ['--no-validate-responses'], writes: WRITES },
    { name: 'sandbox, validation on, file (FULL sync)', args: ['--db', join(folder, 'bench.db')], writes: Math.ceil(WRITES / 5) },
  ];
  for (const sandbox of sandboxes) servers.push({ ...sandbox, kind: 'sandbox', ...(await startSandboxProcess(sandbox.args)) });
  servers.push({ name: MOCK, label: 'mock', kind: 'fixed', page: PAGE.mock, ...(await startMockProcess()) });
  servers.push({ name: PRISM, label: 'raw Prism', kind: 'fixed', page: PAGE.empty, ...(await startPrism()) });

  // The sandbox's answers once it holds processed payouts: its first page (15), a page of 2 (the
  // size of the mock's), and one payout. The plain server answers exactly these.
  const first = servers[0];
  const { ids } = await initiatedIds(first, 15, load);
  for (const id of ids) await request(`${first.url}/v1/lms/payouts/${id}/mark_processed/`, 'PUT', JSON.parse(PROCESS_BODY));
  const mockPage = (await request(`${servers.find((s) => s.name === MOCK).url}${LIST_PATH}`, 'GET')).json();
  if (mockPage.results.length !== MOCK_PAGE_SIZE) {
    throw new Error(
      `the mock's List answer holds ${mockPage.results.length} payouts, the bench compares it with a sandbox page of ${MOCK_PAGE_SIZE}: update MOCK_PAGE_SIZE`,
    );
  }
  const SMALL_PATH = `${LIST_PATH}?page_size=${MOCK_PAGE_SIZE}`;
  const listJson = (await request(`${first.url}${LIST_PATH}`, 'GET')).text;
  // Create Payout's answer, a new pending payout as the sandbox gives it; exported at once, so
  // that every payout left pending is one a round made.
  const createdJson = (await request(`${first.url}${LIST_PATH}`, 'POST', newPayoutBody())).text;
  await request(`${first.url}/v1/lms/payouts/export/`, 'PUT', { debit_bank_id: DEBIT_BANK, payout_ids: [JSON.parse(createdJson).id] });
  const answers = {
    [`GET ${LIST_PATH}`]: listJson,
    [`GET ${SMALL_PATH}`]: (await request(`${first.url}${SMALL_PATH}`, 'GET')).text,
    PUT: JSON.stringify(JSON.parse(listJson).results[0]),
    POST: createdJson,
  };
  await writeFile(join(folder, 'answers.json'), JSON.stringify(answers));
  const plain = await startProcess(
    process.execPath,
    [new URL('./plain-server.mjs', import.meta.url).pathname, join(folder, 'answers.json')],
    /listening on (\d+)/,
  );
  servers.push({ name: PLAIN, label: 'plain', kind: 'fixed', page: PAGE.full, ...plain, url: `http://127.0.0.1:${plain.found}` });

  // Prism and every JIT start cold: a second of each request, not recorded, so round 1 is not an outlier.
  for (const server of servers) {
    await load(server, { url: `${server.url}${LIST_PATH}`, duration: 1 });
    if (server.kind === 'fixed') await load(server, { ...fixedProcess(server), duration: 1 });
    if (server.kind === 'sandbox') {
      for (const keyed of server === first ? [false, true] : [false])
        await processLoad(server, (await initiatedIds(server, WARM_UP_WRITES, load, { keyed })).ids, { keyed });
    }
  }

  // Rounds, each server in turn, so a burst of noise on this shared machine hits all of them alike.
  for (let round = 0; round < ROUNDS; round++) {
    for (const server of servers) {
      if (server.kind === 'sandbox') {
        // The main sandbox's writes run once more with keys. Each round's writes grow its
        // database, so the keyed ones go first every other round: neither kind always meets the
        // bigger database.
        const kinds = server !== first ? [false] : round % 2 === 0 ? [false, true] : [true, false];
        for (const keyed of kinds) {
          const name = keyed ? KEYED : server.name;
          const { ids: initiated, created } = await initiatedIds(server, server.writes, load, { keyed });
          record('create', name, created);
          record('process', name, await processLoad(server, initiated, { keyed }));
        }
        record('list', server.name, await load(server, { url: `${server.url}${LIST_PATH}` }), { page: PAGE.full });
      } else {
        record('process', server.name, await load(server, fixedProcess(server)), { label: server.label, baseline: true });
        if (server.name === PLAIN) {
          const create = { url: `${server.url}${LIST_PATH}`, method: 'POST', body: JSON.stringify(newPayoutBody()) };
          record('create', server.name, await load(server, create), { label: server.label, baseline: true });
        }
        record('list', server.name, await load(server, { url: `${server.url}${LIST_PATH}` }), {
          label: server.label,
          page: server.page,
          baseline: true,
        });
      }
      if (server === first || server.name === PLAIN) {
        // The page the mock answers, same size: the like-for-like comparison with the mock.
        record('list', `${server.name}, page_size=${MOCK_PAGE_SIZE}`, await load(server, { url: `${server.url}${SMALL_PATH}` }), {
          label: server.label,
          page: PAGE.mock,
          baseline: server.name === PLAIN,
        });
      }
      if (server === first) {
        // Raw Prism's answer, an empty page (a loan with no payouts; the query still runs).
        record('list', `${server.name}, empty page`, await load(server, { url: `${server.url}${LIST_PATH}?loan=${EMPTY_LOAN}` }), {
          page: PAGE.empty,
        });
      }
    }
  }
} finally {
  for (const server of servers) {
    const { code, signal } = await server.stop();
    if (code !== 0 && signal !== 'SIGTERM') console.error(`${server.name} ended with ${code ?? signal}:\n${server.output()}`);
  }
  await rm(folder, { recursive: true, force: true });
}

const results = Object.fromEntries(Object.entries(runs).map(([kind, byName]) => [kind, [...byName].map(([name, r]) => summary(name, r))]));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '-');

/**
 * One table. Every row is compared with the mock, raw Prism and plain Node; `like-for-like with`
 * names the baselines that answer what the row answers (a page of the same size, or one payout):
 * only those ratios compare equal work.
 */
const report = (title, rows) => {
  const mock = rows.find((r) => r.name === MOCK);
  const prism = rows.find((r) => r.name === PRISM);
  const sameAnswer = (r) => rows.filter((b) => b.baseline && b !== r && b.page === r.page);
  console.log(`\n${title}`);
  console.log(
    table(
      [
        'server',
        'answer',
        'bytes',
        'req/s',
        'p99 ms',
        'CPU us/req',
        'req/s per core',
        'requests',
        'non-2xx',
        'errors',
        'like-for-like with',
        'vs mock',
        'vs mock per core',
        'vs raw Prism',
        'vs plain (same answer)',
      ],
      rows.map((r) => [
        r.name,
        r.page ?? '1 payout',
        Math.round(r.bytes),
        Math.round(r.rps),
        r.p99,
        Math.round(r.cpuMicros),
        Math.round(1e6 / r.cpuMicros),
        r.total,
        r.non2xx,
        r.errors,
        sameAnswer(r)
          .map((b) => b.label)
          .join(', ') || '-',
        ratio(r.rps, mock?.rps),
        ratio(mock?.cpuMicros, r.cpuMicros),
        ratio(r.rps, prism?.rps),
        ratio(r.rps, sameAnswer(r).find((b) => b.label === 'plain')?.rps),
      ]),
    ),
  );
};

console.log(
  `autocannon, ${CONNECTIONS} connections, loopback, median of ${ROUNDS} rounds; fixed-time runs last ${SECONDS} s; bytes per answer include headers`,
);
report(
  `List Payouts (GET ${LIST_PATH}): the sandbox's first page is ${PAGE.full}; the mock answers the spec's named example, ${PAGE.mock}; raw Prism the schema's example, an ${PAGE.empty}`,
  results.list,
);
report(
  `Process Payout (PUT .../{id}/mark_processed/; each sandbox request moves another initiated payout: ${WRITES} a round in memory, ${Math.ceil(WRITES / 5)} on a file)`,
  results.process,
);
report(
  'Create Payout (POST; on a sandbox, the payouts that Process Payout then moved; the plain server answers one fixed payout)',
  results.create,
);
const find = (kind, name) => results[kind].find((r) => r.name === name);
const on = find('list', SANDBOX);
const off = find('list', 'sandbox, validation off, memory');
console.log(
  `\nresponse validation on List Payouts: ${Math.round(on.rps)} req/s with it, ${Math.round(off.rps)} without; ` +
    `${Math.round(on.cpuMicros)} vs ${Math.round(off.cpuMicros)} us of server CPU a request`,
);
const goal = (kind, name, against = MOCK) => {
  const mine = find(kind, name);
  const base = find(kind, against);
  return `${(mine.rps / base.rps).toFixed(2)}x measured, ${(base.cpuMicros / mine.cpuMicros).toFixed(2)}x per core`;
};
const smallPage = results.list.find((r) => r.name.startsWith(`${SANDBOX}, page_size=`)).name;
/** `a`'s server CPU per request as a multiple of `b`'s, against a goal of at most `most`. */
const cpuRatio = ([kindA, nameA], [kindB, nameB], most) => {
  const a = find(kindA, nameA).cpuMicros;
  const b = find(kindB, nameB).cpuMicros;
  return `${(a / b).toFixed(2)}x (${Math.round(a)} vs ${Math.round(b)} us) ${a / b <= most ? 'met' : 'NOT met'}`;
};
const rpsRatio = (kind, least) => {
  const r = find(kind, SANDBOX).rps / find(kind, PLAIN).rps;
  return `${r.toFixed(2)}x ${r >= least ? 'met' : 'NOT met'}`;
};
console.log(
  `writes, server CPU a request and req/s, validation on, in memory:\n` +
    `  Create Payout <= 1.5x Process Payout's CPU: ${cpuRatio(['create', SANDBOX], ['process', SANDBOX], 1.5)}\n` +
    `  a keyed write <= 1.2x the same write unkeyed: Create ${cpuRatio(['create', KEYED], ['create', SANDBOX], 1.2)}, ` +
    `Process Payout ${cpuRatio(['process', KEYED], ['process', SANDBOX], 1.2)}\n` +
    `  writes >= 0.3x the plain Node server's req/s: Create ${rpsRatio('create', 0.3)}, Process Payout ${rpsRatio('process', 0.3)}`,
);
console.log(
  `goal >= 5x the mock with validation on:\n` +
    `  List Payouts, like-for-like (${PAGE.mock}): ${goal('list', smallPage)}\n` +
    `  List Payouts, sandbox's default page (${PAGE.full}) against the mock's ${PAGE.mock}: ${goal('list', SANDBOX)}\n` +
    `  Process Payout (1 payout each): ${goal('process', SANDBOX)} in memory, ${goal('process', 'sandbox, validation on, file (FULL sync)')} on a file\n` +
    `  secondary, against raw Prism: List ${goal('list', `${SANDBOX}, empty page`, PRISM)} (both an ${PAGE.empty}), Process Payout ${goal('process', SANDBOX, PRISM)}`,
);
