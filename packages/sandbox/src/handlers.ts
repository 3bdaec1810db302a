// One handler per operationId of the spec, typed from the generated types: a handler that is
// missing, or that answers a body the spec does not describe, fails the type-check.
import type { PayoutStore } from './store/payout-store.js';
import type { Answer, Input, OperationId } from './types.js';

export type Handlers = { [O in OperationId]: (input: Input<O>, store: PayoutStore) => Promise<Answer<O>> };

export const handlers: Handlers = {
  listPayouts: async ({ query }, store) => ({ status: 200, body: await store.list(query, { expandRecord: query.expand === 'record' }) }),

  createPayout: async ({ body, headers }, store) => ({ status: 201, body: await store.create(body, headers['Idempotency-Key']) }),

  processPayout: async ({ params, body }, store) => ({ status: 200, body: await store.markProcessed(params.id, body) }),

  retryFailedPayout: async ({ params }, store) => ({ status: 200, body: await store.retry(params.id) }),

  receivePayoutCallback: async ({ body }, store) => ({ status: 200, body: await store.callback(body) }),

  listUnmatchedPayouts: async ({ query }, store) => ({ status: 200, body: await store.list(query, { unmatched: true }) }),

  exportPayoutsForBank: async ({ body }, store) => {
    const file = await store.exportForBank(body);
    return {
      status: 200,
      contentType: 'text/csv',
      body: file.csv,
      headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
    };
  },
};
