#!/usr/bin/env node
// @ts-check
// How fast the mock answers, against a plain Node http server answering the same JSON in the same
// run (the ratio baseline), and what Prism's logging costs. Loopback only, bounded time.
//
// Usage: pnpm --filter @payouts/mock bench [-- --duration 5 --connections 10]   (after a build)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { scriptArgs } from '@payouts/process';
import { bundlePath } from '@payouts/spec';
import autocannon from 'autocannon';
import { startMock } from '../dist/index.js';
import { startPrism } from '../dist/prism.js';
import { prepareSpec } from '../dist/spec.js';

const { values } = parseArgs({
  args: scriptArgs(),
  options: {
    duration: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    starts: { type: 'string', default: '3' },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const STARTS = Number(values.starts);
const PATH = '/v1/lms/payouts/';
const HEADERS = { authorization: 'Bearer bench-token' };

/** @typedef {{ url: string, stop(): Promise<void> }} Server */

/** A plain Node http server in a child process, answering `body` as JSON to every request. @param {string} body @returns {Promise<Server>} */
async function startPlainServer(body) {
  const source = `
    const body = process.env.BODY;
    const server = require('node:http').createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', source], { env: { ...process.env, BODY: body }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  return {
    url: `http://127.0.0.1:${String(line).trim()}`,
    stop: async () => {
      child.kill();
      await once(child, 'exit');
    },
  };
}

/** `pnpm mock` as users run it: the CLI in a process of its own. @returns {Promise<Server>} */
async function startCli() {
  const child = spawn(process.execPath, [new URL('../dist/cli.js', import.meta.url).pathname, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout) {
    output += chunk;
    if (output.includes('Ctrl-C stops.')) break;
  }
  const url = /listening on (\S+)/.exec(output)?.[1];
  if (!url) throw new Error(`the CLI did not start:\n${output}`);
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      await once(child, 'exit');
    },
  };
}

/** Starts a server and times it to its first answer. @param {() => Promise<Server>} start */
async function timed(start) {
  const started = performance.now();
  const server = await start();
  await (await fetch(server.url + PATH, { headers: HEADERS })).arrayBuffer();
  return { server, startMs: performance.now() - started };
}

/** @param {string} url */
async function load(url) {
  const result = await autocannon({ url: url + PATH, headers: HEADERS, connections: CONNECTIONS, duration: DURATION });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result;
}

const median = (/** @type {number[]} */ numbers) =>
  /** @type {number} */ ([...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)]);

const spec = await prepareSpec(bundlePath('json'));
const prism = (/** @type {import('../dist/prism.js').PrismLogLevel} */ logLevel) => () =>
  startPrism({ spec: spec.path, host: '127.0.0.1', port: 0, dynamic: false, errors: false, logLevel });
/** @type {{ name: string, server: Server, startMs: number, results: autocannon.Result[] }[]} */
const running = [];
try {
  // The baseline answers the very JSON the mock answers.
  const { server: probe } = await timed(() => startMock({ port: 0 }));
  const body = await (await fetch(probe.url + PATH, { headers: HEADERS })).text();
  await probe.stop();

  const setups = [
    { name: 'plain Node http server (baseline)', start: () => startPlainServer(body) },
    { name: 'pnpm mock: CLI process (proxy + Prism -v silent)', start: startCli },
    { name: 'startMock() in the process of autocannon', start: () => startMock({ port: 0 }) },
    { name: 'Prism alone, -v silent', start: prism('silent') },
    { name: "Prism alone, -v info (Prism's default)", start: prism('info') },
  ];
  // Start times first, one server at a time; the last one started of each stays up for the load.
  for (const setup of setups) {
    const starts = [];
    for (let i = 0; i < STARTS; i++) {
      const { server, startMs } = await timed(setup.start);
      starts.push(startMs);
      if (i < STARTS - 1) await server.stop();
      else running.push({ ...setup, server, startMs: median(starts), results: [] });
    }
  }
  // Load in rounds, each setup in turn, so that the machine's other work spreads over all of them.
  for (let round = 0; round < ROUNDS; round++) {
    for (const setup of running) setup.results.push(await load(setup.server.url));
  }

  const rows = running.map((setup) => ({
    name: setup.name,
    startMs: setup.startMs,
    rps: median(setup.results.map((result) => result.requests.average)),
    p50: median(setup.results.map((result) => result.latency.p50)),
    p99: median(setup.results.map((result) => result.latency.p99)),
  }));
  const baseline = /** @type {(typeof rows)[number]} */ (rows[0]);
  console.log(
    `GET ${PATH} (${body.length} bytes of JSON), autocannon ${CONNECTIONS} connections, ${ROUNDS} rounds x ${DURATION} s per setup (median), loopback; start = median of ${STARTS}`,
  );
  console.table(
    rows.map((row) => ({
      setup: row.name,
      'req/s': Math.round(row.rps),
      'x baseline': (row.rps / baseline.rps).toFixed(3),
      'p50 ms': row.p50,
      'p99 ms': row.p99,
      'start to first answer ms': Math.round(row.startMs),
      'x baseline ': (row.startMs / baseline.startMs).toFixed(1),
    })),
  );
} finally {
  await Promise.all(running.map((setup) => setup.server.stop()));
  await spec.dispose();
}
