// One sandbox for a whole organisation: each tenant sees and changes only its own payouts, through
// every operation, its callbacks checked with its own secret and its Idempotency-Keys its own;
// tenants are made and dropped through the admin API. On both stores, and across two sandbox
// processes on one PostgreSQL database.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SIGNATURE_MISMATCH } from '@payouts/callbacks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type SandboxProcess, spawnSandbox } from './test-support/process.js';
import { newDb, STORES } from './test-support/stores.js';
import { call, DEBIT_BANK, initiatedPayout, newPayout, startTestSandbox, type TestSandbox, tempDir } from './testing.js';
import type { Payout, PayoutPage } from './types.js';

const ADMIN = 'admin-token-for-tests-0001';
const TENANTS = '/_sandbox/tenants/';
const PAYOUTS = '/v1/lms/payouts/';
const A = { name: 'team-a', tokens: ['token-a', 'token-a2'], callback_secret: 'secret-a' };
const B = { name: 'team-b', tokens: ['token-b'], callback_secret: 'secret-b', seed_demo: true };
const PROCESS_BODY = { utr: 'TENANT0001', processed_at: 1700000000, debit_bank_id: DEBIT_BANK };

/** Calls as one tenant: its token, and its secret on callbacks. */
const as = (sandbox: { url: string }, token: string, callbackSecret: string) => ({
  call: <T = any>(method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
    call<T>(sandbox.url, method, path, { token, callbackSecret, ...options }),
});

const admin = (sandbox: { url: string }, method: string, path: string, options: Parameters<typeof call>[3] = {}) =>
  call(sandbox.url, method, path, { token: ADMIN, ...options });

describe.each(STORES)('tenants (%s)', (kind) => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind), tokens: [], callbackSecrets: [], tenants: [A, B], adminToken: ADMIN });
  });
  afterAll(async () => {
    await sandbox?.dispose();
  });
  const a = () => as(sandbox, 'token-a', 'secret-a');
  const b = () => as(sandbox, 'token-b', 'secret-b');

  it('each tenant lists only its own payouts; the demo seed went to the tenant that asked for it', async () => {
    const before = (await b().call<PayoutPage>('GET', `${PAYOUTS}?page_size=100`)).body;
    expect(before.count).toBeGreaterThan(0); // team-b's demo payouts
    expect((await a().call<PayoutPage>('GET', PAYOUTS)).body.count).toBe(0);
    const mine = await a().call<Payout>('POST', PAYOUTS, { body: newPayout() });
    expect(mine.status).toBe(201);
    expect((await a().call<PayoutPage>('GET', PAYOUTS)).body.results.map((p) => p.id)).toEqual([mine.body.id]);
    // Both of team-a's tokens are team-a.
    expect((await as(sandbox, 'token-a2', 'secret-a').call<PayoutPage>('GET', PAYOUTS)).body.count).toBe(1);
    const after = (await b().call<PayoutPage>('GET', `${PAYOUTS}?page_size=100`)).body;
    expect(after).toEqual(before);
    // Each tenant counts its own payouts, so team-b may have a ref_id like it: never team-a's payout.
    const searched = (await b().call<PayoutPage>('GET', `${PAYOUTS}?search=${mine.body.ref_id}`)).body.results;
    expect(searched.map((p) => p.id)).not.toContain(mine.body.id);
  });

  it("another tenant's payout is a 404 to every operation that names it, and unchanged", async () => {
    const theirs = await initiatedPayout(b());
    expect((await a().call('PUT', `${PAYOUTS}${theirs.id}/mark_processed/`, { body: PROCESS_BODY })).status).toBe(404);
    expect((await a().call('PUT', `${PAYOUTS}${theirs.id}/retry/`)).status).toBe(404);
    const pending = (await b().call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
    const named = await a().call('PUT', `${PAYOUTS}export/`, { body: { debit_bank_id: DEBIT_BANK, payout_ids: [pending.id] } });
    expect([named.status, named.body]).toEqual([404, { detail: `No Payout matches ${pending.id}.` }]);
    // An export of everything pending exports only the caller's own.
    const all = await a().call('PUT', `${PAYOUTS}export/`, { body: { debit_bank_id: DEBIT_BANK } });
    expect(all.status).toBe(200);
    expect(all.text).not.toContain(pending.id);
    const still = (await b().call<PayoutPage>('GET', `${PAYOUTS}?page_size=100`)).body.results;
    expect(still.find((p) => p.id === pending.id)).toMatchObject({ status: 'pending' });
    expect(still.find((p) => p.id === theirs.id)).toMatchObject({ status: 'initiated' });
  });

  it("a callback for a tenant's reference is checked with that tenant's secret alone: another tenant's is refused", async () => {
    const theirs = await initiatedPayout(b());
    const body = { payout_service_id: theirs.payout_service_id, status: 'processed', utr: 'CROSS0001' };
    // Only the secret of the tenant whose reference it is is tried (a forged signature costs one HMAC, not one per tenant).
    const crossed = await a().call('POST', `${PAYOUTS}callback/`, { body });
    expect([crossed.status, crossed.body]).toEqual([401, { detail: SIGNATURE_MISMATCH }]);
    // A reference no tenant has is a 404 to whichever tenant signed it.
    const unknown = await a().call('POST', `${PAYOUTS}callback/`, { body: { ...body, payout_service_id: 'HDFC-NEFT-230827-9999' } });
    expect([unknown.status, unknown.body]).toEqual([404, { detail: 'No Payout has payout_service_id HDFC-NEFT-230827-9999.' }]);
    const unsigned = await call(sandbox.url, 'POST', `${PAYOUTS}callback/`, { body, callbackSecret: null, token: null });
    expect(unsigned.status).toBe(401);
    const right = await b().call<Payout>('POST', `${PAYOUTS}callback/`, { body });
    expect([right.status, right.body.status]).toEqual([200, 'processed']);
    expect((await a().call<PayoutPage>('GET', `${PAYOUTS}unmatched/?page_size=100`)).body.results.map((p) => p.id)).not.toContain(
      theirs.id,
    );
    expect((await b().call<PayoutPage>('GET', `${PAYOUTS}unmatched/?page_size=100`)).body.results.map((p) => p.id)).toContain(theirs.id);
  });

  it('Idempotency-Keys are per tenant: the same key makes one payout for each', async () => {
    const headers = { 'Idempotency-Key': 'shared-key-1' };
    const first = await a().call<Payout>('POST', PAYOUTS, { body: newPayout(), headers });
    const second = await b().call<Payout>('POST', PAYOUTS, { body: newPayout(), headers });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await a().call<Payout>('POST', PAYOUTS, { body: newPayout(), headers })).status).toBe(409);
  });

  it("without tokens of its own the sandbox's development token is refused", async () => {
    expect((await call(sandbox.url, 'GET', PAYOUTS, { token: 'sandbox-dev-token' })).status).toBe(401);
  });

  it('the admin API makes a tenant that works at once, refuses a name in use, and drops it with its data', async () => {
    const made = await admin(sandbox, 'POST', TENANTS, { body: { name: 'ci-run-4711' } });
    expect(made.status).toBe(201);
    expect(Object.keys(made.body).sort()).toEqual(['callback_secret', 'name', 'token']);
    expect(made.body.name).toBe('ci-run-4711');
    const c = as(sandbox, made.body.token, made.body.callback_secret);
    expect((await c.call<PayoutPage>('GET', PAYOUTS)).body.count).toBe(0);
    const initiated = await initiatedPayout(c);
    const paid = await c.call<Payout>('POST', `${PAYOUTS}callback/`, {
      body: { payout_service_id: initiated.payout_service_id, status: 'processed', utr: 'NEWTENANT1' },
    });
    expect(paid.status).toBe(200);
    expect((await admin(sandbox, 'POST', TENANTS, { body: { name: 'ci-run-4711' } })).status).toBe(409);

    expect((await admin(sandbox, 'DELETE', `${TENANTS}ci-run-4711/`)).status).toBe(204);
    const gone = await c.call('GET', PAYOUTS);
    expect([gone.status, gone.body]).toEqual([401, { detail: 'Invalid bearer token.' }]);
    expect((await admin(sandbox, 'DELETE', `${TENANTS}ci-run-4711/`)).status).toBe(404);
    // The name is free again, and the new tenant starts empty.
    const again = await admin(sandbox, 'POST', TENANTS, { body: { name: 'ci-run-4711' } });
    expect((await as(sandbox, again.body.token, again.body.callback_secret).call<PayoutPage>('GET', PAYOUTS)).body.count).toBe(0);
  });

  it('the admin API takes only the admin token, and names what is wrong with a request', async () => {
    expect((await call(sandbox.url, 'POST', TENANTS, { body: { name: 'x1' }, token: null })).status).toBe(401);
    const tenantToken = await call(sandbox.url, 'POST', TENANTS, { body: { name: 'x1' }, token: 'token-a' });
    expect([tenantToken.status, tenantToken.body]).toEqual([401, { detail: 'Invalid admin token.' }]);
    expect(tenantToken.headers.get('www-authenticate')).toBe('Bearer realm="sandbox-admin"');
    expect((await call(sandbox.url, 'DELETE', `${TENANTS}team-a/`, { token: 'token-a' })).status).toBe(401);
    // The admin token is not a tenant's: it moves no payouts.
    expect((await call(sandbox.url, 'GET', PAYOUTS, { token: ADMIN })).status).toBe(401);
    const badName = await admin(sandbox, 'POST', TENANTS, { body: { name: 'Team A!' } });
    expect(badName.status).toBe(400);
    expect(Object.keys(badName.body)).toEqual(['name']);
    const noName = await admin(sandbox, 'POST', TENANTS, { body: {} });
    expect([noName.status, Object.keys(noName.body)]).toEqual([400, ['name']]);
    const notJson = await admin(sandbox, 'POST', TENANTS, { raw: '{"name":', headers: { 'content-type': 'application/json' } });
    expect(notJson.status).toBe(400);
    expect(notJson.body.non_field_errors[0]).toMatch(/JSON parse error/);
  });
});

