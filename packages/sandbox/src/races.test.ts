// Requests racing over real concurrent HTTP connections: exactly one winner per payout, the others
// 409; one payout per Idempotency-Key. Also with a second sandbox process on the same database,
// where only the database keeps the lifecycle straight: SQLite's locking (IMMEDIATE transactions),
// PostgreSQL's row locks and serializable transactions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxProcess, spawnSandbox } from './test-support/process.js';
import { newDb, STORES } from './test-support/stores.js';
import {
  CALLBACK_SECRET,
  call,
  DEBIT_BANK,
  failedPayout,
  initiatedPayout,
  newPayout,
  payout,
  startTestSandbox,
  type TestSandbox,
  TOKEN,
} from './testing.js';
import type { Payout, PayoutPage } from './types.js';

const ROUNDS = 10;
const PROCESS_BODY = { utr: 'RACE0001', processed_at: 1700000000, debit_bank_id: DEBIT_BANK };

const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();

describe.each(STORES)('on %s', (kind) => {
  let sandbox: TestSandbox;
  let twin: SandboxProcess;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind) });
    twin = await spawnSandbox(['--port', '0', '--db', sandbox.dbFile, '--token', TOKEN, '--callback-secret', CALLBACK_SECRET, '--quiet']);
  });

  afterAll(async () => {
    await twin?.stop();
    await sandbox?.dispose();
  });

  describe.each([
    ['one sandbox', () => [sandbox, sandbox] as const],
    ['two sandbox processes on one database', () => [sandbox, twin] as const],
  ])('races (%s)', (_name, pair) => {
    it('two Process Payout on one payout: one 200, one 409', async () => {
      const [a, b] = pair();
      for (let round = 0; round < ROUNDS; round++) {
        const initiated = await initiatedPayout(a);
        const path = `/v1/lms/payouts/${initiated.id}/mark_processed/`;
        const answers = await Promise.all([
          a.call('PUT', path, { body: { ...PROCESS_BODY, utr: 'FIRST' } }),
          b.call('PUT', path, { body: { ...PROCESS_BODY, utr: 'SECOND' } }),
        ]);
        expect(statuses(answers)).toEqual([200, 409]);
        const winner = answers.find((x) => x.status === 200)!.body as Payout;
        expect((await payout(a, initiated.id)).utr).toBe(winner.utr);
      }
    });

    it('Process Payout against a failure callback: one wins, the other 409', async () => {
      const [a, b] = pair();
      for (let round = 0; round < ROUNDS; round++) {
        const initiated = await initiatedPayout(a);
        const answers = await Promise.all([
          a.call('PUT', `/v1/lms/payouts/${initiated.id}/mark_processed/`, { body: PROCESS_BODY }),
          b.call('POST', '/v1/lms/payouts/callback/', {
            body: { payout_service_id: initiated.payout_service_id, status: 'failed', failed_remark: 'Bank refused' },
          }),
        ]);
        expect(statuses(answers)).toEqual([200, 409]);
        const final = await payout(a, initiated.id);
        expect(final.status).toBe(answers[0]!.status === 200 ? 'processed' : 'failed');
      }
    });

    it('two Retry Failed Payout on one payout: one 200, one 409', async () => {
      const [a, b] = pair();
      for (let round = 0; round < ROUNDS; round++) {
        const failed = await failedPayout(a);
        const path = `/v1/lms/payouts/${failed.id}/retry/`;
        const answers = await Promise.all([a.call('PUT', path), b.call('PUT', path)]);
        expect(statuses(answers)).toEqual([200, 409]);
        expect((await payout(a, failed.id)).status).toBe('pending');
      }
    });

    it('a success callback against a retry of a payout failed by a first callback: one order or the other, never half of each', async () => {
      const [a, b] = pair();
      for (let round = 0; round < ROUNDS; round++) {
        const failed = await failedPayout(a);
        const answers = await Promise.all([
          a.call('PUT', `/v1/lms/payouts/${failed.id}/retry/`),
          b.call('POST', '/v1/lms/payouts/callback/', {
            body: { payout_service_id: failed.payout_service_id, status: 'processed', utr: 'LATE' },
          }),
        ]);
        // Callback first: it contradicts the recorded failure (409) and the retry makes it pending.
        // Retry first: the success is a late one for a reference no longer current, and pays it.
        // Never a 200 for the callback with the payout left pending, or anything else half-done.
        expect(answers[0]!.status).toBe(200);
        const now = await payout(a, failed.id);
        if (answers[1]!.status === 409) expect(now.status).toBe('pending');
        else expect([answers[1]!.status, now.status, now.utr]).toEqual([200, 'processed', 'LATE']);
      }
    });

    it('two exports naming the same payouts: each payout is in exactly one file', async () => {
      const [a, b] = pair();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push(((await a.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout() })).body as Payout).id);
      const body = { debit_bank_id: DEBIT_BANK, payout_ids: ids };
      const answers = await Promise.all([
        a.call('PUT', '/v1/lms/payouts/export/', { body }),
        b.call('PUT', '/v1/lms/payouts/export/', { body }),
      ]);
      expect(statuses(answers)).toEqual([200, 409]);
    });

    it('twenty concurrent creates with one Idempotency-Key make one payout, answered to all', async () => {
      const [a, b] = pair();
      const body = newPayout();
      const key = `race-${Math.random()}`;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? a : b).call<Payout>('POST', '/v1/lms/payouts/', { body, headers: { 'Idempotency-Key': key } }),
        ),
      );
      expect(new Set(answers.map((x) => x.status))).toEqual(new Set([201]));
      expect(new Set(answers.map((x) => x.body.id)).size).toBe(1);
      const listed = await a.call<PayoutPage>('GET', `/v1/lms/payouts/?loan=${body.loan}`);
      expect(listed.body.count).toBe(1);
    });
  });

  it('many concurrent creates without a key all land, with distinct references', async () => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => call<Payout>((i % 2 ? sandbox : twin).url, 'POST', '/v1/lms/payouts/', { body: newPayout() })),
    );
    expect(answers.every((x) => x.status === 201)).toBe(true);
    expect(new Set(answers.map((x) => x.body.ref_id)).size).toBe(40);
  });
});
