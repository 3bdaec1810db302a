// Load, kill -9, restart: many concurrent callers create payouts and move them through their
// lifecycle against a sandbox on a database (a SQLite file, or with --store postgres a database on
// a throwaway PostgreSQL server); mid-load the sandbox is killed with SIGKILL (and the PostgreSQL
// server stopped at once, without a checkpoint) and restarted on the same database. Every write it
// acknowledged must have survived, every payout must be in a state its lifecycle allows, and a
// create retried with its Idempotency-Key must not make a second payout. Loopback only, bounded
// in time.
//   pnpm --filter @payouts/sandbox bench:crash [-- --rounds 3 --seconds 5 --callers 16 --store sqlite|postgres]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNATURE_HEADER, signCallback } from '@payouts/callbacks';
import { startPostgresCluster } from '../dist/postgres-cluster.js';
import { CALLBACK_SECRET } from '../dist/testing.js';
import { benchOptions, DEBIT_BANK, newPayoutBody, request, startSandboxProcess, table } from './support.mjs';

const {
  rounds: ROUNDS,
  seconds: SECONDS,
  callers: CALLERS,
  store: STORE,
} = benchOptions({
  rounds: 3,
  seconds: 5,
  callers: 16,
  store: 'sqlite',
});
if (!['sqlite', 'postgres'].includes(STORE)) throw new Error(`--store ${STORE}: expected sqlite or postgres`);

/**
 * What a caller knows of a payout: the state of its last acknowledged write and, while a request
 * on it is unanswered, the state that request would lead to.
 */
class Tracked {
  constructor(id, state) {
    this.id = id;
    this.acked = state;
    this.inFlight = undefined;
  }
}

const payouts = new Map(); // id -> Tracked
const unansweredCreates = new Map(); // Idempotency-Key -> body, creates whose answer never came
let utrCounter = 0;

function pick(list) {
  return list[Math.floor(Math.random() * list.length)];
}

/** One caller: owns the payouts it creates, so every payout's expected state is known exactly. */
async function caller(url, mine, run, counts) {
  while (!run.killed) {
    const byStatus = (status) => mine.filter((t) => t.acked.status === status && !t.inFlight);
    const pending = byStatus('pending');
    const initiated = byStatus('initiated');
    const failed = byStatus('failed');
    const roll = Math.random();
    try {
      if (roll < 0.3 || pending.length + initiated.length + failed.length === 0) {
        const body = newPayoutBody();
        const key = `crash-${body.loan}`;
        unansweredCreates.set(key, body);
        const answer = await request(`${url}/v1/lms/payouts/`, 'POST', body, { 'Idempotency-Key': key });
        if (answer.status !== 201) throw new Error(`create answered ${answer.status}: ${answer.text}`);
        unansweredCreates.delete(key);
        const tracked = new Tracked(answer.json().id, { status: 'pending' });
        tracked.key = key;
        tracked.body = body;
        payouts.set(tracked.id, tracked);
        mine.push(tracked);
        counts.create++;
      } else if (roll < 0.5 && pending.length > 0) {
        const chosen = pending.slice(0, 5);
        for (const t of chosen) t.inFlight = { status: 'initiated' };
        const answer = await request(`${url}/v1/lms/payouts/export/`, 'PUT', {
          debit_bank_id: DEBIT_BANK,
          payout_ids: chosen.map((t) => t.id),
        });
        if (answer.status !== 200) throw new Error(`export answered ${answer.status}: ${answer.text}`);
        const references = new Map(
          answer.text
            .trim()
            .split('\r\n')
            .slice(1)
            .map((line) => line.split(',').slice(0, 2)),
        );
        for (const t of chosen) {
          t.acked = { status: 'initiated', payout_service_id: references.get(t.id) };
          t.inFlight = undefined;
        }
        counts.export++;
      } else if (roll < 0.8 && initiated.length > 0) {
        const t = pick(initiated);
        if (Math.random() < 0.5) {
          const utr = `CRASH${++utrCounter}`;
          t.inFlight = { status: 'processed', utr };
          const answer = await request(`${url}/v1/lms/payouts/${t.id}/mark_processed/`, 'PUT', {
            utr,
            processed_at: 1700000000,
            debit_bank_id: DEBIT_BANK,
          });
          if (answer.status !== 200) throw new Error(`mark_processed answered ${answer.status}: ${answer.text}`);
          counts.process++;
        } else {
          t.inFlight = { status: 'failed', failed_remark: 'Beneficiary account closed' };
          const callback = { payout_service_id: t.acked.payout_service_id, status: 'failed', failed_remark: 'Beneficiary account closed' };
          const answer = await request(`${url}/v1/lms/payouts/callback/`, 'POST', callback, {
            [SIGNATURE_HEADER]: signCallback(JSON.stringify(callback), CALLBACK_SECRET),
          });
          if (answer.status !== 200) throw new Error(`callback answered ${answer.status}: ${answer.text}`);
          counts.callback++;
        }
        t.acked = t.inFlight;
        t.inFlight = undefined;
      } else if (failed.length > 0) {
        const t = pick(failed);
        t.inFlight = { status: 'pending' };
        const answer = await request(`${url}/v1/lms/payouts/${t.id}/retry/`, 'PUT');
        if (answer.status !== 200) throw new Error(`retry answered ${answer.status}: ${answer.text}`);
        t.acked = t.inFlight;
        t.inFlight = undefined;
        counts.retry++;
      }
    } catch (error) {
      // The kill cuts the requests in flight; before it, any failure is a finding.
      if (!run.killed) throw error;
    }
  }
}