it('a sandbox without an admin token has no admin API, and keeps its single-tenant behaviour', async () => {
  const sandbox = await startTestSandbox();
  try {
    const answer = await call(sandbox.url, 'POST', TENANTS, { body: { name: 'x1' }, token: 'anything-long-enough-123' });
    expect(answer.status).toBe(404);
    expect((await sandbox.call('GET', PAYOUTS)).status).toBe(200);
  } finally {
    await sandbox.dispose();
  }
});

it('pnpm sandbox takes the admin token from PAYOUTS_ADMIN_TOKEN, and says where the admin API is', async () => {
  const sandbox = await spawnSandbox(['--port', '0', '--quiet'], { PAYOUTS_ADMIN_TOKEN: ADMIN });
  try {
    expect(sandbox.output()).toContain(`admin: POST ${sandbox.url}/_sandbox/tenants/`);
    const made = await admin(sandbox, 'POST', TENANTS, { body: { name: 'from-env' } });
    expect(made.status).toBe(201);
    expect((await call(sandbox.url, 'GET', PAYOUTS, { token: made.body.token })).status).toBe(200);
  } finally {
    await sandbox.stop();
  }
});

it('a tenants file is applied once by sandboxes starting together on one PostgreSQL database', async () => {
  for (let round = 0; round < 5; round++) {
    const db = await newDb('postgres');
    const started = await Promise.allSettled(
      [0, 1, 2].map(() => startTestSandbox({ db, tokens: [], callbackSecrets: [], tenants: [A, B] })),
    );
    const sandboxes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    try {
      expect(started.filter((s) => s.status === 'rejected')).toEqual([]);
      for (const sandbox of sandboxes) expect((await as(sandbox, 'token-a', 'secret-a').call('GET', PAYOUTS)).status).toBe(200);
    } finally {
      await Promise.all(sandboxes.map((sandbox) => sandbox.dispose()));
    }
  }
});

