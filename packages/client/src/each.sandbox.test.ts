// each() against the real sandbox while the list changes under it: retries and exports from inside
// the loop, payouts created meanwhile, an abort. The naive page loop is here too, failing where
// each() holds, to show why each() exists.
import { randomUUID } from 'node:crypto';
import { signCallback } from '@payouts/callbacks';
import { CALLBACK_SECRET, DEBIT_BANK, newPayout, startTestSandbox, type TestSandbox, TOKEN } from '@payouts/sandbox/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPayoutsClient, type Payout, type PayoutsClient } from './index.js';

let sandbox: TestSandbox;
let client: PayoutsClient;
/** Every request the client sent, as `METHOD /path?query`. */
const sent: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox();
  client = createPayoutsClient({
    baseUrl: sandbox.url,
    token: TOKEN,
    fetch: (url, init) => {
      sent.push(`${init?.method} ${String(url).slice(sandbox.url.length)}`);
      return fetch(url, init);
    },
  });
}, 60_000);
afterAll(() => sandbox?.dispose());

/** `count` new pending payouts on one account of their own (the tests' filters keep them apart). */
async function pending(count: number, account: string = randomUUID()): Promise<{ account: string; ids: string[] }> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, () => client.createPayout(newPayout({ account }) as never)),
    );
    ids.push(...batch.map((p) => p.id));
  }
  return { account, ids };
}

/** `count` failed payouts on an account of their own: created, exported, failed by a signed callback. */
async function failed(count: number): Promise<{ account: string; ids: string[] }> {
  const made = await pending(count);
  await client.exportPayoutsForBank({ debit_bank_id: DEBIT_BANK, payout_ids: made.ids });
  const initiated = await client.listPayouts({ account: made.account, page_size: 100, status: 'initiated' });
  const all: Payout[] = [...initiated.results];
  for (let page = 2; all.length < count; page++)
    all.push(...(await client.listPayouts({ account: made.account, page_size: 100, status: 'initiated', page })).results);
  for (let i = 0; i < all.length; i += 10) {
    await Promise.all(
      all
        .slice(i, i + 10)
        .map((p) =>
          client.receivePayoutCallback(
            { payout_service_id: p.payout_service_id!, status: 'failed', failed_remark: 'Beneficiary account closed' },
            { sign: (raw) => signCallback(raw, CALLBACK_SECRET) },
          ),
        ),
    );
  }
  return made;
}

async function countOf(account: string, status: Payout['status']): Promise<number> {
  return (await client.listPayouts({ account, status, page_size: 1 })).count;
}

describe('each()', { timeout: 120_000 }, () => {
  it('retries every one of 250 failed payouts from inside the loop, none twice', async () => {
    const { account, ids } = await failed(250);
    const retried: string[] = [];
    for await (const payout of client.each('listPayouts', { status: 'failed', account })) {
      await client.retryFailedPayout(payout.id);
      retried.push(payout.id);
    }
    expect(retried).toHaveLength(250);
    expect(new Set(retried)).toEqual(new Set(ids));
    expect(await countOf(account, 'failed')).toBe(0);
  });

  it('(why it exists) the naive page loop retries only some of them', async () => {
    const { account } = await failed(250);
    let retried = 0;
    for (let page = 1; ; page++) {
      const { results } = await client.listPayouts({ status: 'failed', account, page, page_size: 100 });
      if (results.length === 0) break;
      for (const payout of results) {
        await client.retryFailedPayout(payout.id);
        retried += 1;
      }
    }
    expect(retried).toBeLessThan(250);
    expect(await countOf(account, 'failed')).toBe(250 - retried);
  });

  it('exports 120 pending payouts in batches of 7 while walking them, each once', async () => {
    const { account, ids } = await pending(120);
    const exported: string[] = [];
    let batch: string[] = [];
    const exportBatch = async () => {
      await client.exportPayoutsForBank({ debit_bank_id: DEBIT_BANK, payout_ids: batch });
      exported.push(...batch);
      batch = [];
    };
    for await (const payout of client.each('listPayouts', { status: 'pending', account }, { pageSize: 10 })) {
      batch.push(payout.id);
      if (batch.length === 7) await exportBatch();
    }
    if (batch.length > 0) await exportBatch();
    expect(exported).toHaveLength(120);
    expect(new Set(exported)).toEqual(new Set(ids));
    expect(await countOf(account, 'pending')).toBe(0);
  });

  it('neither skips nor repeats while new payouts are created during the walk', async () => {
    const { account, ids } = await pending(45);
    const met: string[] = [];
    for await (const payout of client.each('listPayouts', { account }, { pageSize: 10 })) {
      met.push(payout.id);
      await pending(1, account); // a new payout of the same filter, created after the start
    }
    expect(met).toEqual([...met].sort((a, b) => ids.indexOf(a) - ids.indexOf(b))); // oldest first
    expect(met).toEqual(ids);
  });

  it('walks Unmatched Payouts too, and stops at an abort without a further request', async () => {
    const { account } = await pending(12);
    const controller = new AbortController();
    const met: string[] = [];
    sent.length = 0;
    const walking = (async () => {
      for await (const payout of client.each('listPayouts', { account }, { pageSize: 5, signal: controller.signal })) {
        met.push(payout.id);
        if (met.length === 3) controller.abort(new Error('enough'));
      }
    })();
    await expect(walking).rejects.toThrow('enough');
    expect(met).toHaveLength(3);
    // The newest (the window) and the first page: nothing after the abort.
    expect(sent).toHaveLength(2);

    // Processed with no statement line: unmatched.
    await client.exportPayoutsForBank({ debit_bank_id: DEBIT_BANK, payout_ids: met });
    for (const id of met)
      await client.processPayout(id, { utr: `UTR${id.slice(0, 8)}`, processed_at: 1764900000, debit_bank_id: DEBIT_BANK });
    const unmatched: string[] = [];
    for await (const payout of client.each('listUnmatchedPayouts', { account }, { pageSize: 2 })) unmatched.push(payout.id);
    expect(unmatched).toEqual(met);
  });

  it('refuses what would break the walk, naming it', () => {
    expect(() => client.each('listPayouts', { page: 2 } as never)).toThrow('a walk sets "page" itself; leave it out of the query');
    expect(() => client.each('listPayouts', {}, { pageSize: 500 })).toThrow('pageSize must be a whole number from 1 to 100, got 500');
    expect(() => client.each('createPayout' as never)).toThrow(
      'each() pages through listPayouts and listUnmatchedPayouts, not createPayout',
    );
  });
});
