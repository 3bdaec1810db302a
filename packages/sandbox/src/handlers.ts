// One handler per operationId of the spec, typed from the generated types: a handler that is
// missing, or that answers a body the spec does not describe, fails the type-check. A handler is
// one change (or read) of the calling tenant's payouts: the HTTP side runs it in a write (or a
// read), where an Idempotency-Key's first answer is recorded with the change it made.
import type { Payouts } from './store/payout-store.js';
import type { Answer, Input, OperationId } from './types.js';

export type Handlers = { [O in OperationId]: (input: Input<O>, payouts: Payouts) => Promise<Answer<O>> };

export const handlers: Handlers = {
  listPayouts: async ({ query }, payouts) => ({
    status: 200,
    body: await payouts.page(query, { expandRecord: query.expand === 'record' }),
  }),

  createPayout: async ({ body }, payouts) => ({ status: 201, body: await payouts.create(body) }),

  processPayout: async ({ params, body }, payouts) => ({ status: 200, body: await payouts.markProcessed(params.id, body) }),

  retryFailedPayout: async ({ params }, payouts) => ({ status: 200, body: await payouts.retry(params.id) }),

  receivePayoutCallback: async ({ body }, payouts) => ({ status: 200, body: await payouts.callback(body) }),

  listUnmatchedPayouts: async ({ query }, payouts) => ({ status: 200, body: await payouts.page(query, { unmatched: true }) }),

  exportPayoutsForBank: async ({ body }, payouts) => {
    const file = await payouts.exportForBank(body);
    return {
      status: 200,
      contentType: 'text/csv',
      body: file.csv,
      headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
    };
  },
};