describe.each(STORES)('a tenants file (%s)', (kind) => {
  it("replaces a tenant's tokens and secret when the file changes, and keeps its payouts", async () => {
    const db = await newDb(kind);
    const first = await startTestSandbox({ db, tokens: [], callbackSecrets: [], tenants: [A] });
    const made = await as(first, 'token-a', 'secret-a').call<Payout>('POST', PAYOUTS, { body: newPayout() });
    await first.dispose();
    const second = await startTestSandbox({
      db,
      tokens: [],
      callbackSecrets: [],
      tenants: [{ ...A, tokens: ['token-a3'], callback_secret: 'secret-a3' }],
    });
    try {
      expect((await as(second, 'token-a', 'secret-a').call('GET', PAYOUTS)).status).toBe(401);
      const listed = await as(second, 'token-a3', 'secret-a3').call<PayoutPage>('GET', PAYOUTS);
      expect(listed.body.results.map((p) => p.id)).toEqual([made.body.id]);
    } finally {
      await second.dispose();
    }
  });
});

describe('two sandbox processes on one PostgreSQL database', () => {
  let one: SandboxProcess;
  let two: SandboxProcess;
  beforeAll(async () => {
    const db = await newDb('postgres');
    const file = join(await tempDir(), 'tenants.json');
    await writeFile(file, JSON.stringify({ tenants: [A, { ...B, seed_demo: false }] }));
    const args = ['--port', '0', '--db', db, '--tenants', file, '--admin-token', ADMIN, '--quiet'];
    // Started together: the schema is migrated once, under the advisory lock. Each one that
    // started is kept, so that afterAll stops it even when the other did not start.
    const started = await Promise.allSettled([spawnSandbox(args), spawnSandbox(args)]);
    [one, two] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as [SandboxProcess, SandboxProcess];
    for (const s of started) if (s.status === 'rejected') throw s.reason;
  });
  afterAll(async () => {
    await Promise.all([one?.stop(), two?.stop()]);
  });

  it('10 racing Process Payout requests split across them: exactly one 200 and nine 409', async () => {
    const initiated = await initiatedPayout(as(one, 'token-a', 'secret-a'));
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call((i % 2 ? one : two).url, 'PUT', `${PAYOUTS}${initiated.id}/mark_processed/`, {
          token: 'token-a',
          body: { ...PROCESS_BODY, utr: `RACE${i}` },
        }),
      ),
    );
    const statuses = answers.map((x) => x.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    const winner = answers.find((x) => x.status === 200)!.body as Payout;
    const seen = (await call<PayoutPage>(two.url, 'GET', `${PAYOUTS}?search=${winner.utr}`, { token: 'token-a' })).body.results;
    expect(seen.map((p) => [p.id, p.status])).toEqual([[initiated.id, 'processed']]);
  });

  it("tenant A's token gets 404 for tenant B's payout id on the other process, and never sees it in a list", async () => {
    const theirs = await initiatedPayout(as(one, 'token-b', 'secret-b'));
    const crossed = await call(two.url, 'PUT', `${PAYOUTS}${theirs.id}/mark_processed/`, { token: 'token-a', body: PROCESS_BODY });
    expect(crossed.status).toBe(404);
    for (const server of [one, two]) {
      for (const path of [`${PAYOUTS}?page_size=100`, `${PAYOUTS}unmatched/?page_size=100`, `${PAYOUTS}?search=${theirs.ref_id}`]) {
        const page = (await call<PayoutPage>(server.url, 'GET', path, { token: 'token-a' })).body;
        expect(page.results.map((p) => p.id)).not.toContain(theirs.id);
      }
    }
  });

  it('a tenant made through one process works on the other at once, and is gone from both when dropped', async () => {
    const made = await admin(one, 'POST', TENANTS, { body: { name: 'made-on-one' } });
    expect(made.status).toBe(201);
    const created = await call<Payout>(two.url, 'POST', PAYOUTS, { token: made.body.token, body: newPayout() });
    expect(created.status).toBe(201);
    expect((await admin(two, 'DELETE', `${TENANTS}made-on-one/`)).status).toBe(204);
    expect((await call(one.url, 'GET', PAYOUTS, { token: made.body.token })).status).toBe(401);
  });

  it('a tenant dropped through one process is refused at once by both, though both had its token in hand', async () => {
    const made = await admin(one, 'POST', TENANTS, { body: { name: 'known-to-both' } });
    const token = made.body.token as string;
    // Each process has answered the token, so each keeps its tenant (PostgreSQL tells them of a drop).
    for (const server of [one, two]) {
      expect((await call(server.url, 'POST', PAYOUTS, { token, body: newPayout() })).status).toBe(201);
      expect((await call<PayoutPage>(server.url, 'GET', PAYOUTS, { token })).body.count).toBeGreaterThan(0);
    }
    // The drop answers only once the other process has heard of it: while that one is frozen, the
    // drop waits (without the wait, it answered and the frozen process still had the token in hand).
    two.child.kill('SIGSTOP');
    let answered = false;
    const drop = admin(one, 'DELETE', `${TENANTS}known-to-both/`).finally(() => {
      answered = true;
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(answered, 'the drop answered before the other process heard of it').toBe(false);
    } finally {
      two.child.kill('SIGCONT');
    }
    expect((await drop).status).toBe(204);
    for (const server of [two, one]) {
      expect((await call(server.url, 'GET', PAYOUTS, { token })).status, `List on ${server.url}`).toBe(401);
      expect((await call(server.url, 'POST', PAYOUTS, { token, body: newPayout() })).status, `Create on ${server.url}`).toBe(401);
    }
  });
});

