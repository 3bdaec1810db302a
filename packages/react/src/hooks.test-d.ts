import { createPayoutsClient, type Payout, type PayoutPage } from '@payouts/client';
import { describe, expectTypeOf, test } from 'vitest';
import { createPayoutsHooks, type PayoutsError } from './index.js';

const hooks = createPayoutsHooks(createPayoutsClient({ baseUrl: 'https://preprod.api.crego.io', token: 'jwt' }));
const id = 'bb572e48-1d50-4a53-b5ae-37b23855f84f';

describe('hook types', () => {
  test('queries hold the spec models and fail with a PayoutsError', () => {
    const list = hooks.useListPayouts({ status: 'failed' });
    expectTypeOf(list.data).toEqualTypeOf<PayoutPage | undefined>();
    expectTypeOf(list.error).toEqualTypeOf<PayoutsError | null>();
    const utrs = hooks.useListUnmatchedPayouts({}, { select: (page) => page.results.map((payout) => payout.utr) });
    expectTypeOf(utrs.data).toEqualTypeOf<(string | null)[] | undefined>();
    // @ts-expect-error `paid` is not a status
    hooks.useListPayouts({ status: 'paid' });
  });

  test('mutations take the typed request options and answer the typed data', () => {
    const process = hooks.useProcessPayout();
    expectTypeOf(process.data).toEqualTypeOf<Payout | undefined>();
    expectTypeOf(process.error).toEqualTypeOf<PayoutsError | null>();
    process.mutate({ params: { path: { id } }, body: { utr: '1', processed_at: 1693161000, debit_bank_id: id } });
    // @ts-expect-error the payout id is required
    process.mutate({ body: { utr: '1', processed_at: 1693161000, debit_bank_id: id } });
    // @ts-expect-error processed_at is an integer
    process.mutate({ params: { path: { id } }, body: { utr: '1', processed_at: '2023-08-27', debit_bank_id: id } });
    expectTypeOf(hooks.useExportPayoutsForBank().data).toEqualTypeOf<string | undefined>();
    hooks.useCreatePayout().mutate({
      // @ts-expect-error `swift` is not a method
      body: { loan: id, account: id, type: 'disbursement', amount: 1, method: 'swift', payout_to: 'borrower', credit_bank_id: id },
    });
  });
});
