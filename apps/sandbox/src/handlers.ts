// One handler per operationId of the spec, typed from the generated types: a handler that is
// missing, or that answers a body the spec does not describe, fails the type-check.
import type { PayoutStore } from './store.js';
import type { Answer, Input, OperationId } from './types.js';

export type Handlers = { [O in OperationId]: (input: Input<O>, store: PayoutStore) => Answer<O> };

export const handlers: Handlers = {
  listPayouts: ({ query }, store) => ({ status: 200, body: store.list(query, { expandRecord: query.expand === 'record' }) }),

  createPayout: ({ body, headers }, store) => ({ status: 201, body: store.create(body, headers['Idempotency-Key']) }),

  processPayout: ({ params, body }, store) => ({ status: 200, body: store.markProcessed(params.id, body) }),

  retryFailedPayout: ({ params }, store) => ({ status: 200, body: store.retry(params.id) }),

  receivePayoutCallback: ({ body }, store) => ({ status: 200, body: store.callback(body) }),

  listUnmatchedPayouts: ({ query }, store) => ({ status: 200, body: store.list(query, { unmatched: true }) }),

  exportPayoutsForBank: ({ body }, store) => {
    const file = store.exportForBank(body);
    return {
      status: 200,
      contentType: 'text/csv',
      body: file.csv,
      headers: { 'Content-Disposition': `attachment; filename="${file.fileName}"` },
    };
  },
};