describe('refused at start, naming the problem, with nothing started', () => {
  const refusal = async (args: string[]) => {
    const result = await runCli(['--port', '0', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain('listening');
    return result.stderr;
  };
  const tenantsFile = async (content: unknown) => {
    const file = join(await tempDir(), 'tenants.json');
    await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('a tenants file with a token two tenants share, a missing field, a duplicate name or bad JSON', async () => {
    const shared = await tenantsFile({ tenants: [A, { ...B, tokens: ['token-a'] }] });
    expect(await refusal(['--tenants', shared])).toContain(`tenant "team-b" has a token that tenant "team-a" has too`);
    const missing = await tenantsFile({ tenants: [{ name: 'team-c', tokens: ['t'] }] });
    expect(await refusal(['--tenants', missing])).toContain('tenant 1 has no "callback_secret"');
    const twice = await tenantsFile({ tenants: [A, { ...B, name: 'team-a' }] });
    expect(await refusal(['--tenants', twice])).toContain('tenant "team-a" appears twice');
    const noBank = await tenantsFile({ tenants: [{ ...A, bank: 'maybe' }] });
    expect(await refusal(['--tenants', noBank])).toContain('tenant "team-a": "bank" must be one of simulated, none');
    const slowBank = await tenantsFile({ tenants: [{ ...A, bank: 'simulated', bank_delay: -1 }] });
    expect(await refusal(['--tenants', slowBank])).toContain('"bank_delay" must be a number of seconds from 0 to 3600');
    const broken = await tenantsFile('{"tenants": [');
    expect(await refusal(['--tenants', broken])).toMatch(/tenants file .* is not JSON/);
    expect(await refusal(['--tenants', '/nonexistent/tenants.json'])).toContain('cannot read the tenants file /nonexistent/tenants.json');
  });

  it('a --db URL that is wrong, or a server that cannot be reached (password not shown)', async () => {
    expect(await refusal(['--db', 'postgres://user:hunter2@[::1'])).toMatch(/is not a valid PostgreSQL URL/);
    const unreachable = await refusal(['--db', 'postgres://user:hunter2@127.0.0.1:1/payouts']);
    expect(unreachable).toContain('cannot reach the database postgres://user:***@127.0.0.1:1/payouts');
    expect(unreachable).not.toContain('hunter2');
    const inQuery = await refusal(['--db', 'postgres://user@127.0.0.1:1/payouts?sslmode=disable&password=hunter2']);
    expect(inQuery).toContain('cannot reach the database postgres://user@127.0.0.1:1/payouts?sslmode=disable&password=***');
    expect(inQuery).not.toContain('hunter2');
  });
});
