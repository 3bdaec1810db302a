// The simulated bank, through HTTP alone: a payout of each magic amount goes from Create Payout to
// its final status with no callback signed by hand, on SQLite and PostgreSQL; the explicit
// trigger answers 202, 404 and 409; a tenant's own bank setting wins over the sandbox's.

import { readFileSync } from 'node:fs';
import { bundlePath } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTCOMES, REMARKS } from './bank.js';
import { newDb, STORES } from './test-support/stores.js';
import { type Caller, DEBIT_BANK, newPayout, payout, startTestSandbox, type TestSandbox } from './testing.js';
import type { Payout, PayoutStatus } from './types.js';

const PAYOUTS = '/v1/lms/payouts/';
const EXPORT = '/v1/lms/payouts/export/';
const ADMIN = 'admin-token-for-the-bank-tests';
const settlePath = (id: string) => `/_sandbox/payouts/${id}/settle/`;

/** A caller with the given token (the sandbox's own when none). */
const as = (sandbox: TestSandbox, token?: string): Caller => ({
  call: (method, path, options = {}) => sandbox.call(method, path, token ? { ...options, token } : options),
});

/** Polls until `done` holds for the payout (the bank works after the export's answer). */
async function until(caller: Caller, id: string, done: (p: Payout) => boolean): Promise<Payout> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const now = await payout(caller, id);
    if (done(now)) return now;
    if (Date.now() > deadline) throw new Error(`payout ${id} is still ${now.status}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function exported(sandbox: TestSandbox, amounts: number[], token?: string): Promise<Payout[]> {
  const auth = token ? { token } : {};
  const made: Payout[] = [];
  for (const amount of amounts) made.push((await sandbox.call<Payout>('POST', PAYOUTS, { ...auth, body: newPayout({ amount }) })).body);
  const file = await sandbox.call('PUT', EXPORT, { ...auth, body: { debit_bank_id: DEBIT_BANK, payout_ids: made.map((p) => p.id) } });
  expect(file.status).toBe(200);
  return made;
}

const settled = (status: PayoutStatus) => (p: Payout) => p.status === status;

describe.each(STORES)('the simulated bank (%s)', (kind) => {
  let sandbox: TestSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind), bank: 'simulated', bankDelaySeconds: 0, adminToken: ADMIN });
  });
  afterAll(() => sandbox?.dispose());

  it('settles each exported payout by its amount, through the signed callback, with no callback signed by hand', async () => {
    const [paid, odd, closed, ifsc, reversed, silent, twice] = await exported(
      sandbox,
      [120_000, 98_750, 64_001, 64_002, 64_003, 64_004, 64_005],
    );
    for (const each of [paid, odd]) {
      const final = await until(sandbox, each!.id, settled('processed'));
      expect(final.utr).toMatch(/^\d{12}$/);
      expect(final.debit_bank?.id).toBe(DEBIT_BANK);
    }
    expect(await until(sandbox, closed!.id, settled('failed'))).toMatchObject({ failed_remark: REMARKS.closed });
    expect(await until(sandbox, ifsc!.id, settled('failed'))).toMatchObject({ failed_remark: REMARKS.ifsc });
    const back = await until(sandbox, reversed!.id, settled('reversed'));
    expect(back).toMatchObject({ failed_remark: REMARKS.reversed, utr: expect.stringMatching(/^\d{12}$/) });
    expect(back.reversed_at).toBeGreaterThanOrEqual(back.processed_at!);
    // The provider's retry of the success changes nothing (dispose() fails on any callback not answered 200).
    const paidTwice = await until(sandbox, twice!.id, settled('processed'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await payout(sandbox, twice!.id)).toEqual(paidTwice);
    expect((await payout(sandbox, silent!.id)).status).toBe('initiated');
  });

  it("settles one payout now when asked (202), 404 for another tenant's, 409 when the outcome is not possible from its status", async () => {
    const tenant = (await sandbox.call('POST', '/_sandbox/tenants/', { token: ADMIN, body: { name: `no-bank-${kind}`, bank: 'none' } }))
      .body;
    const [theirs] = await exported(sandbox, [64_000], tenant.token);
    // The tenant's own setting wins: its bank answers nothing by itself.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const owner = as(sandbox, tenant.token);
    expect((await payout(owner, theirs!.id)).status).toBe('initiated');

    // As the issue names it, without the trailing '/' the admin spec writes.
    const asked = await sandbox.call('POST', settlePath(theirs!.id).replace(/\/$/, ''), {
      token: tenant.token,
      body: { outcome: 'processed' },
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toEqual({ id: theirs!.id, outcome: 'processed', payout_service_id: expect.any(String) });
    await until(owner, theirs!.id, settled('processed'));
    const reversal = await sandbox.call('POST', settlePath(theirs!.id), {
      token: tenant.token,
      body: { outcome: 'reversed', remark: 'Returned by the beneficiary bank' },
    });
    expect(reversal.status).toBe(202);
    expect(await until(owner, theirs!.id, settled('reversed'))).toMatchObject({ failed_remark: 'Returned by the beneficiary bank' });

    const again = await sandbox.call('POST', settlePath(theirs!.id), { token: tenant.token, body: { outcome: 'failed' } });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ detail: 'Payout is reversed; the bank can settle it as failed only once it is initiated.' });
    const pending = (await sandbox.call<Payout>('POST', PAYOUTS, { body: newPayout() })).body;
    expect((await sandbox.call('POST', settlePath(pending.id), { body: { outcome: 'processed' } })).status).toBe(409);
    const another = await sandbox.call('POST', settlePath(theirs!.id), { body: { outcome: 'processed' } });
    expect(another.status).toBe(404);
    expect((await sandbox.call('POST', settlePath(theirs!.id), { token: 'not-a-token', body: { outcome: 'processed' } })).status).toBe(401);
    expect((await sandbox.call('POST', settlePath(pending.id), { body: { outcome: 'paid' } })).status).toBe(400);
  });
});

describe('a tenant of the tenants file', () => {
  it("has the bank it names, whatever the sandbox's own", async () => {
    const tenant = {
      name: 'file-bank',
      tokens: ['file-bank-token'],
      callback_secret: 'file-bank-secret',
      bank: 'simulated' as const,
      bank_delay: 0,
    };
    const sandbox = await startTestSandbox({ tenants: [tenant] });
    try {
      const [theirs] = await exported(sandbox, [71_000], tenant.tokens[0]);
      expect((await until(as(sandbox, tenant.tokens[0]), theirs!.id, settled('processed'))).utr).toMatch(/^\d{12}$/);
      const [own] = await exported(sandbox, [71_000]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await payout(sandbox, own!.id)).status).toBe('initiated');
    } finally {
      await sandbox.dispose();
    }
  });
});

describe('the outcome table', () => {
  it("the spec's description and the admin spec show each outcome the bank has, with its remark", () => {
    const described = [
      JSON.parse(readFileSync(bundlePath('json'), 'utf8')).info.description,
      readFileSync(new URL('../admin/openapi.yaml', import.meta.url), 'utf8'),
    ];
    for (const text of described) {
      for (const { ending, remark } of OUTCOMES) {
        const row = text.split('\n').find((line: string) => line.trim().startsWith(`| ${String(ending).padStart(2, '0')} |`));
        expect(row, `the row of amounts ending in ${ending}`).toBeDefined();
        if (remark) expect(row).toContain(remark);
      }
    }
  });
});
