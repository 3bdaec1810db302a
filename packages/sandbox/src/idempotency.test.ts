// An Idempotency-Key on every state-changing operation: a repeat answers the first answer (same
// status, same body, for Export the same file byte for byte) and changes nothing; the key with
// another request is a 409; keys are forgotten after 24 hours.

import { loadSpec } from '@payouts/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedBanks } from './seed.js';
import { openDatabase } from './store/open-database.js';
import { DEFAULT_TENANT, PayoutStore } from './store/payout-store.js';
import { newDb, STORES } from './test-support/stores.js';
import { DEBIT_BANK, failedPayout, initiatedPayout, newPayout, payout, startTestSandbox, type TestSandbox } from './testing.js';
import type { Payout, PayoutPage } from './types.js';

let sandbox: TestSandbox;

const keyed = (key: string) => ({ 'Idempotency-Key': key });

describe.each(STORES)('a repeat with the same Idempotency-Key (%s)', (kind) => {
  beforeAll(async () => {
    sandbox = await startTestSandbox({ db: await newDb(kind) });
  });
  afterAll(async () => {
    await sandbox?.dispose();
  });

  it('of an export answers the same file byte for byte, and exports nothing more', async () => {
    const created = (await sandbox.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout() })).body;
    const request = { body: { debit_bank_id: DEBIT_BANK, payout_ids: [created.id] }, headers: keyed('export-1') };
    const first = await sandbox.call('PUT', '/v1/lms/payouts/export/', request);
    // The answer was lost on the way: the caller sends the same request again.
    const again = await sandbox.call('PUT', '/v1/lms/payouts/export/', request);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(first.text.split('\r\n')).toHaveLength(3); // header, one line, the final CRLF
    expect(again.headers.get('content-disposition')).toBe(first.headers.get('content-disposition'));
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    expect((await payout(sandbox, created.id)).status).toBe('initiated');
  });

  it('of Process, Retry and a Callback answers the first answer and changes nothing', async () => {
    const failed = await failedPayout(sandbox);
    const retry = () => sandbox.call<Payout>('PUT', `/v1/lms/payouts/${failed.id}/retry/`, { headers: keyed('retry-1') });
    const firstRetry = await retry();
    expect(firstRetry.status).toBe(200);
    expect(await retry()).toMatchObject({ status: 200, text: firstRetry.text });

    const initiated = await initiatedPayout(sandbox);
    const process = () =>
      sandbox.call<Payout>('PUT', `/v1/lms/payouts/${initiated.id}/mark_processed/`, {
        body: { utr: 'IDEM1', processed_at: 1693161000, debit_bank_id: DEBIT_BANK },
        headers: keyed('process-1'),
      });
    const firstProcess = await process();
    expect(firstProcess.body.status).toBe('processed');
    expect(await process()).toMatchObject({ status: 200, text: firstProcess.text });

    const other = await initiatedPayout(sandbox);
    const callback = () =>
      sandbox.call<Payout>('POST', '/v1/lms/payouts/callback/', {
        body: { payout_service_id: other.payout_service_id, status: 'failed', failed_remark: 'Account closed' },
        headers: keyed('callback-1'),
      });
    const firstCallback = await callback();
    expect(await callback()).toMatchObject({ status: 200, text: firstCallback.text });
  });

  it('of a Create and a Process answers the first answer byte for byte once the payout has moved on', async () => {
    const create = { body: newPayout(), headers: keyed('create-moved-1') };
    const created = await sandbox.call<Payout>('POST', '/v1/lms/payouts/', create);
    expect(created.status).toBe(201);
    const exportRequest = { body: { debit_bank_id: DEBIT_BANK, payout_ids: [created.body.id] } };
    expect((await sandbox.call('PUT', '/v1/lms/payouts/export/', exportRequest)).status).toBe(200);
    const process = () =>
      sandbox.call<Payout>('PUT', `/v1/lms/payouts/${created.body.id}/mark_processed/`, {
        body: { utr: 'MOVED1', processed_at: 1693161000, debit_bank_id: DEBIT_BANK },
        headers: keyed('process-moved-1'),
      });
    const processed = await process();
    expect(processed.body).toMatchObject({ status: 'processed', debit_bank: { id: DEBIT_BANK } });
    const reversal = {
      payout_service_id: processed.body.payout_service_id,
      status: 'reversed',
      remark: 'Returned',
      reversed_at: 1693162000,
    };
    expect((await sandbox.call<Payout>('POST', '/v1/lms/payouts/callback/', { body: reversal })).body.status).toBe('reversed');
    // Both keys answer what they answered then: a pending payout, a processed one with its banks.
    expect(await sandbox.call('POST', '/v1/lms/payouts/', create)).toMatchObject({ status: 201, text: created.text });
    expect(await process()).toMatchObject({ status: 200, text: processed.text });
  });

  it('answers the first refusal again, even once the state has moved on', async () => {
    const created = (await sandbox.call<Payout>('POST', '/v1/lms/payouts/', { body: newPayout() })).body;
    const process = () =>
      sandbox.call('PUT', `/v1/lms/payouts/${created.id}/mark_processed/`, {
        body: { utr: 'EARLY', processed_at: 1693161000, debit_bank_id: DEBIT_BANK },
        headers: keyed('refused-1'),
      });
    const refused = await process();
    expect(refused.status).toBe(409); // still pending
    await sandbox.call('PUT', '/v1/lms/payouts/export/', { body: { debit_bank_id: DEBIT_BANK, payout_ids: [created.id] } });
    expect(await process()).toMatchObject({ status: 409, text: refused.text });
    expect((await payout(sandbox, created.id)).status).toBe('initiated');
  });

  it('with another request (body, payout or operation) is a 409 that changes nothing', async () => {
    const a = await initiatedPayout(sandbox);
    const b = await initiatedPayout(sandbox);
    const body = { utr: 'K1', processed_at: 1693161000, debit_bank_id: DEBIT_BANK };
    await sandbox.call('PUT', `/v1/lms/payouts/${a.id}/mark_processed/`, { body, headers: keyed('reused-1') });
    const otherPayout = await sandbox.call('PUT', `/v1/lms/payouts/${b.id}/mark_processed/`, { body, headers: keyed('reused-1') });
    expect(otherPayout.status).toBe(409);
    expect(otherPayout.body.detail).toBe('Idempotency-Key reused-1 was used with another request (another body, payout or operation).');
    const otherOperation = await sandbox.call('POST', '/v1/lms/payouts/', { body: newPayout(), headers: keyed('reused-1') });
    expect(otherOperation.status).toBe(409);
    expect((await payout(sandbox, b.id)).status).toBe('initiated');
    const listed = await sandbox.call<PayoutPage>('GET', '/v1/lms/payouts/?page_size=1');
    expect(listed.status).toBe(200);
  });
});

describe.each(STORES)('keys (%s)', (kind) => {
  it('are forgotten 24 hours after their first use', async () => {
    let now = 1_800_000_000;
    const store = new PayoutStore(await openDatabase(await newDb(kind)), () => now);
    await seedBanks(store, loadSpec());
    const create = (key: string) =>
      store.answer(
        DEFAULT_TENANT,
        async (payouts) => ({
          status: 201,
          body: await payouts.create(newPayout({ loan: '0f1e2d3c-4b5a-4697-8877-aaaaaaaaaaaa' }) as never),
        }),
        { key, operationId: 'createPayout', params: {}, body: { same: 'request' } },
      );
    const first = await create('day-1');
    now += 24 * 60 * 60 - 1;
    expect((await create('day-1')).body).toEqual(first.body);
    now += 2;
    const later = await create('day-1');
    expect((later.body as Payout).id).not.toBe((first.body as Payout).id);
    await store.close();
  });
});