async function listAll(url) {
  const all = [];
  for (let page = 1; ; page++) {
    const answer = await request(`${url}/v1/lms/payouts/?page_size=100&page=${page}&ordering=created_at`, 'GET');
    const body = answer.json();
    all.push(...body.results);
    if (all.length >= body.count || body.results.length === 0) return all;
  }
}

const matches = (payout, state) => Object.entries(state).every(([key, value]) => payout[key] === value);

/** Rules that hold for every stored payout, whatever happened. */
function lifecycleViolations(p) {
  const problems = [];
  const need = (condition, what) => condition || problems.push(`${p.id} (${p.status}): ${what}`);
  need(['pending', 'initiated', 'processed', 'failed'].includes(p.status), 'unknown status');
  need((p.status === 'pending') === (p.payout_service_id === null), 'payout_service_id is set exactly when not pending');
  need((p.status === 'pending') === (p.is_downloaded === false), 'is_downloaded is false exactly when pending');
  need(
    (p.status === 'processed') === (p.utr !== null && p.processed_at !== null && p.debit_bank !== null),
    'utr, processed_at, debit_bank set exactly when processed',
  );
  need((p.status === 'failed') === (p.failed_remark !== null), 'failed_remark set exactly when failed');
  need(p.status === 'processed' ? typeof p.record === 'string' : p.record === null, 'a ledger record exactly when processed');
  return problems;
}

const folder = await mkdtemp(join(tmpdir(), 'payouts-sandbox-crash-'));
const cluster = STORE === 'postgres' ? await startPostgresCluster() : undefined;
const dbFile = cluster ? await cluster.createDatabase('crash') : join(folder, 'crash.db');
const rows = [];
const findings = [];
const args = ['--db', dbFile, '--callback-secret', CALLBACK_SECRET];
let sandbox = await startSandboxProcess(args);

