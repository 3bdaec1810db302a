// Shared by the benchmarks: start a server as a child process, wait until it answers, stop it.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findFreePort, scriptArgs, startProcess } from '@payouts/process';
import autocannon from 'autocannon';
import { DEBIT_BANK, newPayout } from '../dist/testing.js';

export const SANDBOX_CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
export const TOKEN = 'bench-token';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export { DEBIT_BANK, newPayout as newPayoutBody };
export const LIST_PATH = '/v1/lms/payouts/';
export const PROCESS_BODY = JSON.stringify({ utr: '123123123123123', processed_at: 1693161000, debit_bank_id: DEBIT_BANK });
export { findFreePort as freePort, startProcess };

/** Starts the sandbox CLI (TOKEN its own, unless a --tenants file gives the tokens); the banner's last line means it is ready. */
export async function startSandboxProcess(extraArgs = []) {
  const credentials = extraArgs.includes('--tenants') ? [] : ['--token', TOKEN];
  const server = await startProcess(
    process.execPath,
    [SANDBOX_CLI, '--port', '0', ...credentials, '--quiet', ...extraArgs],
    /listening on (http:\/\/\S+)[\s\S]*\n {2}try: .*\n/,
  );
  return { ...server, url: server.found };
}

export async function request(url, method, body, headers = {}) {
  const response = await fetch(url, {
    method,
    headers: { ...AUTH, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) };
}

/**
 * The command line of a bench: each option named in `defaults`, a number where its default is one
 * (refused unless a positive number), else text.
 */
export function benchOptions(defaults) {
  const { values } = parseArgs({
    args: scriptArgs(),
    options: Object.fromEntries(Object.entries(defaults).map(([name, value]) => [name, { type: 'string', default: String(value) }])),
  });
  return Object.fromEntries(
    Object.entries(values).map(([name, text]) => {
      if (typeof defaults[name] !== 'number') return [name, text];
      const number = Number(text);
      if (!(number > 0)) throw new Error(`--${name} takes a positive number, got "${text}"`);
      return [name, number];
    }),
  );
}

/** Fixed-width table rows for the console. */
export function table(headers, rows) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * CPU seconds (user + system) used so far by a process and every process below it, from /proc:
 * what a server spent, whatever the load generator or the rest of the machine was doing.
 */
export function cpuSeconds(rootPid) {
  const stats = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses; the fields after its last ')' do not.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { parent: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // the process ended while we looked
    }
  }
  let ticks = 0;
  const queue = [rootPid];
  while (queue.length > 0) {
    const pid = queue.pop();
    ticks += stats.get(pid)?.ticks ?? 0;
    for (const [child, stat] of stats) if (stat.parent === pid) queue.push(child);
  }
  return ticks / CLOCK_TICKS;
}

/** The mock as callers use it (mock-server.mjs), in a process of its own. */
export async function startMockProcess() {
  const mock = await startProcess(
    process.execPath,
    [new URL('./mock-server.mjs', import.meta.url).pathname],
    /listening on (http:\/\/\S+)/,
  );
  return { ...mock, url: mock.found };
}

export const median = (numbers) => [...numbers].sort((a, b) => a - b)[Math.floor(numbers.length / 2)];

/**
 * One autocannon run against `server` (options: autocannon's, `connections` and `duration` or
 * `amount` included), stopped after at most twice the planned time; also what the server's
 * processes spent in CPU per request, which the load generator sharing this machine's two cores
 * does not skew.
 */
export async function load(server, options) {
  const cpuBefore = cpuSeconds(server.child.pid);
  const started = process.hrtime.bigint();
  let lastAnswer = started;
  const run = autocannon({ ...options, headers: { ...AUTH, 'content-type': 'application/json', ...options.headers } });
  run.on('response', () => (lastAnswer = process.hrtime.bigint()));
  const guard = setTimeout(() => run.stop(), Math.max(options.duration ?? 0, 30) * 2000);
  const result = await run;
  clearTimeout(guard);
  // autocannon's own figures count whole seconds (a run of a fixed number of requests ends on the
  // next tick of its clock); the time to the last answer is exact.
  const seconds = Number(lastAnswer - started) / 1e9;
  const cpuMicros = ((cpuSeconds(server.child.pid) - cpuBefore) * 1e6) / result.requests.total;
  // Bytes an answer takes on the wire, headers included: the same figure for every server.
  const bytes = result.throughput.total / result.requests.total;
  return {
    rps: result.requests.total / seconds,
    p99: result.latency.p99,
    cpuMicros,
    bytes,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    total: result.requests.total,
  };
}

/** A request's headers with a fresh Idempotency-Key, as @payouts/client sends every change, when `keyed`. */
const withKey = (req, keyed) => (keyed ? { ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } } : req);

/**
 * Creates payouts (each with its own Idempotency-Key when `keyed`) and exports them all; answers
 * their ids, each of which can be processed once.
 */
export async function initiatedIds(server, count, runLoad = load, { keyed = false } = {}) {
  const { url } = server;
  const created = await runLoad(server, {
    url: `${url}${LIST_PATH}`,
    method: 'POST',
    amount: count,
    requests: [{ setupRequest: (req) => withKey({ ...req, body: JSON.stringify(newPayout()) }, keyed) }],
  });
  // An export without payout_ids takes at most the spec's batch of pending payouts: export until none is left.
  const ids = [];
  for (;;) {
    const file = await request(`${url}/v1/lms/payouts/export/`, 'PUT', { debit_bank_id: DEBIT_BANK });
    const lines = file.text.trim().split('\r\n').slice(1);
    if (lines.length === 0) break;
    ids.push(...lines.map((line) => line.split(',')[0]));
  }
  if (ids.length !== count) throw new Error(`expected ${count} exported payouts, got ${ids.length}`);
  return { ids, created };
}

/** Process Payout on each of `ids` once (each with its own Idempotency-Key when `keyed`). */
export function processLoad(server, ids, runLoad = load, { keyed = false } = {}) {
  let next = 0;
  return runLoad(server, {
    url: `${server.url}/v1/lms/payouts/${ids[0]}/mark_processed/`,
    method: 'PUT',
    body: PROCESS_BODY,
    amount: ids.length,
    requests: [{ setupRequest: (req) => withKey({ ...req, path: `/v1/lms/payouts/${ids[next++]}/mark_processed/` }, keyed) }],
  });
}
