// Type tests (checked by `pnpm lint` and vitest typecheck): handlers are held to the generated
// types, so a handler that drifts from the spec does not compile.
import type { Handlers } from './handlers.js';
import type { Payout } from './types.js';

export const undocumentedStatus: Handlers['retryFailedPayout'] = ({ params }, store) =>
  // @ts-expect-error retryFailedPayout documents no 202
  ({ status: 202, body: store.retryNow(params.id) });

export const wrongBody: Handlers['listPayouts'] = ({ query }, store) =>
  // @ts-expect-error List Payouts answers the page envelope, not a bare list
  ({ status: 200, body: store.pageNow(query).results });

export const missingHeader: Handlers['exportPayoutsForBank'] = ({ body }, store) =>
  // @ts-expect-error the export's 200 documents Content-Disposition
  ({ status: 200, contentType: 'text/csv', body: store.exportForBankNow(body).csv });

export const unknownField: Handlers['createPayout'] = ({ body }, store) => {
  // @ts-expect-error Create Payout's body has no `currency`
  void body.currency;
  return { status: 201, body: store.createNow(body) };
};

export const payoutMissingAField = (payout: Payout): Payout => {
  const { utr: _utr, ...rest } = payout;
  // @ts-expect-error every Payout field is required, utr included
  return rest;
};
