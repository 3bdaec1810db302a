// Type tests (checked by `pnpm lint`): handlers are held to the generated types, so a handler that
// drifts from the spec does not compile.
import type { Handlers } from './handlers.js';
import type { Payout } from './types.js';

export const undocumentedStatus: Handlers['retryFailedPayout'] = async ({ params }, store) =>
  // @ts-expect-error retryFailedPayout documents no 202
  ({ status: 202, body: await store.retry(params.id) });

export const wrongBody: Handlers['listPayouts'] = async ({ query }, store) =>
  // @ts-expect-error List Payouts answers the page envelope, not a bare list
  ({ status: 200, body: (await store.list(query)).results });

export const missingHeader: Handlers['exportPayoutsForBank'] = async ({ body }, store) =>
  // @ts-expect-error the export's 200 documents Content-Disposition
  ({ status: 200, contentType: 'text/csv', body: (await store.exportForBank(body)).csv });

export const unknownField: Handlers['createPayout'] = async ({ body }, store) => {
  // @ts-expect-error Create Payout's body has no `currency`
  void body.currency;
  return { status: 201, body: await store.create(body) };
};

export const payoutMissingAField = (payout: Payout): Payout => {
  const { utr: _utr, ...rest } = payout;
  // @ts-expect-error every Payout field is required, utr included
  return rest;
};
