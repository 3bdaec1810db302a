// Type tests (checked by `pnpm typecheck`, which covers every file): handlers are held to the generated
// types, so a handler that drifts from the spec does not compile.
import type { Handlers } from './handlers.js';
import type { Payout } from './types.js';

// @ts-expect-error retryFailedPayout documents no 202
export const undocumentedStatus: Handlers['retryFailedPayout'] = async ({ params }, payouts) => ({
  status: 202,
  body: await payouts.retry(params.id),
});

// @ts-expect-error List Payouts answers the page envelope, not a bare list
export const wrongBody: Handlers['listPayouts'] = async ({ query }, payouts) => ({
  status: 200,
  body: (await payouts.page(query)).results,
});

// @ts-expect-error the export's 200 documents Content-Disposition
export const missingHeader: Handlers['exportPayoutsForBank'] = async ({ body }, payouts) => ({
  status: 200,
  contentType: 'text/csv',
  body: (await payouts.exportForBank(body)).csv,
});

export const unknownField: Handlers['createPayout'] = async ({ body }, payouts) => {
  // @ts-expect-error Create Payout's body has no `currency`
  void body.currency;
  return { status: 201, body: await payouts.create(body) };
};

export const payoutMissingAField = (payout: Payout): Payout => {
  const { utr: _utr, ...rest } = payout;
  // @ts-expect-error every Payout field is required, utr included
  return rest;
};