try {
  for (let round = 1; round <= ROUNDS; round++) {
    const counts = { create: 0, export: 0, process: 0, callback: 0, retry: 0 };
    const run = { killed: false };
    const owned = Array.from({ length: CALLERS }, () => []);
    const callers = owned.map((mine) => caller(sandbox.url, mine, run, counts));
    // A caller's finding is thrown by the Promise.all below, after the kill, so the cleanup runs.
    for (const running of callers) running.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, SECONDS * 1000));
    // Kill it mid-load: callers have requests in flight right now.
    run.killed = true;
    const inFlightAtKill = [...payouts.values()].filter((t) => t.inFlight).length + unansweredCreates.size;
    await sandbox.stop('SIGKILL');
    await Promise.all(callers);
    if (cluster) {
      // The database server crashes too: what it acknowledged must come back from its WAL.
      await cluster.stop('immediate');
      await cluster.start();
    }
    const acknowledged = Object.values(counts).reduce((a, b) => a + b, 0);

    const acknowledgedPayouts = payouts.size;
    sandbox = await startSandboxProcess(args);
    const stored = new Map((await listAll(sandbox.url)).map((p) => [p.id, p]));
    let lost = 0;
    let moved = 0;
    for (const t of payouts.values()) {
      const p = stored.get(t.id);
      if (!p) {
        lost++;
        findings.push(`round ${round}: acknowledged payout ${t.id} is gone`);
      } else if (matches(p, t.acked)) {
        // as acknowledged
      } else if (t.inFlight && matches(p, t.inFlight)) {
        moved++; // its unanswered request was committed: allowed, it was never acknowledged either way
      } else {
        lost++;
        findings.push(`round ${round}: ${t.id} is ${JSON.stringify(pickState(p))}, acknowledged ${JSON.stringify(t.acked)}`);
      }
    }
    const violations = [...stored.values()].flatMap(lifecycleViolations);
    findings.push(...violations.map((v) => `round ${round}: ${v}`));
    const unique = (key) => new Set([...stored.values()].map((p) => p[key]).filter((v) => v !== null)).size;
    const serviceIds = [...stored.values()].filter((p) => p.payout_service_id !== null).length;
    if (unique('ref_id') !== stored.size || unique('payout_service_id') !== serviceIds)
      findings.push(`round ${round}: duplicate ref_id or payout_service_id`);

    // Creates that were never answered: retried with their key, each must give exactly one payout.
    let duplicates = 0;
    for (const [key, body] of unansweredCreates) {
      const again = await request(`${sandbox.url}/v1/lms/payouts/`, 'POST', body, { 'Idempotency-Key': key });
      if (again.status !== 201) findings.push(`round ${round}: retried create ${key} answered ${again.status}`);
      const count = (await request(`${sandbox.url}/v1/lms/payouts/?loan=${body.loan}`, 'GET')).json().count;
      if (count !== 1) duplicates++;
      const tracked = new Tracked(again.json().id, { status: 'pending' });
      tracked.key = key;
      tracked.body = body;
      payouts.set(tracked.id, tracked);
    }
    const strangers = [...stored.keys()].filter((id) => !payouts.has(id));
    findings.push(...strangers.map((id) => `round ${round}: stored payout ${id} was never created by a caller`));
    const retriedCreates = unansweredCreates.size;
    unansweredCreates.clear();
    // Requests in flight at the kill are settled now: the stored state is the truth from here on.
    for (const t of payouts.values()) {
      const p = stored.get(t.id);
      if (p && t.inFlight) t.acked = pickState(p);
      t.inFlight = undefined;
    }
    // An acknowledged create is replayed with its key: the same payout again, nothing new.
    const sample = [...payouts.values()].filter((t) => t.key).slice(-20);
    for (const t of sample) {
      const replay = await request(`${sandbox.url}/v1/lms/payouts/`, 'POST', t.body, { 'Idempotency-Key': t.key });
      if (replay.status !== 201 || replay.json().id !== t.id)
        findings.push(`round ${round}: replay of ${t.key} answered ${replay.status} ${replay.text.slice(0, 80)}`);
    }
    rows.push([
      round,
      acknowledged,
      Math.round(acknowledged / SECONDS),
      inFlightAtKill,
      acknowledgedPayouts,
      stored.size,
      moved,
      lost,
      violations.length,
      retriedCreates,
      duplicates,
    ]);
  }
} finally {
  await sandbox.stop();
  await cluster?.dispose();
  await rm(folder, { recursive: true, force: true });
}

function pickState(p) {
  return { status: p.status, utr: p.utr, payout_service_id: p.payout_service_id, failed_remark: p.failed_remark };
}

console.log(
  cluster
    ? `${CALLERS} callers, ${SECONDS} s of load per round, then kill -9 of the sandbox, an immediate stop of PostgreSQL, and a restart of both`
    : `${CALLERS} callers, ${SECONDS} s of load per round, then kill -9 and a restart on the same file (WAL, synchronous=FULL)`,
);
console.log(
  table(
    [
      'round',
      'acked writes',
      'acked/s',
      'unanswered at kill',
      'acked payouts',
      'stored after restart',
      'unanswered but kept',
      'lost',
      'invariant breaks',
      'creates retried',
      'duplicates',
    ],
    rows,
  ),
);
const lostTotal = rows.reduce((sum, r) => sum + r[7], 0);
const brokenTotal = rows.reduce((sum, r) => sum + r[8] + r[10], 0);
console.log(`\nlost acknowledged writes: ${lostTotal} (goal 0); invariant breaks and duplicate creates: ${brokenTotal} (goal 0)`);
if (findings.length > 0) {
  console.log(`\nfindings:\n${findings.slice(0, 30).join('\n')}`);
  process.exitCode = 1;
}
